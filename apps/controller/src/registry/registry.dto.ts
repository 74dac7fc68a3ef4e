import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

export const PRIORITIES = ['low', 'normal', 'high'] as const;

/** `verb` and `name` are identifiers without ':' (the registry key is `verb:name`). */
const IDENTIFIER = /^[^:\s][^:]*$/;

export class WorkerIdDto {
  @ApiProperty({ example: 'worker-doc-1' })
  @IsString()
  @Length(1, 256)
  worker_id!: string;
}

export class SloConstraintsDto {
  @ApiPropertyOptional({ description: 'Maximum declared p50 latency (ms).' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  latency_p50_ms?: number;

  @ApiPropertyOptional({ description: 'Maximum declared p95 latency (ms).' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  latency_p95_ms?: number;

  @ApiPropertyOptional({ description: 'Maximum declared p99 latency (ms).' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  latency_p99_ms?: number;

  @ApiPropertyOptional({ description: 'Minimum declared availability, in (0, 1].' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  availability?: number;
}

/** Body of `POST /route` (spec 002) with the parameters it reserves, used here. */
export class RouteRequestDto {
  @ApiProperty({ example: 'convert' })
  @IsString()
  @Length(1, 256)
  @Matches(IDENTIFIER, { message: 'verb must not contain ":" or start with a space' })
  verb!: string;

  @ApiProperty({ example: 'convert_document_to_pdf', description: 'Capability name.' })
  @IsString()
  @Length(1, 256)
  @Matches(IDENTIFIER, { message: 'capability must not contain ":" or start with a space' })
  capability!: string;

  @ApiPropertyOptional({
    description:
      'Sticky canary key (device, tenant...): the same key stays on the same side of a canary.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 512)
  routing_key?: string;

  @ApiPropertyOptional({
    description:
      'Accepted for spec 002 compatibility and logged; the identity used by routing policies is the verified caller identity, never this field.',
  })
  @IsOptional()
  @IsString()
  @Length(1, 2048)
  requester_identity?: string;

  @ApiPropertyOptional({
    type: SloConstraintsDto,
    description: 'Only workers whose declared SLO meets these.',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => SloConstraintsDto)
  slo_constraints?: SloConstraintsDto;

  @ApiPropertyOptional({
    description: 'Only workers costing at most this many tokens; cheapest first.',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  budget_tokens?: number;

  @ApiPropertyOptional({
    enum: PRIORITIES,
    default: 'normal',
    description:
      'low-priority requests are shed (503 CONTROLLER.SLO_VIOLATION with Retry-After) while the capability violates an SLO file with reject_on_violation: true (spec 000).',
  })
  @IsOptional()
  @IsIn(PRIORITIES)
  priority?: (typeof PRIORITIES)[number];
}

export class RouteResponseDto {
  @ApiProperty({ example: 'https://worker-doc-1.local:8501' }) worker_url!: string;
  @ApiProperty({ example: 'worker-doc-1' }) worker_id!: string;
  @ApiProperty({ example: '1.0.0' }) version!: string;
  @ApiPropertyOptional({ enum: ['stable', 'canary'] }) canary?: 'stable' | 'canary';
}

export class RegisteredDto {
  @ApiProperty({ example: 'registered' }) status!: 'registered';
  @ApiProperty() worker_id!: string;
}

export class HeartbeatResponseDto {
  @ApiPropertyOptional({ example: 'acknowledged' }) status?: 'acknowledged';
  @ApiPropertyOptional({ example: '2025-11-16T10:30:00.000Z' }) timestamp?: string;
  @ApiPropertyOptional({
    example: 'worker_not_registered',
    description: 'Unknown worker (or restored after a controller restart): register again now.',
  })
  error?: 'worker_not_registered';
  @ApiPropertyOptional() worker_id?: string;
}

export class DeregisteredDto {
  @ApiProperty({ example: 'deregistered' }) status!: 'deregistered';
  @ApiProperty({
    description: 'false when the worker was not registered (deregistering is idempotent).',
  })
  was_registered!: boolean;
}
