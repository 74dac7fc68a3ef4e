/**
 * In-memory implementations of the SLO lifecycle ports, with the semantics of the PostgreSQL
 * adapters (both pass `describeSloStoresContract`): one active SLO per service, an append-only
 * audit log chained by sha256 with gapless sequences, transactions that commit all or nothing and
 * run one at a time (so a decision sees the previous one's outcome, as row locks make it in
 * PostgreSQL). For unit tests, app tests and demos; not for production.
 *
 * The recommendation statuses a decision sets ('accepted', 'rejected') live in
 * {@link DecidedRecommendations}, a view over the recommendation repository that the stores are
 * given: read recommendations through `stores.recommendations` to see them.
 */
import { createHash } from 'node:crypto';
import { DomainError, DomainErrorCodes } from '../../shared/domain-error';
import {
  RecommendationRepository,
  type NewRecommendation,
} from '../../recommendations/recommendation.ports';
import {
  type RecommendationStatus,
  type SliType,
  type StoredRecommendation,
} from '../../recommendations/recommendation.types';
import { type KnownServices } from '../../recommendations/testing/in-memory-recommendation-stores';
import {
  ActiveSloRepository,
  type AuditHistoryRequest,
  SloAuditLogRepository,
  type SloLifecycleTransaction,
  SloLifecycleStore,
} from '../slo.ports';
import {
  type ActiveSlo,
  type AuditChainLink,
  type AuditEntry,
  GENESIS_HASH,
  type NewActiveSlo,
  type NewAuditEntry,
  type SloSnapshot,
} from '../slo.types';

export interface InMemorySloStoresOptions {
  /** Id source for SLOs and audit entries; deterministic by default. */
  readonly newId?: () => string;
}

/** Deterministic uuids of their own range, so they never equal a recommendation's test id. */
function sloIds(): () => string {
  let counter = 0;
  return () => {
    counter += 1;
    return `5105e000-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
  };
}

async function isKnown(known: KnownServices, serviceId: string): Promise<boolean> {
  return typeof known === 'function' ? known(serviceId) : known.has(serviceId);
}

function copySnapshot(snapshot: SloSnapshot | null): SloSnapshot | null {
  return snapshot === null
    ? null
    : { ...snapshot, activatedAt: new Date(snapshot.activatedAt.getTime()) };
}

function copyEntry(entry: AuditEntry): AuditEntry {
  return {
    ...entry,
    previousSlo: copySnapshot(entry.previousSlo),
    newSlo: copySnapshot(entry.newSlo),
    modificationDelta: entry.modificationDelta === null ? null : { ...entry.modificationDelta },
    warnings: [...entry.warnings],
    timestamp: new Date(entry.timestamp.getTime()),
  };
}

function copySlo(slo: ActiveSlo): ActiveSlo {
  return {
    ...slo,
    activatedAt: new Date(slo.activatedAt.getTime()),
    createdAt: new Date(slo.createdAt.getTime()),
    updatedAt: new Date(slo.updatedAt.getTime()),
  };
}

/** JSON with object keys sorted, Dates as ISO strings: one text per value. */
function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The in-memory counterpart of the database's `slo_audit_log_expected_hash`. */
function expectedHash(entry: Omit<AuditEntry, 'hash'>): string {
  const canonical = canonicalJson([
    entry.id,
    entry.sequence,
    entry.serviceId,
    entry.action,
    entry.actor,
    entry.recommendationId,
    entry.previousSlo,
    entry.newSlo,
    entry.selectedTier,
    entry.rationale,
    entry.modificationDelta,
    entry.warnings,
    entry.timestamp,
  ]);
  return createHash('sha256')
    .update(entry.prevHash + canonical, 'utf8')
    .digest('hex');
}

interface Decision {
  readonly serviceId: string;
  readonly sliType: SliType;
  readonly expiresAt: Date;
  readonly status: 'accepted' | 'rejected';
}

/**
 * A recommendation repository that shows the decisions taken on recommendations: a decided
 * recommendation is no longer active (findActive skips it, invalidate and expireDue leave it)
 * and its history status is the decision.
 */
export class DecidedRecommendations extends RecommendationRepository {
  private readonly decisions = new Map<string, Decision>();

  constructor(private readonly inner: RecommendationRepository) {
    super();
  }

  /** Records a decision (the lifecycle store calls this on commit). */
  decide(recommendation: StoredRecommendation, status: 'accepted' | 'rejected'): void {
    this.decisions.set(recommendation.id, {
      serviceId: recommendation.serviceId,
      sliType: recommendation.sliType,
      expiresAt: recommendation.expiresAt,
      status,
    });
  }

  /** The recommendation with this id among the service's, with its decision applied. */
  async findOfService(serviceId: string, id: string): Promise<StoredRecommendation | null> {
    const found = (await this.inner.history(serviceId, Number.POSITIVE_INFINITY)).find(
      (r) => r.id === id,
    );
    return found === undefined ? null : this.withDecision(found);
  }

  async findActive(serviceId: string, sliType: SliType): Promise<StoredRecommendation | null> {
    const found = await this.inner.findActive(serviceId, sliType);
    return found === null || this.decisions.has(found.id) ? null : found;
  }

  async saveActive(
    recommendations: readonly NewRecommendation[],
  ): Promise<readonly StoredRecommendation[]> {
    return this.inner.saveActive(recommendations);
  }

  async invalidate(serviceId: string, at: Date): Promise<number> {
    let decidedButHeld = 0;
    for (const sliType of ['availability', 'latency'] as const) {
      const held = await this.inner.findActive(serviceId, sliType);
      if (held !== null && this.decisions.has(held.id)) decidedButHeld += 1;
    }
    return (await this.inner.invalidate(serviceId, at)) - decidedButHeld;
  }

  async expireDue(now: Date): Promise<number> {
    let decidedButHeld = 0;
    for (const [id, decision] of this.decisions) {
      if (decision.expiresAt.getTime() > now.getTime()) continue;
      const held = await this.inner.findActive(decision.serviceId, decision.sliType);
      if (held?.id === id) decidedButHeld += 1;
    }
    return (await this.inner.expireDue(now)) - decidedButHeld;
  }

  async history(serviceId: string, limit: number): Promise<readonly StoredRecommendation[]> {
    return (await this.inner.history(serviceId, limit)).map((r) => this.withDecision(r));
  }

  private withDecision(recommendation: StoredRecommendation): StoredRecommendation {
    const status: RecommendationStatus =
      this.decisions.get(recommendation.id)?.status ?? recommendation.status;
    return { ...recommendation, status };
  }
}

/** Committed state shared by the stores. */
interface SloState {
  readonly slos: Map<string, ActiveSlo>;
  readonly entries: AuditEntry[];
}

class InMemoryActiveSloRepository extends ActiveSloRepository {
  constructor(private readonly state: SloState) {
    super();
  }

  async findByService(serviceId: string): Promise<ActiveSlo | null> {
    await Promise.resolve();
    const slo = this.state.slos.get(serviceId);
    return slo === undefined ? null : copySlo(slo);
  }

  async findByServices(serviceIds: readonly string[]): Promise<ReadonlyMap<string, ActiveSlo>> {
    await Promise.resolve();
    const found = new Map<string, ActiveSlo>();
    for (const serviceId of serviceIds) {
      const slo = this.state.slos.get(serviceId);
      if (slo !== undefined) found.set(serviceId, copySlo(slo));
    }
    return found;
  }

  async availabilityTargets(): Promise<ReadonlyMap<string, number>> {
    await Promise.resolve();
    const targets = new Map<string, number>();
    for (const slo of this.state.slos.values()) {
      if (slo.availabilityTarget !== null) targets.set(slo.serviceId, slo.availabilityTarget);
    }
    return targets;
  }
}

class InMemorySloAuditLogRepository extends SloAuditLogRepository {
  constructor(private readonly state: SloState) {
    super();
  }

  async history(serviceId: string, request: AuditHistoryRequest): Promise<readonly AuditEntry[]> {
    await Promise.resolve();
    const before = request.beforeSequence ?? Number.POSITIVE_INFINITY;
    return this.state.entries
      .filter((entry) => entry.serviceId === serviceId && entry.sequence < before)
      .sort((a, b) => b.sequence - a.sequence)
      .slice(0, Math.max(0, Math.floor(request.limit)))
      .map(copyEntry);
  }

  async chainLinks(afterSequence: number, limit: number): Promise<readonly AuditChainLink[]> {
    await Promise.resolve();
    return this.state.entries
      .filter((entry) => entry.sequence > afterSequence)
      .sort((a, b) => a.sequence - b.sequence)
      .slice(0, Math.max(0, Math.floor(limit)))
      .map((entry) => ({
        sequence: entry.sequence,
        id: entry.id,
        prevHash: entry.prevHash,
        hash: entry.hash,
        expectedHash: expectedHash(entry),
      }));
  }
}

/** Writes of one transaction, applied on commit. */
class StagedTransaction implements SloLifecycleTransaction {
  readonly slos = new Map<string, ActiveSlo>();
  readonly entries: AuditEntry[] = [];
  readonly decisions: Array<{
    recommendation: StoredRecommendation;
    status: 'accepted' | 'rejected';
  }> = [];
  private readonly locked = new Map<string, StoredRecommendation>();

  constructor(
    private readonly state: SloState,
    private readonly knownServices: KnownServices,
    private readonly recommendations: DecidedRecommendations,
    private readonly newId: () => string,
  ) {}

  async lockService(serviceId: string): Promise<boolean> {
    return isKnown(this.knownServices, serviceId);
  }

  async lockRecommendation(
    serviceId: string,
    recommendationId: string,
  ): Promise<StoredRecommendation | null> {
    const found = await this.recommendations.findOfService(serviceId, recommendationId);
    if (found === null) return null;
    const staged = this.decisions.find((d) => d.recommendation.id === found.id);
    const current = staged === undefined ? found : { ...found, status: staged.status };
    this.locked.set(found.id, current);
    return current;
  }

  async activeSlo(serviceId: string): Promise<ActiveSlo | null> {
    await Promise.resolve();
    const slo = this.slos.get(serviceId) ?? this.state.slos.get(serviceId);
    return slo === undefined ? null : copySlo(slo);
  }

  async saveActiveSlo(slo: NewActiveSlo, at: Date): Promise<ActiveSlo> {
    if (!(await isKnown(this.knownServices, slo.serviceId))) {
      throw new DomainError(
        DomainErrorCodes.SERVICE_NOT_FOUND,
        `No service has id "${slo.serviceId}".`,
        { serviceId: slo.serviceId },
      );
    }
    const existing = this.slos.get(slo.serviceId) ?? this.state.slos.get(slo.serviceId);
    const saved: ActiveSlo = {
      ...slo,
      id: existing?.id ?? this.newId(),
      activatedAt: new Date(slo.activatedAt.getTime()),
      createdAt: new Date((existing?.createdAt ?? at).getTime()),
      updatedAt: new Date(at.getTime()),
    };
    this.slos.set(slo.serviceId, saved);
    return copySlo(saved);
  }

  async decideRecommendation(
    recommendationId: string,
    status: 'accepted' | 'rejected',
    _at: Date,
  ): Promise<void> {
    await Promise.resolve();
    const recommendation = this.locked.get(recommendationId);
    if (recommendation === undefined) {
      throw new Error(`recommendation ${recommendationId} was not locked in this transaction`);
    }
    this.decisions.push({ recommendation, status });
  }

  async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    await Promise.resolve();
    const head = this.entries.at(-1) ?? this.state.entries.at(-1);
    const unhashed: Omit<AuditEntry, 'hash'> = {
      ...copyEntry({ ...entry, id: '', sequence: 0, prevHash: '', hash: '' }),
      id: this.newId(),
      sequence: (head?.sequence ?? 0) + 1,
      prevHash: head?.hash ?? GENESIS_HASH,
    };
    const stored: AuditEntry = { ...unhashed, hash: expectedHash(unhashed) };
    this.entries.push(stored);
    return copyEntry(stored);
  }
}

/**
 * The SLO lifecycle stores over one shared state: `lifecycle` writes, `activeSlos` and `auditLog`
 * read what it committed, `recommendations` shows the inner repository with decisions applied.
 */
export class InMemorySloStores {
  readonly recommendations: DecidedRecommendations;
  readonly activeSlos: ActiveSloRepository;
  readonly auditLog: SloAuditLogRepository;
  readonly lifecycle: SloLifecycleStore;
  private readonly state: SloState = { slos: new Map(), entries: [] };

  constructor(
    knownServices: KnownServices,
    recommendations: RecommendationRepository,
    options: InMemorySloStoresOptions = {},
  ) {
    const newId = options.newId ?? sloIds();
    const state = this.state;
    const decided = new DecidedRecommendations(recommendations);
    this.recommendations = decided;
    this.activeSlos = new InMemoryActiveSloRepository(state);
    this.auditLog = new InMemorySloAuditLogRepository(state);
    let queue: Promise<unknown> = Promise.resolve();
    this.lifecycle = new (class extends SloLifecycleStore {
      transaction<T>(work: (tx: SloLifecycleTransaction) => Promise<T>): Promise<T> {
        const run = async (): Promise<T> => {
          const tx = new StagedTransaction(state, knownServices, decided, newId);
          const result = await work(tx);
          // Commit: nothing awaits from here on.
          for (const [serviceId, slo] of tx.slos) state.slos.set(serviceId, slo);
          state.entries.push(...tx.entries);
          for (const { recommendation, status } of tx.decisions)
            decided.decide(recommendation, status);
          return result;
        };
        // One transaction at a time, whatever the previous one's outcome.
        const result = queue.then(run, run);
        queue = result.catch(() => undefined);
        return result;
      }
    })();
  }

  /**
   * Changes a stored audit entry in place, as someone with direct access to the storage could
   * (for tests of the chain verification).
   */
  tamperAuditEntry(id: string, change: Partial<Omit<AuditEntry, 'id'>>): void {
    const index = this.state.entries.findIndex((entry) => entry.id === id);
    if (index < 0) throw new Error(`no audit entry ${id}`);
    this.state.entries[index] = { ...this.state.entries[index], ...change };
  }
}
