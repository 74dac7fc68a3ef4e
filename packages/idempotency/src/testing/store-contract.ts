/**
 * Behavioural contract of IdempotencyStore, runnable against any implementation. Uses the Jest
 * globals (`describe`, `it`, `expect`) of the test run that imports it; it is reachable only through
 * the `@slo-engine/idempotency/testing` subpath, never from the main entry.
 */
import { IdempotencyError } from '../errors';
import { type IdempotencyStore } from '../store';
import { type BeginResult, type Lease } from '../types';

/** The response type the contract stores: plain JSON, so serialising stores can round-trip it. */
export interface ContractResponse {
  readonly status: number;
  readonly body: { readonly id: string; readonly items: readonly number[] };
}

export interface StoreContractOptions {
  /**
   * true (default) when the store keeps an expired record until it is accessed or cleaned up, like
   * InMemoryIdempotencyStore: then takeovers are reported as `lease_expired`, expired results as
   * `result_expired`, a late complete() on an expired lease nobody took over succeeds, and
   * cleanupExpired() counts exactly. false for stores whose backend forgets expired keys by itself
   * (Redis PX): those outcomes may then be `new`, `stale_lease` `absent` and zero counts.
   */
  readonly keepsExpiredRecords?: boolean;
  /** Called after every test with the store it made (close connections, drop keys). */
  readonly teardown?: (store: IdempotencyStore<ContractResponse>) => void | Promise<void>;
}

const T0 = 1_700_000_000_000;
const LEASE_MS = 60_000;
const TTL_MS = 3_600_000;
const FP_A = 'a'.repeat(64);
const FP_B = 'b'.repeat(64);

function response(id: string): ContractResponse {
  return { status: 201, body: { id, items: [1, 2, 3] } };
}

/**
 * Registers a `describe` block of contract tests for a store implementation.
 *
 * @param name label of the implementation under test
 * @param makeStore creates a fresh, empty store (capacity of at least 64 records) for each test
 */
export function describeIdempotencyStoreContract(
  name: string,
  makeStore: () => IdempotencyStore<ContractResponse> | Promise<IdempotencyStore<ContractResponse>>,
  options: StoreContractOptions = {},
): void {
  const strict = options.keepsExpiredRecords ?? true;
  let keySequence = 0;
  // Unique per test, so stores backed by a shared server never see another test's records.
  const newKey = (label: string): string => `contract:${process.pid}:${++keySequence}:${label}`;

  const withStore =
    (body: (store: IdempotencyStore<ContractResponse>) => Promise<void>) =>
    async (): Promise<void> => {
      const store = await makeStore();
      try {
        await body(store);
      } finally {
        await options.teardown?.(store);
      }
    };

  const begin = (
    store: IdempotencyStore<ContractResponse>,
    key: string,
    fingerprint: string,
    now: number,
    leaseToken: string,
  ): Promise<BeginResult<ContractResponse>> =>
    store.begin(key, { fingerprint, leaseToken, now, leaseMs: LEASE_MS });

  const acquire = async (
    store: IdempotencyStore<ContractResponse>,
    key: string,
    fingerprint: string,
    now: number,
    leaseToken: string,
  ): Promise<Lease> => {
    const result = await begin(store, key, fingerprint, now, leaseToken);
    if (result.kind !== 'execute') throw new Error(`expected execute, got ${result.kind}`);
    return result.lease;
  };

  describe(`IdempotencyStore contract: ${name}`, () => {
    describe('begin', () => {
      it(
        'answers execute "new" with a lease for an unknown key',
        withStore(async (store) => {
          const key = newKey('new');
          const result = await begin(store, key, FP_A, T0, 'token-1');
          expect(result).toEqual({
            kind: 'execute',
            reason: 'new',
            lease: {
              key,
              token: 'token-1',
              fingerprint: FP_A,
              acquiredAt: T0,
              expiresAt: T0 + LEASE_MS,
            },
          });
        }),
      );

      it(
        'answers conflict_in_flight with the remaining lease time while a lease is live',
        withStore(async (store) => {
          const key = newKey('conflict');
          await acquire(store, key, FP_A, T0, 'token-1');
          expect(await begin(store, key, FP_A, T0 + 1_000, 'token-2')).toEqual({
            kind: 'conflict_in_flight',
            retryAfterMs: LEASE_MS - 1_000,
          });
          expect(await begin(store, key, FP_A, T0 + LEASE_MS - 1, 'token-3')).toEqual({
            kind: 'conflict_in_flight',
            retryAfterMs: 1,
          });
        }),
      );

      it(
        'answers mismatch for a different fingerprint, in flight or completed',
        withStore(async (store) => {
          const key = newKey('mismatch');
          const lease = await acquire(store, key, FP_A, T0, 'token-1');
          expect(await begin(store, key, FP_B, T0 + 1, 'token-2')).toEqual({
            kind: 'mismatch',
            recordState: 'in_flight',
          });
          await store.complete(key, {
            leaseToken: lease.token,
            response: response('r1'),
            now: T0 + 2,
            ttlMs: TTL_MS,
          });
          expect(await begin(store, key, FP_B, T0 + 3, 'token-3')).toEqual({
            kind: 'mismatch',
            recordState: 'completed',
          });
        }),
      );

      it(
        'answers replay with the stored response while the result is live',
        withStore(async (store) => {
          const key = newKey('replay');
          const lease = await acquire(store, key, FP_A, T0, 'token-1');
          await store.complete(key, {
            leaseToken: lease.token,
            response: response('r1'),
            now: T0 + 5,
            ttlMs: TTL_MS,
          });
          const expected = {
            kind: 'replay',
            response: response('r1'),
            completedAt: T0 + 5,
            expiresAt: T0 + 5 + TTL_MS,
          };
          expect(await begin(store, key, FP_A, T0 + 10, 'token-2')).toEqual(expected);
          expect(await begin(store, key, FP_A, T0 + 5 + TTL_MS - 1, 'token-3')).toEqual(expected);
        }),
      );

      it(
        'lets a new executor take over once the lease has expired',
        withStore(async (store) => {
          const key = newKey('takeover');
          await acquire(store, key, FP_A, T0, 'token-1');
          const result = await begin(store, key, FP_A, T0 + LEASE_MS, 'token-2');
          expect(result.kind).toBe('execute');
          if (result.kind !== 'execute') return;
          expect(result.lease.token).toBe('token-2');
          expect(result.lease.expiresAt).toBe(T0 + 2 * LEASE_MS);
          if (strict) expect(result.reason).toBe('lease_expired');
          else expect(['lease_expired', 'new']).toContain(result.reason);
          // The new lease is live: a third request now conflicts.
          expect((await begin(store, key, FP_A, T0 + LEASE_MS + 1, 'token-3')).kind).toBe(
            'conflict_in_flight',
          );
        }),
      );

      it(
        'treats an expired record as absent, even for a different fingerprint',
        withStore(async (store) => {
          const key = newKey('expired-any-fingerprint');
          const lease = await acquire(store, key, FP_A, T0, 'token-1');
          await store.complete(key, {
            leaseToken: lease.token,
            response: response('r1'),
            now: T0,
            ttlMs: TTL_MS,
          });
          const result = await begin(store, key, FP_B, T0 + TTL_MS, 'token-2');
          expect(result.kind).toBe('execute');
          if (result.kind !== 'execute') return;
          if (strict) expect(result.reason).toBe('result_expired');
          else expect(['result_expired', 'new']).toContain(result.reason);
          expect(result.lease.fingerprint).toBe(FP_B);
        }),
      );

      it(
        'keeps keys independent',
        withStore(async (store) => {
          const first = newKey('first');
          const second = newKey('second');
          await acquire(store, first, FP_A, T0, 'token-1');
          expect((await begin(store, second, FP_A, T0, 'token-2')).kind).toBe('execute');
        }),
      );

      it(
        'gives exactly one of many concurrent begins the lease',
        withStore(async (store) => {
          const key = newKey('race');
          const results = await Promise.all(
            Array.from({ length: 25 }, (_, i) => begin(store, key, FP_A, T0, `token-${i}`)),
          );
          expect(results.filter((r) => r.kind === 'execute')).toHaveLength(1);
          expect(results.filter((r) => r.kind === 'conflict_in_flight')).toHaveLength(24);
        }),
      );
    });

    describe('complete', () => {
      it(
        'stores the response until now + ttlMs',
        withStore(async (store) => {
          const key = newKey('complete');
          const lease = await acquire(store, key, FP_A, T0, 'token-1');
          expect(
            await store.complete(key, {
              leaseToken: lease.token,
              response: response('r1'),
              now: T0 + 100,
              ttlMs: TTL_MS,
            }),
          ).toEqual({ kind: 'completed', expiresAt: T0 + 100 + TTL_MS });
          expect(await store.get(key, T0 + 100 + TTL_MS - 1)).toEqual({
            state: 'completed',
            fingerprint: FP_A,
            leaseToken: 'token-1',
            response: response('r1'),
            createdAt: T0,
            completedAt: T0 + 100,
            expiresAt: T0 + 100 + TTL_MS,
          });
          expect(await store.get(key, T0 + 100 + TTL_MS)).toBeUndefined();
        }),
      );

      it(
        'answers already_completed to a repeated complete and keeps the first response',
        withStore(async (store) => {
          const key = newKey('complete-twice');
          const lease = await acquire(store, key, FP_A, T0, 'token-1');
          const request = { leaseToken: lease.token, now: T0 + 1, ttlMs: TTL_MS };
          await store.complete(key, { ...request, response: response('first') });
          expect(await store.complete(key, { ...request, response: response('second') })).toEqual({
            kind: 'already_completed',
          });
          const replay = await begin(store, key, FP_A, T0 + 2, 'token-2');
          expect(replay).toMatchObject({ kind: 'replay', response: response('first') });
        }),
      );

      it(
        'refuses a late finisher whose lease was taken over, and keeps the newer record',
        withStore(async (store) => {
          const key = newKey('late-finisher');
          const late = await acquire(store, key, FP_A, T0, 'token-late');
          const newer = await acquire(store, key, FP_A, T0 + LEASE_MS + 1, 'token-new');
          const lateRequest = { leaseToken: late.token, now: T0 + LEASE_MS + 2, ttlMs: TTL_MS };

          expect(await store.complete(key, { ...lateRequest, response: response('late') })).toEqual(
            { kind: 'stale_lease', current: 'in_flight' },
          );
          expect(await store.release(key, { leaseToken: late.token })).toEqual({
            kind: 'stale_lease',
            current: 'in_flight',
          });
          expect(
            await store.complete(key, {
              leaseToken: newer.token,
              response: response('new'),
              now: T0 + LEASE_MS + 3,
              ttlMs: TTL_MS,
            }),
          ).toMatchObject({ kind: 'completed' });
          expect(await store.complete(key, { ...lateRequest, response: response('late') })).toEqual(
            { kind: 'stale_lease', current: 'completed' },
          );
          expect(await store.release(key, { leaseToken: late.token })).toEqual({
            kind: 'stale_lease',
            current: 'completed',
          });
          expect(await begin(store, key, FP_A, T0 + LEASE_MS + 4, 'token-x')).toMatchObject({
            kind: 'replay',
            response: response('new'),
          });
        }),
      );

      it(
        'completes an expired lease that nobody took over (if the store still holds it)',
        withStore(async (store) => {
          const key = newKey('expired-unclaimed');
          const lease = await acquire(store, key, FP_A, T0, 'token-1');
          const result = await store.complete(key, {
            leaseToken: lease.token,
            response: response('slow'),
            now: T0 + LEASE_MS + 10,
            ttlMs: TTL_MS,
          });
          if (strict) {
            expect(result).toEqual({ kind: 'completed', expiresAt: T0 + LEASE_MS + 10 + TTL_MS });
          } else {
            expect([
              { kind: 'completed', expiresAt: T0 + LEASE_MS + 10 + TTL_MS },
              { kind: 'stale_lease', current: 'absent' },
            ]).toContainEqual(result);
          }
        }),
      );

      it(
        'answers stale_lease "absent" for a key with no record',
        withStore(async (store) => {
          expect(
            await store.complete(newKey('absent'), {
              leaseToken: 'token-1',
              response: response('r'),
              now: T0,
              ttlMs: TTL_MS,
            }),
          ).toEqual({ kind: 'stale_lease', current: 'absent' });
        }),
      );
    });

    describe('release', () => {
      it(
        'removes the in-flight record so the next begin executes',
        withStore(async (store) => {
          const key = newKey('release');
          const lease = await acquire(store, key, FP_A, T0, 'token-1');
          expect(await store.release(key, { leaseToken: lease.token })).toEqual({
            kind: 'released',
          });
          expect(await store.get(key, T0 + 1)).toBeUndefined();
          expect(await begin(store, key, FP_B, T0 + 1, 'token-2')).toMatchObject({
            kind: 'execute',
            reason: 'new',
          });
          expect(await store.release(key, { leaseToken: lease.token })).toEqual({
            kind: 'stale_lease',
            current: 'in_flight',
          });
        }),
      );

      it(
        'never releases a completed record',
        withStore(async (store) => {
          const key = newKey('release-completed');
          const lease = await acquire(store, key, FP_A, T0, 'token-1');
          await store.complete(key, {
            leaseToken: lease.token,
            response: response('r1'),
            now: T0,
            ttlMs: TTL_MS,
          });
          expect(await store.release(key, { leaseToken: lease.token })).toEqual({
            kind: 'already_completed',
          });
          expect((await store.get(key, T0 + 1))?.state).toBe('completed');
        }),
      );

      it(
        'answers stale_lease "absent" for a key with no record',
        withStore(async (store) => {
          expect(await store.release(newKey('absent'), { leaseToken: 'token-1' })).toEqual({
            kind: 'stale_lease',
            current: 'absent',
          });
        }),
      );
    });

    describe('get', () => {
      it(
        'returns the live in-flight record and undefined for unknown or expired keys',
        withStore(async (store) => {
          const key = newKey('get');
          expect(await store.get(key, T0)).toBeUndefined();
          await acquire(store, key, FP_A, T0, 'token-1');
          expect(await store.get(key, T0 + LEASE_MS - 1)).toEqual({
            state: 'in_flight',
            fingerprint: FP_A,
            leaseToken: 'token-1',
            createdAt: T0,
            leaseExpiresAt: T0 + LEASE_MS,
          });
          expect(await store.get(key, T0 + LEASE_MS)).toBeUndefined();
        }),
      );
    });

    describe('cleanupExpired', () => {
      it(
        'removes expired leases and results and keeps live records',
        withStore(async (store) => {
          const liveLease = newKey('live-lease');
          const deadLease = newKey('dead-lease');
          const liveResult = newKey('live-result');
          const deadResult = newKey('dead-result');
          const at = T0 + LEASE_MS + 1_000;
          // Both dead records expire exactly at `at`: expiry is inclusive.
          await acquire(store, deadLease, FP_A, at - LEASE_MS, 'token-1');
          const dead = await acquire(store, deadResult, FP_A, at - 1_000, 'token-2');
          await store.complete(deadResult, {
            leaseToken: dead.token,
            response: response('dead'),
            now: at - 500,
            ttlMs: 500,
          });
          await acquire(store, liveLease, FP_A, at - 1, 'token-3');
          const live = await acquire(store, liveResult, FP_A, T0, 'token-4');
          await store.complete(liveResult, {
            leaseToken: live.token,
            response: response('live'),
            now: T0,
            ttlMs: TTL_MS,
          });

          const removed = await store.cleanupExpired(at);
          if (strict) expect(removed).toEqual({ completed: 1, leases: 1 });
          else {
            expect(removed.completed).toBeLessThanOrEqual(1);
            expect(removed.leases).toBeLessThanOrEqual(1);
          }
          expect((await store.get(liveLease, at))?.state).toBe('in_flight');
          expect((await store.get(liveResult, at))?.state).toBe('completed');
          expect(await store.get(deadLease, at)).toBeUndefined();
          expect(await store.get(deadResult, at)).toBeUndefined();
          expect(await store.cleanupExpired(at)).toEqual({ completed: 0, leases: 0 });
        }),
      );
    });

    describe('stats', () => {
      it(
        'counts every begin answer and the records held',
        withStore(async (store) => {
          const key = newKey('stats');
          const other = newKey('stats-other');
          const lease = await acquire(store, key, FP_A, T0, 'token-1'); // miss
          await begin(store, key, FP_A, T0 + 1, 'token-2'); // conflict
          await begin(store, key, FP_B, T0 + 1, 'token-3'); // mismatch
          await store.complete(key, {
            leaseToken: lease.token,
            response: response('r'),
            now: T0 + 2,
            ttlMs: TTL_MS,
          });
          await begin(store, key, FP_A, T0 + 3, 'token-4'); // hit
          await begin(store, key, FP_A, T0 + 4, 'token-5'); // hit
          await acquire(store, other, FP_A, T0 + 5, 'token-6'); // miss
          await acquire(store, other, FP_A, T0 + 5 + LEASE_MS, 'token-7'); // miss (takeover)

          const stats = await store.stats();
          expect(stats).toMatchObject({
            entries: 2,
            inFlight: 1,
            completed: 1,
            hits: 2,
            misses: 3,
            conflicts: 1,
            mismatches: 1,
            refusals: 0,
          });
          if (strict) expect(stats.takeovers).toBe(1);
          expect(stats.utilization).toBeGreaterThanOrEqual(0);
          expect(stats.utilization).toBeLessThanOrEqual(1);
        }),
      );
    });

    describe('argument validation', () => {
      it(
        'rejects (never throws synchronously) with IdempotencyError on invalid arguments',
        withStore(async (store) => {
          const calls: Array<() => Promise<unknown>> = [
            () => begin(store, '', FP_A, T0, 'token'),
            () => begin(store, newKey('x'), '', T0, 'token'),
            () => begin(store, newKey('x'), FP_A, T0, ''),
            () => begin(store, newKey('x'), FP_A, Number.NaN, 'token'),
            () =>
              store.begin(newKey('x'), { fingerprint: FP_A, leaseToken: 't', now: T0, leaseMs: 0 }),
            () =>
              store.complete(newKey('x'), {
                leaseToken: 't',
                response: response('r'),
                now: T0,
                ttlMs: -1,
              }),
            () => store.release(newKey('x'), { leaseToken: '' }),
            () => store.get('', T0),
            () => store.cleanupExpired(Number.POSITIVE_INFINITY),
          ];
          for (const call of calls) {
            let pending: Promise<unknown> | undefined;
            expect(() => {
              pending = call();
            }).not.toThrow();
            await expect(pending).rejects.toBeInstanceOf(IdempotencyError);
            await expect(pending).rejects.toMatchObject({ code: 'IDEMPOTENCY.INVALID_ARGUMENT' });
          }
        }),
      );
    });
  });
}
