import { RegistryError } from './errors';
import { matchesSlo, type SloConstraints } from './route-filters';
import type { Capability, Clock, FieldError, WorkerRegistration } from './types';
import { capabilityKey, keyOf, validateRegistration } from './validate';

/** Default staleness timeout: four missed 30 s heartbeats (spec 002). */
export const DEFAULT_STALE_TIMEOUT_MS = 120_000;
/** Default heartbeat interval, also the grace given to restored workers (spec 002). */
export const DEFAULT_HEARTBEAT_INTERVAL_MS = 30_000;
/** Version of the `exportState()` format. */
export const REGISTRY_STATE_VERSION = 1;

/** `healthy`: seen by this controller. `needs_verification`: restored from state, not yet re-registered. */
export type WorkerStatus = 'healthy' | 'needs_verification';

/** A registered worker as the registry sees it. */
export interface WorkerEntry {
  readonly workerId: string;
  readonly workerUrl: string;
  readonly capabilities: readonly Capability[];
  readonly registeredAt: number;
  readonly lastHeartbeatAt: number;
  readonly status: WorkerStatus;
  /** For `needs_verification` workers: sweep will not evict before this instant. */
  readonly graceUntil?: number;
  /** Controller the entry came from through `importRemoteState`, if any. */
  readonly origin?: string;
}

/** Who asks for a route, for the policy hook. */
export interface Requester {
  readonly identity?: string;
  /** Capabilities (`verb:name` or free-form grants) the requester holds. */
  readonly capabilities?: readonly string[];
}

/** Input of a routing policy: allow or deny one candidate. */
export interface PolicyInput {
  readonly requester: Requester;
  readonly worker: WorkerEntry;
  readonly capability: Capability;
}
export type PolicyDecision =
  { readonly allow: true } | { readonly allow: false; readonly reason: string };
/** A synchronous policy hook (OPA/CAP stand-in). */
export type RoutingPolicy = (input: PolicyInput) => PolicyDecision;

/** Allows everything: the default policy. */
export const allowAllPolicy: RoutingPolicy = () => ({ allow: true });

/**
 * Denies a worker whose capability lists `required_capabilities` the requester does not hold
 * (every entry must appear in `requester.capabilities`).
 */
export const requiredCapabilitiesPolicy: RoutingPolicy = ({ requester, capability }) => {
  const required = capability.required_capabilities ?? [];
  const held = new Set(requester.capabilities ?? []);
  const missing = required.filter((r) => !held.has(r));
  return missing.length === 0
    ? { allow: true }
    : { allow: false, reason: `requester lacks ${missing.join(', ')}` };
};

export interface CapabilityRegistryOptions {
  readonly clock: Clock;
  readonly staleTimeoutMs?: number;
  readonly heartbeatIntervalMs?: number;
  readonly policy?: RoutingPolicy;
}

export type HeartbeatResult =
  | { readonly ok: true; readonly timestamp: number }
  | { readonly ok: false; readonly reason: 'worker_not_registered' };

/** Body of `POST /route` plus the future-facing parameters of spec 002, used here. */
export interface RouteRequest {
  readonly verb: string;
  readonly name: string;
  /** Only capabilities of exactly this version (e.g. from a canary assignment). */
  readonly version?: string;
  readonly requester?: Requester;
  readonly sloConstraints?: SloConstraints;
  readonly budgetTokens?: number;
}

/** Why a route found nothing, in filter order. */
export type NoRouteReason =
  'no_workers' | 'version_unavailable' | 'policy_denied' | 'slo_unsatisfied' | 'over_budget';

export interface Rejection {
  readonly workerId: string;
  readonly reason: NoRouteReason;
  readonly detail: string;
}

export type RouteResult =
  | {
      readonly ok: true;
      readonly workerId: string;
      readonly workerUrl: string;
      readonly capability: Capability;
      /** Candidates that passed every filter (before round-robin chose one). */
      readonly candidates: number;
    }
  | {
      readonly ok: false;
      readonly reason: NoRouteReason;
      readonly detail: string;
      readonly rejected: readonly Rejection[];
    };

/** Serialised worker as in the `exportState()` format (snake_case, JSON-safe). */
export interface ExportedWorker {
  readonly worker_id: string;
  readonly worker_url: string;
  readonly capabilities: readonly Capability[];
  readonly registered_at: number;
  readonly last_heartbeat: number;
}
export interface RegistryState {
  readonly version: typeof REGISTRY_STATE_VERSION;
  readonly exported_at: number;
  readonly workers: readonly ExportedWorker[];
}

interface MutableEntry {
  workerId: string;
  workerUrl: string;
  capabilities: readonly Capability[];
  registeredAt: number;
  lastHeartbeatAt: number;
  status: WorkerStatus;
  graceUntil?: number;
  origin?: string;
}

interface Bucket {
  /** Worker ids in registration order; round-robin walks this. */
  readonly workers: Set<string>;
  cursor: number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new RegistryError(
      'REGISTRY.INVALID_OPTION',
      `${name} must be a positive finite number, got ${value}`,
    );
  return value;
}

/**
 * In-memory capability registry of spec 002: registration, heartbeats, staleness by an injected
 * clock, O(1) lookup by `verb:name`, round-robin routing with SLO / budget / policy filters,
 * restart recovery and state exchange between controllers. No timers: call `sweep()` yourself.
 */
export class CapabilityRegistry {
  readonly staleTimeoutMs: number;
  readonly heartbeatIntervalMs: number;
  private readonly clock: Clock;
  private readonly policy: RoutingPolicy;
  private readonly workers = new Map<string, MutableEntry>();
  private readonly index = new Map<string, Bucket>();

  constructor(options: CapabilityRegistryOptions) {
    if (typeof options?.clock !== 'function')
      throw new RegistryError('REGISTRY.INVALID_OPTION', 'clock must be a function returning ms');
    this.clock = options.clock;
    this.staleTimeoutMs = positive(
      'staleTimeoutMs',
      options.staleTimeoutMs,
      DEFAULT_STALE_TIMEOUT_MS,
    );
    this.heartbeatIntervalMs = positive(
      'heartbeatIntervalMs',
      options.heartbeatIntervalMs,
      DEFAULT_HEARTBEAT_INTERVAL_MS,
    );
    this.policy = options.policy ?? allowAllPolicy;
  }

  /** Validates and stores a worker; a re-registration replaces the previous one (and verifies it). */
  register(input: unknown): WorkerEntry {
    const result = validateRegistration(input);
    if (!result.ok)
      throw new RegistryError(
        'REGISTRY.INVALID_REGISTRATION',
        `invalid registration: ${result.errors.map((e) => `${e.path || '(root)'} ${e.message}`).join('; ')}`,
        result.errors,
      );
    const now = this.clock();
    return this.put(result.value, now, now);
  }

  /** Records a heartbeat. Unknown or unverified (restored) workers must re-register. */
  heartbeat(workerId: string): HeartbeatResult {
    const entry = this.workers.get(workerId);
    if (entry === undefined || entry.status !== 'healthy')
      return { ok: false, reason: 'worker_not_registered' };
    entry.lastHeartbeatAt = this.clock();
    return { ok: true, timestamp: entry.lastHeartbeatAt };
  }

  /** Removes a worker; returns whether it was known. */
  deregister(workerId: string): boolean {
    const entry = this.workers.get(workerId);
    if (entry === undefined) return false;
    this.unindex(entry);
    this.workers.delete(workerId);
    return true;
  }

  /**
   * Removes workers silent for `staleTimeoutMs` or longer, and restored workers whose grace has
   * run out without re-registration. Returns the removed ids.
   */
  sweep(now: number = this.clock()): string[] {
    const removed: string[] = [];
    for (const entry of this.workers.values())
      if (this.isExpired(entry, now)) removed.push(entry.workerId);
    for (const id of removed) this.deregister(id);
    return removed;
  }

  /** The worker, or undefined. */
  getWorker(workerId: string): WorkerEntry | undefined {
    const entry = this.workers.get(workerId);
    return entry === undefined ? undefined : { ...entry };
  }

  /** Every worker, in registration order. */
  listWorkers(): WorkerEntry[] {
    return [...this.workers.values()].map((e) => ({ ...e }));
  }

  /** `verb:name` → number of workers currently offering it. */
  listCapabilities(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, bucket] of this.index) out[key] = bucket.workers.size;
    return out;
  }

  /** Healthy (not expired at `now`) workers offering `verb:name`: one map lookup, then the bucket. */
  healthyWorkers(verb: string, name: string, now: number = this.clock()): WorkerEntry[] {
    const bucket = this.index.get(capabilityKey(verb, name));
    if (bucket === undefined) return [];
    const out: WorkerEntry[] = [];
    for (const id of bucket.workers) {
      const entry = this.workers.get(id);
      if (entry !== undefined && !this.isExpired(entry, now)) out.push({ ...entry });
    }
    return out;
  }

  /**
   * Chooses a worker for `verb:name`: drops expired workers, then applies version, policy, SLO
   * and budget filters in that order; with a budget the cheapest remaining tier wins; ties are
   * broken round-robin per capability. A miss says which filter eliminated the last candidates.
   */
  route(request: RouteRequest): RouteResult {
    const now = this.clock();
    const key = capabilityKey(request.verb, request.name);
    const bucket = this.index.get(key);
    const rejected: Rejection[] = [];
    let candidates: { entry: MutableEntry; cap: Capability }[] = [];
    if (bucket !== undefined)
      for (const id of bucket.workers) {
        const entry = this.workers.get(id);
        if (entry === undefined || this.isExpired(entry, now)) continue;
        const cap = entry.capabilities.find((c) => keyOf(c) === key);
        if (cap !== undefined) candidates.push({ entry, cap });
      }
    if (candidates.length === 0)
      return {
        ok: false,
        reason: 'no_workers',
        detail: `no healthy worker offers ${key}`,
        rejected,
      };

    const stage = (
      reason: NoRouteReason,
      check: (c: { entry: MutableEntry; cap: Capability }) => string | undefined,
    ): boolean => {
      const kept: typeof candidates = [];
      for (const c of candidates) {
        const why = check(c);
        if (why === undefined) kept.push(c);
        else rejected.push({ workerId: c.entry.workerId, reason, detail: why });
      }
      candidates = kept;
      return kept.length > 0;
    };
    const fail = (reason: NoRouteReason, detail: string): RouteResult => ({
      ok: false,
      reason,
      detail,
      rejected,
    });

    const { version, sloConstraints, budgetTokens } = request;
    const requester = request.requester ?? {};
    if (
      version !== undefined &&
      !stage('version_unavailable', ({ cap }) =>
        cap.version === version ? undefined : `offers version ${cap.version}`,
      )
    )
      return fail('version_unavailable', `no healthy worker offers ${key} at version ${version}`);
    if (
      !stage('policy_denied', ({ entry, cap }) => {
        const decision = this.policy({ requester, worker: { ...entry }, capability: cap });
        return decision.allow ? undefined : decision.reason;
      })
    )
      return fail('policy_denied', `policy denied every worker of ${key}`);
    if (
      sloConstraints !== undefined &&
      !stage('slo_unsatisfied', ({ cap }) => matchesSlo(cap.slo, sloConstraints))
    )
      return fail('slo_unsatisfied', `no worker of ${key} declares an SLO meeting the constraints`);
    if (budgetTokens !== undefined) {
      const cost = (cap: Capability) => cap.cost_tokens_per_invocation ?? 0;
      if (
        !stage('over_budget', ({ cap }) =>
          cost(cap) <= budgetTokens
            ? undefined
            : `costs ${cost(cap)} tokens > budget ${budgetTokens}`,
        )
      )
        return fail('over_budget', `every worker of ${key} costs more than ${budgetTokens} tokens`);
      const cheapest = Math.min(...candidates.map((c) => cost(c.cap)));
      candidates = candidates.filter((c) => cost(c.cap) === cheapest);
    }

    const target = bucket as Bucket;
    const chosen = candidates[target.cursor % candidates.length];
    target.cursor = (target.cursor + 1) % Number.MAX_SAFE_INTEGER;
    return {
      ok: true,
      workerId: chosen.entry.workerId,
      workerUrl: chosen.entry.workerUrl,
      capability: chosen.cap,
      candidates: candidates.length,
    };
  }

  /** A JSON-safe snapshot for persistence or another controller. */
  exportState(): RegistryState {
    return {
      version: REGISTRY_STATE_VERSION,
      exported_at: this.clock(),
      workers: [...this.workers.values()].map((e) => ({
        worker_id: e.workerId,
        worker_url: e.workerUrl,
        capabilities: e.capabilities,
        registered_at: e.registeredAt,
        last_heartbeat: e.lastHeartbeatAt,
      })),
    };
  }

  /**
   * Replaces the registry's content with a persisted state after a restart. Every worker is
   * marked `needs_verification` and keeps being routed for one heartbeat interval from `now`;
   * its heartbeats answer `worker_not_registered` until it re-registers, and a sweep after the
   * grace evicts it if it never does. Invalid workers in the state throw `REGISTRY.INVALID_STATE`.
   */
  restoreFrom(state: unknown, now: number = this.clock()): number {
    const workers = parseState(state);
    this.workers.clear();
    this.index.clear();
    for (const w of workers) {
      const entry = this.put(w.registration, w.registered_at, w.last_heartbeat);
      const mutable = this.workers.get(entry.workerId) as MutableEntry;
      mutable.status = 'needs_verification';
      mutable.graceUntil = now + this.heartbeatIntervalMs;
    }
    return workers.length;
  }

  /**
   * Merges another controller's `exportState()`: a remote worker is adopted when unknown here or
   * heard from more recently there. Adopted workers keep their remote timestamps and `origin`.
   */
  importRemoteState(controllerId: string, state: unknown): { imported: number; skipped: number } {
    const workers = parseState(state);
    let imported = 0;
    for (const w of workers) {
      const local = this.workers.get(w.registration.worker_id);
      if (local !== undefined && local.lastHeartbeatAt >= w.last_heartbeat) continue;
      this.put(w.registration, w.registered_at, w.last_heartbeat);
      (this.workers.get(w.registration.worker_id) as MutableEntry).origin = controllerId;
      imported++;
    }
    return { imported, skipped: workers.length - imported };
  }

  /** Whether a worker is routable at `now`: heard from within the timeout, or restored and in grace. */
  isHealthy(entry: WorkerEntry, now: number = this.clock()): boolean {
    return !this.isExpired(entry, now);
  }

  private isExpired(
    entry: Pick<WorkerEntry, 'status' | 'graceUntil' | 'lastHeartbeatAt'>,
    now: number,
  ): boolean {
    if (entry.status === 'needs_verification') return now >= (entry.graceUntil ?? 0);
    return now - entry.lastHeartbeatAt >= this.staleTimeoutMs;
  }

  private put(reg: WorkerRegistration, registeredAt: number, lastHeartbeatAt: number): WorkerEntry {
    const previous = this.workers.get(reg.worker_id);
    if (previous !== undefined) this.unindex(previous);
    this.workers.delete(reg.worker_id);
    const entry: MutableEntry = {
      workerId: reg.worker_id,
      workerUrl: reg.worker_url,
      capabilities: reg.capabilities.map((c) => ({ ...c })),
      registeredAt,
      lastHeartbeatAt,
      status: 'healthy',
    };
    this.workers.set(entry.workerId, entry);
    for (const cap of entry.capabilities) {
      const key = keyOf(cap);
      let bucket = this.index.get(key);
      if (bucket === undefined) {
        bucket = { workers: new Set(), cursor: 0 };
        this.index.set(key, bucket);
      }
      bucket.workers.add(entry.workerId);
    }
    return { ...entry };
  }

  private unindex(entry: MutableEntry): void {
    for (const cap of entry.capabilities) {
      const key = keyOf(cap);
      const bucket = this.index.get(key);
      if (bucket === undefined) continue;
      bucket.workers.delete(entry.workerId);
      if (bucket.workers.size === 0) this.index.delete(key);
    }
  }
}

function parseState(
  state: unknown,
): { registration: WorkerRegistration; registered_at: number; last_heartbeat: number }[] {
  const bad = (errors: FieldError[], msg: string) =>
    new RegistryError('REGISTRY.INVALID_STATE', msg, errors);
  if (typeof state !== 'object' || state === null || Array.isArray(state))
    throw bad([{ path: '', message: 'must be an object' }], 'state must be an object');
  const s = state as Record<string, unknown>;
  if (s.version !== REGISTRY_STATE_VERSION)
    throw bad(
      [{ path: 'version', message: `must be ${REGISTRY_STATE_VERSION}` }],
      `unsupported state version ${String(s.version)}`,
    );
  if (!Array.isArray(s.workers))
    throw bad([{ path: 'workers', message: 'must be an array' }], 'state.workers must be an array');
  return s.workers.map((raw: unknown, i) => {
    const w = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const errors: FieldError[] = [];
    const result = validateRegistration({
      worker_id: w.worker_id,
      worker_url: w.worker_url,
      capabilities: w.capabilities,
    });
    if (!result.ok)
      errors.push(
        ...result.errors.map((e) => ({ path: `workers[${i}].${e.path}`, message: e.message })),
      );
    for (const field of ['registered_at', 'last_heartbeat'])
      if (typeof w[field] !== 'number' || !Number.isFinite(w[field]))
        errors.push({ path: `workers[${i}].${field}`, message: 'must be a finite number' });
    if (!result.ok || errors.length > 0) throw bad(errors, `invalid worker at workers[${i}]`);
    return {
      registration: result.value,
      registered_at: w.registered_at as number,
      last_heartbeat: w.last_heartbeat as number,
    };
  });
}
