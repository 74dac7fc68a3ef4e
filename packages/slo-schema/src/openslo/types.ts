/** The subset of OpenSLO v1 (https://github.com/OpenSLO/OpenSLO) that `toOpenSlo` writes. */

export interface OpenSloMetadata {
  readonly name: string;
  readonly displayName?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export interface OpenSloMetricSource {
  readonly metricSource: {
    readonly type: string;
    readonly spec: { readonly query: string };
  };
}

export interface OpenSloIndicatorSpec {
  readonly description?: string;
  readonly ratioMetric?: {
    readonly counter: boolean;
    readonly good: OpenSloMetricSource;
    readonly total: OpenSloMetricSource;
  };
  readonly thresholdMetric?: OpenSloMetricSource;
}

export interface OpenSloSli {
  readonly apiVersion: 'openslo/v1';
  readonly kind: 'SLI';
  readonly metadata: OpenSloMetadata;
  readonly spec: OpenSloIndicatorSpec;
}

export interface OpenSloObjective {
  readonly displayName?: string;
  readonly op?: 'lte' | 'lt' | 'gte' | 'gt';
  readonly value?: number;
  readonly target: number;
}

export interface OpenSloSloSpec {
  readonly description?: string;
  readonly service: string;
  readonly indicatorRef?: string;
  readonly indicator?: { readonly metadata: OpenSloMetadata; readonly spec: OpenSloIndicatorSpec };
  readonly timeWindow: readonly [{ readonly duration: string; readonly isRolling: boolean }];
  readonly budgetingMethod: 'Occurrences' | 'Timeslices' | 'RatioTimeslices';
  readonly objectives: readonly OpenSloObjective[];
}

export interface OpenSloSlo {
  readonly apiVersion: 'openslo/v1';
  readonly kind: 'SLO';
  readonly metadata: OpenSloMetadata;
  readonly spec: OpenSloSloSpec;
}

export type OpenSloDocument = OpenSloSli | OpenSloSlo;

/** Annotations carrying what OpenSLO has no field for, so our own export round-trips exactly. */
export const OPENSLO_ANNOTATIONS = {
  verb: 'slo-engine.dev/capability-verb',
  name: 'slo-engine.dev/capability-name',
  version: 'slo-engine.dev/capability-version',
  /** `availability`, `latency-p50`, `latency-p95` or `latency-p99`. */
  objective: 'slo-engine.dev/objective',
  monthlyPct: 'slo-engine.dev/error-budget-monthly-pct',
  /** JSON list of `{ threshold, channel }`. */
  alerts: 'slo-engine.dev/error-budget-alerts',
  rejectOnViolation: 'slo-engine.dev/reject-on-violation',
  gracePeriodDays: 'slo-engine.dev/grace-period-days',
} as const;

/** SLO metadata travels as the labels of the OpenSLO README's example. */
export const OPENSLO_LABELS = {
  owner: 'team',
  cost_center: 'costCentre',
  tier: 'serviceTier',
} as const;
