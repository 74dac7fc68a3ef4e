import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  MAX_LATENCY_TARGET_MS,
  MAX_RATIONALE_LENGTH,
  SELECTABLE_TIERS,
  type TierName,
} from '@slo-engine/core';
import { PageQueryDto } from '../../shared/page-query.dto';

/** What a caller may do over HTTP; `auto_approve` is reserved to auto-approval rules. */
export const HTTP_DECISION_ACTIONS = ['accept', 'modify', 'reject'] as const;
export type HttpDecisionAction = (typeof HTTP_DECISION_ACTIONS)[number];

export class SloModificationsDto {
  @ApiPropertyOptional({
    description: 'Percent, above 0 and below 100, at most 4 decimals.',
    example: 99.95,
    exclusiveMinimum: true,
    minimum: 0,
    exclusiveMaximum: true,
    maximum: 100,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 4 })
  @Min(0.0001)
  @Max(99.9999)
  availability_target?: number;

  @ApiPropertyOptional({ example: 250, minimum: 1, maximum: MAX_LATENCY_TARGET_MS })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_LATENCY_TARGET_MS)
  latency_p95_target_ms?: number;

  @ApiPropertyOptional({ example: 600, minimum: 1, maximum: MAX_LATENCY_TARGET_MS })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_LATENCY_TARGET_MS)
  latency_p99_target_ms?: number;
}

export class DecideSloDto {
  @ApiProperty({ format: 'uuid', description: 'A current recommendation of this service.' })
  @IsUUID()
  recommendation_id!: string;

  @ApiProperty({ enum: HTTP_DECISION_ACTIONS })
  @IsIn(HTTP_DECISION_ACTIONS)
  action!: HttpDecisionAction;

  @ApiPropertyOptional({
    enum: SELECTABLE_TIERS,
    description: 'Required for accept and modify: the tier whose targets become the SLO.',
  })
  @IsOptional()
  @IsIn(SELECTABLE_TIERS)
  selected_tier?: TierName;

  @ApiPropertyOptional({
    type: SloModificationsDto,
    description:
      "Required (non-empty) for modify, refused otherwise: targets set instead of the tier's.",
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SloModificationsDto)
  modifications?: SloModificationsDto;

  @ApiPropertyOptional({
    maxLength: MAX_RATIONALE_LENGTH,
    example:
      'Adjusting availability up because we are adding a payment fallback provider next sprint',
  })
  @IsOptional()
  @IsString()
  @MaxLength(MAX_RATIONALE_LENGTH)
  rationale?: string;
}

export class SloHistoryQueryDto extends PageQueryDto {}
