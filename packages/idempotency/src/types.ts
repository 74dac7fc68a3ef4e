/** A key some executor is working on. Live while `now < leaseExpiresAt`. */
export interface InFlightRecord {
  readonly state: 'in_flight';
  /** Fingerprint of the request being executed. */
  readonly fingerprint: string;
  /** Identifies the executor; only its holder may complete or release the record. */
  readonly leaseToken: string;
  /** When this lease was acquired (ms, the injected clock). */
  readonly createdAt: number;
  readonly leaseExpiresAt: number;
}

/** A finished request whose response is replayed to retries. Live while `now < expiresAt`. */
export interface CompletedRecord<R> {
  readonly state: 'completed';
  readonly fingerprint: string;
  /** Token of the lease that completed it, so a repeated complete() is recognised as such. */
  readonly leaseToken: string;
  readonly response: R;
  /** When the executing lease was acquired. */
  readonly createdAt: number;
  readonly completedAt: number;
  readonly expiresAt: number;
}

export type IdempotencyRecord<R> = InFlightRecord | CompletedRecord<R>;

/** Proof of ownership handed out by an `execute` decision; pass it to complete() or release(). */
export interface Lease {
  /** The (scoped) store key. */
  readonly key: string;
  readonly token: string;
  readonly fingerprint: string;
  readonly acquiredAt: number;
  /** After this instant another request with the same key may take the key over. */
  readonly expiresAt: number;
}

/** Why a request may execute. */
export type ExecuteReason =
  /** No record for the key. */
  | 'new'
  /** The previous executor's lease expired without completion: this is a takeover, and the
   * previous attempt may have had partial effects. */
  | 'lease_expired'
  /** The previous result outlived its TTL. */
  | 'result_expired';

/**
 * Outcome of the pure {@link decide} function. `execute` means "you may take the key";
 * the store then writes the lease.
 */
export type Decision<R> =
  | { readonly kind: 'execute'; readonly reason: ExecuteReason }
  | { readonly kind: 'replay'; readonly record: CompletedRecord<R> }
  | { readonly kind: 'conflict_in_flight'; readonly retryAfterMs: number }
  | { readonly kind: 'mismatch'; readonly recordState: 'in_flight' | 'completed' };

/**
 * Answer of begin(). HTTP mapping: `execute` → run the handler; `replay` → send the stored
 * response; `conflict_in_flight` → 409 with Retry-After; `mismatch` → 422; `store_full` → 503.
 */
export type BeginResult<R> =
  | { readonly kind: 'execute'; readonly reason: ExecuteReason; readonly lease: Lease }
  | {
      readonly kind: 'replay';
      readonly response: R;
      readonly completedAt: number;
      readonly expiresAt: number;
    }
  | { readonly kind: 'conflict_in_flight'; readonly retryAfterMs: number }
  | { readonly kind: 'mismatch'; readonly recordState: 'in_flight' | 'completed' }
  /** The store is at capacity and every record is a live lease; `retryAfterMs` is the time until
   * the earliest lease expires. */
  | { readonly kind: 'store_full'; readonly retryAfterMs: number };

/** What the store holds for a key when a lease is no longer the holder's. */
export type CurrentState = 'absent' | 'in_flight' | 'completed';

/** Answer of complete(). */
export type CompleteResult =
  /** The response is stored and will be replayed until `expiresAt`. */
  | { readonly kind: 'completed'; readonly expiresAt: number }
  /** This lease already completed the record; nothing changed (safe retry of complete()). */
  | { readonly kind: 'already_completed' }
  /** The lease is not the holder any more (taken over, released, or its record expired and was
   * removed); nothing was written, so the newer record is intact. */
  | { readonly kind: 'stale_lease'; readonly current: CurrentState };

/** Answer of release(). */
export type ReleaseResult =
  /** The in-flight record is removed; the next begin() for the key executes. */
  | { readonly kind: 'released' }
  /** This lease already completed the record; a completed record is never released. */
  | { readonly kind: 'already_completed' }
  | { readonly kind: 'stale_lease'; readonly current: CurrentState };

/** Counts of records removed by cleanupExpired(). */
export interface CleanupResult {
  /** Completed records whose TTL had passed. */
  readonly completed: number;
  /** In-flight records whose lease had passed. */
  readonly leases: number;
}

/** Counters since the store was created, and current occupancy. */
export interface IdempotencyStats {
  /** Records held, live or expired-but-not-yet-removed. */
  readonly entries: number;
  readonly inFlight: number;
  readonly completed: number;
  /** Maximum entries; `Infinity` for an unbounded store. */
  readonly capacity: number;
  /** begin() answered `replay`. */
  readonly hits: number;
  /** begin() answered `execute` (new key, expired result or takeover). */
  readonly misses: number;
  /** The part of `misses` that took over an expired lease. */
  readonly takeovers: number;
  readonly conflicts: number;
  readonly mismatches: number;
  /** begin() answered `store_full`. */
  readonly refusals: number;
  /** Live completed records removed to make room. */
  readonly evictions: number;
  /** Expired records removed (lazily on access, by cleanup, or to make room). */
  readonly expirations: number;
  /** `entries / capacity`, in [0, 1]; 0 for an unbounded store. */
  readonly utilization: number;
}
