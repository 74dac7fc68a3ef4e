import { formatNumber, isList, isPlainMapping } from './checker';
import { SloSchemaError } from './errors';
import { isMetricName, metricProblem, SLO_METRIC_NAMES } from './metrics';
import {
  type MetricsByCapability,
  type SloBudgetAlert,
  type SloFile,
  type SloMetricName,
  type SloMetrics,
} from './types';
import { sloKey } from './validate';

export interface SloViolation {
  readonly metric: SloMetricName;
  readonly actual: number;
  readonly target: number;
  /** e.g. `p95 latency 250 ms > target 100 ms`. */
  readonly message: string;
}

export interface ComplianceResult {
  /** `verb:name`. */
  readonly key: string;
  /** True when no measured metric violates its objective (unmeasured metrics do not count). */
  readonly compliant: boolean;
  readonly violations: readonly SloViolation[];
  /** Metrics absent from the input: reported, never a violation. */
  readonly notMeasured: readonly SloMetricName[];
  /** Error-budget alerts whose threshold the consumed budget has reached, lowest first. */
  readonly triggeredAlerts: readonly SloBudgetAlert[];
}

export interface FleetComplianceResult {
  readonly compliant: boolean;
  /** One result per SLO, in input order. */
  readonly results: readonly ComplianceResult[];
  readonly violationCount: number;
  /** Capability keys that have metrics but no SLO, sorted. */
  readonly unknownCapabilities: readonly string[];
}

const LATENCY_METRICS = ['p50_ms', 'p95_ms', 'p99_ms'] as const;
const LATENCY_LABEL: Readonly<Record<'p50_ms' | 'p95_ms' | 'p99_ms', string>> = {
  p50_ms: 'p50',
  p95_ms: 'p95',
  p99_ms: 'p99',
};

function invalidSlo(message: string): SloSchemaError {
  return new SloSchemaError('SLO_SCHEMA.INVALID_SLO', message);
}

const isObject = (x: unknown): x is Readonly<Record<string, unknown>> =>
  typeof x === 'object' && x !== null;
const isFinite = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
// Shared by every result without entries; frozen so no caller can fill it for everyone.
const NONE: readonly never[] = Object.freeze([]);

// Cheap shape check of the fields compliance reads; full validation is validateSloDocument's job
// and would dominate the cost of checking a large fleet.
function assertCheckable(slo: SloFile): void {
  if (!isObject(slo) || !isObject(slo.capability) || !isObject(slo.slo)) {
    throw invalidSlo('slo must be a validated SloFile (see validateSloDocument)');
  }
  const { latency, availability, error_budget } = slo.slo;
  if (
    typeof slo.capability.verb !== 'string' ||
    typeof slo.capability.name !== 'string' ||
    !isObject(latency) ||
    !isFinite(latency.p50_ms) ||
    !isFinite(latency.p95_ms) ||
    !isFinite(latency.p99_ms) ||
    !isObject(availability) ||
    !isFinite(availability.target) ||
    !isObject(error_budget) ||
    !Array.isArray(error_budget.alerts)
  ) {
    throw invalidSlo(
      `slo ${JSON.stringify(String(slo.capability.verb))}:${JSON.stringify(String(slo.capability.name))} is not a valid SloFile (see validateSloDocument)`,
    );
  }
}

function assertMetrics(key: string, metrics: SloMetrics): void {
  if (!isPlainMapping(metrics)) {
    throw new SloSchemaError(
      'SLO_SCHEMA.INVALID_METRICS',
      `metrics for "${key}" must be an object`,
    );
  }
  // for...in allocates nothing, which matters when a fleet of thousands is checked.
  for (const name in metrics) {
    if (!Object.prototype.hasOwnProperty.call(metrics, name)) continue;
    const value = (metrics as Readonly<Record<string, unknown>>)[name];
    if (value === undefined) continue;
    if (!isMetricName(name)) {
      throw new SloSchemaError(
        'SLO_SCHEMA.INVALID_METRICS',
        `metrics for "${key}": unknown metric "${name}"; known metrics: ${SLO_METRIC_NAMES.join(', ')}`,
      );
    }
    const problem = metricProblem(name, value);
    if (problem !== undefined) {
      throw new SloSchemaError(
        'SLO_SCHEMA.INVALID_METRICS',
        `metrics for "${key}": ${name} ${problem}`,
      );
    }
  }
}

/**
 * Compares measured metrics with one SLO. Latency violates when actual > target, availability
 * when actual < target, error budget when more than all of it is consumed (actual > 1); values
 * exactly on the objective comply. O(number of alerts).
 * @throws SloSchemaError `SLO_SCHEMA.INVALID_SLO` / `SLO_SCHEMA.INVALID_METRICS` on malformed input.
 */
export function checkCompliance(slo: SloFile, metrics: SloMetrics): ComplianceResult {
  assertCheckable(slo);
  const key = sloKey(slo);
  assertMetrics(key, metrics);
  return evaluate(slo, key, metrics);
}

function evaluate(slo: SloFile, key: string, metrics: SloMetrics): ComplianceResult {
  // Arrays are created only when needed: most capabilities of a fleet have nothing to report.
  let violations: SloViolation[] | undefined;
  let notMeasured: SloMetricName[] | undefined;
  const { latency, availability } = slo.slo;

  for (const metric of LATENCY_METRICS) {
    const actual = metrics[metric];
    if (actual === undefined) (notMeasured ??= []).push(metric);
    else if (actual > latency[metric]) {
      (violations ??= []).push({
        metric,
        actual,
        target: latency[metric],
        message: `${LATENCY_LABEL[metric]} latency ${formatNumber(actual)} ms > target ${latency[metric]} ms`,
      });
    }
  }
  const measuredAvailability = metrics.availability;
  if (measuredAvailability === undefined) (notMeasured ??= []).push('availability');
  else if (measuredAvailability < availability.target) {
    (violations ??= []).push({
      metric: 'availability',
      actual: measuredAvailability,
      target: availability.target,
      message: `availability ${formatNumber(measuredAvailability)} < target ${formatNumber(availability.target)}`,
    });
  }
  const consumed = metrics.error_budget_consumed;
  let triggeredAlerts: SloBudgetAlert[] | undefined;
  if (consumed === undefined) (notMeasured ??= []).push('error_budget_consumed');
  else {
    if (consumed > 1) {
      (violations ??= []).push({
        metric: 'error_budget_consumed',
        actual: consumed,
        target: 1,
        message: `error budget ${formatNumber(consumed * 100)}% consumed > 100%`,
      });
    }
    for (const alert of slo.slo.error_budget.alerts) {
      if (consumed >= alert.threshold) (triggeredAlerts ??= []).push(alert);
    }
  }
  return {
    key,
    compliant: violations === undefined,
    violations: violations ?? NONE,
    notMeasured: notMeasured ?? NONE,
    triggeredAlerts: triggeredAlerts ?? NONE,
  };
}

function lookup(metrics: MetricsByCapability, key: string): SloMetrics | undefined {
  if (metrics instanceof Map) return (metrics as ReadonlyMap<string, SloMetrics>).get(key);
  const record = metrics as { readonly [capability: string]: SloMetrics };
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/**
 * Checks every SLO against the metrics of its capability (`verb:name` → metrics, as a plain
 * object or a Map). A capability without metrics is compliant with everything "not measured".
 * O(n + m) for n SLOs and m metric entries.
 * @throws SloSchemaError `SLO_SCHEMA.DUPLICATE_CAPABILITY` when two SLOs share a key, plus the
 *   errors of checkCompliance.
 */
export function checkFleetCompliance(
  slos: readonly SloFile[],
  metricsByCapability: MetricsByCapability,
): FleetComplianceResult {
  if (!isList(slos)) {
    throw new SloSchemaError('SLO_SCHEMA.INVALID_ARGUMENT', 'slos must be an array of SloFile');
  }
  if (!(metricsByCapability instanceof Map) && !isPlainMapping(metricsByCapability)) {
    throw new SloSchemaError(
      'SLO_SCHEMA.INVALID_ARGUMENT',
      'metricsByCapability must be an object or a Map',
    );
  }
  const seen = new Set<string>();
  const results: ComplianceResult[] = [];
  let violationCount = 0;
  for (const slo of slos) {
    assertCheckable(slo);
    const key = sloKey(slo);
    if (seen.has(key)) {
      throw new SloSchemaError(
        'SLO_SCHEMA.DUPLICATE_CAPABILITY',
        `two SLOs for capability "${key}"`,
      );
    }
    seen.add(key);
    const metrics = lookup(metricsByCapability, key) ?? {};
    assertMetrics(key, metrics);
    const result = evaluate(slo, key, metrics);
    violationCount += result.violations.length;
    results.push(result);
  }
  const metricKeys =
    metricsByCapability instanceof Map
      ? [...(metricsByCapability as ReadonlyMap<string, SloMetrics>).keys()]
      : Object.keys(metricsByCapability);
  const unknownCapabilities = metricKeys.filter((k) => !seen.has(k)).sort();
  return { compliant: violationCount === 0, results, violationCount, unknownCapabilities };
}
