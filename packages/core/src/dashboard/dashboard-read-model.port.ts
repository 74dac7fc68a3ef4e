import {
  type CoverageReport,
  type DashboardFilter,
  type ErrorBudgetHealthQuery,
  type ErrorBudgetHealthReport,
  type RecommendationQualityReport,
} from './dashboard.types';

/**
 * The dashboard's precomputed figures (spec 004 FR-12). Reads answer from the last refresh, never
 * from the live tables, so they stay cheap however large the fleet; `refresh` recomputes
 * everything at once and the reports say when that was.
 */
export abstract class DashboardReadModel {
  abstract coverage(filter?: DashboardFilter): Promise<CoverageReport>;

  abstract errorBudgetHealth(query: ErrorBudgetHealthQuery): Promise<ErrorBudgetHealthReport>;

  abstract recommendationQuality(filter?: DashboardFilter): Promise<RecommendationQualityReport>;

  /** Recomputes every figure from the current data. */
  abstract refresh(): Promise<{ readonly refreshedAt: Date }>;

  /** When the figures were last computed (the views are filled when created, so there always is one). */
  abstract lastRefreshedAt(): Promise<Date>;
}
