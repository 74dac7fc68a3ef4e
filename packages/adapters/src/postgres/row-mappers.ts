import {
  type CommunicationMode,
  type DependencyEdge,
  type DiscoverySource,
  type EdgeCriticality,
  type RetryConfig,
  type ServiceCriticality,
  type ServiceMetadata,
  type ServiceNode,
  type ServiceType,
} from '@slo-engine/core';

/** Columns of `services` as selected by {@link SERVICE_COLUMNS}. */
export interface ServiceRow {
  readonly service_id: string;
  readonly metadata: ServiceMetadata;
  readonly team: string | null;
  readonly criticality: ServiceCriticality;
  readonly service_type: ServiceType;
  readonly discovered: boolean;
  readonly created_at: Date;
  readonly updated_at: Date;
}

export const SERVICE_COLUMNS =
  'service_id, metadata, team, criticality, service_type, discovered, created_at, updated_at';

export function toServiceNode(row: ServiceRow): ServiceNode {
  return {
    serviceId: row.service_id,
    metadata: row.metadata,
    team: row.team,
    criticality: row.criticality,
    serviceType: row.service_type,
    discovered: row.discovered,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The attribute columns of `service_dependencies`. */
export interface EdgeAttributeRow {
  readonly communication_mode: CommunicationMode;
  readonly criticality: EdgeCriticality;
  readonly protocol: string | null;
  readonly timeout_ms: number | null;
  readonly retry_config: RetryConfig | null;
  readonly redundancy_group: string | null;
}

export interface EdgeObservationRow extends EdgeAttributeRow {
  readonly source: string;
  readonly target: string;
  readonly discovery_source: DiscoverySource;
  readonly confidence_score: number;
  readonly last_observed_at: Date;
  readonly is_stale: boolean;
}

export function toDependencyEdge(row: EdgeObservationRow): DependencyEdge {
  return {
    source: row.source,
    target: row.target,
    discoverySource: row.discovery_source,
    communicationMode: row.communication_mode,
    criticality: row.criticality,
    protocol: row.protocol,
    timeoutMs: row.timeout_ms,
    retryConfig: row.retry_config,
    redundancyGroup: row.redundancy_group,
    confidenceScore: row.confidence_score,
    lastObservedAt: row.last_observed_at,
    isStale: row.is_stale,
  };
}
