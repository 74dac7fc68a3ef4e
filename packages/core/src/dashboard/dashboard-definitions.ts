/**
 * The dashboard's definitions as plain functions.
 *
 * Two halves: the reference computation of the precomputed cells from raw rows (what the
 * PostgreSQL materialised views compute in SQL; the in-memory read model uses it and the read-model
 * contract holds the two to the same numbers), and the summaries every read model builds from
 * cells (totals, per-criticality and per-team figures, rates, bucket distributions).
 */
import {
  SERVICE_CRITICALITIES,
  type ServiceCriticality,
  type ServiceNode,
} from '../graph/graph.types';
import { type SliAggregate } from '../recommendations/recommendation.ports';
import { type ActiveSlo, type AuditAction } from '../slos/slo.types';
import {
  BUDGET_BUCKETS,
  type BreachCounts,
  type BreachFigures,
  type BudgetBucket,
  type BudgetCell,
  type BudgetConsumption,
  type BudgetDistribution,
  type CoverageCell,
  type CoverageFigures,
  type CoverageReport,
  DASHBOARD_AGGREGATE_WINDOW,
  DASHBOARD_DECISION_ACTIONS,
  type DashboardFilter,
  type DecisionCounts,
  type ErrorBudgetHealthReport,
  type QualityCell,
  type QualityFigures,
  RECOMMENDATION_QUALITY_WINDOW_DAYS,
  type RecommendationQualityReport,
  UNASSIGNED_TEAM,
} from './dashboard.types';

const DAY_MS = 24 * 3_600_000;

// ---------------------------------------------------------------------------------------------
// Single-service rules
// ---------------------------------------------------------------------------------------------

/** The dashboard's team of a service: its team, or {@link UNASSIGNED_TEAM}. */
export function dashboardTeamOf(team: string | null): string {
  return team ?? UNASSIGNED_TEAM;
}

/**
 * Whether the dashboard counts a service: declared and internal. Discovered placeholders have no
 * owner to decide on an SLO, and external services' reliability is their provider's SLA.
 */
export function isDashboardService(
  service: Pick<ServiceNode, 'discovered' | 'serviceType'>,
): boolean {
  return !service.discovered && service.serviceType === 'internal';
}

/**
 * Share of the error budget consumed: (1 − observed) / (1 − target/100), floored at 0. The budget
 * of a 99.9% target is 0.1% of failures; observing 99.95% consumes half of it (0.5), observing
 * 99.8% twice of it (2). Same operations, in the same order, as the SQL view, so both agree to the
 * bit. `availabilityTarget` is a percent below 100, `observedAvailability` a ratio.
 */
export function budgetConsumed(observedAvailability: number, availabilityTarget: number): number {
  return Math.max(0, (1 - observedAvailability) / (1 - availabilityTarget / 100));
}

/** The consumption bucket: [0, .25), [.25, .5), [.5, .75), [.75, 1), then exhausted. */
export function budgetBucketOf(consumed: number): BudgetBucket {
  if (consumed < 0.25) return 'under_25';
  if (consumed < 0.5) return '25_to_50';
  if (consumed < 0.75) return '50_to_75';
  if (consumed < 1) return '75_to_100';
  return 'exhausted';
}

/** `numerator / denominator`, or null when there is nothing to divide by. */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

/** Code-unit order, the same as SQL's `COLLATE "C"`. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------------------------------------
// Reference computation of the cells from raw rows (what the SQL views do)
// ---------------------------------------------------------------------------------------------

/** The rows the dashboard reads, as plain arrays. */
export interface DashboardSources {
  readonly services: ReadonlyArray<
    Pick<ServiceNode, 'serviceId' | 'team' | 'criticality' | 'serviceType' | 'discovered'>
  >;
  readonly activeSlos: ReadonlyArray<
    Pick<ActiveSlo, 'serviceId' | 'availabilityTarget' | 'latencyP99TargetMs'>
  >;
  /** Any status; 'active' and not yet expired means awaiting a decision. */
  readonly recommendations: ReadonlyArray<{
    readonly serviceId: string;
    readonly status: string;
    readonly expiresAt: Date;
  }>;
  readonly aggregates: ReadonlyArray<
    Pick<SliAggregate, 'serviceId' | 'sliType' | 'window' | 'value' | 'computedAt'>
  >;
  readonly auditEntries: ReadonlyArray<{
    readonly serviceId: string;
    readonly action: AuditAction;
    readonly timestamp: Date;
  }>;
}

type CountedService = DashboardSources['services'][number];

function cellKey(team: string, criticality: ServiceCriticality): string {
  return `${criticality}\u0000${team}`;
}

/** The newest 28-day aggregate value of one SLI type per service. */
function latest28d(
  sources: DashboardSources,
  sliType: 'availability' | 'latency_p99',
): Map<string, { value: number; computedAt: Date }> {
  const newest = new Map<string, { value: number; computedAt: Date }>();
  for (const aggregate of sources.aggregates) {
    if (aggregate.sliType !== sliType || aggregate.window !== DASHBOARD_AGGREGATE_WINDOW) continue;
    const seen = newest.get(aggregate.serviceId);
    if (!seen || aggregate.computedAt.getTime() > seen.computedAt.getTime()) {
      newest.set(aggregate.serviceId, { value: aggregate.value, computedAt: aggregate.computedAt });
    }
  }
  return newest;
}

function countedServices(sources: DashboardSources): CountedService[] {
  return sources.services.filter(isDashboardService);
}

/** Coverage per (team, criticality) as of `now` (cells only where there are services). */
export function coverageCellsOf(sources: DashboardSources, now: Date): CoverageCell[] {
  const withSlo = new Set(sources.activeSlos.map((slo) => slo.serviceId));
  const pending = new Set(
    sources.recommendations
      .filter((r) => r.status === 'active' && r.expiresAt.getTime() > now.getTime())
      .map((r) => r.serviceId),
  );
  const cells = new Map<string, CoverageCell>();
  for (const service of countedServices(sources)) {
    const team = dashboardTeamOf(service.team);
    const key = cellKey(team, service.criticality);
    const cell = cells.get(key) ?? {
      team,
      criticality: service.criticality,
      services: 0,
      withActiveSlo: 0,
      pendingRecommendation: 0,
    };
    cells.set(key, {
      ...cell,
      services: cell.services + 1,
      withActiveSlo: cell.withActiveSlo + (withSlo.has(service.serviceId) ? 1 : 0),
      pendingRecommendation: cell.pendingRecommendation + (pending.has(service.serviceId) ? 1 : 0),
    });
  }
  return [...cells.values()];
}

/** Budget consumption of every counted service with an availability SLO and a 28-day aggregate. */
export function budgetConsumptionsOf(sources: DashboardSources): BudgetConsumption[] {
  const observed = latest28d(sources, 'availability');
  const targets = new Map(
    sources.activeSlos
      .filter((slo) => slo.availabilityTarget !== null)
      .map((slo) => [slo.serviceId, slo.availabilityTarget as number]),
  );
  const consumptions: BudgetConsumption[] = [];
  for (const service of countedServices(sources)) {
    const target = targets.get(service.serviceId);
    const aggregate = observed.get(service.serviceId);
    if (target === undefined || aggregate === undefined) continue;
    const consumed = budgetConsumed(aggregate.value, target);
    consumptions.push({
      serviceId: service.serviceId,
      team: dashboardTeamOf(service.team),
      criticality: service.criticality,
      availabilityTarget: target,
      observedAvailability: aggregate.value,
      budgetConsumed: consumed,
      bucket: budgetBucketOf(consumed),
      observedAt: aggregate.computedAt,
    });
  }
  return consumptions;
}

/**
 * Recommendation quality per (team, criticality) of counted services as of `now`: decisions in
 * the trailing window, breaches of the active SLOs against their newest 28-day aggregates.
 */
export function qualityCellsOf(sources: DashboardSources, now: Date): QualityCell[] {
  const since = now.getTime() - RECOMMENDATION_QUALITY_WINDOW_DAYS * DAY_MS;
  const decided = new Map<string, Record<keyof DecisionCounts, number>>();
  for (const entry of sources.auditEntries) {
    if (entry.timestamp.getTime() <= since) continue;
    if (!(DASHBOARD_DECISION_ACTIONS as readonly string[]).includes(entry.action)) continue;
    const counts = decided.get(entry.serviceId) ?? {
      accept: 0,
      modify: 0,
      reject: 0,
      autoApprove: 0,
    };
    const field: keyof DecisionCounts =
      entry.action === 'auto_approve' ? 'autoApprove' : (entry.action as keyof DecisionCounts);
    counts[field] += 1;
    decided.set(entry.serviceId, counts);
  }
  const slos = new Map(sources.activeSlos.map((slo) => [slo.serviceId, slo]));
  const availability = latest28d(sources, 'availability');
  const latencyP99 = latest28d(sources, 'latency_p99');

  const cells = new Map<string, QualityCell>();
  for (const service of countedServices(sources)) {
    const team = dashboardTeamOf(service.team);
    const key = cellKey(team, service.criticality);
    const cell = cells.get(key) ?? {
      team,
      criticality: service.criticality,
      decisions: { accept: 0, modify: 0, reject: 0, autoApprove: 0 },
      availability: { evaluated: 0, breached: 0 },
      latencyP99: { evaluated: 0, breached: 0 },
    };
    const decisions = decided.get(service.serviceId);
    const slo = slos.get(service.serviceId);
    const observedAvailability = availability.get(service.serviceId);
    const observedP99 = latencyP99.get(service.serviceId);
    const availabilityTarget = slo?.availabilityTarget ?? null;
    const p99Target = slo?.latencyP99TargetMs ?? null;
    const availabilityJudged = availabilityTarget !== null && observedAvailability !== undefined;
    const latencyJudged = p99Target !== null && observedP99 !== undefined;
    cells.set(key, {
      ...cell,
      decisions: decisions ? addDecisions(cell.decisions, decisions) : cell.decisions,
      availability: addBreach(
        cell.availability,
        availabilityJudged,
        availabilityJudged && observedAvailability.value < availabilityTarget / 100,
      ),
      latencyP99: addBreach(
        cell.latencyP99,
        latencyJudged,
        latencyJudged && observedP99.value > p99Target,
      ),
    });
  }
  return [...cells.values()];
}

function addDecisions(a: DecisionCounts, b: DecisionCounts): DecisionCounts {
  return {
    accept: a.accept + b.accept,
    modify: a.modify + b.modify,
    reject: a.reject + b.reject,
    autoApprove: a.autoApprove + b.autoApprove,
  };
}

function addBreach(counts: BreachCounts, evaluated: boolean, breached: boolean): BreachCounts {
  return {
    evaluated: counts.evaluated + (evaluated ? 1 : 0),
    breached: counts.breached + (breached ? 1 : 0),
  };
}

/** How many consumptions of each team fall in each bucket (cells only where there are some). */
export function budgetCellsOf(consumptions: readonly BudgetConsumption[]): BudgetCell[] {
  const counts = new Map<string, BudgetCell>();
  for (const { team, bucket } of consumptions) {
    const key = `${bucket}\u0000${team}`;
    const cell = counts.get(key);
    counts.set(key, { team, bucket, services: (cell?.services ?? 0) + 1 });
  }
  return [...counts.values()];
}

/** The `top` most consumed, ties by service id (code-unit order). */
export function mostConsumedOf(
  consumptions: readonly BudgetConsumption[],
  top: number,
): BudgetConsumption[] {
  return [...consumptions]
    .sort((a, b) => b.budgetConsumed - a.budgetConsumed || compareText(a.serviceId, b.serviceId))
    .slice(0, top);
}

/** Only the rows of the filter's team (all rows without a team filter). */
export function ofTeam<T extends { readonly team: string }>(
  rows: readonly T[],
  filter: DashboardFilter = {},
): T[] {
  return filter.team === undefined ? [...rows] : rows.filter((row) => row.team === filter.team);
}

// ---------------------------------------------------------------------------------------------
// Reports from cells (every read model)
// ---------------------------------------------------------------------------------------------

function teamsOf(cells: ReadonlyArray<{ readonly team: string }>): string[] {
  return [...new Set(cells.map((cell) => cell.team))].sort(compareText);
}

function coverageFigures(cells: readonly CoverageCell[]): CoverageFigures {
  let services = 0;
  let withActiveSlo = 0;
  let pendingRecommendation = 0;
  for (const cell of cells) {
    services += cell.services;
    withActiveSlo += cell.withActiveSlo;
    pendingRecommendation += cell.pendingRecommendation;
  }
  return {
    services,
    withActiveSlo,
    pendingRecommendation,
    withoutSlo: services - withActiveSlo,
    coverageRatio: ratio(withActiveSlo, services),
  };
}

export function coverageReport(cells: readonly CoverageCell[], refreshedAt: Date): CoverageReport {
  const byCriticality = (of: readonly CoverageCell[]) =>
    SERVICE_CRITICALITIES.map((criticality) => ({
      criticality,
      ...coverageFigures(of.filter((cell) => cell.criticality === criticality)),
    }));
  return {
    refreshedAt,
    totals: coverageFigures(cells),
    byCriticality: byCriticality(cells),
    teams: teamsOf(cells).map((team) => {
      const ofThisTeam = cells.filter((cell) => cell.team === team);
      return { team, ...coverageFigures(ofThisTeam), byCriticality: byCriticality(ofThisTeam) };
    }),
  };
}

function distribution(cells: readonly BudgetCell[]): BudgetDistribution {
  const buckets = Object.fromEntries(BUDGET_BUCKETS.map((bucket) => [bucket, 0])) as Record<
    BudgetBucket,
    number
  >;
  let services = 0;
  for (const cell of cells) {
    buckets[cell.bucket] += cell.services;
    services += cell.services;
  }
  return { services, buckets };
}

export function errorBudgetHealthReport(
  cells: readonly BudgetCell[],
  mostConsumed: readonly BudgetConsumption[],
  refreshedAt: Date,
): ErrorBudgetHealthReport {
  return {
    refreshedAt,
    totals: distribution(cells),
    teams: teamsOf(cells).map((team) => ({
      team,
      ...distribution(cells.filter((cell) => cell.team === team)),
    })),
    mostConsumed,
  };
}

function breachFigures(counts: BreachCounts): BreachFigures {
  return { ...counts, breachRate: ratio(counts.breached, counts.evaluated) };
}

function qualityFigures(cells: readonly QualityCell[]): QualityFigures {
  let decisions: DecisionCounts = { accept: 0, modify: 0, reject: 0, autoApprove: 0 };
  let availability: BreachCounts = { evaluated: 0, breached: 0 };
  let latencyP99: BreachCounts = { evaluated: 0, breached: 0 };
  for (const cell of cells) {
    decisions = addDecisions(decisions, cell.decisions);
    availability = {
      evaluated: availability.evaluated + cell.availability.evaluated,
      breached: availability.breached + cell.availability.breached,
    };
    latencyP99 = {
      evaluated: latencyP99.evaluated + cell.latencyP99.evaluated,
      breached: latencyP99.breached + cell.latencyP99.breached,
    };
  }
  const total = decisions.accept + decisions.modify + decisions.reject + decisions.autoApprove;
  return {
    decisions: { ...decisions, total },
    acceptanceRate: ratio(decisions.accept + decisions.modify + decisions.autoApprove, total),
    modificationRate: ratio(decisions.modify, total),
    availabilityBreaches: breachFigures(availability),
    latencyP99Breaches: breachFigures(latencyP99),
  };
}

export function recommendationQualityReport(
  cells: readonly QualityCell[],
  refreshedAt: Date,
): RecommendationQualityReport {
  const byCriticality = (of: readonly QualityCell[]) =>
    SERVICE_CRITICALITIES.map((criticality) => ({
      criticality,
      ...qualityFigures(of.filter((cell) => cell.criticality === criticality)),
    }));
  return {
    refreshedAt,
    windowDays: RECOMMENDATION_QUALITY_WINDOW_DAYS,
    totals: qualityFigures(cells),
    byCriticality: byCriticality(cells),
    teams: teamsOf(cells).map((team) => {
      const ofThisTeam = cells.filter((cell) => cell.team === team);
      return { team, ...qualityFigures(ofThisTeam), byCriticality: byCriticality(ofThisTeam) };
    }),
  };
}
