import { type CanaryPolicy, type Capability } from '@slo-engine/registry';

/** A registered worker as it is persisted (restart recovery, spec 002). Times in ms since the epoch. */
export interface StoredWorker {
  readonly workerId: string;
  readonly workerUrl: string;
  readonly capabilities: readonly Capability[];
  readonly registeredAt: number;
  readonly lastHeartbeatAt: number;
  /**
   * The identity (SPIFFE id from the client certificate, or the trusted caller header) that
   * registered the worker; only that identity may heartbeat or deregister it. Absent when the
   * controller runs without caller identities.
   */
  readonly identity?: string;
}

/** A canary policy of one capability (`verb:name`) with who set it and when. */
export interface StoredCanaryPolicy {
  readonly capability: string;
  readonly policy: CanaryPolicy;
  readonly updatedAt: number;
  readonly updatedBy: string;
  /** Set when the controller rolled the canary back to 0 % on its own. */
  readonly rolledBack?: { readonly at: number; readonly reason: string };
}

/** Everything the controller restores at start-up. */
export interface ControllerSnapshot {
  readonly workers: readonly StoredWorker[];
  readonly canaries: readonly StoredCanaryPolicy[];
}

/** A heartbeat to persist; batched by the caller (heartbeats are frequent, registrations are not). */
export interface WorkerHeartbeat {
  readonly workerId: string;
  readonly lastHeartbeatAt: number;
}

/**
 * Where the controller keeps its registry and canary policies so a restart loses nothing.
 * PostgreSQL in production, a JSONL file in embedded mode, memory in unit tests; every one
 * passes `describeRegistryStoreContract`. The store is a warm cache, not the authority: workers
 * re-register when a heartbeat answers `worker_not_registered` (spec 002 recovery flow).
 */
export abstract class RegistryStore {
  /** The persisted state; an empty snapshot for a new store. */
  abstract load(): Promise<ControllerSnapshot>;
  /** Insert or replace one worker (on registration). */
  abstract saveWorker(worker: StoredWorker): Promise<void>;
  /** Update `lastHeartbeatAt` of known workers; unknown ids are ignored. */
  abstract recordHeartbeats(heartbeats: readonly WorkerHeartbeat[]): Promise<void>;
  /** Remove workers (deregistered or swept); unknown ids are ignored. */
  abstract removeWorkers(workerIds: readonly string[]): Promise<void>;
  /** Insert or replace the canary policy of `policy.capability`. */
  abstract saveCanary(policy: StoredCanaryPolicy): Promise<void>;
  /** Remove the canary policy of a capability; unknown capabilities are ignored. */
  abstract removeCanary(capability: string): Promise<void>;
  /** Release files, connections or timers. */
  abstract close(): Promise<void>;
}
