import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import {
  DEFAULT_LOOKBACK_DAYS,
  MAX_LOOKBACK_DAYS,
  MIN_LOOKBACK_DAYS,
  SLI_TYPE_CHOICES,
  type SliTypeChoice,
} from '@slo-engine/core';

const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export class RecommendationQueryDto {
  @ApiPropertyOptional({ enum: SLI_TYPE_CHOICES, default: 'all' })
  @IsOptional()
  @IsIn(SLI_TYPE_CHOICES)
  sli_type?: SliTypeChoice;

  @ApiPropertyOptional({
    minimum: MIN_LOOKBACK_DAYS,
    maximum: MAX_LOOKBACK_DAYS,
    default: DEFAULT_LOOKBACK_DAYS,
    description:
      'Days of history to recommend from. With fewer than 30 days of data the window widens to up to 90 days (cold start).',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(MIN_LOOKBACK_DAYS)
  @Max(MAX_LOOKBACK_DAYS)
  lookback_days?: number;

  @ApiPropertyOptional({
    default: false,
    description: 'Bypass the stored recommendation, recompute from telemetry and store the result.',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  force_regenerate?: boolean;
}
