import { DEFAULT_CAPACITY } from './constants';
import { decide } from './decide';
import { IdempotencyError, describeValue } from './errors';
import { ExpiryHeap, type HeapItem } from './internal/expiry-heap';
import {
  requireDuration,
  requireObject,
  requireString,
  requireTime,
  settle,
} from './internal/validate';
import {
  IdempotencyStore,
  type BeginRequest,
  type CompleteRequest,
  type ReleaseRequest,
} from './store';
import {
  type BeginResult,
  type CleanupResult,
  type CompleteResult,
  type CompletedRecord,
  type CurrentState,
  type IdempotencyRecord,
  type IdempotencyStats,
  type InFlightRecord,
  type ReleaseResult,
} from './types';

export interface InMemoryIdempotencyStoreOptions {
  /** Maximum number of records, in flight or completed. Default {@link DEFAULT_CAPACITY}. */
  readonly capacity?: number;
}

interface Entry<R> extends HeapItem {
  readonly key: string;
  record: IdempotencyRecord<R>;
  // Recency list links; set only while the record is completed (leases are never evicted).
  newer: Entry<R> | undefined;
  older: Entry<R> | undefined;
}

/**
 * Single-process {@link IdempotencyStore}: a Map, an intrusive doubly linked recency list of the
 * completed records (O(1) touch and eviction) and a min-heap of all records by expiry
 * (O(log n) per write, O(k log n) to remove k expired records).
 *
 * When full, a new key first reclaims the earliest-expiring record if it has expired, otherwise
 * evicts the least recently used completed record; in-flight records are never evicted, so when
 * every record is a live lease the new key is refused with `store_full` (answer 503).
 * Expired records are removed lazily (when their key is accessed, or to make room) and by
 * cleanupExpired(); the store creates no timers.
 *
 * Methods do their work synchronously and return settled promises, so interleaved callers in one
 * process observe each call as atomic.
 */
export class InMemoryIdempotencyStore<R> extends IdempotencyStore<R> {
  readonly capacity: number;
  private readonly entries = new Map<string, Entry<R>>();
  private readonly byExpiry = new ExpiryHeap<Entry<R>>();
  private newest: Entry<R> | undefined;
  private oldest: Entry<R> | undefined;
  private inFlight = 0;
  private hits = 0;
  private misses = 0;
  private takeovers = 0;
  private conflicts = 0;
  private mismatches = 0;
  private refusals = 0;
  private evictions = 0;
  private expirations = 0;

  constructor(options: InMemoryIdempotencyStoreOptions = {}) {
    super();
    requireObject('options', options, 'IDEMPOTENCY.INVALID_OPTION');
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new IdempotencyError(
        'IDEMPOTENCY.INVALID_OPTION',
        `capacity must be a positive integer, got ${describeValue(capacity)}`,
      );
    }
    this.capacity = capacity;
  }

  begin(key: string, request: BeginRequest): Promise<BeginResult<R>> {
    return settle(() => this.beginNow(key, request));
  }

  complete(key: string, request: CompleteRequest<R>): Promise<CompleteResult> {
    return settle(() => this.completeNow(key, request));
  }

  release(key: string, request: ReleaseRequest): Promise<ReleaseResult> {
    return settle(() => this.releaseNow(key, request));
  }

  get(key: string, now: number): Promise<IdempotencyRecord<R> | undefined> {
    return settle(() => this.getNow(key, now));
  }

  cleanupExpired(now: number): Promise<CleanupResult> {
    return settle(() => this.cleanupNow(now));
  }

  stats(): Promise<IdempotencyStats> {
    return Promise.resolve(this.statsNow());
  }

  private beginNow(key: string, request: BeginRequest): BeginResult<R> {
    requireString('key', key);
    requireObject('begin request', request);
    const fingerprint = requireString('fingerprint', request.fingerprint);
    const leaseToken = requireString('leaseToken', request.leaseToken);
    const now = requireTime('now', request.now);
    const leaseMs = requireDuration('leaseMs', request.leaseMs, 'IDEMPOTENCY.INVALID_ARGUMENT');

    const entry = this.entries.get(key);
    const decision = decide(entry?.record, fingerprint, now);
    switch (decision.kind) {
      case 'replay': {
        this.hits++;
        this.touch(entry!);
        const { response, completedAt, expiresAt } = decision.record;
        return { kind: 'replay', response, completedAt, expiresAt };
      }
      case 'conflict_in_flight':
        this.conflicts++;
        return decision;
      case 'mismatch':
        this.mismatches++;
        return decision;
      case 'execute':
        break;
    }

    const record: InFlightRecord = {
      state: 'in_flight',
      fingerprint,
      leaseToken,
      createdAt: now,
      leaseExpiresAt: now + leaseMs,
    };
    if (entry !== undefined) {
      // The expired record is replaced in place: no capacity needed, no second lookup.
      this.expirations++;
      if (entry.record.state === 'completed') {
        this.unlink(entry);
        this.inFlight++;
      } else {
        this.takeovers++;
      }
      entry.record = record;
      entry.expiry = record.leaseExpiresAt;
      this.byExpiry.update(entry);
    } else {
      if (this.entries.size >= this.capacity && !this.makeRoom(now)) {
        this.refusals++;
        // Every record is a live lease, so the heap top is the first one to free a slot.
        return { kind: 'store_full', retryAfterMs: this.byExpiry.peek()!.expiry - now };
      }
      const created: Entry<R> = {
        key,
        record,
        expiry: record.leaseExpiresAt,
        heapIndex: -1,
        newer: undefined,
        older: undefined,
      };
      this.entries.set(key, created);
      this.byExpiry.push(created);
      this.inFlight++;
    }
    this.misses++;
    return {
      kind: 'execute',
      reason: decision.reason,
      lease: {
        key,
        token: leaseToken,
        fingerprint,
        acquiredAt: now,
        expiresAt: record.leaseExpiresAt,
      },
    };
  }

  private completeNow(key: string, request: CompleteRequest<R>): CompleteResult {
    requireString('key', key);
    requireObject('complete request', request);
    const leaseToken = requireString('leaseToken', request.leaseToken);
    const now = requireTime('now', request.now);
    const ttlMs = requireDuration('ttlMs', request.ttlMs, 'IDEMPOTENCY.INVALID_ARGUMENT');

    const entry = this.entries.get(key);
    if (entry === undefined) return STALE_ABSENT;
    const current = entry.record;
    if (current.leaseToken !== leaseToken) return stale(current.state);
    if (current.state === 'completed') return ALREADY_COMPLETED;

    const record: CompletedRecord<R> = {
      state: 'completed',
      fingerprint: current.fingerprint,
      leaseToken,
      response: request.response,
      createdAt: current.createdAt,
      completedAt: now,
      expiresAt: now + ttlMs,
    };
    entry.record = record;
    entry.expiry = record.expiresAt;
    this.byExpiry.update(entry);
    this.inFlight--;
    this.linkNewest(entry);
    return { kind: 'completed', expiresAt: record.expiresAt };
  }

  private releaseNow(key: string, request: ReleaseRequest): ReleaseResult {
    requireString('key', key);
    requireObject('release request', request);
    const leaseToken = requireString('leaseToken', request.leaseToken);

    const entry = this.entries.get(key);
    if (entry === undefined) return STALE_ABSENT;
    if (entry.record.leaseToken !== leaseToken) return stale(entry.record.state);
    if (entry.record.state === 'completed') return ALREADY_COMPLETED;
    this.remove(entry);
    return RELEASED;
  }

  private getNow(key: string, now: number): IdempotencyRecord<R> | undefined {
    requireString('key', key);
    requireTime('now', now);
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (now >= entry.expiry) {
      this.remove(entry);
      this.expirations++;
      return undefined;
    }
    if (entry.record.state === 'completed') this.touch(entry);
    return entry.record;
  }

  private cleanupNow(now: number): CleanupResult {
    requireTime('now', now);
    let completed = 0;
    let leases = 0;
    for (let top = this.byExpiry.peek(); top !== undefined && top.expiry <= now;) {
      if (top.record.state === 'completed') completed++;
      else leases++;
      this.remove(top);
      top = this.byExpiry.peek();
    }
    this.expirations += completed + leases;
    return { completed, leases };
  }

  private statsNow(): IdempotencyStats {
    const entries = this.entries.size;
    return {
      entries,
      inFlight: this.inFlight,
      completed: entries - this.inFlight,
      capacity: this.capacity,
      hits: this.hits,
      misses: this.misses,
      takeovers: this.takeovers,
      conflicts: this.conflicts,
      mismatches: this.mismatches,
      refusals: this.refusals,
      evictions: this.evictions,
      expirations: this.expirations,
      utilization: entries / this.capacity,
    };
  }

  /** Frees one slot, preferring an expired record over a live completed one. */
  private makeRoom(now: number): boolean {
    const earliest = this.byExpiry.peek();
    if (earliest !== undefined && earliest.expiry <= now) {
      this.remove(earliest);
      this.expirations++;
      return true;
    }
    const victim = this.oldest;
    if (victim === undefined) return false;
    this.remove(victim);
    this.evictions++;
    return true;
  }

  private remove(entry: Entry<R>): void {
    this.entries.delete(entry.key);
    this.byExpiry.remove(entry);
    if (entry.record.state === 'completed') this.unlink(entry);
    else this.inFlight--;
  }

  private touch(entry: Entry<R>): void {
    if (this.newest === entry) return;
    this.unlink(entry);
    this.linkNewest(entry);
  }

  private linkNewest(entry: Entry<R>): void {
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest !== undefined) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }

  private unlink(entry: Entry<R>): void {
    if (entry.newer !== undefined) entry.newer.older = entry.older;
    else this.newest = entry.older;
    if (entry.older !== undefined) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    entry.newer = undefined;
    entry.older = undefined;
  }
}

const ALREADY_COMPLETED = Object.freeze({ kind: 'already_completed' } as const);
const RELEASED = Object.freeze({ kind: 'released' } as const);
const STALE_ABSENT = Object.freeze({ kind: 'stale_lease', current: 'absent' } as const);
const STALE_IN_FLIGHT = Object.freeze({ kind: 'stale_lease', current: 'in_flight' } as const);
const STALE_COMPLETED = Object.freeze({ kind: 'stale_lease', current: 'completed' } as const);

function stale(
  current: Exclude<CurrentState, 'absent'>,
): typeof STALE_IN_FLIGHT | typeof STALE_COMPLETED {
  return current === 'in_flight' ? STALE_IN_FLIGHT : STALE_COMPLETED;
}
