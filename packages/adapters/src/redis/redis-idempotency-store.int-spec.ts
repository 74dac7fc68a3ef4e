/**
 * RedisIdempotencyStore against a real Redis: the package's store contract, a differential
 * property test of the Lua decision table against InMemoryIdempotencyStore (which runs decide()
 * itself), and what only a shared store has to get right: capacity across instances, races
 * between connections, takeover of stranded leases, PX expiry and records Redis dropped itself.
 * Time is injected everywhere; nothing sleeps.
 */
import type Redis from 'ioredis';
import fc from 'fast-check';
import { DomainError } from '@slo-engine/core';
import {
  IdempotencyError,
  InMemoryIdempotencyStore,
  type BeginResult,
  type IdempotencyStore,
  type Lease,
} from '@slo-engine/idempotency';
import { describeIdempotencyStoreContract } from '@slo-engine/idempotency/testing';
import { createTestRedis, type TestRedis } from '@slo-engine/testing';
import { createRedisClient } from './redis-client';
import {
  DEFAULT_IDEMPOTENCY_KEY_PREFIX,
  DEFAULT_LEASE_RETENTION_MARGIN_MS,
  RedisIdempotencyStore,
  RedisIdempotencyStoreErrorCodes,
} from './redis-idempotency-store';

interface Response {
  readonly status: number;
  readonly body: unknown;
}

const T0 = 1_700_000_000_000;
const LEASE_MS = 60_000;
const TTL_MS = 3_600_000;
const FP_A = 'a'.repeat(64);
const FP_B = 'b'.repeat(64);

let testRedis: TestRedis;
let raw: Redis;
let contractClient: Redis;
const clients: Redis[] = [];
let prefixSequence = 0;

/** A fresh connection, as another controller instance would hold. */
async function connection(name = 'slo-engine-test:idempotency'): Promise<Redis> {
  const client = createRedisClient(testRedis.url, {
    connectionName: name,
    keyPrefix: testRedis.keyPrefix,
    lazyConnect: true,
    // Generous: a loaded CI machine must not turn a slow answer into a failed test.
    commandTimeoutMs: 5_000,
  });
  clients.push(client);
  await client.connect();
  return client;
}

/** A prefix no other store in this file uses, so every store starts empty. */
function freshPrefix(label: string): string {
  return `idem-${++prefixSequence}-${label}:`;
}

function store(
  client: Redis,
  options: { prefix?: string; capacity?: number } = {},
): RedisIdempotencyStore<Response> {
  return new RedisIdempotencyStore<Response>(client, {
    prefix: options.prefix ?? freshPrefix('store'),
    ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
  });
}

function begin<R>(
  target: IdempotencyStore<R>,
  key: string,
  now: number,
  token: string,
  fingerprint = FP_A,
): Promise<BeginResult<R>> {
  return target.begin(key, { fingerprint, leaseToken: token, now, leaseMs: LEASE_MS });
}

async function acquire<R>(
  target: IdempotencyStore<R>,
  key: string,
  now: number,
  token: string,
): Promise<Lease> {
  const result = await begin(target, key, now, token);
  if (result.kind !== 'execute') throw new Error(`expected execute, got ${result.kind}`);
  return result.lease;
}

async function completeWith(
  target: IdempotencyStore<Response>,
  lease: Lease,
  now: number,
  ttlMs = TTL_MS,
): Promise<void> {
  const result = await target.complete(lease.key, {
    leaseToken: lease.token,
    response: { status: 201, body: { id: lease.key } },
    now,
    ttlMs,
  });
  if (result.kind !== 'completed') throw new Error(`expected completed, got ${result.kind}`);
}

beforeAll(async () => {
  testRedis = await createTestRedis();
  raw = testRedis.client();
  contractClient = await connection('slo-engine-test:idempotency-contract');
});
afterAll(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await testRedis.cleanup();
});

describeIdempotencyStoreContract(
  'RedisIdempotencyStore',
  () =>
    new RedisIdempotencyStore(contractClient, { prefix: freshPrefix('contract'), capacity: 64 }),
  // Redis drops records by PX on its own clock, so an expired record may already be gone.
  { keepsExpiredRecords: false },
);

describe('RedisIdempotencyStore', () => {
  describe('decision table (differential against InMemoryIdempotencyStore)', () => {
    type Step =
      | { readonly op: 'begin'; readonly key: number; readonly otherFingerprint: boolean }
      | { readonly op: 'complete'; readonly lease: number; readonly ttlMs: number }
      | { readonly op: 'release'; readonly lease: number }
      | { readonly op: 'cleanup' };
    const step: fc.Arbitrary<{ readonly advanceMs: number; readonly step: Step }> = fc.record({
      // Jumps across lease (60 s) and result (90–150 s) expiry on the injected clock, while
      // the real time that Redis' PX counts stays far below both.
      advanceMs: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 100_000 })),
      step: fc.oneof(
        {
          weight: 5,
          arbitrary: fc.record({
            op: fc.constant('begin' as const),
            key: fc.integer({ min: 0, max: 3 }),
            otherFingerprint: fc.boolean(),
          }),
        },
        {
          weight: 3,
          arbitrary: fc.record({
            op: fc.constant('complete' as const),
            lease: fc.nat(),
            ttlMs: fc.integer({ min: 90_000, max: 150_000 }),
          }),
        },
        {
          weight: 1,
          arbitrary: fc.record({ op: fc.constant('release' as const), lease: fc.nat() }),
        },
        { weight: 1, arbitrary: fc.record({ op: fc.constant('cleanup' as const) }) },
      ),
    });

    it('answers every begin, complete, release and cleanup as the in-memory store does', async () => {
      const client = await connection();
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
          const redisStore = store(client, { capacity: 1_000 });
          const model = new InMemoryIdempotencyStore<Response>({ capacity: 1_000 });
          const leases: Lease[] = [];
          let now = T0;
          let tokens = 0;
          for (const { advanceMs, step: s } of steps) {
            now += advanceMs;
            if (s.op === 'begin') {
              const key = `key-${s.key}`;
              const token = `token-${++tokens}`;
              const fingerprint = s.otherFingerprint ? FP_B : FP_A;
              const [actual, expected] = await Promise.all([
                begin(redisStore, key, now, token, fingerprint),
                begin(model, key, now, token, fingerprint),
              ]);
              expect(actual).toEqual(expected);
              if (actual.kind === 'execute') leases.push(actual.lease);
            } else if (s.op === 'complete' && leases.length > 0) {
              const lease = leases[s.lease % leases.length];
              const request = {
                leaseToken: lease.token,
                response: { status: 200, body: { token: lease.token, items: [] } },
                now,
                ttlMs: s.ttlMs,
              };
              expect(await redisStore.complete(lease.key, request)).toEqual(
                await model.complete(lease.key, request),
              );
            } else if (s.op === 'release' && leases.length > 0) {
              const lease = leases[s.lease % leases.length];
              expect(await redisStore.release(lease.key, { leaseToken: lease.token })).toEqual(
                await model.release(lease.key, { leaseToken: lease.token }),
              );
            } else if (s.op === 'cleanup') {
              expect(await redisStore.cleanupExpired(now)).toEqual(await model.cleanupExpired(now));
            }
          }
          expect(await redisStore.stats()).toEqual(await model.stats());
          // Last, because the model's get() removes the expired records it finds.
          for (let key = 0; key < 4; key++) {
            expect(await redisStore.get(`key-${key}`, now)).toEqual(
              await model.get(`key-${key}`, now),
            );
          }
        }),
        { numRuns: 60 },
      );
    }, 60_000);
  });

  describe('capacity', () => {
    it('evicts the completed record that expires first, never a lease, then refuses', async () => {
      const target = store(await connection(), { capacity: 4 });
      const leaseA = await acquire(target, 'lease-a', T0, 'a');
      const leaseB = await acquire(target, 'lease-b', T0 + 10, 'b');
      await completeWith(target, await acquire(target, 'done-late', T0, 'late'), T0, TTL_MS);
      await completeWith(target, await acquire(target, 'done-soon', T0, 'soon'), T0, TTL_MS / 2);

      // Full: the new key evicts the completed record with the earliest expiry.
      expect(await begin(target, 'new-1', T0 + 20, 'n1')).toMatchObject({ kind: 'execute' });
      expect(await target.get('done-soon', T0 + 20)).toBeUndefined();
      expect((await target.get('done-late', T0 + 20))?.state).toBe('completed');
      expect(await begin(target, 'new-2', T0 + 30, 'n2')).toMatchObject({ kind: 'execute' });
      expect(await target.get('done-late', T0 + 30)).toBeUndefined();

      // Only live leases are left: refuse, with the time until the earliest lease expires.
      expect(await begin(target, 'new-3', T0 + 40, 'n3')).toEqual({
        kind: 'store_full',
        retryAfterMs: leaseA.expiresAt - (T0 + 40),
      });
      for (const lease of [leaseA, leaseB]) {
        expect(await target.get(lease.key, T0 + 40)).toMatchObject({
          state: 'in_flight',
          leaseToken: lease.token,
        });
      }
      expect(await target.stats()).toMatchObject({
        entries: 4,
        inFlight: 4,
        completed: 0,
        evictions: 2,
        refusals: 1,
        utilization: 1,
      });

      // Once lease A expired it may make room; lease B (live) stays.
      const afterA = leaseA.expiresAt;
      expect(await begin(target, 'new-3', afterA, 'n3')).toMatchObject({
        kind: 'execute',
        reason: 'new',
      });
      expect(await target.get('lease-a', afterA)).toBeUndefined();
      expect((await target.get('lease-b', afterA))?.leaseToken).toBe('b');
      expect(await target.stats()).toMatchObject({ entries: 4, expirations: 1, evictions: 2 });
    });

    it('never removes a live lease under random load, and refuses only when leases fill it', async () => {
      const client = await connection();
      const capacity = 3;
      const action = fc.record({
        advanceMs: fc.integer({ min: 0, max: 40_000 }),
        key: fc.integer({ min: 0, max: 7 }),
        settle: fc.constantFrom('none', 'complete', 'release'),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 25 }), async (actions) => {
          const target = store(client, { capacity });
          const held = new Map<string, Lease>();
          let now = T0;
          let tokens = 0;
          for (const { advanceMs, key: k, settle } of actions) {
            now += advanceMs;
            for (const [key, lease] of held) if (lease.expiresAt <= now) held.delete(key);
            const key = `key-${k}`;
            const result = await begin(target, key, now, `token-${++tokens}`);
            if (result.kind === 'store_full') {
              expect(held.size).toBe(capacity);
              expect(result.retryAfterMs).toBe(
                Math.min(...[...held.values()].map((l) => l.expiresAt)) - now,
              );
            }
            if (result.kind === 'execute') {
              held.set(key, result.lease);
              if (settle === 'complete') {
                await completeWith(target, result.lease, now);
                held.delete(key);
              } else if (settle === 'release') {
                await target.release(key, { leaseToken: result.lease.token });
                held.delete(key);
              }
            }
            for (const lease of held.values()) {
              expect(await target.get(lease.key, now)).toMatchObject({
                state: 'in_flight',
                leaseToken: lease.token,
              });
            }
            expect((await target.stats()).entries).toBeLessThanOrEqual(capacity);
          }
        }),
        { numRuns: 40 },
      );
    }, 60_000);

    it('trims to its capacity on complete when a larger-capacity instance filled the store', async () => {
      const prefix = freshPrefix('shared-capacity');
      const large = store(await connection('slo-engine-test:large'), { prefix, capacity: 10 });
      const small = store(await connection('slo-engine-test:small'), { prefix, capacity: 3 });
      const mine = await acquire(small, 'mine', T0, 'mine');
      for (let i = 0; i < 4; i++) {
        await completeWith(large, await acquire(large, `done-${i}`, T0 + i, `d${i}`), T0 + i);
      }
      const running = await acquire(large, 'running', T0, 'run');
      expect((await small.stats()).entries).toBe(6);

      await completeWith(small, mine, T0 + 10);

      expect(await small.stats()).toMatchObject({
        entries: 3,
        inFlight: 1,
        completed: 2,
        evictions: 3,
      });
      expect((await small.get(running.key, T0 + 10))?.state).toBe('in_flight');
      expect((await small.get('mine', T0 + 10))?.state).toBe('completed');
      // Besides "mine", the survivor is the completed record that expires last.
      expect((await small.get('done-3', T0 + 10))?.state).toBe('completed');
      for (let i = 0; i < 3; i++) expect(await small.get(`done-${i}`, T0 + 10)).toBeUndefined();
    });

    it('frees as many slots as its capacity needs when a larger-capacity instance filled the store', async () => {
      const prefix = freshPrefix('shrink-on-begin');
      const large = store(await connection('slo-engine-test:large'), { prefix, capacity: 10 });
      const small = store(await connection('slo-engine-test:small'), { prefix, capacity: 3 });
      for (let i = 0; i < 5; i++) {
        await completeWith(large, await acquire(large, `done-${i}`, T0 + i, `d${i}`), T0 + i);
      }

      expect(await begin(small, 'mine', T0 + 10, 'mine')).toMatchObject({ kind: 'execute' });

      expect(await small.stats()).toMatchObject({ entries: 3, inFlight: 1, evictions: 3 });
      for (let i = 0; i < 3; i++) expect(await small.get(`done-${i}`, T0 + 10)).toBeUndefined();
    });

    it('does not count a record Redis dropped by itself (PX) against the capacity', async () => {
      const prefix = freshPrefix('vanished');
      const target = store(await connection(), { prefix, capacity: 2 });
      await completeWith(target, await acquire(target, 'dropped', T0, 'd'), T0);
      await acquire(target, 'kept', T0, 'k');
      // What PX expiry does: the record goes, its index member stays.
      await raw.del(`${prefix}record:dropped`);

      expect(await begin(target, 'new', T0 + 1, 'n')).toMatchObject({ kind: 'execute' });
      expect(await target.stats()).toMatchObject({ entries: 2, evictions: 0, expirations: 0 });
      expect(await raw.zrange(`${prefix}index:completed`, 0, -1)).toEqual([]);
    });

    it('never evicts a lease through an index entry its key left behind when Redis dropped it', async () => {
      const prefix = freshPrefix('reused-key');
      const target = store(await connection(), { prefix, capacity: 2 });
      await completeWith(target, await acquire(target, 'reused', T0, 'first'), T0);
      await raw.del(`${prefix}record:reused`);
      const lease = await acquire(target, 'reused', T0 + 1, 'second');
      await acquire(target, 'other', T0 + 2, 'other');

      expect(await begin(target, 'third', T0 + 3, 'third')).toEqual({
        kind: 'store_full',
        retryAfterMs: lease.expiresAt - (T0 + 3),
      });
      expect((await target.get('reused', T0 + 3))?.leaseToken).toBe('second');
    });
  });

  describe('concurrency and takeover', () => {
    it('gives exactly one of 50 concurrent begins over two connections the lease', async () => {
      const prefix = freshPrefix('race');
      const first = store(await connection('slo-engine-test:controller-1'), { prefix });
      const second = store(await connection('slo-engine-test:controller-2'), { prefix });

      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          begin(i % 2 === 0 ? first : second, 'one-key', T0, `token-${i}`),
        ),
      );

      const executed = results.filter((r) => r.kind === 'execute');
      expect(executed).toHaveLength(1);
      expect(results.filter((r) => r.kind === 'conflict_in_flight')).toHaveLength(49);
      expect((await first.stats()).misses + (await second.stats()).misses).toBe(1);
    });

    it('lets another instance take over a stranded lease after leaseMs, and fences the old holder', async () => {
      const prefix = freshPrefix('takeover');
      const crashed = store(await connection('slo-engine-test:crashed'), { prefix });
      const survivor = store(await connection('slo-engine-test:survivor'), { prefix });
      const stranded = await acquire(crashed, 'job', T0, 'old');

      expect(await begin(survivor, 'job', T0 + LEASE_MS - 1, 'early')).toEqual({
        kind: 'conflict_in_flight',
        retryAfterMs: 1,
      });
      const takeover = await begin(survivor, 'job', T0 + LEASE_MS, 'new');
      expect(takeover).toMatchObject({
        kind: 'execute',
        reason: 'lease_expired',
        lease: { token: 'new', acquiredAt: T0 + LEASE_MS, expiresAt: T0 + 2 * LEASE_MS },
      });
      expect((await survivor.stats()).takeovers).toBe(1);

      // The old holder comes back late: it can neither overwrite nor release the new lease.
      expect(
        await crashed.complete('job', {
          leaseToken: stranded.token,
          response: { status: 200, body: 'late' },
          now: T0 + LEASE_MS + 1,
          ttlMs: TTL_MS,
        }),
      ).toEqual({ kind: 'stale_lease', current: 'in_flight' });
      expect(await crashed.release('job', { leaseToken: stranded.token })).toEqual({
        kind: 'stale_lease',
        current: 'in_flight',
      });
      expect((await survivor.get('job', T0 + LEASE_MS + 1))?.leaseToken).toBe('new');
    });
  });

  describe('expiry in Redis', () => {
    it('gives a completed record PX = ttlMs and a lease PX = leaseMs + the retention margin', async () => {
      const prefix = freshPrefix('pttl');
      const target = store(await connection(), { prefix });
      const lease = await acquire(target, 'job', T0, 'token');
      const leasePttl = await raw.pttl(`${prefix}record:job`);
      expect(leasePttl).toBeGreaterThan(LEASE_MS);
      expect(leasePttl).toBeLessThanOrEqual(LEASE_MS + DEFAULT_LEASE_RETENTION_MARGIN_MS);

      await completeWith(target, lease, T0 + 5, TTL_MS);

      const resultPttl = await raw.pttl(`${prefix}record:job`);
      expect(resultPttl).toBeGreaterThan(TTL_MS - 5_000);
      expect(resultPttl).toBeLessThanOrEqual(TTL_MS);
      // The indexes are plain sets of record keys and are not expired as a whole.
      expect(await raw.pttl(`${prefix}index:completed`)).toBe(-1);
    });

    it('rounds a fractional lifetime up to whole milliseconds and keeps fractional times exact', async () => {
      const prefix = freshPrefix('fraction');
      const target = store(await connection(), { prefix });
      const now = T0 + 0.25;
      const begun = await target.begin('job', {
        fingerprint: FP_A,
        leaseToken: 't',
        now,
        leaseMs: 1_000.5,
      });
      expect(begun).toMatchObject({ kind: 'execute', lease: { expiresAt: now + 1_000.5 } });
      expect(await begin(target, 'job', now + 1_000, 'u')).toEqual({
        kind: 'conflict_in_flight',
        retryAfterMs: now + 1_000.5 - (now + 1_000),
      });
      const pttl = await raw.pttl(`${prefix}record:job`);
      expect(pttl).toBeGreaterThan(1_000);
      expect(pttl).toBeLessThanOrEqual(1_001 + DEFAULT_LEASE_RETENTION_MARGIN_MS);
    });

    it('cleans up more expired records than one batch holds, and counts them', async () => {
      const target = store(await connection());
      const leases: Lease[] = [];
      for (let i = 0; i < 700; i++) leases.push(await acquire(target, `lease-${i}`, T0, `t${i}`));
      for (const lease of leases.slice(0, 120)) await completeWith(target, lease, T0, LEASE_MS);
      const live = await acquire(target, 'live', T0 + LEASE_MS, 'live');

      // 580 expired leases take two batches of at most 500.
      expect(await target.cleanupExpired(T0 + LEASE_MS)).toEqual({ completed: 120, leases: 580 });

      expect(await target.stats()).toMatchObject({ entries: 1, inFlight: 1, expirations: 700 });
      expect((await target.get(live.key, T0 + LEASE_MS))?.state).toBe('in_flight');
    }, 30_000);
  });

  describe('storage', () => {
    it('keeps records under the default prefix and replays JSON exactly, empty arrays included', async () => {
      const target = new RedisIdempotencyStore<Response>(await connection());
      const key = `layout-${process.pid}-${Date.now()}`;
      const lease = await acquire(target, key, T0, 'token');
      const body = {
        items: [],
        nested: { empty: {}, list: [[], [1.5, -0, 1e21]] },
        text: 'é\u0000',
      };
      await target.complete(key, {
        leaseToken: lease.token,
        response: { status: 201, body },
        now: T0,
        ttlMs: TTL_MS,
      });

      const recordKey = `${DEFAULT_IDEMPOTENCY_KEY_PREFIX}record:${key}`;
      expect(await raw.hget(recordKey, 'state')).toBe('completed');
      // Index members are record keys as Redis sees them, the client's keyPrefix included.
      expect(
        await raw.zscore(
          `${DEFAULT_IDEMPOTENCY_KEY_PREFIX}index:completed`,
          testRedis.keyPrefix + recordKey,
        ),
      ).toBe(String(T0 + TTL_MS));
      expect(await begin(target, key, T0 + 1, 'again')).toEqual({
        kind: 'replay',
        response: JSON.parse(JSON.stringify({ status: 201, body })) as Response,
        completedAt: T0,
        expiresAt: T0 + TTL_MS,
      });
    });

    it('keeps stores with different prefixes apart', async () => {
      const client = await connection();
      const tenantA = store(client, { prefix: freshPrefix('tenant-a') });
      const tenantB = store(client, { prefix: freshPrefix('tenant-b') });
      await acquire(tenantA, 'same-key', T0, 'a');
      expect(await begin(tenantB, 'same-key', T0, 'b')).toMatchObject({
        kind: 'execute',
        reason: 'new',
      });
    });

    it('rejects a response JSON cannot carry, before touching Redis', async () => {
      const target = store(await connection());
      const lease = await acquire(target, 'job', T0, 't');
      const cyclic: { self?: unknown } = {};
      cyclic.self = cyclic;
      for (const response of [undefined, cyclic, { n: 1n }]) {
        await expect(
          target.complete('job', {
            leaseToken: lease.token,
            response: response as unknown as Response,
            now: T0,
            ttlMs: TTL_MS,
          }),
        ).rejects.toMatchObject({ code: 'IDEMPOTENCY.INVALID_ARGUMENT' });
      }
      expect((await target.get('job', T0))?.state).toBe('in_flight');
    });

    it('fails with a coded error on a record it did not write', async () => {
      const prefix = freshPrefix('foreign');
      const target = store(await connection(), { prefix });
      await raw.hset(`${prefix}record:job`, { state: 'weird', leaseToken: 't' });

      await expect(begin(target, 'job', T0, 't')).rejects.toThrow(/unexpected record state/);
      const failure = target.get('job', T0);
      await expect(failure).rejects.toBeInstanceOf(DomainError);
      await expect(failure).rejects.toMatchObject({
        code: RedisIdempotencyStoreErrorCodes.UNEXPECTED_REPLY,
      });
    });

    it('loads a script with EVAL when Redis does not know it (restart, SCRIPT FLUSH)', async () => {
      const client = await connection();
      const noScript = Object.assign(new Error('NOSCRIPT No matching script. Please use EVAL.'), {
        name: 'ReplyError',
      });
      const evalsha = jest.spyOn(client, 'evalsha').mockRejectedValueOnce(noScript);
      const target = store(client);

      expect(await begin(target, 'job', T0, 't')).toMatchObject({ kind: 'execute' });
      expect(evalsha).toHaveBeenCalledTimes(1);
    });

    it('passes other Redis errors on', async () => {
      const client = await connection();
      jest.spyOn(client, 'evalsha').mockRejectedValueOnce(new Error('Command timed out'));
      await expect(begin(store(client), 'job', T0, 't')).rejects.toThrow('Command timed out');
    });

    it('rejects invalid options at construction', async () => {
      const client = await connection();
      for (const options of [
        { capacity: 0 },
        { capacity: 1.5 },
        { prefix: '' },
        { leaseRetentionMarginMs: -1 },
      ]) {
        let thrown: unknown;
        try {
          new RedisIdempotencyStore(client, options);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(IdempotencyError);
        expect(thrown).toMatchObject({ code: 'IDEMPOTENCY.INVALID_OPTION' });
      }
    });
  });
});
