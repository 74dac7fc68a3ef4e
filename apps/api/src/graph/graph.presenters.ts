/** Core types → the snake_case JSON of spec 004 FR-1. */
import {
  type CycleAlert,
  type Ingestion,
  type IngestionResult,
  type RetryConfig,
  type ServiceNode,
  type SubgraphEdge,
} from '@slo-engine/core';
import {
  type CycleAlertDto,
  type IngestionDto,
  type IngestionResultDto,
  type RetryConfigResponseDto,
  type ServiceResponseDto,
  type SubgraphEdgeDto,
} from './dto/responses.dto';

import { WIRE_METADATA_KEY_BY_CORE, renameMetadataKeys } from './metadata-keys';

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function presentService(s: ServiceNode): ServiceResponseDto {
  return {
    service_id: s.serviceId,
    team: s.team,
    criticality: s.criticality,
    service_type: s.serviceType,
    discovered: s.discovered,
    metadata: renameMetadataKeys(s.metadata, WIRE_METADATA_KEY_BY_CORE),
    created_at: s.createdAt.toISOString(),
    updated_at: s.updatedAt.toISOString(),
  };
}

function presentRetry(r: RetryConfig | null): RetryConfigResponseDto | null {
  if (!r) return null;
  return {
    ...(r.maxRetries !== undefined ? { max_retries: r.maxRetries } : {}),
    ...(r.backoffStrategy !== undefined ? { backoff_strategy: r.backoffStrategy } : {}),
  };
}

/** Everything of an edge but `in_cycle` (SubgraphJsonWriter appends it), in the wire order. */
export function presentEdgeWithoutCycleFlag(e: SubgraphEdge): Omit<SubgraphEdgeDto, 'in_cycle'> {
  return {
    source: e.source,
    target: e.target,
    communication_mode: e.communicationMode,
    criticality: e.criticality,
    protocol: e.protocol,
    timeout_ms: e.timeoutMs,
    retry_config: presentRetry(e.retryConfig),
    redundancy_group: e.redundancyGroup,
    discovery_sources: [...e.discoverySources],
    confidence_score: e.confidenceScore,
    last_observed_at: e.lastObservedAt.toISOString(),
  };
}

export function presentCycleAlert(a: CycleAlert): CycleAlertDto {
  return {
    id: a.id,
    cycle_path: [...a.cyclePath],
    members: [...a.members],
    status: a.status,
    detected_at: a.detectedAt.toISOString(),
    acknowledged_by: a.acknowledgedBy,
    resolution_notes: a.resolutionNotes,
    updated_at: a.updatedAt.toISOString(),
  };
}

function presentResult(r: IngestionResult): IngestionResultDto {
  return {
    services_created: r.servicesCreated,
    services_updated: r.servicesUpdated,
    placeholders_created: [...r.placeholdersCreated],
    edges_created: r.edgesCreated,
    edges_updated: r.edgesUpdated,
    edges_unchanged: r.edgesUnchanged,
    edges_marked_stale: r.edgesMarkedStale,
    conflicts: r.conflicts.map((c) => ({
      source: c.source,
      target: c.target,
      attribute: c.attribute,
      kept: { discovery_source: c.kept.discoverySource, value: c.kept.value },
      overridden: c.overridden.map((o) => ({
        discovery_source: o.discoverySource,
        value: o.value,
      })),
    })),
    cycles: r.cycles.map((c) => ({
      path: [...c.path],
      members: [...c.members],
      new_alert: c.newAlert,
      alert_id: c.alertId,
    })),
    divergences: r.divergences.map((d) => ({
      source: d.source,
      target: d.target,
      kind: d.kind,
      declared_by: [...d.declaredBy],
      observed_by: [...d.observedBy],
    })),
    warnings: [...r.warnings],
  };
}

export function presentIngestion(i: Ingestion): IngestionDto {
  return {
    ingestion_id: i.id,
    source: i.source,
    status: i.status,
    nodes_received: i.nodesReceived,
    edges_received: i.edgesReceived,
    submitted_at: i.submittedAt.toISOString(),
    started_at: iso(i.startedAt),
    completed_at: iso(i.completedAt),
    result: i.result ? presentResult(i.result) : null,
    error: i.error,
  };
}
