/**
 * Response shapes of the graph endpoints (snake_case, as spec 004 FR-1), documented for OpenAPI.
 * The presenters in ../graph.presenters.ts build them from core types.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  COMMUNICATION_MODES,
  CYCLE_ALERT_STATUSES,
  DISCOVERY_SOURCES,
  EDGE_CRITICALITIES,
  INGESTION_STATUSES,
  SERVICE_CRITICALITIES,
  SERVICE_TYPES,
} from '@slo-engine/core';

export class ServiceResponseDto {
  @ApiProperty({ example: 'checkout-service' }) service_id!: string;
  @ApiProperty({ example: 'payments', nullable: true, type: String }) team!: string | null;
  @ApiProperty({ enum: SERVICE_CRITICALITIES }) criticality!: string;
  @ApiProperty({ enum: SERVICE_TYPES }) service_type!: string;
  @ApiProperty({
    description: 'True for placeholders created because an edge named an unknown service.',
  })
  discovered!: boolean;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: { tier: 1, namespace: 'production' },
  })
  metadata!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class ServicePageDto {
  @ApiProperty({ type: [ServiceResponseDto] }) items!: ServiceResponseDto[];
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Pass as `cursor` for the next page; null on the last page.',
  })
  next_cursor!: string | null;
}

export class RetryConfigResponseDto {
  @ApiPropertyOptional() max_retries?: number;
  @ApiPropertyOptional() backoff_strategy?: string;
}

export class SubgraphNodeDto extends ServiceResponseDto {
  @ApiProperty({ description: 'Hops from the requested service (0 for itself).' }) depth!: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'The circular dependency the service belongs to.',
  })
  cycle_id!: string | null;
}

export class SubgraphEdgeDto {
  @ApiProperty({ example: 'checkout-service' }) source!: string;
  @ApiProperty({ example: 'payment-service' }) target!: string;
  @ApiProperty({ enum: COMMUNICATION_MODES }) communication_mode!: string;
  @ApiProperty({ enum: EDGE_CRITICALITIES }) criticality!: string;
  @ApiProperty({ nullable: true, type: String }) protocol!: string | null;
  @ApiProperty({ nullable: true, type: Number }) timeout_ms!: number | null;
  @ApiProperty({ nullable: true, type: RetryConfigResponseDto })
  retry_config!: RetryConfigResponseDto | null;
  @ApiProperty({ nullable: true, type: String, description: 'Redundant replicas share a group.' })
  redundancy_group!: string | null;
  @ApiProperty({
    enum: DISCOVERY_SOURCES,
    isArray: true,
    description: 'Sources that observed the edge, highest priority first.',
  })
  discovery_sources!: string[];
  @ApiProperty({ minimum: 0, maximum: 1 }) confidence_score!: number;
  @ApiProperty({ format: 'date-time' }) last_observed_at!: string;
  @ApiProperty({ description: 'Both ends are in the same circular dependency.' })
  in_cycle!: boolean;
}

export class SubgraphCycleDto {
  @ApiProperty({ example: 'cycle:fulfilment-service' }) cycle_id!: string;
  @ApiProperty({ type: [String] }) members!: string[];
  @ApiProperty({
    type: [String],
    example: ['orders-service', 'inventory-service', 'fulfilment-service', 'orders-service'],
  })
  path!: string[];
}

export class DependencySubgraphDto {
  @ApiProperty({ type: ServiceResponseDto }) service!: ServiceResponseDto;
  @ApiProperty({ enum: ['upstream', 'downstream', 'both'] }) direction!: string;
  @ApiProperty() depth!: number;
  @ApiProperty() include_external!: boolean;
  @ApiProperty({ description: 'The graph version the answer was computed from.' })
  graph_version!: number;
  @ApiProperty({ type: [SubgraphNodeDto] }) nodes!: SubgraphNodeDto[];
  @ApiProperty({ type: [SubgraphEdgeDto] }) edges!: SubgraphEdgeDto[];
  @ApiProperty({ description: 'True when a larger depth or max_nodes would return more services.' })
  truncated!: boolean;
  @ApiProperty({
    enum: ['depth', 'max_nodes'],
    nullable: true,
    type: String,
    description: 'What cut the answer short.',
  })
  truncated_by!: 'depth' | 'max_nodes' | null;
  @ApiProperty({ description: 'The node limit applied.' }) max_nodes!: number;
  @ApiProperty({ type: [SubgraphCycleDto] }) cycles!: SubgraphCycleDto[];
}

export class CycleAlertDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: [String] }) cycle_path!: string[];
  @ApiProperty({ type: [String] }) members!: string[];
  @ApiProperty({ enum: CYCLE_ALERT_STATUSES }) status!: string;
  @ApiProperty({ format: 'date-time' }) detected_at!: string;
  @ApiProperty({ nullable: true, type: String }) acknowledged_by!: string | null;
  @ApiProperty({ nullable: true, type: String }) resolution_notes!: string | null;
  @ApiProperty({ format: 'date-time' }) updated_at!: string;
}

export class CycleAlertPageDto {
  @ApiProperty({ type: [CycleAlertDto] }) items!: CycleAlertDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

export class IngestionResultDto {
  @ApiProperty() services_created!: number;
  @ApiProperty() services_updated!: number;
  @ApiProperty({ type: [String] }) placeholders_created!: string[];
  @ApiProperty() edges_created!: number;
  @ApiProperty() edges_updated!: number;
  @ApiProperty() edges_unchanged!: number;
  @ApiProperty() edges_marked_stale!: number;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'Attribute disagreements between sources; the highest-priority source wins.',
  })
  conflicts!: object[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'Circular dependencies with their path and alert id.',
  })
  cycles!: object[];
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    description: 'Edges declared but not observed at runtime, or the reverse.',
  })
  divergences!: object[];
  @ApiProperty({ type: [String] }) warnings!: string[];
}

export class IngestionDto {
  @ApiProperty({ format: 'uuid' }) ingestion_id!: string;
  @ApiProperty({ enum: DISCOVERY_SOURCES }) source!: string;
  @ApiProperty({ enum: INGESTION_STATUSES }) status!: string;
  @ApiProperty() nodes_received!: number;
  @ApiProperty() edges_received!: number;
  @ApiProperty({ format: 'date-time' }) submitted_at!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) started_at!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completed_at!: string | null;
  @ApiProperty({ type: IngestionResultDto, nullable: true }) result!: IngestionResultDto | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
}

export class SubmitGraphAcceptedDto {
  @ApiProperty({ format: 'uuid' }) ingestion_id!: string;
  @ApiProperty({ enum: INGESTION_STATUSES, example: 'queued' }) status!: string;
  @ApiProperty({ example: 150 }) nodes_received!: number;
  @ApiProperty({ example: 420 }) edges_received!: number;
  @ApiProperty({ example: 2 }) estimated_completion_seconds!: number;
  @ApiProperty({
    example: '/api/v1/ingestions/0b9e6c1e-…',
    description: 'Where to poll for progress and the result.',
  })
  status_url!: string;
}
