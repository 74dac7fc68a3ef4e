/**
 * An active SLO as the alerting formats see it (spec 004 FR-10): one request-ratio objective per
 * target the SLO sets, with the PromQL of the series the telemetry adapter reads.
 *
 * Availability: good requests are those whose status does not match the error pattern. Latency
 * "pN ≤ T ms" becomes the equivalent ratio "at least N% of requests take ≤ T ms", read from the
 * histogram's `le` buckets — the form burn-rate alerting needs (Sloth, the SRE workbook): a
 * percentile is not a ratio and has no error budget to burn.
 */
import {
  type AvailabilitySloAlertInput,
  OPENSLO_LABELS,
  type OpenSloDocument,
  prometheusRulesFor,
  promQlString,
  SLI_WINDOW_PLACEHOLDER,
  type PrometheusRuleFile,
  stringifyOpenSlo,
  stringifyPrometheusRules,
} from '@slo-engine/slo-schema';
import { type ActiveSlo } from '../slo.types';

/**
 * How the fleet's request and latency series are named in Prometheus. The API passes the
 * templates its Prometheus telemetry source queries with, so alerts watch the same series the
 * recommendations were computed from.
 */
export interface SloMetricNaming {
  /** Request counter, one series per service and status: `http_requests_total`. */
  readonly requestsMetric: string;
  /** Label naming the service on request and latency series: `service`. */
  readonly serviceLabel: string;
  /** Label carrying the response status on the request counter: `status`. */
  readonly statusLabel: string;
  /** RE2 pattern of status values that count as errors: `5..`. */
  readonly errorStatusRegex: string;
  /** Latency histogram buckets (`_bucket` series with an `le` label). */
  readonly latencyBucketMetric: string;
  /** Milliseconds per unit of the histogram's `le` bounds: 1000 for seconds, 1 for ms. */
  readonly latencyUnitMs: number;
  /** Matchers added to every selector, e.g. `env="prod"`; empty for none. */
  readonly extraMatchers: string;
}

/** The slice of an active SLO that alerting reads. */
export type AlertableSlo = Pick<
  ActiveSlo,
  | 'serviceId'
  | 'availabilityTarget'
  | 'latencyP95TargetMs'
  | 'latencyP99TargetMs'
  | 'latencyP999TargetMs'
>;

export type SloObjectiveName = 'availability' | 'latency-p95' | 'latency-p99' | 'latency-p999';

/** One objective as a ratio of good requests. */
export interface SloRatioObjective {
  readonly name: SloObjectiveName;
  /** Ratio in (0, 1): 0.999 for 99.9% availability, 0.95 for a p95 objective. */
  readonly target: number;
  /** Latency objectives: the threshold in milliseconds; null for availability. */
  readonly thresholdMs: number | null;
  /** PromQL with {@link SLI_WINDOW_PLACEHOLDER} where the range goes. */
  readonly goodQuery: string;
  readonly errorQuery: string;
  readonly totalQuery: string;
  readonly description: string;
}

const LATENCY_OBJECTIVES = [
  ['latency-p95', 'latencyP95TargetMs', 0.95, 'p95'],
  ['latency-p99', 'latencyP99TargetMs', 0.99, 'p99'],
  ['latency-p999', 'latencyP999TargetMs', 0.999, 'p99.9'],
] as const;

/** Prometheus-safe name (slo-schema's rule): a letter, then `[A-Za-z0-9_.-]`, 63 at most. */
const PROMETHEUS_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,62}$/;
/** RFC 1123 label, what OpenSLO names are: leaves room for the longest suffix. */
const OPENSLO_BASE_MAX = 63 - '-latency-p999'.length;
/** Annotation carrying the exact service id when the OpenSLO names had to change it. */
export const OPENSLO_SERVICE_ID_ANNOTATION = 'slo-engine.dev/service-id';
const OPENSLO_OBJECTIVE_ANNOTATION = 'slo-engine.dev/objective';
const OPENSLO_THRESHOLD_ANNOTATION = 'slo-engine.dev/latency-threshold-ms';

/** Objectives of the SLO in a fixed order: availability, then p95, p99, p99.9 — those it sets. */
export function sloRatioObjectives(
  slo: AlertableSlo,
  naming: SloMetricNaming,
): SloRatioObjective[] {
  const window = `[${SLI_WINDOW_PLACEHOLDER}]`;
  const selector = (...matchers: string[]): string =>
    `{${[`${naming.serviceLabel}=${promQlString(slo.serviceId)}`, ...matchers, naming.extraMatchers.trim()].filter((m) => m !== '').join(',')}}`;
  const rate = (metric: string, ...matchers: string[]): string =>
    `sum(rate(${metric}${selector(...matchers)}${window}))`;
  const objectives: SloRatioObjective[] = [];
  if (slo.availabilityTarget !== null) {
    const errors = promQlString(naming.errorStatusRegex);
    objectives.push({
      name: 'availability',
      target: percentToRatio(slo.availabilityTarget),
      thresholdMs: null,
      goodQuery: rate(naming.requestsMetric, `${naming.statusLabel}!~${errors}`),
      errorQuery: rate(naming.requestsMetric, `${naming.statusLabel}=~${errors}`),
      totalQuery: rate(naming.requestsMetric),
      description: `Share of requests of ${slo.serviceId} that do not fail with a server error, at least ${slo.availabilityTarget}%`,
    });
  }
  const all = rate(naming.latencyBucketMetric, 'le="+Inf"');
  for (const [name, field, target, label] of LATENCY_OBJECTIVES) {
    const thresholdMs = slo[field];
    if (thresholdMs === null) continue;
    const fast = rate(
      naming.latencyBucketMetric,
      `le=~${promQlString(leBoundPattern(thresholdMs / naming.latencyUnitMs))}`,
    );
    objectives.push({
      name,
      target,
      thresholdMs,
      goodQuery: fast,
      errorQuery: `(${all} - ${fast})`,
      totalQuery: all,
      description: `${label} latency of ${slo.serviceId} at most ${thresholdMs} ms: at least ${percentText(target)} of requests take ${thresholdMs} ms or less`,
    });
  }
  return objectives;
}

/**
 * RE2 pattern matching the `le` label of the bucket bound `value` as exposition formats write it:
 * `0.3` or `0.30`, `1` or `1.0` (Prometheus 3 normalises classic histogram bounds to floats).
 * The histogram must have a bucket at that bound; otherwise the ratio has no data.
 */
export function leBoundPattern(value: number): string {
  const text = String(Number(value.toPrecision(12)));
  const escaped = text.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
  return text.includes('e') ? escaped : text.includes('.') ? `${escaped}0*` : `${escaped}(\\.0+)?`;
}

/** `service` of the Prometheus rules: the service id when it is a Prometheus-safe name. */
export function prometheusServiceName(serviceId: string): string {
  if (PROMETHEUS_NAME.test(serviceId)) return serviceId;
  const cleaned = serviceId.replace(/[^A-Za-z0-9_.-]+/g, '-');
  return (/^[A-Za-z]/.test(cleaned) ? cleaned : `service-${cleaned}`).slice(0, 63);
}

/** The RFC 1123 name OpenSLO objects of the service start with. */
export function openSloServiceName(serviceId: string): string {
  const base = serviceId
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .slice(0, OPENSLO_BASE_MAX)
    .replace(/^-+|-+$/g, '');
  return base === '' ? 'service' : base;
}

export interface PrometheusAlertRules {
  readonly ruleFile: PrometheusRuleFile;
  readonly yaml: string;
  /** Alert names per objective, page and ticket. */
  readonly alertNames: ReadonlyArray<{
    readonly objective: SloObjectiveName;
    readonly page: string;
    readonly ticket: string;
  }>;
  readonly warnings: readonly string[];
}

/**
 * One rule file for every objective: per objective, slo-schema's Sloth-style SLI recording rules
 * (5m … 3d and the period), meta rules and the page/ticket multi-window multi-burn-rate alerts.
 */
export function prometheusAlertRulesFor(
  objectives: readonly SloRatioObjective[],
  serviceId: string,
  periodDays: number,
): PrometheusAlertRules {
  const service = prometheusServiceName(serviceId);
  const results = objectives.map((objective) => {
    const input: AvailabilitySloAlertInput = {
      service,
      name: objective.name,
      target: objective.target,
      periodDays,
      sli: { errorQuery: objective.errorQuery, totalQuery: objective.totalQuery },
    };
    return { objective, rules: prometheusRulesFor(input) };
  });
  // slo-schema labels every alert `category: availability`; a latency objective's alerts say
  // latency, so routing and dashboards can tell them apart.
  const ruleFile: PrometheusRuleFile = {
    groups: results.flatMap(({ objective, rules }) =>
      rules.ruleFile.groups.map((group) => ({
        ...group,
        rules: group.rules.map((rule) =>
          'alert' in rule && objective.thresholdMs !== null
            ? { ...rule, labels: { ...rule.labels, category: 'latency' } }
            : rule,
        ),
      })),
    ),
  };
  const summary = objectives
    .map((o) =>
      o.thresholdMs === null
        ? `availability ${percentText(o.target)}`
        : `${o.name} ${o.thresholdMs} ms`,
    )
    .join(', ');
  return {
    ruleFile,
    yaml: stringifyPrometheusRules(
      ruleFile,
      `SLO of ${serviceId} over ${periodDays}d: ${summary}. Latency objectives need histogram buckets at their thresholds.`,
    ),
    alertNames: results.map(({ objective, rules }) => ({
      objective: objective.name,
      page: rules.alertNames.page,
      ticket: rules.alertNames.ticket,
    })),
    warnings: results.flatMap(({ objective, rules }) =>
      rules.warnings.map((warning) => `${objective.name}: ${warning}`),
    ),
  };
}

/**
 * OpenSLO v1: per objective a `kind: SLI` (ratioMetric good/total over Prometheus) and its
 * `kind: SLO` (rolling period, Occurrences budgeting), as one multi-document YAML text.
 */
export function openSloDocumentsFor(
  objectives: readonly SloRatioObjective[],
  serviceId: string,
  team: string | null,
  periodDays: number,
): OpenSloDocument[] {
  const base = openSloServiceName(serviceId);
  const query = (promql: string) => ({
    metricSource: {
      type: 'Prometheus',
      spec: { query: promql.split(SLI_WINDOW_PLACEHOLDER).join('5m') },
    },
  });
  return objectives.flatMap((objective): OpenSloDocument[] => {
    const name = `${base}-${objective.name}`;
    const annotations: Record<string, string> = {
      [OPENSLO_SERVICE_ID_ANNOTATION]: serviceId,
      [OPENSLO_OBJECTIVE_ANNOTATION]: objective.name,
      ...(objective.thresholdMs !== null
        ? { [OPENSLO_THRESHOLD_ANNOTATION]: String(objective.thresholdMs) }
        : {}),
    };
    const displayName =
      objective.thresholdMs === null
        ? `availability ≥ ${percentText(objective.target)}`
        : `${percentText(objective.target)} of requests ≤ ${objective.thresholdMs} ms`;
    return [
      {
        apiVersion: 'openslo/v1',
        kind: 'SLI',
        metadata: { name, displayName: `${serviceId} ${objective.name}` },
        spec: {
          ratioMetric: {
            counter: true,
            good: query(objective.goodQuery),
            total: query(objective.totalQuery),
          },
        },
      },
      {
        apiVersion: 'openslo/v1',
        kind: 'SLO',
        metadata: {
          name,
          displayName: `${serviceId} ${displayName}`,
          ...(team !== null ? { labels: { [OPENSLO_LABELS.owner]: team } } : {}),
          annotations,
        },
        spec: {
          description: objective.description,
          service: base,
          indicatorRef: name,
          timeWindow: [{ duration: `${periodDays}d`, isRolling: true }],
          budgetingMethod: 'Occurrences',
          objectives: [{ displayName, target: objective.target }],
        },
      },
    ];
  });
}

export function openSloYamlFor(documents: readonly OpenSloDocument[], serviceId: string): string {
  return `# Generated by SLO Engine: OpenSLO v1 export of the active SLO of ${JSON.stringify(serviceId)}.\n${stringifyOpenSlo(documents)}`;
}

/** 0.9995 → `99.95%`. */
function percentText(ratio: number): string {
  return `${Number((ratio * 100).toPrecision(12))}%`;
}

/** Percent (numeric(7,4)) → ratio without binary noise: 99.9 → 0.999, not 0.9990000000000001. */
function percentToRatio(percent: number): number {
  return Number((percent / 100).toPrecision(15));
}
