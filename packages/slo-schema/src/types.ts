/**
 * The SLO file format of the controller (spec 000, ADR-0026). Field names are the YAML keys,
 * so a parsed file is plain data that serialises back to the same document.
 */

/** The capability an SLO applies to. Its key is `verb:name`. */
export interface SloCapability {
  readonly verb: string;
  readonly name: string;
  /** Always a string: YAML reads an unquoted `1.0` as a number, which validation rejects. */
  readonly version: string;
}

/** Latency objectives in whole milliseconds; p50 ≤ p95 ≤ p99 (equal values are allowed). */
export interface SloLatency {
  readonly p50_ms: number;
  readonly p95_ms: number;
  readonly p99_ms: number;
}

/** Availability objective: the fraction of successful requests, in the open interval (0, 1). */
export interface SloAvailability {
  readonly target: number;
}

/** Notify `channel` once `threshold` (a fraction in (0, 1]) of the error budget is consumed. */
export interface SloBudgetAlert {
  readonly threshold: number;
  readonly channel: string;
}

export interface SloErrorBudget {
  /** The error budget in percent of requests over the monthly window: (1 − target) × 100. */
  readonly monthly_pct: number;
  /** Strictly increasing thresholds; may be empty. */
  readonly alerts: readonly SloBudgetAlert[];
}

export interface SloDefinition {
  readonly latency: SloLatency;
  readonly availability: SloAvailability;
  readonly error_budget: SloErrorBudget;
}

export interface SloEnforcement {
  /** false = log violations only (phase 1 of spec 000). */
  readonly reject_on_violation: boolean;
  /** Whole days ≥ 0 before enforcement starts. */
  readonly grace_period_days: number;
}

export interface SloMetadata {
  readonly owner: string;
  readonly cost_center: string;
  readonly tier: string;
}

/** One SLO file: `capability`, `slo`, `enforcement` and `metadata`, nothing else. */
export interface SloFile {
  readonly capability: SloCapability;
  readonly slo: SloDefinition;
  readonly enforcement: SloEnforcement;
  readonly metadata: SloMetadata;
}

/** A validated SLO together with where it came from. */
export interface LoadedSlo {
  /** `verb:name`. */
  readonly key: string;
  readonly file: string;
  readonly slo: SloFile;
}

/**
 * One problem found in an input. `path` is dotted with `[i]` for list items
 * (`slo.error_budget.alerts[1].threshold`); empty for problems of the whole document.
 * `line` and `column` (1-based) are present when the input was YAML text.
 */
export interface ValidationIssue {
  readonly file: string;
  readonly path: string;
  readonly reason: string;
  readonly severity: 'error' | 'warning';
  readonly line?: number;
  readonly column?: number;
}

/**
 * Every validating function returns all problems it found, never just the first.
 * `issues` holds the errors (severity `error`); `warnings` never make a result fail.
 */
export type ValidationResult<T> =
  | { readonly ok: true; readonly value: T; readonly warnings: readonly ValidationIssue[] }
  | {
      readonly ok: false;
      readonly issues: readonly ValidationIssue[];
      readonly warnings: readonly ValidationIssue[];
    };

/** Metric names a metrics file and `checkCompliance` understand. */
export type SloMetricName =
  'p50_ms' | 'p95_ms' | 'p99_ms' | 'availability' | 'error_budget_consumed';

/**
 * Measured values for one capability. Latencies in ms (≥ 0), availability in [0, 1],
 * error_budget_consumed the fraction of the budget used (0 = untouched, 1 = exhausted, may exceed 1).
 */
export type SloMetrics = { readonly [M in SloMetricName]?: number };

/** Metrics keyed by capability key `verb:name`. */
export type MetricsByCapability =
  { readonly [capability: string]: SloMetrics } | ReadonlyMap<string, SloMetrics>;
