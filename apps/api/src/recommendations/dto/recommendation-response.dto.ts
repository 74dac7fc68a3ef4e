import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';

export class TimeWindowDto {
  @ApiProperty({ format: 'date-time' }) start!: string;
  @ApiProperty({ format: 'date-time' }) end!: string;
}

export class DataQualityDto {
  @ApiProperty({ minimum: 0, maximum: 1, example: 0.97 }) data_completeness!: number;
  @ApiProperty({ type: [TimeWindowDto], description: 'Runs of hours without samples.' })
  telemetry_gaps!: TimeWindowDto[];
  @ApiProperty({ example: 'Based on 30 days of continuous data with 97% completeness' })
  confidence_note!: string;
  @ApiProperty({ description: 'Fewer than 30 days of data: targets come from the archetype.' })
  cold_start!: boolean;
  @ApiProperty({ format: 'date-time', nullable: true, type: String })
  reevaluate_at!: string | null;
  @ApiProperty({
    enum: ['api_gateway', 'backend_service', 'external_integration', 'data_pipeline'],
    nullable: true,
    type: String,
  })
  archetype!: string | null;
}

export class AvailabilityTierDto {
  @ApiProperty({ description: 'Percent.', example: 99.9 }) target!: number;
  @ApiProperty({ example: 43.8 }) error_budget_monthly_minutes!: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'Share of historical daily windows below the target; null without history.',
  })
  estimated_breach_probability!: number | null;
  @ApiProperty({
    type: [Number],
    nullable: true,
    minItems: 2,
    maxItems: 2,
    description: 'Percent, 95% bootstrap interval; null without history.',
  })
  confidence_interval!: number[] | null;
}

export class LatencyTierDto {
  @ApiProperty({ example: 800 }) target_ms!: number;
  @ApiProperty({ enum: ['p99.9', 'p99', 'p95'] }) percentile!: string;
  @ApiProperty({ nullable: true, type: Number }) estimated_breach_probability!: number | null;
}

export class AvailabilityTiersDto {
  @ApiProperty({ type: AvailabilityTierDto }) conservative!: AvailabilityTierDto;
  @ApiProperty({ type: AvailabilityTierDto }) balanced!: AvailabilityTierDto;
  @ApiProperty({ type: AvailabilityTierDto }) aggressive!: AvailabilityTierDto;
}

export class LatencyTiersDto {
  @ApiProperty({ type: LatencyTierDto }) conservative!: LatencyTierDto;
  @ApiProperty({ type: LatencyTierDto }) balanced!: LatencyTierDto;
  @ApiProperty({ type: LatencyTierDto }) aggressive!: LatencyTierDto;
}

export class FeatureAttributionDto {
  @ApiProperty({ example: 'historical_availability_p1' }) feature!: string;
  @ApiProperty({
    description:
      "Exact Shapley value in the target's unit (percentage points, or ms for latency); the contributions sum to the balanced target minus the baseline's.",
  })
  contribution!: number;
  @ApiProperty() value!: number;
  @ApiProperty() baseline_value!: number;
}

export class BaselineDto {
  @ApiProperty() description!: string;
  @ApiProperty({ description: 'The balanced target of the baseline.' }) target!: number;
}

export class CounterfactualDto {
  @ApiProperty({ example: 'If external-payment-api improved to 99.99%' }) condition!: string;
  @ApiProperty({ example: 'Recommended target would increase to 99.95%' }) result!: string;
  @ApiProperty() feature!: string;
  @ApiProperty({ description: 'The balanced target under the condition.' }) target!: number;
}

export class ExternalDependencyRiskDto {
  @ApiProperty() service_id!: string;
  @ApiProperty({ description: 'Percent planned with.' }) availability!: number;
  @ApiProperty({ enum: ['observed', 'published-sla', 'assumed'] }) availability_source!: string;
  @ApiProperty({ description: 'Share of the balanced error budget it alone consumes.' })
  error_budget_share!: number;
  @ApiProperty({ description: 'More than 30% of the budget (FR-3).' })
  high_dependency_risk!: boolean;
}

export class DependencyImpactDto {
  @ApiProperty({ example: 99.7 }) composite_availability_bound!: number;
  @ApiProperty() hard_dependency_count!: number;
  @ApiProperty({ nullable: true, type: String }) bottleneck_service!: string | null;
  @ApiProperty({ nullable: true, type: String }) bottleneck_contribution!: string | null;
  @ApiProperty({ type: [String] }) soft_dependencies!: string[];
  @ApiProperty({ type: [ExternalDependencyRiskDto] })
  external_dependencies!: ExternalDependencyRiskDto[];
  @ApiProperty({ type: [String], description: 'Its circular-dependency group (a supernode).' })
  cycle_members!: string[];
}

export class ProvenanceDto {
  @ApiProperty({ description: 'The graph version the dependency analysis read.' })
  dependency_graph_snapshot_id!: string;
  @ApiProperty({ format: 'date-time' }) lookback_window_start!: string;
  @ApiProperty({ format: 'date-time' }) lookback_window_end!: string;
  @ApiProperty() data_completeness!: number;
}

export class ExplanationDto {
  @ApiProperty() summary!: string;
  @ApiProperty({ type: [FeatureAttributionDto] }) feature_attribution!: FeatureAttributionDto[];
  @ApiProperty({ type: BaselineDto }) baseline!: BaselineDto;
  @ApiProperty({ type: [CounterfactualDto] }) counterfactuals!: CounterfactualDto[];
  @ApiPropertyOptional({ type: DependencyImpactDto, description: 'Availability only.' })
  dependency_impact?: DependencyImpactDto;
  @ApiProperty({ type: [String] }) warnings!: string[];
  @ApiPropertyOptional({ description: 'Latency only: why latency is not composed.' })
  note?: string;
  @ApiProperty({ type: ProvenanceDto }) provenance!: ProvenanceDto;
}

export class AvailabilityRecommendationDto {
  @ApiProperty({ format: 'uuid' }) recommendation_id!: string;
  @ApiProperty({ enum: ['availability'] }) sli_type!: 'availability';
  @ApiProperty({ enum: ['error_rate'] }) metric!: string;
  @ApiProperty({ type: AvailabilityTiersDto }) tiers!: AvailabilityTiersDto;
  @ApiProperty({ type: ExplanationDto }) explanation!: ExplanationDto;
}

export class LatencyRecommendationDto {
  @ApiProperty({ format: 'uuid' }) recommendation_id!: string;
  @ApiProperty({ enum: ['latency'] }) sli_type!: 'latency';
  @ApiProperty({ enum: ['p99_response_time_ms'] }) metric!: string;
  @ApiProperty({ type: LatencyTiersDto }) tiers!: LatencyTiersDto;
  @ApiProperty({ type: ExplanationDto }) explanation!: ExplanationDto;
}

export class SloRecommendationsDto {
  @ApiProperty({ example: 'checkout-service' }) service_id!: string;
  @ApiProperty({ format: 'date-time' }) generated_at!: string;
  @ApiProperty({ format: 'date-time', description: 'Served from storage until then (24 h).' })
  expires_at!: string;
  @ApiProperty({ type: TimeWindowDto }) lookback_window!: TimeWindowDto;
  @ApiProperty({ type: DataQualityDto }) data_quality!: DataQualityDto;
  @ApiProperty({
    type: 'array',
    items: {
      oneOf: [
        { $ref: getSchemaPath(AvailabilityRecommendationDto) },
        { $ref: getSchemaPath(LatencyRecommendationDto) },
      ],
    },
  })
  recommendations!: (AvailabilityRecommendationDto | LatencyRecommendationDto)[];
  @ApiProperty({
    enum: ['cache', 'generated', 'stale'],
    description: 'Stored and valid, computed now, or stored but served because telemetry is down.',
  })
  source!: string;
  @ApiProperty({
    description: 'True when telemetry was unavailable and a stored answer was served.',
  })
  stale!: boolean;
  @ApiProperty({ nullable: true, type: String }) stale_reason!: string | null;
}
