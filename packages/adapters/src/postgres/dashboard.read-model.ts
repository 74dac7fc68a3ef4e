import {
  type BudgetBucket,
  type BudgetCell,
  type BudgetConsumption,
  type CoverageCell,
  type CoverageReport,
  coverageReport,
  type DashboardFilter,
  DashboardReadModel,
  type ErrorBudgetHealthQuery,
  type ErrorBudgetHealthReport,
  errorBudgetHealthReport,
  type QualityCell,
  type RecommendationQualityReport,
  recommendationQualityReport,
  type ServiceCriticality,
} from '@slo-engine/core';
import { type EntityManager } from 'typeorm';
import { inTransaction, rows } from './sql';

// `$1::text IS NULL OR team = $1`: one statement serves "every team" and "one team"; the views
// hold a few rows per team, so the lost index use costs nothing.

const COVERAGE = `
SELECT team, criticality, services, with_active_slo, pending_recommendation
FROM dashboard_coverage
WHERE $1::text IS NULL OR team = $1`;

const BUDGET_CELLS = `
SELECT team, bucket, count(*)::int AS services
FROM dashboard_error_budget
WHERE $1::text IS NULL OR team = $1
GROUP BY team, bucket`;

/** Ties by service id in code-unit order, as the core's reference ordering. */
const MOST_CONSUMED = `
SELECT service_id, team, criticality, availability_target, observed_availability,
       budget_consumed, bucket, observed_at
FROM dashboard_error_budget
WHERE $1::text IS NULL OR team = $1
ORDER BY budget_consumed DESC, service_id COLLATE "C"
LIMIT $2`;

const QUALITY = `
SELECT team, criticality, accept, modify, reject, auto_approve,
       availability_evaluated, availability_breached, latency_p99_evaluated, latency_p99_breached
FROM dashboard_recommendation_quality
WHERE $1::text IS NULL OR team = $1`;

const REFRESHED_AT = 'SELECT refreshed_at FROM dashboard_refreshes';

interface CoverageRow {
  readonly team: string;
  readonly criticality: ServiceCriticality;
  readonly services: number;
  readonly with_active_slo: number;
  readonly pending_recommendation: number;
}

interface BudgetRow {
  readonly service_id: string;
  readonly team: string;
  readonly criticality: ServiceCriticality;
  readonly availability_target: number;
  readonly observed_availability: number;
  readonly budget_consumed: number;
  readonly bucket: BudgetBucket;
  readonly observed_at: Date;
}

interface QualityRow {
  readonly team: string;
  readonly criticality: ServiceCriticality;
  readonly accept: number;
  readonly modify: number;
  readonly reject: number;
  readonly auto_approve: number;
  readonly availability_evaluated: number;
  readonly availability_breached: number;
  readonly latency_p99_evaluated: number;
  readonly latency_p99_breached: number;
}

function toConsumption(row: BudgetRow): BudgetConsumption {
  return {
    serviceId: row.service_id,
    team: row.team,
    criticality: row.criticality,
    availabilityTarget: row.availability_target,
    observedAvailability: row.observed_availability,
    budgetConsumed: row.budget_consumed,
    bucket: row.bucket,
    observedAt: row.observed_at,
  };
}

function toQualityCell(row: QualityRow): QualityCell {
  return {
    team: row.team,
    criticality: row.criticality,
    decisions: {
      accept: row.accept,
      modify: row.modify,
      reject: row.reject,
      autoApprove: row.auto_approve,
    },
    availability: { evaluated: row.availability_evaluated, breached: row.availability_breached },
    latencyP99: { evaluated: row.latency_p99_evaluated, breached: row.latency_p99_breached },
  };
}

/**
 * The dashboard from the materialised views of migration 1764400000000 (their definitions are
 * documented there). Each report reads its view and `dashboard_refreshes` in one REPEATABLE READ
 * transaction, so the figures and their time come from the same refresh; totals and rates are
 * built by the core's shared report functions.
 */
export class PostgresDashboardReadModel extends DashboardReadModel {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  async coverage(filter: DashboardFilter = {}): Promise<CoverageReport> {
    return this.snapshot(async (manager, refreshedAt) => {
      const cells = await rows<CoverageRow>(manager, COVERAGE, [filter.team ?? null]);
      return coverageReport(
        cells.map((row): CoverageCell => ({
          team: row.team,
          criticality: row.criticality,
          services: row.services,
          withActiveSlo: row.with_active_slo,
          pendingRecommendation: row.pending_recommendation,
        })),
        refreshedAt,
      );
    });
  }

  async errorBudgetHealth(query: ErrorBudgetHealthQuery): Promise<ErrorBudgetHealthReport> {
    return this.snapshot(async (manager, refreshedAt) => {
      const team = query.team ?? null;
      const cells = await rows<BudgetCell>(manager, BUDGET_CELLS, [team]);
      const top = await rows<BudgetRow>(manager, MOST_CONSUMED, [team, query.top]);
      return errorBudgetHealthReport(cells, top.map(toConsumption), refreshedAt);
    });
  }

  async recommendationQuality(filter: DashboardFilter = {}): Promise<RecommendationQualityReport> {
    return this.snapshot(async (manager, refreshedAt) => {
      const cells = await rows<QualityRow>(manager, QUALITY, [filter.team ?? null]);
      return recommendationQualityReport(cells.map(toQualityCell), refreshedAt);
    });
  }

  /** `dashboard_refresh()` refreshes the three views and stamps the time in one transaction. */
  async refresh(): Promise<{ readonly refreshedAt: Date }> {
    const [row] = await rows<{ refreshed_at: Date }>(
      this.manager,
      'SELECT dashboard_refresh() AS refreshed_at',
    );
    return { refreshedAt: row.refreshed_at };
  }

  async lastRefreshedAt(): Promise<Date> {
    const [row] = await rows<{ refreshed_at: Date }>(this.manager, REFRESHED_AT);
    return row.refreshed_at;
  }

  private snapshot<T>(read: (manager: EntityManager, refreshedAt: Date) => Promise<T>): Promise<T> {
    return inTransaction(
      this.manager,
      async (manager) => {
        const [row] = await rows<{ refreshed_at: Date }>(manager, REFRESHED_AT);
        return read(manager, row.refreshed_at);
      },
      'REPEATABLE READ',
    );
  }
}
