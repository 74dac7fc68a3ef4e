import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { DEFAULT_TOP_CONSUMERS, MAX_TOP_CONSUMERS, UNASSIGNED_TEAM } from '@slo-engine/core';

export class DashboardTeamQueryDto {
  @ApiPropertyOptional({
    example: 'payments',
    description: `Only this team; services without a team are '${UNASSIGNED_TEAM}'.`,
  })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  team?: string;
}

export class ErrorBudgetHealthQueryDto extends DashboardTeamQueryDto {
  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_TOP_CONSUMERS,
    default: DEFAULT_TOP_CONSUMERS,
    description: 'How many of the most-consumed services to list.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_TOP_CONSUMERS)
  top?: number;
}
