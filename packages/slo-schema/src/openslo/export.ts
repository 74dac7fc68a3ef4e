import { stringify } from 'yaml';
import { formatNumber, isList } from '../checker';
import { SloSchemaError } from '../errors';
import { formatIssue } from '../issues';
import { type SloFile } from '../types';
import { sloKey, validateSloDocument } from '../validate';
import {
  type OpenSloDocument,
  type OpenSloIndicatorSpec,
  type OpenSloMetadata,
  type OpenSloObjective,
  type OpenSloSli,
  type OpenSloSlo,
  OPENSLO_ANNOTATIONS,
  OPENSLO_LABELS,
} from './types';

/** How the exported PromQL finds a capability's requests; the defaults follow Prometheus conventions. */
export interface PrometheusNaming {
  /** Counter of all requests. Default `http_requests_total`. */
  readonly requestsMetric?: string;
  /** Extra selector that keeps only good requests. Default `code!~"5.."`. */
  readonly goodSelector?: string;
  /** Latency histogram in seconds (without `_bucket`). Default `http_request_duration_seconds`. */
  readonly durationHistogram?: string;
  /** Label whose value is the capability key `verb:name`. Default `capability`. */
  readonly capabilityLabel?: string;
  /** Range of `rate()`. Default `5m`. */
  readonly rateWindow?: string;
}

export interface OpenSloExportOptions {
  /** Put each SLI inside its SLO (`indicator`) instead of separate `kind: SLI` documents. Default false. */
  readonly inlineIndicators?: boolean;
  /**
   * `target` of the latency objectives: the share of evaluations in which the percentile must stay
   * under its threshold. The SLO file format has no such field. Default 0.99.
   */
  readonly latencyObjectiveTarget?: number;
  /** `metricSource.type`. Default `Prometheus`. */
  readonly sourceType?: string;
  readonly prometheus?: PrometheusNaming;
}

const WINDOW = '30d';
const PERCENTILES = [
  ['p50_ms', 'p50', 0.5],
  ['p95_ms', 'p95', 0.95],
  ['p99_ms', 'p99', 0.99],
] as const;
// Leaves room for the longest suffix ("-availability") within RFC 1123's 63 characters.
const MAX_BASE_LENGTH = 63 - '-availability'.length;

function invalidArgument(message: string): SloSchemaError {
  return new SloSchemaError('SLO_SCHEMA.INVALID_ARGUMENT', message);
}

function nonEmpty(value: unknown, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '')
    throw invalidArgument(`${name} must be a non-empty string`);
  return value;
}

interface ResolvedOptions {
  readonly inline: boolean;
  readonly latencyTarget: number;
  readonly sourceType: string;
  readonly requests: string;
  readonly good: string;
  readonly histogram: string;
  readonly label: string;
  readonly window: string;
}

function resolveOptions(options: OpenSloExportOptions | undefined): ResolvedOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw invalidArgument('options must be an object');
  }
  const o = options ?? {};
  if (o.inlineIndicators !== undefined && typeof o.inlineIndicators !== 'boolean') {
    throw invalidArgument('options.inlineIndicators must be a boolean');
  }
  const latencyTarget = o.latencyObjectiveTarget ?? 0.99;
  if (typeof latencyTarget !== 'number' || !(latencyTarget > 0 && latencyTarget < 1)) {
    throw invalidArgument(
      `options.latencyObjectiveTarget must be in (0, 1); got ${String(latencyTarget)}`,
    );
  }
  const p = o.prometheus ?? {};
  return {
    inline: o.inlineIndicators ?? false,
    latencyTarget,
    sourceType: nonEmpty(o.sourceType, 'options.sourceType', 'Prometheus'),
    requests: nonEmpty(
      p.requestsMetric,
      'options.prometheus.requestsMetric',
      'http_requests_total',
    ),
    good: nonEmpty(p.goodSelector, 'options.prometheus.goodSelector', 'code!~"5.."'),
    histogram: nonEmpty(
      p.durationHistogram,
      'options.prometheus.durationHistogram',
      'http_request_duration_seconds',
    ),
    label: nonEmpty(p.capabilityLabel, 'options.prometheus.capabilityLabel', 'capability'),
    window: nonEmpty(p.rateWindow, 'options.prometheus.rateWindow', '5m'),
  };
}

/**
 * The RFC 1123 name OpenSLO objects of a capability start with: `verb-name`, lower-cased, other
 * characters replaced by `-`. Lossy (the exact verb and name travel in annotations), so two
 * capabilities can share it: `toOpenSloBundle` refuses such a fleet.
 */
export function openSloBaseName(slo: Pick<SloFile, 'capability'>): string {
  const base = `${slo.capability.verb}-${slo.capability.name}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, MAX_BASE_LENGTH)
    .replace(/^-+|-+$/g, '');
  return base === '' ? 'capability' : base;
}

function promString(value: string): string {
  return JSON.stringify(value); // PromQL string literals use Go escaping, which JSON's matches here
}

function source(
  o: ResolvedOptions,
  query: string,
): { metricSource: { type: string; spec: { query: string } } } {
  return { metricSource: { type: o.sourceType, spec: { query } } };
}

/**
 * Exports one SLO file as OpenSLO v1 documents: for availability and for each latency percentile,
 * a `kind: SLI` (ratioMetric good/total, or a thresholdMetric in ms) followed by its `kind: SLO`
 * (rolling 30d window, Occurrences budgeting). What OpenSLO has no field for (exact verb, name,
 * version, error-budget alerts, enforcement) travels in `slo-engine.dev/*` annotations; metadata
 * as the labels team, costCentre and serviceTier.
 * @throws SloSchemaError `SLO_SCHEMA.INVALID_SLO` if `slo` does not validate, `SLO_SCHEMA.INVALID_ARGUMENT` for bad options.
 */
export function toOpenSlo(slo: SloFile, options?: OpenSloExportOptions): OpenSloDocument[] {
  const o = resolveOptions(options);
  const checked = validateSloDocument(slo, { file: '<toOpenSlo>' });
  if (!checked.ok) {
    const shown = checked.issues
      .slice(0, 5)
      .map((i) => formatIssue(i))
      .join('; ');
    throw new SloSchemaError('SLO_SCHEMA.INVALID_SLO', `toOpenSlo needs a valid SloFile: ${shown}`);
  }
  const s = checked.value;
  const key = sloKey(s);
  const base = openSloBaseName(s);
  const selector = `${o.label}=${promString(key)}`;
  const labels = {
    [OPENSLO_LABELS.owner]: s.metadata.owner,
    [OPENSLO_LABELS.cost_center]: s.metadata.cost_center,
    [OPENSLO_LABELS.tier]: s.metadata.tier,
  };
  const annotationsFor = (objective: string): Record<string, string> => ({
    [OPENSLO_ANNOTATIONS.verb]: s.capability.verb,
    [OPENSLO_ANNOTATIONS.name]: s.capability.name,
    [OPENSLO_ANNOTATIONS.version]: s.capability.version,
    [OPENSLO_ANNOTATIONS.objective]: objective,
    [OPENSLO_ANNOTATIONS.monthlyPct]: String(s.slo.error_budget.monthly_pct),
    [OPENSLO_ANNOTATIONS.alerts]: JSON.stringify(s.slo.error_budget.alerts),
    [OPENSLO_ANNOTATIONS.rejectOnViolation]: String(s.enforcement.reject_on_violation),
    [OPENSLO_ANNOTATIONS.gracePeriodDays]: String(s.enforcement.grace_period_days),
  });

  const documents: OpenSloDocument[] = [];
  const emit = (
    suffix: string,
    objectiveName: string,
    description: string,
    indicator: OpenSloIndicatorSpec,
    objective: OpenSloObjective,
  ): void => {
    const name = `${base}-${suffix}`;
    const sliMetadata: OpenSloMetadata = { name, displayName: `${key} ${suffix}` };
    const slo: OpenSloSlo = {
      apiVersion: 'openslo/v1',
      kind: 'SLO',
      metadata: {
        name,
        displayName: `${key} ${objective.displayName ?? suffix}`,
        labels,
        annotations: annotationsFor(objectiveName),
      },
      spec: {
        description,
        service: s.capability.name,
        ...(o.inline
          ? { indicator: { metadata: sliMetadata, spec: indicator } }
          : { indicatorRef: name }),
        timeWindow: [{ duration: WINDOW, isRolling: true }],
        budgetingMethod: 'Occurrences',
        objectives: [objective],
      },
    };
    if (!o.inline) {
      const sli: OpenSloSli = {
        apiVersion: 'openslo/v1',
        kind: 'SLI',
        metadata: sliMetadata,
        spec: indicator,
      };
      documents.push(sli);
    }
    documents.push(slo);
  };

  const target = s.slo.availability.target;
  emit(
    'availability',
    'availability',
    `Share of successful requests of ${key} over a rolling ${WINDOW}`,
    {
      ratioMetric: {
        counter: true,
        good: source(o, `sum(rate(${o.requests}{${selector},${o.good}}[${o.window}]))`),
        total: source(o, `sum(rate(${o.requests}{${selector}}[${o.window}]))`),
      },
    },
    { displayName: `availability ≥ ${formatNumber(target * 100)}%`, target },
  );
  for (const [field, label, quantile] of PERCENTILES) {
    const ms = s.slo.latency[field];
    emit(
      `latency-${label}`,
      `latency-${label}`,
      `${label} latency of ${key} in milliseconds`,
      {
        thresholdMetric: source(
          o,
          `1000 * histogram_quantile(${quantile}, sum by (le) (rate(${o.histogram}_bucket{${selector}}[${o.window}])))`,
        ),
      },
      { displayName: `${label} latency ≤ ${ms} ms`, op: 'lte', value: ms, target: o.latencyTarget },
    );
  }
  return documents;
}

/**
 * `toOpenSlo` for a fleet, in input order.
 * @throws SloSchemaError `SLO_SCHEMA.DUPLICATE_CAPABILITY` when two SLOs share a key,
 *   `SLO_SCHEMA.NAME_COLLISION` when two capabilities map to the same OpenSLO name.
 */
export function toOpenSloBundle(
  slos: readonly SloFile[],
  options?: OpenSloExportOptions,
): OpenSloDocument[] {
  if (!isList(slos)) throw invalidArgument('slos must be an array of SloFile');
  const byBase = new Map<string, string>();
  const out: OpenSloDocument[] = [];
  for (const slo of slos) {
    const documents = toOpenSlo(slo, options);
    const key = sloKey(slo);
    const base = openSloBaseName(slo);
    const other = byBase.get(base);
    if (other === key) {
      throw new SloSchemaError(
        'SLO_SCHEMA.DUPLICATE_CAPABILITY',
        `two SLOs for capability "${key}"`,
      );
    }
    if (other !== undefined) {
      throw new SloSchemaError(
        'SLO_SCHEMA.NAME_COLLISION',
        `capabilities "${other}" and "${key}" both become OpenSLO name "${base}"; rename one of them`,
      );
    }
    byBase.set(base, key);
    out.push(...documents);
  }
  return out;
}

/** Serialises documents as one multi-document YAML text (`---` between documents). */
export function stringifyOpenSlo(documents: readonly OpenSloDocument[]): string {
  if (!isList(documents)) throw invalidArgument('documents must be an array');
  // lineWidth 0: never fold long PromQL queries across lines.
  return documents.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
}
