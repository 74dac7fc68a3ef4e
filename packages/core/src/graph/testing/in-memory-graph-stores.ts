/**
 * In-memory implementations of the graph ports, with the semantics the PostgreSQL adapter has:
 * priority merge, placeholders, one observation per (source, target, discovery source), staleness
 * marking, a version bumped only on change, keyset pagination with opaque base64url cursors, and
 * transactions that leave nothing behind when they throw. For unit tests, app tests and demos; not
 * for production (everything lives in one process's memory).
 */
import { DomainError, DomainErrorCodes } from '../../shared/domain-error';
import { type Page, type PageRequest } from '../../shared/pagination';
import {
  completeEdgeAttributes,
  edgeAttributeConflicts,
  mergeEdgeObservations,
  sameEdgeAttributes,
  sameJsonValue,
} from '../edge-merge';
import {
  type ActiveGraph,
  type ApplySubmissionOptions,
  type ApplySubmissionResult,
  type CycleAlertFilter,
  CycleAlertRepository,
  type CycleToRecord,
  type EffectiveEdge,
  GraphRepository,
  type GraphStores,
  IngestionQueue,
  IngestionRepository,
  type NewIngestion,
  type ServiceFilter,
  UnitOfWork,
} from '../graph.ports';
import {
  type AttributeConflict,
  type CycleAlert,
  type CycleAlertStatus,
  type DependencyEdge,
  type DiscoverySource,
  type GraphSubmission,
  type Ingestion,
  type IngestionResult,
  type ServiceMetadata,
  type ServiceNode,
} from '../graph.types';

interface StoredIngestion {
  readonly ingestion: Ingestion;
  readonly submission: GraphSubmission | null;
}

/**
 * Everything stored. Values are never mutated in place (rows are replaced, and the per-edge
 * observation maps are copied on write), so a snapshot is a copy of the top-level maps.
 */
interface GraphState {
  version: number;
  readonly services: Map<string, ServiceNode>;
  /** Keyed by {@link pairKey}; inner map: one observation per discovery source. */
  readonly edges: Map<string, ReadonlyMap<DiscoverySource, DependencyEdge>>;
  readonly ingestions: Map<string, StoredIngestion>;
  readonly alerts: Map<string, CycleAlert>;
}

interface StateHolder {
  state: GraphState;
  readonly newId: () => string;
}

function emptyState(): GraphState {
  return {
    version: 0,
    services: new Map(),
    edges: new Map(),
    ingestions: new Map(),
    alerts: new Map(),
  };
}

function copyState(state: GraphState): GraphState {
  return {
    version: state.version,
    services: new Map(state.services),
    edges: new Map(state.edges),
    ingestions: new Map(state.ingestions),
    alerts: new Map(state.alerts),
  };
}

function pairKey(source: string, target: string): string {
  return `${source}\u0000${target}`;
}

/**
 * Deterministic ids shaped like UUIDs (version 4 layout), so code that validates UUIDs accepts
 * them: `00000000-0000-4000-8000-000000000001`, `…002`, …
 */
export function sequentialUuids(): () => string {
  let counter = 0;
  return () => {
    counter += 1;
    return `00000000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
  };
}

function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

function invalidCursor(): DomainError {
  return new DomainError(
    DomainErrorCodes.INVALID_CURSOR,
    'The cursor is not one this server issued; start again without a cursor.',
    { fieldErrors: [{ field: 'cursor', message: 'unknown cursor' }] },
  );
}

function decodeCursor(cursor: string): Record<string, unknown> {
  const invalid = invalidCursor();
  if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid;
  }
  if (decoded === null || typeof decoded !== 'object' || Array.isArray(decoded)) throw invalid;
  const record = decoded as Record<string, unknown>;
  if (record.v !== 1) throw invalid;
  return record;
}

/** Code-unit order, the order of PostgreSQL's `COLLATE "C"` (the adapter must page the same way). */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function serviceFrom(
  serviceId: string,
  metadata: ServiceMetadata,
  discovered: boolean,
  createdAt: Date,
  updatedAt: Date,
): ServiceNode {
  return {
    serviceId,
    metadata,
    team: typeof metadata.team === 'string' ? metadata.team : null,
    criticality: metadata.criticality ?? 'medium',
    serviceType: metadata.serviceType ?? 'internal',
    discovered,
    createdAt,
    updatedAt,
  };
}

export class InMemoryGraphRepository extends GraphRepository {
  constructor(private readonly holder: StateHolder) {
    super();
  }

  /**
   * Node metadata is merged shallowly into what is stored (like jsonb `||`), so sources that know
   * different keys complement each other; naming a placeholder in `nodes` registers it
   * (`discovered: false`). An edge's attributes are the source's full statement: omitted ones take
   * the defaults, not the source's previous values. `lastObservedAt` never moves backwards.
   */
  async applySubmission(
    submission: GraphSubmission,
    options: ApplySubmissionOptions,
  ): Promise<ApplySubmissionResult> {
    await Promise.resolve();
    const state = this.holder.state;
    const { now } = options;
    let changed = false;
    let servicesCreated = 0;
    let servicesUpdated = 0;

    for (const node of submission.nodes) {
      const existing = state.services.get(node.serviceId);
      if (existing === undefined) {
        state.services.set(
          node.serviceId,
          serviceFrom(node.serviceId, node.metadata, false, now, now),
        );
        servicesCreated += 1;
        changed = true;
        continue;
      }
      const metadata: ServiceMetadata = { ...existing.metadata, ...node.metadata };
      if (existing.discovered || !sameJsonValue(metadata, existing.metadata)) {
        state.services.set(
          node.serviceId,
          serviceFrom(node.serviceId, metadata, false, existing.createdAt, now),
        );
        servicesUpdated += 1;
        changed = true;
      }
    }

    const placeholdersCreated: string[] = [];
    for (const edge of submission.edges) {
      for (const endpoint of [edge.source, edge.target]) {
        if (!state.services.has(endpoint)) {
          state.services.set(endpoint, serviceFrom(endpoint, {}, true, now, now));
          placeholdersCreated.push(endpoint);
          changed = true;
        }
      }
    }

    let edgesCreated = 0;
    let edgesUpdated = 0;
    let edgesUnchanged = 0;
    const touched = new Set<string>();
    for (const edge of submission.edges) {
      const key = pairKey(edge.source, edge.target);
      touched.add(key);
      const observations = state.edges.get(key);
      const previous = observations?.get(submission.source);
      const lastObservedAt =
        previous !== undefined && previous.lastObservedAt > submission.observedAt
          ? previous.lastObservedAt
          : submission.observedAt;
      const next: DependencyEdge = {
        source: edge.source,
        target: edge.target,
        discoverySource: submission.source,
        ...completeEdgeAttributes(edge.attributes),
        confidenceScore: edge.confidenceScore ?? 1,
        lastObservedAt,
        isStale: false,
      };
      if (previous === undefined) {
        edgesCreated += 1;
      } else if (
        !previous.isStale &&
        sameEdgeAttributes(previous, next) &&
        previous.confidenceScore === next.confidenceScore
      ) {
        edgesUnchanged += 1;
        if (previous.lastObservedAt.getTime() === next.lastObservedAt.getTime()) continue;
      } else {
        edgesUpdated += 1;
      }
      const copy = new Map(observations);
      copy.set(submission.source, next);
      state.edges.set(key, copy);
      changed = true;
    }

    const staleBefore = now.getTime() - options.stalenessWindowMs;
    let edgesMarkedStale = 0;
    for (const [key, observations] of state.edges) {
      let copy: Map<DiscoverySource, DependencyEdge> | undefined;
      for (const [source, observation] of observations) {
        if (!observation.isStale && observation.lastObservedAt.getTime() < staleBefore) {
          copy ??= new Map(observations);
          copy.set(source, { ...observation, isStale: true });
          edgesMarkedStale += 1;
        }
      }
      if (copy !== undefined) {
        state.edges.set(key, copy);
        changed = true;
      }
    }

    const conflicts: AttributeConflict[] = [];
    for (const key of touched) {
      const observations = state.edges.get(key);
      if (observations !== undefined)
        conflicts.push(...edgeAttributeConflicts([...observations.values()]));
    }

    if (changed) state.version += 1;
    return {
      servicesCreated,
      servicesUpdated,
      placeholdersCreated,
      edgesCreated,
      edgesUpdated,
      edgesUnchanged,
      edgesMarkedStale,
      conflicts,
      changed,
    };
  }

  async graphVersion(): Promise<number> {
    await Promise.resolve();
    return this.holder.state.version;
  }

  async loadActiveGraph(): Promise<ActiveGraph> {
    await Promise.resolve();
    const state = this.holder.state;
    const edges: EffectiveEdge[] = [];
    for (const observations of state.edges.values()) {
      const effective = mergeEdgeObservations([...observations.values()]);
      if (effective !== null) edges.push(effective);
    }
    const services = [...state.services.values()].sort((a, b) =>
      compareIds(a.serviceId, b.serviceId),
    );
    return { version: state.version, services, edges };
  }

  async findService(serviceId: string): Promise<ServiceNode | null> {
    await Promise.resolve();
    return this.holder.state.services.get(serviceId) ?? null;
  }

  /** Ordered by service id; the cursor carries the last id of the page. */
  async listServices(filter: ServiceFilter, page: PageRequest): Promise<Page<ServiceNode>> {
    await Promise.resolve();
    const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor).after;
    if (after !== undefined && typeof after !== 'string') throw invalidCursor();
    const matching = [...this.holder.state.services.values()]
      .filter(
        (service) =>
          (filter.team === undefined || service.team === filter.team) &&
          (filter.criticality === undefined || service.criticality === filter.criticality) &&
          (filter.discovered === undefined || service.discovered === filter.discovered) &&
          (after === undefined || compareIds(service.serviceId, after) > 0),
      )
      .sort((a, b) => compareIds(a.serviceId, b.serviceId));
    const items = matching.slice(0, page.limit);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        matching.length > page.limit && last !== undefined
          ? encodeCursor({ v: 1, after: last.serviceId })
          : null,
    };
  }

  async edgeObservations(serviceId: string): Promise<readonly DependencyEdge[]> {
    await Promise.resolve();
    const found: DependencyEdge[] = [];
    for (const observations of this.holder.state.edges.values()) {
      for (const observation of observations.values()) {
        if (observation.source === serviceId || observation.target === serviceId) {
          found.push(observation);
        }
      }
    }
    return found;
  }
}

export class InMemoryIngestionRepository extends IngestionRepository {
  constructor(private readonly holder: StateHolder) {
    super();
  }

  async create(ingestion: NewIngestion): Promise<Ingestion> {
    await Promise.resolve();
    const created: Ingestion = {
      id: this.holder.newId(),
      source: ingestion.source,
      status: 'queued',
      nodesReceived: ingestion.nodesReceived,
      edgesReceived: ingestion.edgesReceived,
      submittedAt: ingestion.submittedAt,
      startedAt: null,
      completedAt: null,
      result: null,
      error: null,
    };
    this.holder.state.ingestions.set(created.id, {
      ingestion: created,
      submission: ingestion.submission ?? null,
    });
    return created;
  }

  async find(id: string): Promise<Ingestion | null> {
    await Promise.resolve();
    return this.holder.state.ingestions.get(id)?.ingestion ?? null;
  }

  async loadSubmission(id: string): Promise<GraphSubmission | null> {
    await Promise.resolve();
    return this.holder.state.ingestions.get(id)?.submission ?? null;
  }

  async markProcessing(id: string, at: Date): Promise<boolean> {
    await Promise.resolve();
    const stored = this.holder.state.ingestions.get(id);
    if (stored?.ingestion.status !== 'queued') return false;
    this.holder.state.ingestions.set(id, {
      ...stored,
      ingestion: { ...stored.ingestion, status: 'processing', startedAt: at },
    });
    return true;
  }

  async complete(id: string, result: IngestionResult, at: Date): Promise<void> {
    await Promise.resolve();
    const stored = this.require(id);
    this.holder.state.ingestions.set(id, {
      submission: null,
      ingestion: { ...stored.ingestion, status: 'completed', completedAt: at, result },
    });
  }

  async fail(id: string, error: string, at: Date): Promise<void> {
    await Promise.resolve();
    const stored = this.require(id);
    this.holder.state.ingestions.set(id, {
      submission: null,
      ingestion: { ...stored.ingestion, status: 'failed', completedAt: at, error },
    });
  }

  async failStalled(submittedBefore: Date, error: string, at: Date): Promise<string[]> {
    await Promise.resolve();
    const failed: string[] = [];
    for (const [id, stored] of this.holder.state.ingestions) {
      const { status, submittedAt } = stored.ingestion;
      if ((status === 'queued' || status === 'processing') && submittedAt < submittedBefore) {
        this.holder.state.ingestions.set(id, {
          submission: null,
          ingestion: { ...stored.ingestion, status: 'failed', completedAt: at, error },
        });
        failed.push(id);
      }
    }
    return failed;
  }

  private require(id: string): StoredIngestion {
    const stored = this.holder.state.ingestions.get(id);
    if (stored === undefined) {
      throw new DomainError(DomainErrorCodes.INGESTION_NOT_FOUND, `No ingestion has id "${id}".`);
    }
    return stored;
  }
}

function isUnresolved(status: CycleAlertStatus): boolean {
  return status !== 'resolved';
}

/** Alerts newest first (`detectedAt` descending, then id descending, as the PostgreSQL adapter). */
function compareAlerts(
  a: Pick<CycleAlert, 'detectedAt' | 'id'>,
  b: Pick<CycleAlert, 'detectedAt' | 'id'>,
): number {
  const byTime = b.detectedAt.getTime() - a.detectedAt.getTime();
  return byTime !== 0 ? byTime : compareIds(b.id, a.id);
}

export class InMemoryCycleAlertRepository extends CycleAlertRepository {
  constructor(private readonly holder: StateHolder) {
    super();
  }

  async recordCycles(
    cycles: readonly CycleToRecord[],
    at: Date,
  ): Promise<ReadonlyArray<{ readonly alert: CycleAlert; readonly created: boolean }>> {
    await Promise.resolve();
    const alerts = this.holder.state.alerts;
    const unresolvedByMembers = new Map<string, CycleAlert>();
    for (const alert of alerts.values()) {
      if (isUnresolved(alert.status)) unresolvedByMembers.set(alert.members.join('\u0000'), alert);
    }
    return cycles.map((cycle) => {
      const identity = cycle.members.join('\u0000');
      const existing = unresolvedByMembers.get(identity);
      if (existing !== undefined) return { alert: existing, created: false };
      const alert: CycleAlert = {
        id: this.holder.newId(),
        cyclePath: [...cycle.path],
        members: [...cycle.members],
        detectedAt: at,
        status: 'open',
        acknowledgedBy: null,
        resolutionNotes: null,
        updatedAt: at,
      };
      alerts.set(alert.id, alert);
      unresolvedByMembers.set(identity, alert);
      return { alert, created: true };
    });
  }

  async find(id: string): Promise<CycleAlert | null> {
    await Promise.resolve();
    return this.holder.state.alerts.get(id) ?? null;
  }

  async list(filter: CycleAlertFilter, page: PageRequest): Promise<Page<CycleAlert>> {
    await Promise.resolve();
    let after: Pick<CycleAlert, 'detectedAt' | 'id'> | undefined;
    if (page.cursor !== undefined) {
      const { at, id } = decodeCursor(page.cursor);
      if (typeof at !== 'number' || typeof id !== 'string') throw invalidCursor();
      after = { detectedAt: new Date(at), id };
    }
    const matching = [...this.holder.state.alerts.values()]
      .filter(
        (alert) =>
          (filter.status === undefined || alert.status === filter.status) &&
          (after === undefined || compareAlerts(alert, after) > 0),
      )
      .sort(compareAlerts);
    const items = matching.slice(0, page.limit);
    const last = items[items.length - 1];
    return {
      items,
      nextCursor:
        matching.length > page.limit && last !== undefined
          ? encodeCursor({ v: 1, at: last.detectedAt.getTime(), id: last.id })
          : null,
    };
  }

  /**
   * Applies the change without judging it (the use case enforces the lifecycle). A null actor or
   * null notes keep what was stored.
   */
  async update(
    id: string,
    change: { status: CycleAlertStatus; actor: string | null; notes: string | null },
    at: Date,
    expectedStatus: CycleAlertStatus,
  ): Promise<CycleAlert | null> {
    await Promise.resolve();
    const existing = this.holder.state.alerts.get(id);
    if (existing === undefined) {
      throw new DomainError(
        DomainErrorCodes.CYCLE_ALERT_NOT_FOUND,
        `No circular-dependency alert has id "${id}".`,
      );
    }
    if (existing.status !== expectedStatus) return null;
    const updated: CycleAlert = {
      ...existing,
      status: change.status,
      acknowledgedBy: change.actor ?? existing.acknowledgedBy,
      resolutionNotes: change.notes ?? existing.resolutionNotes,
      updatedAt: at,
    };
    this.holder.state.alerts.set(id, updated);
    return updated;
  }
}

/**
 * Transactions run one at a time; each snapshots the state first and restores it when the work
 * throws. Not re-entrant (a transaction inside a transaction waits forever), and a write made
 * outside any transaction while a failing one runs is rolled back with it: acceptable for tests.
 */
export class InMemoryUnitOfWork extends UnitOfWork {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly holder: StateHolder,
    private readonly stores: GraphStores,
  ) {
    super();
  }

  transaction<T>(work: (stores: GraphStores) => Promise<T>): Promise<T> {
    const run = async (): Promise<T> => {
      const snapshot = copyState(this.holder.state);
      try {
        return await work(this.stores);
      } catch (error) {
        this.holder.state = snapshot;
        throw error;
      }
    };
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

export interface InMemoryGraphStoresOptions {
  /** Id source for ingestions and alerts; deterministic {@link sequentialUuids} by default. */
  readonly newId?: () => string;
}

/** One consistent set of in-memory graph stores sharing a state, plus their unit of work. */
export class InMemoryGraphStores implements GraphStores {
  readonly graph: InMemoryGraphRepository;
  readonly ingestions: InMemoryIngestionRepository;
  readonly cycleAlerts: InMemoryCycleAlertRepository;
  readonly unitOfWork: InMemoryUnitOfWork;

  constructor(options: InMemoryGraphStoresOptions = {}) {
    const holder: StateHolder = { state: emptyState(), newId: options.newId ?? sequentialUuids() };
    this.graph = new InMemoryGraphRepository(holder);
    this.ingestions = new InMemoryIngestionRepository(holder);
    this.cycleAlerts = new InMemoryCycleAlertRepository(holder);
    this.unitOfWork = new InMemoryUnitOfWork(holder, this);
  }
}

/**
 * A queue that remembers what was enqueued and, when given a processor, runs it before `enqueue`
 * resolves (the submitter then sees a finished ingestion). Test double and single-process mode.
 * By default it behaves like a queue feeding other processes (`deliversSubmission: false`: the
 * submission is stored and read back).
 */
export class InlineIngestionQueue extends IngestionQueue {
  readonly enqueued: string[] = [];
  readonly deliversSubmission: boolean;

  constructor(
    private readonly process?: (
      ingestionId: string,
      submission?: GraphSubmission,
    ) => Promise<unknown>,
    options: { readonly deliversSubmission?: boolean } = {},
  ) {
    super();
    this.deliversSubmission = options.deliversSubmission ?? false;
  }

  async enqueue(ingestionId: string, submission?: GraphSubmission): Promise<void> {
    this.enqueued.push(ingestionId);
    if (this.process !== undefined) await this.process(ingestionId, submission);
  }
}
