import { type Clock } from '../../shared/clock.port';
import {
  budgetCellsOf,
  budgetConsumptionsOf,
  coverageCellsOf,
  coverageReport,
  type DashboardSources,
  errorBudgetHealthReport,
  mostConsumedOf,
  ofTeam,
  qualityCellsOf,
  recommendationQualityReport,
} from '../dashboard-definitions';
import { DashboardReadModel } from '../dashboard-read-model.port';
import {
  type BudgetConsumption,
  type CoverageCell,
  type CoverageReport,
  type DashboardFilter,
  type ErrorBudgetHealthQuery,
  type ErrorBudgetHealthReport,
  type QualityCell,
  type RecommendationQualityReport,
} from '../dashboard.types';

interface Snapshot {
  readonly refreshedAt: Date;
  readonly coverage: readonly CoverageCell[];
  readonly budgets: readonly BudgetConsumption[];
  readonly quality: readonly QualityCell[];
}

/**
 * The dashboard computed from plain arrays with the reference definitions: for unit tests, the
 * embedded demo and as the other side of the read-model contract. Like the SQL views it answers
 * from its last refresh (and computes one when created, as the migration fills the views).
 */
export class InMemoryDashboardReadModel extends DashboardReadModel {
  private snapshot: Snapshot;

  constructor(
    private readonly sources: () => DashboardSources,
    private readonly clock: Clock,
  ) {
    super();
    this.snapshot = this.compute();
  }

  coverage(filter: DashboardFilter = {}): Promise<CoverageReport> {
    return Promise.resolve(
      coverageReport(ofTeam(this.snapshot.coverage, filter), this.snapshot.refreshedAt),
    );
  }

  errorBudgetHealth(query: ErrorBudgetHealthQuery): Promise<ErrorBudgetHealthReport> {
    const budgets = ofTeam(this.snapshot.budgets, query);
    return Promise.resolve(
      errorBudgetHealthReport(
        budgetCellsOf(budgets),
        mostConsumedOf(budgets, query.top),
        this.snapshot.refreshedAt,
      ),
    );
  }

  recommendationQuality(filter: DashboardFilter = {}): Promise<RecommendationQualityReport> {
    return Promise.resolve(
      recommendationQualityReport(ofTeam(this.snapshot.quality, filter), this.snapshot.refreshedAt),
    );
  }

  refresh(): Promise<{ readonly refreshedAt: Date }> {
    this.snapshot = this.compute();
    return Promise.resolve({ refreshedAt: this.snapshot.refreshedAt });
  }

  lastRefreshedAt(): Promise<Date> {
    return Promise.resolve(this.snapshot.refreshedAt);
  }

  private compute(): Snapshot {
    const now = this.clock.now();
    const sources = this.sources();
    return {
      refreshedAt: now,
      coverage: coverageCellsOf(sources, now),
      budgets: budgetConsumptionsOf(sources),
      quality: qualityCellsOf(sources, now),
    };
  }
}
