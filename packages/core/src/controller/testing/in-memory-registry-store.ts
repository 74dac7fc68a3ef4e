/**
 * The controller's registry store in memory: for unit tests and app tests (not the embedded mode,
 * which keeps a JSONL file so a restart loses nothing). Passes `describeRegistryStoreContract`
 * like the JSONL and PostgreSQL stores.
 */
import { DomainError } from '../../shared/domain-error';
import {
  type ControllerSnapshot,
  RegistryStore,
  type StoredCanaryPolicy,
  type StoredWorker,
  type WorkerHeartbeat,
} from '../registry-store.port';

/**
 * What an in-memory store holds. Pass the same backing to a second store to simulate a
 * controller restart, as a file or a database would outlive the process.
 */
export class InMemoryRegistryBacking {
  readonly workers = new Map<string, StoredWorker>();
  readonly canaries = new Map<string, StoredCanaryPolicy>();
}

/**
 * A deep copy through JSON, so this store answers exactly as the file and database stores do
 * (a field set to `undefined` comes back absent) and callers cannot reach its state.
 */
function jsonCopy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export class InMemoryRegistryStore extends RegistryStore {
  private closed = false;

  constructor(private readonly backing: InMemoryRegistryBacking = new InMemoryRegistryBacking()) {
    super();
  }

  override load(): Promise<ControllerSnapshot> {
    return this.run(() =>
      jsonCopy({
        workers: [...this.backing.workers.values()],
        canaries: [...this.backing.canaries.values()],
      }),
    );
  }

  override saveWorker(worker: StoredWorker): Promise<void> {
    return this.run(() => {
      this.backing.workers.set(worker.workerId, jsonCopy(worker));
    });
  }

  override recordHeartbeats(heartbeats: readonly WorkerHeartbeat[]): Promise<void> {
    return this.run(() => {
      for (const { workerId, lastHeartbeatAt } of heartbeats) {
        const known = this.backing.workers.get(workerId);
        if (known !== undefined) this.backing.workers.set(workerId, { ...known, lastHeartbeatAt });
      }
    });
  }

  override removeWorkers(workerIds: readonly string[]): Promise<void> {
    return this.run(() => {
      for (const workerId of workerIds) this.backing.workers.delete(workerId);
    });
  }

  override saveCanary(policy: StoredCanaryPolicy): Promise<void> {
    return this.run(() => {
      this.backing.canaries.set(policy.capability, jsonCopy(policy));
    });
  }

  override removeCanary(capability: string): Promise<void> {
    return this.run(() => {
      this.backing.canaries.delete(capability);
    });
  }

  override close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  /**
   * Runs `work` at once: every operation completes synchronously, so call order is apply order.
   * Errors (including use after close) become rejections, as with the asynchronous stores.
   */
  private run<T>(work: () => T): Promise<T> {
    if (this.closed) {
      return Promise.reject(
        new DomainError('REGISTRY_STORE.CLOSED', 'The registry store is closed.'),
      );
    }
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
