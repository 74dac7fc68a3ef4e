import fc from 'fast-check';
import { IdempotencyError } from './errors';
import { InMemoryIdempotencyStore } from './in-memory-store';
import { describeIdempotencyStoreContract } from './testing/store-contract';
import {
  type BeginResult,
  type CleanupResult,
  type CompleteResult,
  type IdempotencyRecord,
  type IdempotencyStats,
  type Lease,
  type ReleaseResult,
} from './types';

describeIdempotencyStoreContract('InMemoryIdempotencyStore', () => new InMemoryIdempotencyStore());

const T0 = 1_000_000;
const LEASE_MS = 60_000;
const TTL_MS = 3_600_000;

type Store = InMemoryIdempotencyStore<string>;

let tokens = 0;
async function acquire(store: Store, key: string, now: number, leaseMs = LEASE_MS): Promise<Lease> {
  const result = await store.begin(key, {
    fingerprint: 'fp',
    leaseToken: `t${++tokens}`,
    now,
    leaseMs,
  });
  if (result.kind !== 'execute') throw new Error(`expected execute for ${key}, got ${result.kind}`);
  return result.lease;
}

async function completeKey(store: Store, key: string, now: number, ttlMs = TTL_MS): Promise<void> {
  const lease = await acquire(store, key, now);
  const done = await store.complete(key, {
    leaseToken: lease.token,
    response: `r:${key}`,
    now,
    ttlMs,
  });
  expect(done.kind).toBe('completed');
}

function replay(store: Store, key: string, now: number): Promise<BeginResult<string>> {
  return store.begin(key, {
    fingerprint: 'fp',
    leaseToken: `t${++tokens}`,
    now,
    leaseMs: LEASE_MS,
  });
}

async function held(
  store: Store,
  key: string,
  now: number,
): Promise<IdempotencyRecord<string>['state'] | undefined> {
  return (await store.get(key, now))?.state;
}

describe('InMemoryIdempotencyStore', () => {
  it('validates capacity', () => {
    for (const capacity of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => new InMemoryIdempotencyStore({ capacity })).toThrow(IdempotencyError);
    }
    expect(() => new InMemoryIdempotencyStore({ capacity: 0 })).toThrow(
      '@slo-engine/idempotency: capacity must be a positive integer, got the number 0',
    );
    expect(() => new InMemoryIdempotencyStore(null as never)).toThrow(
      expect.objectContaining({ code: 'IDEMPOTENCY.INVALID_OPTION' }) as Error,
    );
    expect(new InMemoryIdempotencyStore().capacity).toBe(10_000);
  });

  it('evicts the least recently used completed record; replays and gets refresh recency', async () => {
    const store: Store = new InMemoryIdempotencyStore({ capacity: 3 });
    await completeKey(store, 'a', T0);
    await completeKey(store, 'b', T0 + 1);
    await completeKey(store, 'c', T0 + 2);
    expect((await replay(store, 'a', T0 + 3)).kind).toBe('replay'); // recency: b, c, a

    await acquire(store, 'd', T0 + 4); // evicts b
    expect(await store.get('b', T0 + 5)).toBeUndefined();
    expect(await held(store, 'c', T0 + 5)).toBe('completed'); // recency: a, c

    await acquire(store, 'e', T0 + 6); // evicts a
    expect(await held(store, 'a', T0 + 7)).toBeUndefined();
    expect(await held(store, 'c', T0 + 7)).toBe('completed');
    expect(await store.stats()).toMatchObject({ entries: 3, evictions: 2, expirations: 0 });
  });

  it('never evicts an in-flight record, even the oldest one', async () => {
    const store: Store = new InMemoryIdempotencyStore({ capacity: 3 });
    await acquire(store, 'lease', T0);
    await completeKey(store, 'x', T0 + 1);
    await completeKey(store, 'y', T0 + 2);
    await acquire(store, 'z', T0 + 3); // must evict x, not the older lease
    expect(await held(store, 'lease', T0 + 4)).toBe('in_flight');
    expect(await held(store, 'x', T0 + 4)).toBeUndefined();
    expect(await held(store, 'y', T0 + 4)).toBe('completed');
  });

  it('refuses a new key with store_full when every record is a live lease', async () => {
    const store: Store = new InMemoryIdempotencyStore({ capacity: 2 });
    await acquire(store, 'a', T0, 10_000);
    await acquire(store, 'b', T0 + 1_000, 5_000); // earliest expiry: T0 + 6_000
    expect(await replay(store, 'c', T0 + 2_000)).toEqual({
      kind: 'store_full',
      retryAfterMs: 4_000,
    });
    expect(await store.stats()).toMatchObject({
      entries: 2,
      inFlight: 2,
      refusals: 1,
      evictions: 0,
    });
    // Existing keys still get their normal answers.
    expect((await replay(store, 'a', T0 + 2_000)).kind).toBe('conflict_in_flight');

    // Once a lease expires, its slot is reclaimed for the next new key.
    await acquire(store, 'c', T0 + 6_000);
    expect(await held(store, 'b', T0 + 6_000)).toBeUndefined();
    expect(await held(store, 'a', T0 + 6_000)).toBe('in_flight');
    expect(await store.stats()).toMatchObject({ entries: 2, expirations: 1, evictions: 0 });
  });

  it('reclaims an expired record before evicting a live one', async () => {
    const store: Store = new InMemoryIdempotencyStore({ capacity: 2 });
    await completeKey(store, 'long', T0, TTL_MS);
    await completeKey(store, 'short', T0 + 1, 100); // most recently used, but expires first
    await acquire(store, 'new', T0 + 200);
    expect(await held(store, 'long', T0 + 201)).toBe('completed');
    expect(await store.stats()).toMatchObject({ evictions: 0, expirations: 1, entries: 2 });
  });

  it('replaces an expired record in place without needing capacity', async () => {
    const store: Store = new InMemoryIdempotencyStore({ capacity: 1 });
    await completeKey(store, 'k', T0, 100);
    const again = await replay(store, 'k', T0 + 100);
    expect(again).toMatchObject({ kind: 'execute', reason: 'result_expired' });
    expect(await store.stats()).toMatchObject({
      entries: 1,
      inFlight: 1,
      completed: 0,
      evictions: 0,
      expirations: 1,
      misses: 2,
    });
  });

  it('counts a takeover as a miss, a takeover and an expiration', async () => {
    const store: Store = new InMemoryIdempotencyStore();
    const first = await acquire(store, 'k', T0);
    const second = await acquire(store, 'k', T0 + LEASE_MS);
    expect(second.token).not.toBe(first.token);
    expect(await store.stats()).toMatchObject({
      misses: 2,
      takeovers: 1,
      expirations: 1,
      inFlight: 1,
    });
  });

  it('removes an expired record lazily when get() touches it', async () => {
    const store: Store = new InMemoryIdempotencyStore();
    await completeKey(store, 'k', T0, 100);
    expect(await store.get('k', T0 + 99)).toMatchObject({ state: 'completed' });
    expect(await store.get('k', T0 + 100)).toBeUndefined();
    expect(await store.stats()).toMatchObject({ entries: 0, expirations: 1 });
  });

  it('answers stale_lease "absent" to a late finisher whose expired lease was reclaimed', async () => {
    const store: Store = new InMemoryIdempotencyStore({ capacity: 1 });
    const lease = await acquire(store, 'slow', T0, 1_000);
    await acquire(store, 'other', T0 + 1_000); // reclaims the expired lease's slot
    expect(
      await store.complete('slow', {
        leaseToken: lease.token,
        response: 'late',
        now: T0 + 1_001,
        ttlMs: TTL_MS,
      }),
    ).toEqual({ kind: 'stale_lease', current: 'absent' });
  });

  it('cleanupExpired counts what it removes and updates stats', async () => {
    const store: Store = new InMemoryIdempotencyStore({ capacity: 100 });
    for (let i = 0; i < 10; i++) await completeKey(store, `done-${i}`, T0 + i, 1_000 + i * 100);
    for (let i = 0; i < 5; i++) await acquire(store, `lease-${i}`, T0, 500 + i * 1_000);
    // At T0 + 1_600: results done-0..done-5 (expiring T0+1_000 .. T0+1_505) and leases 0..1.
    expect(await store.cleanupExpired(T0 + 1_600)).toEqual({ completed: 6, leases: 2 });
    expect(await store.stats()).toMatchObject({
      entries: 7,
      inFlight: 3,
      completed: 4,
      expirations: 8,
      utilization: 0.07,
    });
    expect(await store.cleanupExpired(T0 + 1_600)).toEqual({ completed: 0, leases: 0 });
    expect(await store.cleanupExpired(T0 + 10_000_000)).toEqual({ completed: 4, leases: 3 });
    expect((await store.stats()).entries).toBe(0);
  });

  it('reports utilization as entries / capacity', async () => {
    const store: Store = new InMemoryIdempotencyStore({ capacity: 4 });
    expect((await store.stats()).utilization).toBe(0);
    await acquire(store, 'a', T0);
    expect(await store.stats()).toMatchObject({ utilization: 0.25, capacity: 4 });
    for (const key of ['b', 'c', 'd']) await acquire(store, key, T0);
    expect((await store.stats()).utilization).toBe(1);
  });

  it('property: behaves like a simple reference model under random operations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(operation, { minLength: 20, maxLength: 80 }),
        async (capacity, ops) => {
          const store: Store = new InMemoryIdempotencyStore({ capacity });
          const model = new ReferenceStore(capacity);
          const leases: Lease[] = [];
          let now = T0;
          let token = 0;
          for (const op of ops) {
            now += 2; // even times, odd lease and even TTL: no two records share an expiry instant
            let actual: unknown;
            let expected: unknown;
            switch (op.kind) {
              case 'advance':
                now += op.by;
                continue;
              case 'begin': {
                const request = {
                  fingerprint: op.fp,
                  leaseToken: `t${++token}`,
                  now,
                  leaseMs: MODEL_LEASE,
                };
                actual = await store.begin(op.key, request);
                expected = model.begin(op.key, request.fingerprint, request.leaseToken, now);
                if ((actual as BeginResult<string>).kind === 'execute') {
                  leases.push((actual as Extract<BeginResult<string>, { kind: 'execute' }>).lease);
                }
                break;
              }
              case 'complete': {
                const lease = recent(leases, op.pick);
                if (lease === undefined) continue;
                const response = `response-${token}`;
                actual = await store.complete(lease.key, {
                  leaseToken: lease.token,
                  response,
                  now,
                  ttlMs: MODEL_TTL,
                });
                expected = model.complete(lease.key, lease.token, response, now);
                break;
              }
              case 'release': {
                const lease = recent(leases, op.pick);
                if (lease === undefined) continue;
                actual = await store.release(lease.key, { leaseToken: lease.token });
                expected = model.release(lease.key, lease.token);
                break;
              }
              case 'get':
                actual = await store.get(op.key, now);
                expected = model.get(op.key, now);
                break;
              case 'cleanup':
                actual = await store.cleanupExpired(now);
                expected = model.cleanup(now);
                break;
            }
            expect(actual).toEqual(expected);
            const stats = await store.stats();
            expect(stats).toEqual(model.stats());
            expect(stats.entries).toBeLessThanOrEqual(capacity);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

// ---- reference model: obviously correct, O(n) per operation ----

const MODEL_LEASE = 21;
const MODEL_TTL = 200;

type Operation =
  | { readonly kind: 'begin'; readonly key: string; readonly fp: string }
  | { readonly kind: 'complete' | 'release'; readonly pick: number }
  | { readonly kind: 'get'; readonly key: string }
  | { readonly kind: 'cleanup' }
  | { readonly kind: 'advance'; readonly by: number };

const modelKey = fc.constantFrom('k1', 'k2', 'k3', 'k4', 'k5');
const operation: fc.Arbitrary<Operation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('begin' as const),
      key: modelKey,
      fp: fc.constantFrom('f1', 'f2'),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('complete' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('get' as const), key: modelKey }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'cleanup' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      by: fc.integer({ min: 0, max: 40 }).map((n) => 2 * n),
    }),
  },
);

/** Mostly one of the last few leases, so completes and releases usually hit a live record. */
function recent(leases: readonly Lease[], pick: number): Lease | undefined {
  if (leases.length === 0) return undefined;
  const back = pick % 4 === 3 ? pick % leases.length : pick % Math.min(2, leases.length);
  return leases[leases.length - 1 - back];
}

interface ModelEntry {
  record: IdempotencyRecord<string>;
  usedAt: number;
}

class ReferenceStore {
  private readonly records = new Map<string, ModelEntry>();
  private clock = 0;
  private readonly counts = {
    hits: 0,
    misses: 0,
    takeovers: 0,
    conflicts: 0,
    mismatches: 0,
    refusals: 0,
    evictions: 0,
    expirations: 0,
  };

  constructor(private readonly capacity: number) {}

  begin(key: string, fingerprint: string, leaseToken: string, now: number): BeginResult<string> {
    const entry = this.records.get(key);
    let reason: 'new' | 'lease_expired' | 'result_expired' = 'new';
    if (entry !== undefined) {
      const record = entry.record;
      const expiry = expiryOf(record);
      if (now < expiry) {
        if (record.fingerprint !== fingerprint) {
          this.counts.mismatches++;
          return { kind: 'mismatch', recordState: record.state };
        }
        if (record.state === 'in_flight') {
          this.counts.conflicts++;
          return { kind: 'conflict_in_flight', retryAfterMs: expiry - now };
        }
        this.counts.hits++;
        entry.usedAt = ++this.clock;
        return {
          kind: 'replay',
          response: record.response,
          completedAt: record.completedAt,
          expiresAt: record.expiresAt,
        };
      }
      reason = record.state === 'in_flight' ? 'lease_expired' : 'result_expired';
      if (reason === 'lease_expired') this.counts.takeovers++;
      this.counts.expirations++;
    } else if (this.records.size >= this.capacity) {
      const [earliestKey, earliest] = [...this.records].reduce((a, b) =>
        expiryOf(b[1].record) < expiryOf(a[1].record) ? b : a,
      );
      const completed = [...this.records].filter(([, e]) => e.record.state === 'completed');
      if (expiryOf(earliest.record) <= now) {
        this.records.delete(earliestKey);
        this.counts.expirations++;
      } else if (completed.length > 0) {
        const [victim] = completed.reduce((a, b) => (b[1].usedAt < a[1].usedAt ? b : a));
        this.records.delete(victim);
        this.counts.evictions++;
      } else {
        this.counts.refusals++;
        return { kind: 'store_full', retryAfterMs: expiryOf(earliest.record) - now };
      }
    }
    const leaseExpiresAt = now + MODEL_LEASE;
    this.records.set(key, {
      record: { state: 'in_flight', fingerprint, leaseToken, createdAt: now, leaseExpiresAt },
      usedAt: ++this.clock,
    });
    this.counts.misses++;
    return {
      kind: 'execute',
      reason,
      lease: { key, token: leaseToken, fingerprint, acquiredAt: now, expiresAt: leaseExpiresAt },
    };
  }

  complete(key: string, token: string, response: string, now: number): CompleteResult {
    const entry = this.records.get(key);
    if (entry === undefined) return { kind: 'stale_lease', current: 'absent' };
    const record = entry.record;
    if (record.leaseToken !== token) return { kind: 'stale_lease', current: record.state };
    if (record.state === 'completed') return { kind: 'already_completed' };
    entry.record = {
      state: 'completed',
      fingerprint: record.fingerprint,
      leaseToken: token,
      response,
      createdAt: record.createdAt,
      completedAt: now,
      expiresAt: now + MODEL_TTL,
    };
    entry.usedAt = ++this.clock;
    return { kind: 'completed', expiresAt: now + MODEL_TTL };
  }

  release(key: string, token: string): ReleaseResult {
    const entry = this.records.get(key);
    if (entry === undefined) return { kind: 'stale_lease', current: 'absent' };
    if (entry.record.leaseToken !== token)
      return { kind: 'stale_lease', current: entry.record.state };
    if (entry.record.state === 'completed') return { kind: 'already_completed' };
    this.records.delete(key);
    return { kind: 'released' };
  }

  get(key: string, now: number): IdempotencyRecord<string> | undefined {
    const entry = this.records.get(key);
    if (entry === undefined) return undefined;
    if (now >= expiryOf(entry.record)) {
      this.records.delete(key);
      this.counts.expirations++;
      return undefined;
    }
    if (entry.record.state === 'completed') entry.usedAt = ++this.clock;
    return entry.record;
  }

  cleanup(now: number): CleanupResult {
    let completed = 0;
    let leases = 0;
    for (const [key, entry] of [...this.records]) {
      if (expiryOf(entry.record) > now) continue;
      if (entry.record.state === 'completed') completed++;
      else leases++;
      this.records.delete(key);
    }
    this.counts.expirations += completed + leases;
    return { completed, leases };
  }

  stats(): IdempotencyStats {
    const entries = this.records.size;
    const inFlight = [...this.records.values()].filter(
      (e) => e.record.state === 'in_flight',
    ).length;
    return {
      entries,
      inFlight,
      completed: entries - inFlight,
      capacity: this.capacity,
      ...this.counts,
      utilization: entries / this.capacity,
    };
  }
}

function expiryOf(record: IdempotencyRecord<string>): number {
  return record.state === 'in_flight' ? record.leaseExpiresAt : record.expiresAt;
}
