import {
  type CapabilityRegistry,
  type HeartbeatResult,
  type Requester,
  RegistryError,
  REGISTRY_STATE_VERSION,
  type WorkerEntry,
  validateRegistration,
} from '@slo-engine/registry';
import { DomainError } from '../shared/domain-error';
import { ControllerErrorCodes } from './controller-errors';
import {
  type RegistryStore,
  type StoredCanaryPolicy,
  type WorkerHeartbeat,
} from './registry-store.port';
import { type WorkerUrlGuard } from './worker-url-guard.port';

/** Store operations whose failure is reported rather than failing the request. */
export type RegistryStoreOperation = 'register' | 'deregister' | 'sweep' | 'import';

export interface WorkerDirectoryOptions {
  /**
   * A write to the store failed. The in-memory registry already holds the change and stays
   * authoritative (the store is a warm cache for restarts), so the request still succeeds; the
   * host logs and counts the failure. Default: ignore.
   */
  readonly onStoreError?: (operation: RegistryStoreOperation, error: unknown) => void;
}

/** Who calls: the SPIFFE id of the client certificate (or trusted header), if the controller has one. */
export type CallerIdentity = string | undefined;

/**
 * The controller's workers: the in-memory {@link CapabilityRegistry} (routing reads it without
 * I/O) kept in step with a {@link RegistryStore} so a restart loses nothing, plus the SSRF guard
 * and the rule that only the identity that registered a worker may heartbeat or deregister it.
 * Heartbeats are buffered and persisted in batches: losing the last few on a crash only shortens
 * nothing, because restored workers get a full heartbeat interval of grace anyway.
 */
export class WorkerDirectory {
  private readonly identities = new Map<string, string>();
  /** identity → `verb:name` it offers through its own workers: what it holds for routing policies. */
  private readonly heldByIdentity = new Map<string, Set<string>>();
  private pendingHeartbeats = new Map<string, number>();

  constructor(
    readonly registry: CapabilityRegistry,
    private readonly store: RegistryStore,
    private readonly urlGuard: WorkerUrlGuard,
    private readonly options: WorkerDirectoryOptions = {},
  ) {}

  /** Loads the persisted state: workers come back as `needs_verification` with one interval of grace. */
  async restore(
    now: number,
  ): Promise<{ readonly workers: number; readonly canaries: readonly StoredCanaryPolicy[] }> {
    const snapshot = await this.store.load();
    this.identities.clear();
    const restored = this.registry.restoreFrom(
      {
        version: REGISTRY_STATE_VERSION,
        exported_at: now,
        workers: snapshot.workers.map((w) => ({
          worker_id: w.workerId,
          worker_url: w.workerUrl,
          capabilities: w.capabilities,
          registered_at: w.registeredAt,
          last_heartbeat: w.lastHeartbeatAt,
        })),
      },
      now,
    );
    this.heldByIdentity.clear();
    for (const w of snapshot.workers)
      if (w.identity !== undefined) this.identities.set(w.workerId, w.identity);
    for (const identity of new Set(this.identities.values())) this.reindexIdentity(identity);
    return { workers: restored, canaries: snapshot.canaries };
  }

  /** Validates, checks the URL and the caller's right to the worker id, then stores the worker. */
  async register(input: unknown, caller: CallerIdentity): Promise<WorkerEntry> {
    const validated = validateRegistration(input);
    if (!validated.ok)
      throw new DomainError(
        ControllerErrorCodes.INVALID_REGISTRATION,
        'The registration is invalid.',
        {
          fieldErrors: validated.errors.map((e) => ({
            field: e.path || '(body)',
            message: e.message,
          })),
        },
      );
    const registration = validated.value;
    this.assertOwner(registration.worker_id, caller);
    if (caller !== undefined) {
      const foreign = registration.capabilities.findIndex(
        (c) => c.spiffe_id !== undefined && c.spiffe_id !== caller,
      );
      if (foreign >= 0)
        throw new DomainError(
          ControllerErrorCodes.IDENTITY_MISMATCH,
          `capabilities[${foreign}].spiffe_id is ${registration.capabilities[foreign].spiffe_id}, but the caller is ${caller}.`,
          {
            fieldErrors: [
              {
                field: `capabilities[${foreign}].spiffe_id`,
                message: `must be the caller's identity ${caller}`,
              },
            ],
          },
        );
    }
    const verdict = await this.urlGuard.check(registration.worker_url);
    if (!verdict.ok)
      throw new DomainError(
        ControllerErrorCodes.WORKER_URL_REFUSED,
        `worker_url is refused: ${verdict.detail}`,
        {
          reason: verdict.reason,
          fieldErrors: [{ field: 'worker_url', message: verdict.detail }],
        },
      );
    let entry: WorkerEntry;
    try {
      entry = this.registry.register(registration);
    } catch (error) {
      if (error instanceof RegistryError)
        throw new DomainError(ControllerErrorCodes.INVALID_REGISTRATION, error.message, {
          fieldErrors: error.errors.map((e) => ({ field: e.path, message: e.message })),
        });
      throw error;
    }
    this.pendingHeartbeats.delete(entry.workerId);
    if (caller === undefined) this.identities.delete(entry.workerId);
    else this.identities.set(entry.workerId, caller);
    this.reindexIdentity(caller);
    await this.persist('register', () =>
      this.store.saveWorker({
        workerId: entry.workerId,
        workerUrl: entry.workerUrl,
        capabilities: entry.capabilities,
        registeredAt: entry.registeredAt,
        lastHeartbeatAt: entry.lastHeartbeatAt,
        ...(caller === undefined ? {} : { identity: caller }),
      }),
    );
    return entry;
  }

  /** `worker_not_registered` for unknown and restored workers, so they re-register (spec 002). */
  heartbeat(workerId: string, caller: CallerIdentity): HeartbeatResult {
    this.assertOwner(workerId, caller);
    const result = this.registry.heartbeat(workerId);
    if (result.ok) this.pendingHeartbeats.set(workerId, result.timestamp);
    return result;
  }

  /** Removes the worker; false when it was not registered. */
  async deregister(workerId: string, caller: CallerIdentity): Promise<boolean> {
    this.assertOwner(workerId, caller);
    const known = this.registry.deregister(workerId);
    this.pendingHeartbeats.delete(workerId);
    const owner = this.identities.get(workerId);
    this.identities.delete(workerId);
    this.reindexIdentity(owner);
    await this.persist('deregister', () => this.store.removeWorkers([workerId]));
    return known;
  }

  /** Evicts stale workers (and restored ones whose grace ran out); returns their ids. */
  async sweep(now: number): Promise<string[]> {
    const removed = this.registry.sweep(now);
    if (removed.length === 0) return removed;
    const owners = new Set<string>();
    for (const id of removed) {
      this.pendingHeartbeats.delete(id);
      const owner = this.identities.get(id);
      if (owner !== undefined) owners.add(owner);
      this.identities.delete(id);
    }
    for (const owner of owners) this.reindexIdentity(owner);
    await this.persist('sweep', () => this.store.removeWorkers(removed));
    return removed;
  }

  /** Persists the heartbeats received since the last flush, in one batch. */
  async flushHeartbeats(): Promise<number> {
    if (this.pendingHeartbeats.size === 0) return 0;
    const batch: WorkerHeartbeat[] = [...this.pendingHeartbeats].map(
      ([workerId, lastHeartbeatAt]) => ({
        workerId,
        lastHeartbeatAt,
      }),
    );
    this.pendingHeartbeats = new Map();
    try {
      await this.store.recordHeartbeats(batch);
    } catch (error) {
      // Keep them for the next flush, unless a newer heartbeat (or a removal) came meanwhile.
      for (const h of batch)
        if (
          !this.pendingHeartbeats.has(h.workerId) &&
          this.registry.getWorker(h.workerId) !== undefined
        )
          this.pendingHeartbeats.set(h.workerId, h.lastHeartbeatAt);
      throw error;
    }
    return batch.length;
  }

  /**
   * The capabilities an identity holds for the routing policy: those its own registered workers
   * offer. An identity proves what it is by its certificate; what it may call follows from that.
   */
  capabilitiesHeldBy(identity: string | undefined): readonly string[] {
    if (identity === undefined) return [];
    return [...(this.heldByIdentity.get(identity) ?? [])];
  }

  /** Who asks for a route, as the routing policy sees it: the identity and what it holds. */
  requesterFor(identity: string | undefined): Requester {
    return identity === undefined
      ? { capabilities: [] }
      : { identity, capabilities: this.capabilitiesHeldBy(identity) };
  }

  private reindexIdentity(identity: string | undefined): void {
    if (identity === undefined) return;
    const held = new Set<string>();
    for (const [workerId, owner] of this.identities) {
      if (owner !== identity) continue;
      for (const c of this.registry.getWorker(workerId)?.capabilities ?? [])
        held.add(`${c.verb}:${c.name}`);
    }
    if (held.size === 0) this.heldByIdentity.delete(identity);
    else this.heldByIdentity.set(identity, held);
  }

  /**
   * Merges another controller's exported state (spec 002 `import_remote_state`) and persists the
   * adopted workers, so they survive this controller's restart too. Ownership stays unknown: a
   * remote worker re-registering here binds its identity then.
   */
  async importRemoteState(
    controllerId: string,
    state: unknown,
  ): Promise<{ imported: number; skipped: number }> {
    const result = this.registry.importRemoteState(controllerId, state);
    const adopted = this.registry.listWorkers().filter((w) => w.origin === controllerId);
    await this.persist('import', async () => {
      for (const w of adopted)
        await this.store.saveWorker({
          workerId: w.workerId,
          workerUrl: w.workerUrl,
          capabilities: w.capabilities,
          registeredAt: w.registeredAt,
          lastHeartbeatAt: w.lastHeartbeatAt,
        });
    });
    return result;
  }

  /** The identity that registered a worker, if any. */
  ownerOf(workerId: string): string | undefined {
    return this.identities.get(workerId);
  }

  private async persist(
    operation: RegistryStoreOperation,
    write: () => Promise<void>,
  ): Promise<void> {
    try {
      await write();
    } catch (error) {
      this.options.onStoreError?.(operation, error);
    }
  }

  /**
   * BOLA: a worker registered by one identity is acted on only by that identity. Without caller
   * identities (development, or no client certificates) every caller is equal.
   */
  private assertOwner(workerId: string, caller: CallerIdentity): void {
    const owner = this.identities.get(workerId);
    if (owner === undefined || owner === caller) return;
    throw new DomainError(
      ControllerErrorCodes.WORKER_OWNED_ELSEWHERE,
      `Worker ${workerId} was registered by another identity; a worker may only act on itself.`,
    );
  }
}
