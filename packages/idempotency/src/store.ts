import {
  type BeginResult,
  type CleanupResult,
  type CompleteResult,
  type IdempotencyRecord,
  type IdempotencyStats,
  type ReleaseResult,
} from './types';

/** Arguments of {@link IdempotencyStore.begin}. Time is passed in: stores own no clock. */
export interface BeginRequest {
  readonly fingerprint: string;
  /** Unique token for the lease written if the answer is `execute`. */
  readonly leaseToken: string;
  readonly now: number;
  /** Lease length; the lease expires at `now + leaseMs`. */
  readonly leaseMs: number;
}

/** Arguments of {@link IdempotencyStore.complete}. */
export interface CompleteRequest<R> {
  readonly leaseToken: string;
  readonly response: R;
  readonly now: number;
  /** Result lifetime; the record expires at `now + ttlMs`. */
  readonly ttlMs: number;
}

/** Arguments of {@link IdempotencyStore.release}. */
export interface ReleaseRequest {
  readonly leaseToken: string;
}

/**
 * Where idempotency records live. Implementations: {@link InMemoryIdempotencyStore} (one
 * process) and later a Redis adapter (many processes). Every implementation must pass
 * `describeIdempotencyStoreContract` from `@slo-engine/idempotency/testing`.
 *
 * Atomicity contract — each method is linearizable per key: its read, decision and write happen
 * as one indivisible step with respect to every other call on the same key, from any process.
 * No method may be built as "get, then set" across two round trips.
 *
 * - `begin` reads the record, applies {@link decide}, and in the same step writes a new in-flight
 *   record `{ fingerprint, leaseToken, createdAt: now, leaseExpiresAt: now + leaseMs }` when the
 *   decision is `execute`. Of N concurrent begins with the same key and fingerprint on a free key,
 *   exactly one gets `execute`. (Redis: one Lua script doing GET, the decision table, and
 *   `SET key value PX ttl`; or `SET NX` plus a compare-and-set script for expired records.)
 * - `complete` is a compare-and-set on the lease token: it turns the in-flight record into a
 *   completed one only if the record is in flight with that token (an expired lease that nobody
 *   took over still completes). Otherwise it writes nothing and says why.
 * - `release` is a compare-and-delete on the lease token of an in-flight record.
 * - A store MUST NOT remove a live in-flight record. It MAY remove a live completed record (LRU
 *   eviction) and MAY remove an expired record at any moment; a removed record is "absent".
 * - `get` returns the live record, or `undefined` for a missing or expired one.
 * - `cleanupExpired` removes expired records and counts them; stores whose backend expires keys
 *   itself (Redis PX) may return zero counts.
 *
 * Methods reject (never throw synchronously) with {@link IdempotencyError} on invalid arguments.
 */
export abstract class IdempotencyStore<R> {
  /** Atomically decide and, for `execute`, take the lease. */
  abstract begin(key: string, request: BeginRequest): Promise<BeginResult<R>>;

  /** Atomically store the response if `leaseToken` still holds the key. */
  abstract complete(key: string, request: CompleteRequest<R>): Promise<CompleteResult>;

  /** Atomically remove the in-flight record if `leaseToken` still holds the key. */
  abstract release(key: string, request: ReleaseRequest): Promise<ReleaseResult>;

  /** The live record for `key`, or `undefined`. */
  abstract get(key: string, now: number): Promise<IdempotencyRecord<R> | undefined>;

  /** Remove every record expired at `now`. */
  abstract cleanupExpired(now: number): Promise<CleanupResult>;

  /** Occupancy and counters. */
  abstract stats(): Promise<IdempotencyStats>;
}
