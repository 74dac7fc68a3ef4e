/**
 * Ports of the dependency-graph feature. Abstract classes without decorators, so each class is its
 * own Nest injection token: `{ provide: GraphRepository, useClass: PostgresGraphRepository }`.
 */
import { type Page, type PageRequest } from '../shared/pagination';
import {
  type AttributeConflict,
  type CycleAlert,
  type CycleAlertStatus,
  type DependencyEdge,
  type DiscoverySource,
  type EdgeAttributes,
  type GraphSubmission,
  type Ingestion,
  type IngestionResult,
  type ServiceCriticality,
  type ServiceNode,
} from './graph.types';

export interface ApplySubmissionOptions {
  readonly now: Date;
  /** Edges not observed for longer than this are marked stale (default 7 days). */
  readonly stalenessWindowMs: number;
}

/** What {@link GraphRepository.applySubmission} changed. */
export interface ApplySubmissionResult {
  readonly servicesCreated: number;
  readonly servicesUpdated: number;
  /** Service ids named only by edges, created as placeholders (`discovered: true`). */
  readonly placeholdersCreated: readonly string[];
  readonly edgesCreated: number;
  readonly edgesUpdated: number;
  readonly edgesUnchanged: number;
  readonly edgesMarkedStale: number;
  /** Attribute disagreements between sources on the edges this submission touched. */
  readonly conflicts: readonly AttributeConflict[];
  /** True when anything in the graph changed (the graph version was bumped). */
  readonly changed: boolean;
}

/**
 * One edge as the rest of the system sees it: the non-stale observations of (source, target)
 * merged, attributes from the highest-priority source (manual > service_mesh >
 * otel_service_graph > kubernetes).
 */
export interface EffectiveEdge extends EdgeAttributes {
  readonly source: string;
  readonly target: string;
  /** Every source that observed the edge, highest priority first. */
  readonly discoverySources: readonly DiscoverySource[];
  /** The highest confidence among the sources. */
  readonly confidenceScore: number;
  readonly lastObservedAt: Date;
}

/** The whole current graph: every service and every effective (non-stale) edge. */
export interface ActiveGraph {
  /** Increases whenever the stored graph changes; equal versions mean equal graphs. */
  readonly version: number;
  readonly services: readonly ServiceNode[];
  readonly edges: readonly EffectiveEdge[];
}

export interface ServiceFilter {
  readonly team?: string;
  readonly criticality?: ServiceCriticality;
  readonly discovered?: boolean;
}

export abstract class GraphRepository {
  /**
   * Applies a submission set-based (never a statement per row): upserts the nodes, creates
   * placeholders for unknown edge endpoints, upserts this source's edges (skipping unchanged
   * rows), refreshes `last_observed_at`, and marks edges not observed within the staleness window
   * stale. Must run inside {@link UnitOfWork.transaction} to be atomic.
   */
  abstract applySubmission(
    submission: GraphSubmission,
    options: ApplySubmissionOptions,
  ): Promise<ApplySubmissionResult>;

  /** The current graph version (cheap: one row). */
  abstract graphVersion(): Promise<number>;

  /** Every service and every effective non-stale edge, with the version they belong to. */
  abstract loadActiveGraph(): Promise<ActiveGraph>;

  abstract findService(serviceId: string): Promise<ServiceNode | null>;

  /** Keyset pagination ordered by service id. */
  abstract listServices(filter: ServiceFilter, page: PageRequest): Promise<Page<ServiceNode>>;

  /** Every stored observation (all sources, stale ones included) of the edges touching a service. */
  abstract edgeObservations(serviceId: string): Promise<readonly DependencyEdge[]>;
}

export interface NewIngestion {
  readonly source: DiscoverySource;
  readonly nodesReceived: number;
  readonly edgesReceived: number;
  readonly submittedAt: Date;
  /**
   * Kept until processed, so a worker in another process can pick the ingestion up. Absent when
   * the queue hands the submission to its processor in memory
   * ({@link IngestionQueue.deliversSubmission}): storing 7 MB nobody reads back costs a quarter
   * of a second per 50,000-edge ingestion.
   */
  readonly submission?: GraphSubmission;
}

export abstract class IngestionRepository {
  abstract create(ingestion: NewIngestion): Promise<Ingestion>;
  abstract find(id: string): Promise<Ingestion | null>;
  /** The stored submission, or null when it was already processed and dropped. */
  abstract loadSubmission(id: string): Promise<GraphSubmission | null>;
  /** queued → processing; false when the ingestion was not queued (already taken). */
  abstract markProcessing(id: string, at: Date): Promise<boolean>;
  /** → completed with its result; drops the stored submission. */
  abstract complete(id: string, result: IngestionResult, at: Date): Promise<void>;
  /** → failed with a message safe for clients; drops the stored submission. */
  abstract fail(id: string, error: string, at: Date): Promise<void>;
  /**
   * Every ingestion still queued or processing that was submitted before `submittedBefore` →
   * failed with `error`; returns their ids. An ingestion whose processor died (a restart, a
   * crash) would otherwise stay unfinished forever.
   */
  abstract failStalled(submittedBefore: Date, error: string, at: Date): Promise<string[]>;
}

export interface CycleToRecord {
  readonly path: readonly string[];
  /** Sorted member ids: the identity of the cycle. */
  readonly members: readonly string[];
}

export interface CycleAlertFilter {
  readonly status?: CycleAlertStatus;
}

export abstract class CycleAlertRepository {
  /**
   * Records each cycle unless an unresolved (open or acknowledged) alert with the same members
   * exists; returns one alert per input cycle, with `created` telling which were new.
   */
  abstract recordCycles(
    cycles: readonly CycleToRecord[],
    at: Date,
  ): Promise<ReadonlyArray<{ readonly alert: CycleAlert; readonly created: boolean }>>;
  abstract find(id: string): Promise<CycleAlert | null>;
  abstract list(filter: CycleAlertFilter, page: PageRequest): Promise<Page<CycleAlert>>;
  /**
   * Applies `change` only while the alert's status is still `expectedStatus` (compare-and-set, so
   * two concurrent changes cannot both pass the transition check); returns null when the status
   * has moved on meanwhile. Unknown id → `CYCLE_ALERT_NOT_FOUND`.
   */
  abstract update(
    id: string,
    change: { status: CycleAlertStatus; actor: string | null; notes: string | null },
    at: Date,
    expectedStatus: CycleAlertStatus,
  ): Promise<CycleAlert | null>;
}

/** The repositories bound to one transaction. */
export interface GraphStores {
  readonly graph: GraphRepository;
  readonly ingestions: IngestionRepository;
  readonly cycleAlerts: CycleAlertRepository;
}

/** Runs work in one database transaction: everything it wrote commits, or nothing does. */
export abstract class UnitOfWork {
  abstract transaction<T>(work: (stores: GraphStores) => Promise<T>): Promise<T>;
}

/**
 * Where submitted ingestions go to be processed: in process for the API alone and the embedded
 * mode, a BullMQ queue when workers are deployed.
 */
export abstract class IngestionQueue {
  /**
   * True when `enqueue`'s submission reaches the processor in memory (a queue in this process), so
   * the submission need not be stored; false when another process must read the stored copy.
   */
  abstract readonly deliversSubmission: boolean;
  /**
   * Queues an ingestion. A queue that runs in this process may take `submission` along, so the
   * processor need not read the stored copy back (7 MB for a 50,000-edge graph); a queue feeding
   * other processes ignores it and they load the stored submission.
   */
  abstract enqueue(ingestionId: string, submission?: GraphSubmission): Promise<void>;
}
