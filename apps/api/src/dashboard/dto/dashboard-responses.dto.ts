import { ApiProperty } from '@nestjs/swagger';
import { BUDGET_BUCKETS, SERVICE_CRITICALITIES } from '@slo-engine/core';

const REFRESHED_AT = {
  format: 'date-time',
  description: 'When the figures were computed (they are refreshed hourly, or on demand).',
} as const;
const RATE = { type: Number, nullable: true, minimum: 0, maximum: 1 } as const;

export class CoverageFiguresDto {
  @ApiProperty({
    description: 'Declared internal services (no discovered placeholders, no external ones).',
  })
  services!: number;
  @ApiProperty({ description: 'Services with an active SLO.' }) with_active_slo!: number;
  @ApiProperty({ description: 'Services with a current recommendation awaiting a decision.' })
  pending_recommendation!: number;
  @ApiProperty() without_slo!: number;
  @ApiProperty({ ...RATE, description: 'with_active_slo / services; null without services.' })
  coverage_ratio!: number | null;
}

export class CriticalityCoverageDto extends CoverageFiguresDto {
  @ApiProperty({ enum: SERVICE_CRITICALITIES }) criticality!: string;
}

export class TeamCoverageDto extends CoverageFiguresDto {
  @ApiProperty({ example: 'payments' }) team!: string;
  @ApiProperty({ type: [CriticalityCoverageDto] }) by_criticality!: CriticalityCoverageDto[];
}

export class CoverageDto {
  @ApiProperty(REFRESHED_AT) refreshed_at!: string;
  @ApiProperty({ type: CoverageFiguresDto }) totals!: CoverageFiguresDto;
  @ApiProperty({
    type: [CriticalityCoverageDto],
    description: 'Every criticality, zeros included.',
  })
  by_criticality!: CriticalityCoverageDto[];
  @ApiProperty({ type: [TeamCoverageDto], description: "By name; no team is 'unassigned'." })
  teams!: TeamCoverageDto[];
}

export class BudgetBucketsDto {
  @ApiProperty({ description: 'Under 25% of the budget consumed.' }) under_25!: number;
  @ApiProperty() '25_to_50'!: number;
  @ApiProperty() '50_to_75'!: number;
  @ApiProperty() '75_to_100'!: number;
  @ApiProperty({ description: 'All of the budget consumed, or more.' }) exhausted!: number;
}

export class BudgetDistributionDto {
  @ApiProperty({ description: 'Services with an active availability SLO and a 28-day aggregate.' })
  services!: number;
  @ApiProperty({ type: BudgetBucketsDto }) buckets!: BudgetBucketsDto;
}

export class TeamBudgetDistributionDto extends BudgetDistributionDto {
  @ApiProperty({ example: 'payments' }) team!: string;
}

export class BudgetConsumptionDto {
  @ApiProperty({ example: 'checkout-service' }) service_id!: string;
  @ApiProperty({ example: 'payments' }) team!: string;
  @ApiProperty({ enum: SERVICE_CRITICALITIES }) criticality!: string;
  @ApiProperty({ description: 'Percent.', example: 99.9 }) availability_target!: number;
  @ApiProperty({ description: 'Ratio over the last 28 days.', example: 0.9993 })
  observed_availability!: number;
  @ApiProperty({
    description:
      '(1 − observed) / (1 − target): 0.7 is 70% of the budget consumed; 1 or more is exhausted.',
    example: 0.7,
  })
  budget_consumed!: number;
  @ApiProperty({ enum: BUDGET_BUCKETS }) bucket!: string;
  @ApiProperty({ format: 'date-time', description: 'End of the 28-day window observed.' })
  observed_at!: string;
}

export class ErrorBudgetHealthDto {
  @ApiProperty(REFRESHED_AT) refreshed_at!: string;
  @ApiProperty({ type: BudgetDistributionDto }) totals!: BudgetDistributionDto;
  @ApiProperty({ type: [TeamBudgetDistributionDto] }) teams!: TeamBudgetDistributionDto[];
  @ApiProperty({ type: [BudgetConsumptionDto], description: 'Most consumed first.' })
  most_consumed!: BudgetConsumptionDto[];
}

export class DecisionCountsDto {
  @ApiProperty() accept!: number;
  @ApiProperty() modify!: number;
  @ApiProperty() reject!: number;
  @ApiProperty() auto_approve!: number;
  @ApiProperty() total!: number;
}

export class BreachFiguresDto {
  @ApiProperty({ description: 'Active SLOs with this target and a 28-day aggregate to judge it.' })
  evaluated!: number;
  @ApiProperty({ description: 'Of those, the ones the last 28 days did not meet.' })
  breached!: number;
  @ApiProperty({ ...RATE, description: 'breached / evaluated; null when none was evaluated.' })
  breach_rate!: number | null;
}

export class QualityFiguresDto {
  @ApiProperty({ type: DecisionCountsDto }) decisions!: DecisionCountsDto;
  @ApiProperty({ ...RATE, description: '(accept + modify + auto_approve) / total.' })
  acceptance_rate!: number | null;
  @ApiProperty({ ...RATE, description: 'modify / total.' }) modification_rate!: number | null;
  @ApiProperty({ type: BreachFiguresDto }) availability_breaches!: BreachFiguresDto;
  @ApiProperty({ type: BreachFiguresDto, description: 'Observed p99 above latency_p99_target_ms.' })
  latency_p99_breaches!: BreachFiguresDto;
}

export class CriticalityQualityDto extends QualityFiguresDto {
  @ApiProperty({ enum: SERVICE_CRITICALITIES }) criticality!: string;
}

export class TeamQualityDto extends QualityFiguresDto {
  @ApiProperty({ example: 'payments' }) team!: string;
  @ApiProperty({ type: [CriticalityQualityDto] }) by_criticality!: CriticalityQualityDto[];
}

export class RecommendationQualityDto {
  @ApiProperty(REFRESHED_AT) refreshed_at!: string;
  @ApiProperty({ example: 90, description: 'Decisions are counted over this many trailing days.' })
  window_days!: number;
  @ApiProperty({ type: QualityFiguresDto }) totals!: QualityFiguresDto;
  @ApiProperty({ type: [CriticalityQualityDto] }) by_criticality!: CriticalityQualityDto[];
  @ApiProperty({ type: [TeamQualityDto] }) teams!: TeamQualityDto[];
}

export class DashboardRefreshDto {
  @ApiProperty({ format: 'date-time' }) refreshed_at!: string;
}
