/** Response shapes of the auto-approval rule endpoints (snake_case), documented for OpenAPI. */
import { ApiProperty } from '@nestjs/swagger';
import {
  AUTO_APPROVAL_SLI_TYPES,
  AUTO_APPROVAL_TIERS,
  SERVICE_CRITICALITIES,
} from '@slo-engine/core';

export class AutoApprovalConditionsResponseDto {
  @ApiProperty({ type: [String], enum: SERVICE_CRITICALITIES, example: ['low'] })
  criticality!: string[];
  @ApiProperty({ example: 0.85 }) confidence_min!: number;
  @ApiProperty({ enum: AUTO_APPROVAL_TIERS, example: 'balanced' }) tier!: string;
  @ApiProperty({
    type: [String],
    nullable: true,
    example: null,
    description: 'null: any team.',
  })
  teams!: string[] | null;
  @ApiProperty({
    type: [String],
    enum: AUTO_APPROVAL_SLI_TYPES,
    example: ['availability', 'latency'],
  })
  sli_types!: string[];
}

export class AutoApprovalRuleResponseDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'low-criticality-balanced' }) name!: string;
  @ApiProperty({ type: AutoApprovalConditionsResponseDto })
  conditions!: AutoApprovalConditionsResponseDto;
  @ApiProperty() enabled!: boolean;
  @ApiProperty({
    example: 'system:auto-approval:low-criticality-balanced',
    description: "The audit log's actor for the rule's decisions.",
  })
  actor!: string;
  @ApiProperty({ example: 'jane.doe@example.com' }) created_by!: string;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ example: 'jane.doe@example.com' }) updated_by!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class AutoApprovalRuleListDto {
  @ApiProperty({
    type: [AutoApprovalRuleResponseDto],
    description: 'Every rule, by name in code-unit order: the order in which they apply.',
  })
  items!: AutoApprovalRuleResponseDto[];
}

export class DryRunRuleDto {
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'null for an unsaved rule.',
  })
  id!: string | null;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ nullable: true, type: Boolean, description: 'null for an unsaved rule.' })
  enabled!: boolean | null;
  @ApiProperty({ type: AutoApprovalConditionsResponseDto })
  conditions!: AutoApprovalConditionsResponseDto;
}

export class DryRunMatchDto {
  @ApiProperty({ example: 'reviews' }) service_id!: string;
  @ApiProperty({ format: 'uuid' }) recommendation_id!: string;
  @ApiProperty({ enum: AUTO_APPROVAL_SLI_TYPES }) sli_type!: string;
  @ApiProperty({ enum: SERVICE_CRITICALITIES }) criticality!: string;
  @ApiProperty({ nullable: true, type: String }) team!: string | null;
  @ApiProperty({ example: 0.97 }) confidence!: number;
  @ApiProperty({ enum: AUTO_APPROVAL_TIERS }) tier!: string;
  @ApiProperty({
    example: 99.9,
    description: 'The target accepting would set: percent for availability, ms for latency.',
  })
  target!: number;
  @ApiProperty({ enum: ['percent', 'ms'] }) unit!: 'percent' | 'ms';
  @ApiProperty({
    nullable: true,
    type: String,
    enum: ['p95', 'p99', 'p99.9'],
    description: 'The latency percentile; null for availability.',
  })
  percentile!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: "Who set the service's active SLO; null when it has none.",
  })
  active_slo_set_by!: string | null;
}

export class DryRunHoldDto extends DryRunMatchDto {
  @ApiProperty({
    enum: ['human_slo', 'unchanged'],
    description:
      '`human_slo`: the active SLO was set by a person or an API key, which a rule never overrides; `unchanged`: the active SLO already holds this target.',
  })
  reason!: string;
}

export class DryRunResultDto {
  @ApiProperty({ type: DryRunRuleDto }) rule!: DryRunRuleDto;
  @ApiProperty({ format: 'date-time' }) evaluated_at!: string;
  @ApiProperty({
    description: 'Current (active, unexpired) recommendations of every service looked at.',
  })
  recommendations_evaluated!: number;
  @ApiProperty({ type: [DryRunMatchDto] }) would_approve!: DryRunMatchDto[];
  @ApiProperty({
    type: [DryRunHoldDto],
    description: 'Recommendations the rule matches but would leave alone, with the reason.',
  })
  held!: DryRunHoldDto[];
}
