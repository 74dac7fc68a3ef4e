/**
 * The organisational dashboard of spec 004 FR-12: SLO coverage, error-budget health and
 * recommendation quality across teams and criticalities. The numbers are precomputed on a
 * schedule (materialised views in PostgreSQL); every report says when they were computed.
 */
import { type ServiceCriticality } from '../graph/graph.types';
import { type DecisionAction } from '../slos/decide-recommendation/decide-recommendation.types';

/** The group of services whose `team` is null. */
export const UNASSIGNED_TEAM = 'unassigned';

/** The aggregate window budgets and breaches are judged over: the SLO period of 28 days. */
export const DASHBOARD_AGGREGATE_WINDOW = '28d';

/** Trailing window of the decision counts (a quarter: decisions are rare per service). */
export const RECOMMENDATION_QUALITY_WINDOW_DAYS = 90;

/** Audit actions that are decisions on a recommendation (not expiry or drift). */
export const DASHBOARD_DECISION_ACTIONS = [
  'accept',
  'modify',
  'reject',
  'auto_approve',
] as const satisfies readonly DecisionAction[];

/** Default and largest length of the most-consumed list. */
export const DEFAULT_TOP_CONSUMERS = 10;
export const MAX_TOP_CONSUMERS = 100;

/**
 * Error-budget consumption buckets, by share of the budget consumed: [0, .25), [.25, .5),
 * [.5, .75), [.75, 1), and 1 or more (exhausted).
 */
export const BUDGET_BUCKETS = [
  'under_25',
  '25_to_50',
  '50_to_75',
  '75_to_100',
  'exhausted',
] as const;
export type BudgetBucket = (typeof BUDGET_BUCKETS)[number];

// ---------------------------------------------------------------------------------------------
// What the precomputed views hold (cells), shared by every read model
// ---------------------------------------------------------------------------------------------

/** Coverage of one (team, criticality). */
export interface CoverageCell {
  readonly team: string;
  readonly criticality: ServiceCriticality;
  readonly services: number;
  readonly withActiveSlo: number;
  /** Services with a current recommendation nobody has decided on yet. */
  readonly pendingRecommendation: number;
}

/** Error-budget consumption of one service with an active availability SLO. */
export interface BudgetConsumption {
  readonly serviceId: string;
  readonly team: string;
  readonly criticality: ServiceCriticality;
  /** Percent (99.9). */
  readonly availabilityTarget: number;
  /** Ratio over the 28-day window (0.9987). */
  readonly observedAvailability: number;
  /** Share of the budget consumed (0.42); 1 or more when exhausted. */
  readonly budgetConsumed: number;
  readonly bucket: BudgetBucket;
  /** When the 28-day aggregate was computed (the end of its window). */
  readonly observedAt: Date;
}

/** How many services of a team fall in one budget bucket. */
export interface BudgetCell {
  readonly team: string;
  readonly bucket: BudgetBucket;
  readonly services: number;
}

export interface DecisionCounts {
  readonly accept: number;
  readonly modify: number;
  readonly reject: number;
  readonly autoApprove: number;
}

export interface BreachCounts {
  /** Active SLOs with that target and a 28-day aggregate to judge it by. */
  readonly evaluated: number;
  /** Of those, the ones the aggregate does not meet. */
  readonly breached: number;
}

/** Recommendation quality of one (team, criticality). */
export interface QualityCell {
  readonly team: string;
  readonly criticality: ServiceCriticality;
  readonly decisions: DecisionCounts;
  readonly availability: BreachCounts;
  readonly latencyP99: BreachCounts;
}

// ---------------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------------

export interface CoverageFigures {
  readonly services: number;
  readonly withActiveSlo: number;
  readonly pendingRecommendation: number;
  readonly withoutSlo: number;
  /** withActiveSlo / services; null without services. */
  readonly coverageRatio: number | null;
}

export interface CriticalityCoverage extends CoverageFigures {
  readonly criticality: ServiceCriticality;
}

export interface TeamCoverage extends CoverageFigures {
  readonly team: string;
  /** Every criticality, in SERVICE_CRITICALITIES order (zeros included). */
  readonly byCriticality: readonly CriticalityCoverage[];
}

export interface CoverageReport {
  readonly refreshedAt: Date;
  readonly totals: CoverageFigures;
  readonly byCriticality: readonly CriticalityCoverage[];
  /** Teams by name. */
  readonly teams: readonly TeamCoverage[];
}

export interface BudgetDistribution {
  readonly services: number;
  readonly buckets: Readonly<Record<BudgetBucket, number>>;
}

export interface TeamBudgetDistribution extends BudgetDistribution {
  readonly team: string;
}

export interface ErrorBudgetHealthReport {
  readonly refreshedAt: Date;
  readonly totals: BudgetDistribution;
  /** Teams by name. */
  readonly teams: readonly TeamBudgetDistribution[];
  /** Most consumed first (ties by service id). */
  readonly mostConsumed: readonly BudgetConsumption[];
}

export interface BreachFigures extends BreachCounts {
  /** breached / evaluated; null when nothing could be evaluated. */
  readonly breachRate: number | null;
}

export interface QualityFigures {
  readonly decisions: DecisionCounts & { readonly total: number };
  /** (accept + modify + auto_approve) / decisions; null without decisions. */
  readonly acceptanceRate: number | null;
  /** modify / decisions; null without decisions. */
  readonly modificationRate: number | null;
  readonly availabilityBreaches: BreachFigures;
  readonly latencyP99Breaches: BreachFigures;
}

export interface CriticalityQuality extends QualityFigures {
  readonly criticality: ServiceCriticality;
}

export interface TeamQuality extends QualityFigures {
  readonly team: string;
  readonly byCriticality: readonly CriticalityQuality[];
}

export interface RecommendationQualityReport {
  readonly refreshedAt: Date;
  readonly windowDays: number;
  readonly totals: QualityFigures;
  readonly byCriticality: readonly CriticalityQuality[];
  readonly teams: readonly TeamQuality[];
}

/** Narrows a report to one team (its `team` after null became {@link UNASSIGNED_TEAM}). */
export interface DashboardFilter {
  readonly team?: string;
}

export interface ErrorBudgetHealthQuery extends DashboardFilter {
  /** Length of the most-consumed list, 1..100. */
  readonly top: number;
}
