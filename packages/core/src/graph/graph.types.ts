/**
 * The dependency graph of spec 004 FR-1: services (nodes) and the calls between them (edges), each
 * edge observed by one or more discovery sources.
 */
export const DISCOVERY_SOURCES = [
  'manual',
  'service_mesh',
  'otel_service_graph',
  'kubernetes',
] as const;
export type DiscoverySource = (typeof DISCOVERY_SOURCES)[number];

/**
 * When sources disagree on an edge's attributes, the earlier source wins:
 * manual > service_mesh > otel_service_graph > kubernetes (spec 004 FR-1).
 */
export const SOURCE_PRIORITY: Readonly<Record<DiscoverySource, number>> = {
  manual: 0,
  service_mesh: 1,
  otel_service_graph: 2,
  kubernetes: 3,
};

export const SERVICE_CRITICALITIES = ['critical', 'high', 'medium', 'low'] as const;
export type ServiceCriticality = (typeof SERVICE_CRITICALITIES)[number];

export const SERVICE_TYPES = ['internal', 'external'] as const;
/** `external` marks a third-party dependency (spec 004 FR-3: `target.service_type = 'external'`). */
export type ServiceType = (typeof SERVICE_TYPES)[number];

export const COMMUNICATION_MODES = ['sync', 'async'] as const;
export type CommunicationMode = (typeof COMMUNICATION_MODES)[number];

export const EDGE_CRITICALITIES = ['hard', 'soft', 'degraded'] as const;
/** hard: failure propagates; soft / degraded: the caller degrades, left out of composites. */
export type EdgeCriticality = (typeof EDGE_CRITICALITIES)[number];

export interface RetryConfig {
  readonly maxRetries?: number;
  readonly backoffStrategy?: string;
}

export interface ServiceMetadata {
  readonly team?: string;
  readonly criticality?: ServiceCriticality;
  readonly tier?: number;
  readonly namespace?: string;
  readonly runtime?: string;
  readonly serviceType?: ServiceType;
  /** Published SLA of an external service, as a ratio (e.g. 0.9999). */
  readonly publishedSla?: number;
  /** Anything else the source sent, kept verbatim. */
  readonly [key: string]: unknown;
}

export interface ServiceNode {
  /** Business identifier, 1–255 characters, unique. */
  readonly serviceId: string;
  readonly metadata: ServiceMetadata;
  readonly team: string | null;
  readonly criticality: ServiceCriticality;
  readonly serviceType: ServiceType;
  /** True for placeholder nodes created because an edge named an unknown service. */
  readonly discovered: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface EdgeAttributes {
  readonly communicationMode: CommunicationMode;
  readonly criticality: EdgeCriticality;
  readonly protocol: string | null;
  readonly timeoutMs: number | null;
  readonly retryConfig: RetryConfig | null;
  /**
   * Edges from one caller with the same label are redundant replicas (parallel, one factor
   * `1 − Π(1 − R)` in composite availability); null for an ordinary serial dependency.
   */
  readonly redundancyGroup: string | null;
}

/** One source's observation of an edge (one row per source, target and discovery source). */
export interface DependencyEdge extends EdgeAttributes {
  readonly source: string;
  readonly target: string;
  readonly discoverySource: DiscoverySource;
  /** 0..1; how sure the source is that the call exists (1 for declared edges). */
  readonly confidenceScore: number;
  readonly lastObservedAt: Date;
  /** Not observed within the staleness window; kept, never deleted. */
  readonly isStale: boolean;
}

/** What a client submits (POST /api/v1/services/dependencies), already transport-validated. */
export interface GraphSubmission {
  readonly source: DiscoverySource;
  /** When the source observed this graph; defaults to the time of submission. */
  readonly observedAt: Date;
  readonly nodes: ReadonlyArray<{ readonly serviceId: string; readonly metadata: ServiceMetadata }>;
  readonly edges: ReadonlyArray<{
    readonly source: string;
    readonly target: string;
    readonly attributes: Partial<EdgeAttributes>;
    readonly confidenceScore?: number;
  }>;
}

export const INGESTION_STATUSES = ['queued', 'processing', 'completed', 'failed'] as const;
export type IngestionStatus = (typeof INGESTION_STATUSES)[number];

export interface AttributeConflict {
  readonly source: string;
  readonly target: string;
  readonly attribute: keyof EdgeAttributes;
  /** The value kept (from the highest-priority source) and the values it overrode. */
  readonly kept: { readonly discoverySource: DiscoverySource; readonly value: unknown };
  readonly overridden: ReadonlyArray<{
    readonly discoverySource: DiscoverySource;
    readonly value: unknown;
  }>;
}

export interface DetectedCycle {
  /** e.g. ["a", "b", "c", "a"]. */
  readonly path: readonly string[];
  readonly members: readonly string[];
  /** True when this ingestion created the alert (false: an open alert already existed). */
  readonly newAlert: boolean;
  readonly alertId: string;
}

export interface Divergence {
  readonly source: string;
  readonly target: string;
  /** declared_not_observed: manual/kubernetes edge no runtime source saw; the reverse otherwise. */
  readonly kind: 'declared_not_observed' | 'observed_not_declared';
  readonly declaredBy: readonly DiscoverySource[];
  readonly observedBy: readonly DiscoverySource[];
}

export interface IngestionResult {
  readonly servicesCreated: number;
  readonly servicesUpdated: number;
  readonly placeholdersCreated: readonly string[];
  readonly edgesCreated: number;
  readonly edgesUpdated: number;
  readonly edgesUnchanged: number;
  readonly edgesMarkedStale: number;
  readonly conflicts: readonly AttributeConflict[];
  readonly cycles: readonly DetectedCycle[];
  readonly divergences: readonly Divergence[];
  readonly warnings: readonly string[];
}

export interface Ingestion {
  readonly id: string;
  readonly source: DiscoverySource;
  readonly status: IngestionStatus;
  readonly nodesReceived: number;
  readonly edgesReceived: number;
  readonly submittedAt: Date;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
  /** Present once completed. */
  readonly result: IngestionResult | null;
  /** Present when failed: a message safe to show the client. */
  readonly error: string | null;
}

export const CYCLE_ALERT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
export type CycleAlertStatus = (typeof CYCLE_ALERT_STATUSES)[number];

export interface CycleAlert {
  readonly id: string;
  readonly cyclePath: readonly string[];
  /** Members sorted; the identity of a cycle (at most one unresolved alert per member set). */
  readonly members: readonly string[];
  readonly detectedAt: Date;
  readonly status: CycleAlertStatus;
  readonly acknowledgedBy: string | null;
  readonly resolutionNotes: string | null;
  readonly updatedAt: Date;
}
