/** Response shape of `POST /slos/impact-analysis` (snake_case, spec 004 FR-4); percentages. */
import { ApiProperty } from '@nestjs/swagger';
import { IMPACT_SLI_TYPES } from '@slo-engine/core';

export class ProposedChangeResponseDto {
  @ApiProperty({ enum: IMPACT_SLI_TYPES }) sli_type!: string;
  @ApiProperty({
    example: 99.9,
    description: 'As sent, or the observed availability the analysis assumed when it was omitted.',
  })
  current_target!: number;
  @ApiProperty({ example: 99.5 }) proposed_target!: number;
}

export class ImpactedServiceDto {
  @ApiProperty({ example: 'checkout-service' }) service_id!: string;
  @ApiProperty({
    enum: ['upstream', 'upstream (transitive)'],
    description: '`upstream`: calls the changed service directly over a hard dependency.',
  })
  relationship!: string;
  @ApiProperty({ example: 99.7 }) current_composite_availability!: number;
  @ApiProperty({ example: 99.35 }) projected_composite_availability!: number;
  @ApiProperty({ example: -0.35, description: 'projected − current, percentage points.' })
  delta!: number;
  @ApiProperty({ example: 99.9, nullable: true, type: Number }) current_slo_target!: number | null;
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description: 'projected < current SLO target; null when the service has no active SLO.',
  })
  slo_at_risk!: boolean | null;
  @ApiProperty({
    example: 'projected 99.35% < target 99.9%',
    description:
      'Short, ASCII: `projected X% < target Y%` (at risk; `(already below)` when the current composite missed the target too), `projected X% >= target Y%`, or `no active SLO`.',
  })
  risk_detail!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example:
      'web is in a circular dependency group (gateway, web) counted as one supernode at its weakest member.',
    description:
      "Set only when this service is in a circular dependency group other than the changed service's, counted as one supernode at its weakest member. The changed service's own group is the top-level `cycle_note`, which applies to every row.",
  })
  cycle_note!: string | null;
}

export class ImpactSummaryDto {
  @ApiProperty({ example: 2 }) total_impacted!: number;
  @ApiProperty({ example: 2 }) slos_at_risk!: number;
  @ApiProperty({
    example: 'Reducing payment-service to 99.5% puts 2 upstream services at risk of SLO breach.',
  })
  recommendation!: string;
}

export class ImpactAnalysisResponseDto {
  @ApiProperty({ format: 'uuid' }) analysis_id!: string;
  @ApiProperty({ type: ProposedChangeResponseDto }) proposed_change!: ProposedChangeResponseDto;
  @ApiProperty({
    nullable: true,
    type: String,
    example:
      'payment-service is in a circular dependency group (fraud-service, payment-service) counted as one supernode at its weakest member: 99.90% (payment-service) -> 99.50% (payment-service).',
    description:
      'Set when the changed service is in a circular dependency group (over hard dependencies): the group counts as one supernode at its weakest member, whose availability before and after it gives. Every impacted service reaches the changed one, hence this supernode, so the note applies to every row of `impacted_services`; it is given once, here. Null when the changed service is in no circular group.',
  })
  cycle_note!: string | null;
  @ApiProperty({
    type: [ImpactedServiceDto],
    description:
      'Every internal service whose composite availability depends on the changed one over hard dependencies, largest |delta| first.',
  })
  impacted_services!: ImpactedServiceDto[];
  @ApiProperty({ type: ImpactSummaryDto }) summary!: ImpactSummaryDto;
}
