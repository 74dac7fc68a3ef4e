import {
  type ControllerSnapshot,
  DomainError,
  RegistryStore,
  type StoredCanaryPolicy,
  type StoredWorker,
  type WorkerHeartbeat,
} from '@slo-engine/core';
import { type CanaryPolicy, type Capability } from '@slo-engine/registry';
import { type DataSource, type EntityManager } from 'typeorm';
import { arrayLiteral } from './sql';

interface WorkerRow {
  readonly worker_id: string;
  readonly worker_url: string;
  readonly capabilities: Capability[];
  readonly identity: string | null;
  readonly registered_at: Date;
  readonly last_heartbeat_at: Date;
}

interface CanaryRow {
  readonly capability: string;
  readonly policy: CanaryPolicy;
  readonly updated_at: Date;
  readonly updated_by: string;
  readonly rolled_back_at: Date | null;
  readonly rolled_back_reason: string | null;
}

function toWorker(row: WorkerRow): StoredWorker {
  return {
    workerId: row.worker_id,
    workerUrl: row.worker_url,
    capabilities: row.capabilities,
    registeredAt: row.registered_at.getTime(),
    lastHeartbeatAt: row.last_heartbeat_at.getTime(),
    ...(row.identity === null ? {} : { identity: row.identity }),
  };
}

function toCanary(row: CanaryRow): StoredCanaryPolicy {
  return {
    capability: row.capability,
    policy: row.policy,
    updatedAt: row.updated_at.getTime(),
    updatedBy: row.updated_by,
    ...(row.rolled_back_at === null
      ? {}
      : { rolledBack: { at: row.rolled_back_at.getTime(), reason: row.rolled_back_reason ?? '' } }),
  };
}

interface PendingSave {
  readonly worker: StoredWorker;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/** Bounds one upsert statement (a full capability list is about a kilobyte of JSON per worker). */
const MAX_WORKERS_PER_UPSERT = 1_000;

function closedError(): DomainError {
  return new DomainError('REGISTRY_STORE.CLOSED', 'The registry store is closed.');
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** Exact text for a `timestamptz` parameter: ISO 8601 keeps every millisecond. */
function timestamp(milliseconds: number): string {
  return new Date(milliseconds).toISOString();
}

/**
 * The controller's registry and canary policies in PostgreSQL (tables of migration
 * ControllerRegistry1764600000000). Set-based: a heartbeat batch of any size is one UPDATE over
 * `unnest`, a removal batch one DELETE with `= ANY`.
 *
 * Operations run one at a time, in call order, because the controller issues them from
 * concurrent requests without awaiting each (register, then deregister at once) and a pool would
 * otherwise let a later statement overtake an earlier one. Heartbeats are batched by the caller;
 * registrations that queue up behind a running statement (the re-registration storm after a
 * controller restart, spec 002 recovery flow) are written together in one upsert.
 *
 * The DataSource belongs to the caller: `close()` settles the queued operations and refuses new
 * ones, but leaves the connections open.
 */
export class PostgresRegistryStore extends RegistryStore {
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Registrations queued behind the running operation, to be written in one statement. */
  private openSaveBatch: PendingSave[] | null = null;

  constructor(private readonly dataSource: DataSource) {
    super();
  }

  override load(): Promise<ControllerSnapshot> {
    return this.serially(() =>
      // One snapshot for both tables, in case another controller writes between the two reads.
      this.dataSource.transaction('REPEATABLE READ', async (manager: EntityManager) => {
        const workers = await manager.query<WorkerRow[]>(
          `SELECT worker_id, worker_url, capabilities, identity, registered_at, last_heartbeat_at
           FROM controller_workers`,
        );
        const canaries = await manager.query<CanaryRow[]>(
          `SELECT capability, policy, updated_at, updated_by, rolled_back_at, rolled_back_reason
           FROM controller_canary_policies`,
        );
        return { workers: workers.map(toWorker), canaries: canaries.map(toCanary) };
      }),
    );
  }

  override saveWorker(worker: StoredWorker): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    return new Promise<void>((resolve, reject) => {
      let batch = this.openSaveBatch;
      if (batch === null || batch.length >= MAX_WORKERS_PER_UPSERT) {
        const fresh: PendingSave[] = [];
        // upsertWorkers settles every pending save itself and never rejects.
        void this.serially(() => {
          if (this.openSaveBatch === fresh) this.openSaveBatch = null;
          return this.upsertWorkers(fresh);
        });
        // After serially(), which closes any open batch: this one takes the saves that follow.
        this.openSaveBatch = fresh;
        batch = fresh;
      }
      batch.push({ worker, resolve, reject });
    });
  }

  /**
   * One multi-row upsert for the batch; if it fails, each worker again on its own so that only
   * the registration at fault is rejected.
   */
  private async upsertWorkers(batch: readonly PendingSave[]): Promise<void> {
    // ON CONFLICT cannot touch a row twice in one statement: keep the last save of each id.
    const lastOfEach = new Map(batch.map((pending) => [pending.worker.workerId, pending.worker]));
    try {
      await this.upsert([...lastOfEach.values()]);
      for (const pending of batch) pending.resolve();
    } catch (batchError) {
      if (batch.length === 1) {
        batch[0].reject(asError(batchError));
        return;
      }
      for (const pending of batch) {
        try {
          await this.upsert([pending.worker]);
          pending.resolve();
        } catch (error) {
          pending.reject(asError(error));
        }
      }
    }
  }

  private async upsert(workers: readonly StoredWorker[]): Promise<void> {
    const rows = workers.map((worker) => ({
      worker_id: worker.workerId,
      worker_url: worker.workerUrl,
      capabilities: worker.capabilities,
      identity: worker.identity ?? null,
      registered_at: timestamp(worker.registeredAt),
      last_heartbeat_at: timestamp(worker.lastHeartbeatAt),
    }));
    await this.dataSource.query(
      `INSERT INTO controller_workers
         (worker_id, worker_url, capabilities, identity, registered_at, last_heartbeat_at)
       SELECT worker_id, worker_url, capabilities, identity, registered_at, last_heartbeat_at
       FROM jsonb_to_recordset($1::jsonb) AS r (
         worker_id text, worker_url text, capabilities jsonb, identity text,
         registered_at timestamptz, last_heartbeat_at timestamptz
       )
       ON CONFLICT (worker_id) DO UPDATE SET
         worker_url = EXCLUDED.worker_url,
         capabilities = EXCLUDED.capabilities,
         identity = EXCLUDED.identity,
         registered_at = EXCLUDED.registered_at,
         last_heartbeat_at = EXCLUDED.last_heartbeat_at`,
      [JSON.stringify(rows)],
    );
  }

  override recordHeartbeats(heartbeats: readonly WorkerHeartbeat[]): Promise<void> {
    return this.serially(async () => {
      if (heartbeats.length === 0) return;
      // DISTINCT ON keeps the last entry of a worker named twice: an UPDATE … FROM would apply
      // an arbitrary one of them. The UPDATE sits in a CTE because TypeORM answers a top-level
      // UPDATE with [rows, count].
      await this.dataSource.query(
        `WITH beat AS (
           SELECT DISTINCT ON (worker_id) worker_id, at
           FROM unnest($1::text[], $2::timestamptz[]) WITH ORDINALITY AS b (worker_id, at, position)
           ORDER BY worker_id, position DESC
         ), updated AS (
           UPDATE controller_workers AS w SET last_heartbeat_at = beat.at
           FROM beat WHERE w.worker_id = beat.worker_id
           RETURNING 1
         )
         SELECT count(*)::int AS updated FROM updated`,
        [
          arrayLiteral(heartbeats.map((beat) => beat.workerId)),
          arrayLiteral(heartbeats.map((beat) => timestamp(beat.lastHeartbeatAt))),
        ],
      );
    });
  }

  override removeWorkers(workerIds: readonly string[]): Promise<void> {
    return this.serially(async () => {
      if (workerIds.length === 0) return;
      await this.dataSource.query(
        `WITH removed AS (
           DELETE FROM controller_workers WHERE worker_id = ANY($1::text[]) RETURNING 1
         )
         SELECT count(*)::int AS removed FROM removed`,
        [arrayLiteral(workerIds)],
      );
    });
  }

  override saveCanary(policy: StoredCanaryPolicy): Promise<void> {
    return this.serially(async () => {
      await this.dataSource.query(
        `INSERT INTO controller_canary_policies
           (capability, policy, updated_at, updated_by, rolled_back_at, rolled_back_reason)
         VALUES ($1, $2::jsonb, $3::timestamptz, $4, $5::timestamptz, $6)
         ON CONFLICT (capability) DO UPDATE SET
           policy = EXCLUDED.policy,
           updated_at = EXCLUDED.updated_at,
           updated_by = EXCLUDED.updated_by,
           rolled_back_at = EXCLUDED.rolled_back_at,
           rolled_back_reason = EXCLUDED.rolled_back_reason`,
        [
          policy.capability,
          JSON.stringify(policy.policy),
          timestamp(policy.updatedAt),
          policy.updatedBy,
          policy.rolledBack === undefined ? null : timestamp(policy.rolledBack.at),
          policy.rolledBack?.reason ?? null,
        ],
      );
    });
  }

  override removeCanary(capability: string): Promise<void> {
    return this.serially(async () => {
      await this.dataSource.query(
        `WITH removed AS (
           DELETE FROM controller_canary_policies WHERE capability = $1 RETURNING 1
         )
         SELECT count(*)::int AS removed FROM removed`,
        [capability],
      );
    });
  }

  override async close(): Promise<void> {
    this.closed = true;
    await this.tail;
  }

  /**
   * Queues `work` behind every earlier operation; a failure rejects only its own caller. Any
   * operation other than a registration closes the open registration batch, so a later
   * registration cannot overtake it.
   */
  private serially<T>(work: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    this.openSaveBatch = null;
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
