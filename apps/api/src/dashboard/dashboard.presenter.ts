import {
  type BreachFigures,
  type BudgetConsumption,
  type BudgetDistribution,
  type CoverageFigures,
  type CoverageReport,
  type ErrorBudgetHealthReport,
  type QualityFigures,
  type RecommendationQualityReport,
} from '@slo-engine/core';
import {
  type BreachFiguresDto,
  type BudgetConsumptionDto,
  type BudgetDistributionDto,
  type CoverageDto,
  type CoverageFiguresDto,
  type ErrorBudgetHealthDto,
  type QualityFiguresDto,
  type RecommendationQualityDto,
} from './dto/dashboard-responses.dto';

function coverageFigures(figures: CoverageFigures): CoverageFiguresDto {
  return {
    services: figures.services,
    with_active_slo: figures.withActiveSlo,
    pending_recommendation: figures.pendingRecommendation,
    without_slo: figures.withoutSlo,
    coverage_ratio: figures.coverageRatio,
  };
}

export function presentCoverage(report: CoverageReport): CoverageDto {
  return {
    refreshed_at: report.refreshedAt.toISOString(),
    totals: coverageFigures(report.totals),
    by_criticality: report.byCriticality.map((c) => ({
      criticality: c.criticality,
      ...coverageFigures(c),
    })),
    teams: report.teams.map((team) => ({
      team: team.team,
      ...coverageFigures(team),
      by_criticality: team.byCriticality.map((c) => ({
        criticality: c.criticality,
        ...coverageFigures(c),
      })),
    })),
  };
}

function distribution(figures: BudgetDistribution): BudgetDistributionDto {
  return { services: figures.services, buckets: { ...figures.buckets } };
}

function consumption(budget: BudgetConsumption): BudgetConsumptionDto {
  return {
    service_id: budget.serviceId,
    team: budget.team,
    criticality: budget.criticality,
    availability_target: budget.availabilityTarget,
    observed_availability: budget.observedAvailability,
    budget_consumed: budget.budgetConsumed,
    bucket: budget.bucket,
    observed_at: budget.observedAt.toISOString(),
  };
}

export function presentErrorBudgetHealth(report: ErrorBudgetHealthReport): ErrorBudgetHealthDto {
  return {
    refreshed_at: report.refreshedAt.toISOString(),
    totals: distribution(report.totals),
    teams: report.teams.map((team) => ({ team: team.team, ...distribution(team) })),
    most_consumed: report.mostConsumed.map(consumption),
  };
}

function breaches(figures: BreachFigures): BreachFiguresDto {
  return {
    evaluated: figures.evaluated,
    breached: figures.breached,
    breach_rate: figures.breachRate,
  };
}

function qualityFigures(figures: QualityFigures): QualityFiguresDto {
  const { decisions } = figures;
  return {
    decisions: {
      accept: decisions.accept,
      modify: decisions.modify,
      reject: decisions.reject,
      auto_approve: decisions.autoApprove,
      total: decisions.total,
    },
    acceptance_rate: figures.acceptanceRate,
    modification_rate: figures.modificationRate,
    availability_breaches: breaches(figures.availabilityBreaches),
    latency_p99_breaches: breaches(figures.latencyP99Breaches),
  };
}

export function presentRecommendationQuality(
  report: RecommendationQualityReport,
): RecommendationQualityDto {
  return {
    refreshed_at: report.refreshedAt.toISOString(),
    window_days: report.windowDays,
    totals: qualityFigures(report.totals),
    by_criticality: report.byCriticality.map((c) => ({
      criticality: c.criticality,
      ...qualityFigures(c),
    })),
    teams: report.teams.map((team) => ({
      team: team.team,
      ...qualityFigures(team),
      by_criticality: team.byCriticality.map((c) => ({
        criticality: c.criticality,
        ...qualityFigures(c),
      })),
    })),
  };
}
