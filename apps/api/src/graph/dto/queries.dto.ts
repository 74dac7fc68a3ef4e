import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import {
  CYCLE_ALERT_STATUSES,
  DEFAULT_SUBGRAPH_DEPTH,
  DEFAULT_SUBGRAPH_MAX_NODES,
  MAX_SUBGRAPH_DEPTH,
  MAX_SUBGRAPH_MAX_NODES,
  SERVICE_CRITICALITIES,
  SUBGRAPH_DIRECTIONS,
  type CycleAlertStatus,
  type ServiceCriticality,
  type SubgraphDirection,
} from '@slo-engine/core';
import { PageQueryDto } from '../../shared/page-query.dto';

/** Query strings carry text: "true"/"false" become booleans, anything else stays and fails IsBoolean. */
const toBoolean = ({ value }: { value: unknown }): unknown =>
  value === 'true' ? true : value === 'false' ? false : value;

export { PageQueryDto };

export class ListServicesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'payments' })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  team?: string;

  @ApiPropertyOptional({ enum: SERVICE_CRITICALITIES })
  @IsOptional()
  @IsIn(SERVICE_CRITICALITIES)
  criticality?: ServiceCriticality;

  @ApiPropertyOptional({
    description: 'true: only placeholders created from edges; false: only declared services.',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  discovered?: boolean;
}

export class DependencyQueryDto {
  @ApiPropertyOptional({ enum: SUBGRAPH_DIRECTIONS, default: 'both' })
  @IsOptional()
  @IsIn(SUBGRAPH_DIRECTIONS)
  direction?: SubgraphDirection;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SUBGRAPH_DEPTH, default: DEFAULT_SUBGRAPH_DEPTH })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SUBGRAPH_DEPTH)
  depth?: number;

  @ApiPropertyOptional({
    default: true,
    description: 'false leaves external (third-party) services out.',
  })
  @IsOptional()
  @Transform(toBoolean)
  @IsBoolean()
  include_external?: boolean;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_SUBGRAPH_MAX_NODES,
    default: DEFAULT_SUBGRAPH_MAX_NODES,
    description:
      'Most services returned; the nearest are kept and `truncated_by` says `max_nodes` when it cut the answer.',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SUBGRAPH_MAX_NODES)
  max_nodes?: number;
}

export class ListCyclesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: CYCLE_ALERT_STATUSES })
  @IsOptional()
  @IsIn(CYCLE_ALERT_STATUSES)
  status?: CycleAlertStatus;
}

export class UpdateCycleAlertDto {
  @ApiPropertyOptional({ enum: ['acknowledged', 'resolved'] })
  @IsIn(['acknowledged', 'resolved'])
  status!: 'acknowledged' | 'resolved';

  @ApiPropertyOptional({ example: 'Moved the callback to an async queue.', maxLength: 10_000 })
  @IsOptional()
  @IsString()
  @Length(1, 10_000)
  resolution_notes?: string;
}
