/**
 * Recommendations as the core computes and stores them (spec 004 FR-2, FR-3, FR-7). The API
 * presents them in the specification's snake_case shape; storage keeps these objects as JSON.
 */
import { type TimeRange } from './telemetry.port';

export type SliType = 'availability' | 'latency';
export type TierName = 'conservative' | 'balanced' | 'aggressive';
/**
 * `accepted` and `rejected`: a service owner (or an auto-approval rule) decided on it (spec 004
 * FR-5); like superseded and expired, it is no longer active.
 */
export type RecommendationStatus = 'active' | 'superseded' | 'expired' | 'accepted' | 'rejected';

export interface AvailabilityTierRecommendation {
  /** Percent, e.g. 99.9. */
  readonly target: number;
  readonly errorBudgetMonthlyMinutes: number;
  /** Share of historical daily windows below the target; null without any history (cold start). */
  readonly estimatedBreachProbability: number | null;
  /** Percent, [low, high], bootstrap over the daily windows; null without any history. */
  readonly confidenceInterval: readonly [number, number] | null;
}

export interface LatencyTierRecommendation {
  readonly targetMs: number;
  readonly percentile: 'p99.9' | 'p99' | 'p95';
  /** Share of historical days whose latency at this percentile exceeded the target; null without history. */
  readonly estimatedBreachProbability: number | null;
}

export interface FeatureAttribution {
  readonly feature: string;
  /**
   * Exact Shapley value of the feature in the recommendation function, in the target's unit
   * (percentage points for availability, ms for latency). The contributions sum to
   * `target − baselineTarget`.
   */
  readonly contribution: number;
  /** The feature's value for this service, and in the baseline. */
  readonly value: number;
  readonly baselineValue: number;
}

export interface Counterfactual {
  readonly condition: string;
  readonly result: string;
  readonly feature: string;
  /** The recommended (balanced) target under the condition. */
  readonly target: number;
}

export interface DependencyImpact {
  /** Percent; the balanced availability target never exceeds it. */
  readonly compositeAvailabilityBound: number;
  readonly hardDependencyCount: number;
  readonly bottleneckService: string | null;
  readonly bottleneckContribution: string | null;
  /** Soft dependencies left out of the composite (degraded-mode risks). */
  readonly softDependencies: readonly string[];
  readonly externalDependencies: readonly ExternalDependencyRisk[];
  /** Members of the service's circular-dependency group, counted as one supernode. */
  readonly cycleMembers: readonly string[];
}

export interface ExternalDependencyRisk {
  readonly serviceId: string;
  /** Percent used for planning. */
  readonly availability: number;
  readonly availabilitySource: 'observed' | 'published-sla' | 'assumed';
  /** Share of the balanced target's error budget this dependency alone consumes. */
  readonly errorBudgetShare: number;
  readonly highDependencyRisk: boolean;
}

export interface Provenance {
  /** The graph version the dependency analysis read (`graph_state.version`). */
  readonly dependencyGraphSnapshotId: string;
  readonly lookbackWindowStart: Date;
  readonly lookbackWindowEnd: Date;
  readonly dataCompleteness: number;
}

export interface Explanation {
  readonly summary: string;
  /** Sorted by absolute contribution, largest first. */
  readonly featureAttribution: readonly FeatureAttribution[];
  /** What the attribution is measured against. */
  readonly baseline: { readonly description: string; readonly target: number };
  readonly counterfactuals: readonly Counterfactual[];
  readonly dependencyImpact?: DependencyImpact;
  readonly warnings: readonly string[];
  readonly note?: string;
  readonly provenance: Provenance;
}

export interface AvailabilityRecommendation {
  readonly sliType: 'availability';
  readonly metric: 'error_rate';
  readonly tiers: Readonly<Record<TierName, AvailabilityTierRecommendation>>;
  readonly explanation: Explanation;
}

export interface LatencyRecommendation {
  readonly sliType: 'latency';
  readonly metric: 'p99_response_time_ms';
  readonly tiers: Readonly<Record<TierName, LatencyTierRecommendation>>;
  readonly explanation: Explanation;
}

export type Recommendation = AvailabilityRecommendation | LatencyRecommendation;

export interface TelemetryGap {
  readonly start: Date;
  readonly end: Date;
}

export interface DataQuality {
  /** Share of the lookback window's buckets with samples, 0–1. */
  readonly dataCompleteness: number;
  readonly telemetryGaps: readonly TelemetryGap[];
  readonly confidenceNote: string;
  /** True when fewer than 30 days of data forced the cold-start strategy. */
  readonly coldStart: boolean;
  /** Cold start: when enough data will exist for a history-based recommendation. */
  readonly reevaluateAt: Date | null;
  readonly archetype?: ServiceArchetype;
}

export type ServiceArchetype =
  'api_gateway' | 'backend_service' | 'external_integration' | 'data_pipeline';

export interface StoredRecommendation {
  readonly id: string;
  readonly serviceId: string;
  readonly sliType: SliType;
  readonly recommendation: Recommendation;
  readonly dataQuality: DataQuality;
  readonly lookbackWindow: TimeRange;
  readonly lookbackDays: number;
  readonly graphVersion: number;
  /**
   * sha256 of the dependency facts the recommendation used (downstream closure, edge kinds,
   * external flags): a graph change elsewhere keeps it valid, a change below it does not.
   */
  readonly dependencyDigest: string;
  readonly generatedAt: Date;
  readonly expiresAt: Date;
  readonly status: RecommendationStatus;
}
