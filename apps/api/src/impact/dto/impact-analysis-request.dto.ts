import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDefined,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  ValidateNested,
} from 'class-validator';
import { IMPACT_SLI_TYPES } from '@slo-engine/core';

const FINITE = { allowNaN: false, allowInfinity: false } as const;

/**
 * Types and presence only: the value rules (sli_type availability, percentages in (0, 100)) are
 * the use case's, so every caller gets the same messages.
 */
export class ProposedChangeDto {
  @ApiProperty({
    enum: IMPACT_SLI_TYPES,
    example: 'availability',
    description:
      'Only `availability`: availability composes along hard dependencies, latency does not, so a latency change is refused with 400.',
  })
  @IsString()
  sli_type!: string;

  @ApiPropertyOptional({
    example: 99.9,
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 100,
    exclusiveMaximum: true,
    description:
      "The service's availability today, percent. Omitted: its observed 28-day availability (published SLA less 0.1% or the archetype's baseline when never observed).",
  })
  @IsOptional()
  @IsNumber(FINITE)
  current_target?: number;

  @ApiProperty({
    example: 99.5,
    minimum: 0,
    exclusiveMinimum: true,
    maximum: 100,
    exclusiveMaximum: true,
  })
  @IsNumber(FINITE)
  proposed_target!: number;
}

export class ImpactAnalysisRequestDto {
  @ApiProperty({ example: 'payment-service', maxLength: 255 })
  @IsString()
  @Length(1, 255)
  service_id!: string;

  @ApiProperty({ type: ProposedChangeDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => ProposedChangeDto)
  proposed_change!: ProposedChangeDto;
}
