import { randomUUID } from 'node:crypto';
import { DEFAULT_LEASE_MS, DEFAULT_TTL_MS } from './constants';
import { IdempotencyError, describeValue } from './errors';
import { requireDuration, requireObject, requireString, settle } from './internal/validate';
import { type IdempotencyStore } from './store';
import {
  type BeginResult,
  type CleanupResult,
  type CompleteResult,
  type IdempotencyStats,
  type Lease,
  type ReleaseResult,
} from './types';

export interface IdempotencyServiceOptions<R> {
  readonly store: IdempotencyStore<R>;
  /** Clock in milliseconds (e.g. `Date.now`); injected so tests never sleep. */
  readonly now: () => number;
  /** In-flight lease length. Default {@link DEFAULT_LEASE_MS} (60 s). */
  readonly leaseMs?: number;
  /** How long a completed response is replayed. Default {@link DEFAULT_TTL_MS} (1 h). */
  readonly ttlMs?: number;
  /** Source of unique lease tokens. Default `crypto.randomUUID`, unique across processes. */
  readonly newLeaseToken?: () => string;
  /**
   * Used by run() only: whether a response is stored for replay. Responses it rejects are
   * released instead, so a retry executes again. Default: every response is stored. For HTTP,
   * `(r) => r.status < 500` keeps client errors (deterministic) and retries server errors.
   */
  readonly cacheable?: (response: R) => boolean;
}

/** Answer of run(): the handler's response, or the begin() answer that prevented running it. */
export type RunResult<R> =
  | {
      readonly kind: 'executed';
      readonly response: R;
      /** What happened to the record: stored (`completed`), not cacheable (`released`), or the
       * lease was lost while the handler ran (`stale_lease`: the response was not stored). */
      readonly settlement: CompleteResult | ReleaseResult;
    }
  | Exclude<BeginResult<R>, { readonly kind: 'execute' }>;

/**
 * The idempotency flow over a store: begin → (execute the request) → complete or release.
 * Holds the clock, the two lifetimes and the lease-token source so request handlers pass only
 * the key, the fingerprint and the response.
 */
export class IdempotencyService<R> {
  readonly leaseMs: number;
  readonly ttlMs: number;
  private readonly store: IdempotencyStore<R>;
  private readonly now: () => number;
  private readonly newLeaseToken: () => string;
  private readonly cacheable: (response: R) => boolean;

  constructor(options: IdempotencyServiceOptions<R>) {
    requireObject('options', options, 'IDEMPOTENCY.INVALID_OPTION');
    if (typeof options.store !== 'object' || options.store === null) {
      throw invalidOption(`store must be an IdempotencyStore, got ${describeValue(options.store)}`);
    }
    if (typeof options.now !== 'function') {
      throw invalidOption(`now must be a clock function, got ${describeValue(options.now)}`);
    }
    for (const name of ['newLeaseToken', 'cacheable'] as const) {
      const value: unknown = options[name];
      if (value !== undefined && typeof value !== 'function') {
        throw invalidOption(`${name} must be a function, got ${describeValue(value)}`);
      }
    }
    this.store = options.store;
    this.now = options.now;
    this.leaseMs = requireDuration(
      'leaseMs',
      options.leaseMs ?? DEFAULT_LEASE_MS,
      'IDEMPOTENCY.INVALID_OPTION',
    );
    this.ttlMs = requireDuration(
      'ttlMs',
      options.ttlMs ?? DEFAULT_TTL_MS,
      'IDEMPOTENCY.INVALID_OPTION',
    );
    this.newLeaseToken = options.newLeaseToken ?? randomUUID;
    this.cacheable = options.cacheable ?? alwaysCacheable;
  }

  /** Decide what to do with a request: execute (with a lease), replay, 409, 422 or 503. */
  begin(key: string, requestFingerprint: string): Promise<BeginResult<R>> {
    return settle(() => {
      requireString('key', key);
      requireString('fingerprint', requestFingerprint);
      return this.store.begin(key, {
        fingerprint: requestFingerprint,
        leaseToken: requireString('newLeaseToken()', this.newLeaseToken()),
        now: this.now(),
        leaseMs: this.leaseMs,
      });
    });
  }

  /** Store the response for replay, if the lease still holds the key. */
  complete(lease: Lease, response: R): Promise<CompleteResult> {
    return settle(() => {
      requireLease(lease);
      return this.store.complete(lease.key, {
        leaseToken: lease.token,
        response,
        now: this.now(),
        ttlMs: this.ttlMs,
      });
    });
  }

  /** Give the key up without storing anything (the request failed), so a retry executes. */
  release(lease: Lease): Promise<ReleaseResult> {
    return settle(() => {
      requireLease(lease);
      return this.store.release(lease.key, { leaseToken: lease.token });
    });
  }

  /**
   * begin(), then on `execute` run `handler` and complete() with its response (or release() when
   * `cacheable` rejects it). If the handler throws, the lease is released and the error rethrown,
   * so a retry may execute (if the release itself fails, the handler's error is still the one
   * thrown and the lease frees itself when it expires). Other begin() answers are returned unchanged.
   */
  async run(
    key: string,
    requestFingerprint: string,
    handler: (lease: Lease) => R | Promise<R>,
  ): Promise<RunResult<R>> {
    if (typeof handler !== 'function') {
      throw new IdempotencyError(
        'IDEMPOTENCY.INVALID_ARGUMENT',
        `handler must be a function, got ${describeValue(handler)}`,
      );
    }
    const begun = await this.begin(key, requestFingerprint);
    if (begun.kind !== 'execute') return begun;
    let response: R;
    let keep: boolean;
    try {
      response = await handler(begun.lease);
      keep = this.cacheable(response);
    } catch (error) {
      // The handler's error matters more than a failed release: the lease then simply expires.
      await this.release(begun.lease).catch(() => undefined);
      throw error;
    }
    const settlement = keep
      ? await this.complete(begun.lease, response)
      : await this.release(begun.lease);
    return { kind: 'executed', response, settlement };
  }

  /** Remove expired records now; the host schedules this (the package starts no timers). */
  cleanupExpired(): Promise<CleanupResult> {
    return settle(() => this.store.cleanupExpired(this.now()));
  }

  stats(): Promise<IdempotencyStats> {
    return this.store.stats();
  }
}

function alwaysCacheable(): boolean {
  return true;
}

function requireLease(lease: Lease): void {
  requireObject('lease', lease);
  requireString('lease.key', lease.key);
  requireString('lease.token', lease.token);
}

function invalidOption(message: string): IdempotencyError {
  return new IdempotencyError('IDEMPOTENCY.INVALID_OPTION', message);
}
