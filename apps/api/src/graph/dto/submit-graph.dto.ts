import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import {
  COMMUNICATION_MODES,
  DISCOVERY_SOURCES,
  EDGE_CRITICALITIES,
  SERVICE_CRITICALITIES,
  SERVICE_TYPES,
  type CommunicationMode,
  type DiscoverySource,
  type EdgeCriticality,
  type ServiceCriticality,
  type ServiceType,
} from '@slo-engine/core';
import { IsOpenMetadata } from './open-metadata.validator';

/** Largest graph one request may carry; bigger fleets submit in parts (partial submissions merge). */
export const MAX_NODES_PER_SUBMISSION = 20_000;
export const MAX_EDGES_PER_SUBMISSION = 200_000;

export class ServiceMetadataDto {
  @ApiPropertyOptional({ example: 'payments', maxLength: 255 })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  team?: string;

  @ApiPropertyOptional({ enum: SERVICE_CRITICALITIES, default: 'medium' })
  @IsOptional()
  @IsIn(SERVICE_CRITICALITIES)
  criticality?: ServiceCriticality;

  @ApiPropertyOptional({ example: 1, minimum: 0, maximum: 10 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  tier?: number;

  @ApiPropertyOptional({ example: 'production', maxLength: 255 })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  namespace?: string;

  @ApiPropertyOptional({ example: 'python3.12', maxLength: 255 })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  runtime?: string;

  @ApiPropertyOptional({
    enum: SERVICE_TYPES,
    default: 'internal',
    description:
      '`external` marks a third-party API; its availability comes from monitoring or its published SLA.',
  })
  @IsOptional()
  @IsIn(SERVICE_TYPES)
  service_type?: ServiceType;

  @ApiPropertyOptional({
    example: 0.9999,
    minimum: 0,
    maximum: 1,
    description: 'Published SLA of an external service as a ratio.',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  published_sla?: number;
}

/** The metadata keys the API understands; others are kept verbatim (see IsOpenMetadata). */
export const SERVICE_METADATA_KEYS = [
  'team',
  'criticality',
  'tier',
  'namespace',
  'runtime',
  'service_type',
  'published_sla',
] as const;

export class ServiceNodeDto {
  @ApiProperty({ example: 'checkout-service', minLength: 1, maxLength: 255 })
  @IsString()
  @Length(1, 255)
  service_id!: string;

  @ApiPropertyOptional({
    type: ServiceMetadataDto,
    description:
      'Known keys are validated; other keys (strings, numbers, booleans, null) are kept verbatim.',
  })
  @IsOptional()
  @IsOpenMetadata(ServiceMetadataDto, SERVICE_METADATA_KEYS)
  metadata?: Record<string, unknown>;
}

export class RetryConfigDto {
  @ApiPropertyOptional({ example: 3, minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  max_retries?: number;

  @ApiPropertyOptional({ example: 'exponential', maxLength: 50 })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  backoff_strategy?: string;
}

export class EdgeAttributesDto {
  @ApiPropertyOptional({ enum: COMMUNICATION_MODES, default: 'sync' })
  @IsOptional()
  @IsIn(COMMUNICATION_MODES)
  communication_mode?: CommunicationMode;

  @ApiPropertyOptional({
    enum: EDGE_CRITICALITIES,
    default: 'hard',
    description:
      'hard: failures propagate; soft/degraded: the caller degrades (left out of composite availability).',
  })
  @IsOptional()
  @IsIn(EDGE_CRITICALITIES)
  criticality?: EdgeCriticality;

  @ApiPropertyOptional({ example: 'grpc', maxLength: 50 })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  protocol?: string;

  @ApiPropertyOptional({ example: 5000, minimum: 1, maximum: 3_600_000 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  timeout_ms?: number;

  @ApiPropertyOptional({ type: RetryConfigDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RetryConfigDto)
  retry_config?: RetryConfigDto;

  @ApiPropertyOptional({
    example: 'orders-db-replicas',
    maxLength: 255,
    description:
      'Edges from one caller with the same redundancy group are redundant replicas: the call succeeds if any of them is up (one parallel factor 1 − Π(1 − R) in composite availability).',
  })
  @IsOptional()
  @IsString()
  @Length(1, 255)
  redundancy_group?: string;
}

export class DependencyEdgeDto {
  @ApiProperty({
    example: 'checkout-service',
    description: 'The caller.',
    minLength: 1,
    maxLength: 255,
  })
  @IsString()
  @Length(1, 255)
  source!: string;

  @ApiProperty({
    example: 'payment-service',
    description: 'The callee.',
    minLength: 1,
    maxLength: 255,
  })
  @IsString()
  @Length(1, 255)
  target!: string;

  @ApiPropertyOptional({ type: EdgeAttributesDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => EdgeAttributesDto)
  attributes?: EdgeAttributesDto;

  @ApiPropertyOptional({
    example: 0.95,
    minimum: 0,
    maximum: 1,
    description: 'How sure the source is that the call exists; default 1.',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  confidence_score?: number;
}

export class SubmitGraphDto {
  @ApiProperty({ enum: DISCOVERY_SOURCES, example: 'manual' })
  @IsIn(DISCOVERY_SOURCES)
  source!: DiscoverySource;

  @ApiPropertyOptional({
    example: '2026-02-14T10:00:00Z',
    description: 'When the source observed this graph (ISO 8601); default: now.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  timestamp?: string;

  @ApiProperty({ type: [ServiceNodeDto], maxItems: MAX_NODES_PER_SUBMISSION })
  @IsArray()
  @ArrayMaxSize(MAX_NODES_PER_SUBMISSION)
  @ValidateNested({ each: true })
  @Type(() => ServiceNodeDto)
  nodes!: ServiceNodeDto[];

  @ApiProperty({ type: [DependencyEdgeDto], maxItems: MAX_EDGES_PER_SUBMISSION })
  @IsArray()
  @ArrayMaxSize(MAX_EDGES_PER_SUBMISSION)
  @ValidateNested({ each: true })
  @Type(() => DependencyEdgeDto)
  edges!: DependencyEdgeDto[];
}

export class SubmitGraphAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  ingestion_id!: string;

  @ApiProperty({ enum: ['queued', 'processing', 'completed', 'failed'], example: 'queued' })
  status!: string;

  @ApiProperty({ example: 150 })
  nodes_received!: number;

  @ApiProperty({ example: 420 })
  edges_received!: number;

  @ApiProperty({ example: 2 })
  estimated_completion_seconds!: number;

  @ApiProperty({
    example: '/api/v1/ingestions/2f0c…',
    description: 'Where to poll for progress and the result.',
  })
  status_url!: string;
}
