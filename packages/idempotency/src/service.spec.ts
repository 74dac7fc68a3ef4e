import { IdempotencyError } from './errors';
import { InMemoryIdempotencyStore } from './in-memory-store';
import { fingerprint, scopeKey } from './request';
import { IdempotencyService, type IdempotencyServiceOptions } from './service';
import { type ReleaseResult } from './types';

interface HttpResponse {
  readonly status: number;
  readonly body: unknown;
}

const T0 = 1_700_000_000_000;

function setup(overrides: Partial<IdempotencyServiceOptions<HttpResponse>> = {}) {
  const clock = { now: T0 };
  let tokens = 0;
  const store = new InMemoryIdempotencyStore<HttpResponse>({ capacity: 100 });
  const service = new IdempotencyService<HttpResponse>({
    store,
    now: () => clock.now,
    newLeaseToken: () => `lease-${++tokens}`,
    ...overrides,
  });
  return { clock, store, service };
}

const key = scopeKey({ principal: 'u1', method: 'POST', route: '/route', idempotencyKey: 'abc' });
const print = fingerprint({ method: 'POST', route: '/route', body: { verb: 'convert', n: 1 } });
const otherPrint = fingerprint({
  method: 'POST',
  route: '/route',
  body: { verb: 'convert', n: 2 },
});

describe('IdempotencyService', () => {
  it('uses a 60 s lease and a 1 h TTL by default', async () => {
    const { service, clock } = setup();
    expect(service.leaseMs).toBe(60_000);
    expect(service.ttlMs).toBe(3_600_000);
    const begun = await service.begin(key, print);
    expect(begun).toEqual({
      kind: 'execute',
      reason: 'new',
      lease: { key, token: 'lease-1', fingerprint: print, acquiredAt: T0, expiresAt: T0 + 60_000 },
    });
    if (begun.kind !== 'execute') return;
    clock.now += 250;
    expect(await service.complete(begun.lease, { status: 200, body: 'ok' })).toEqual({
      kind: 'completed',
      expiresAt: T0 + 250 + 3_600_000,
    });
  });

  it('walks through execute → conflict → mismatch → replay → expiry', async () => {
    const { service, clock } = setup({ leaseMs: 1_000, ttlMs: 10_000 });
    const begun = await service.begin(key, print);
    if (begun.kind !== 'execute') throw new Error('expected execute');

    clock.now += 400;
    expect(await service.begin(key, print)).toEqual({
      kind: 'conflict_in_flight',
      retryAfterMs: 600,
    });
    expect(await service.begin(key, otherPrint)).toEqual({
      kind: 'mismatch',
      recordState: 'in_flight',
    });

    await service.complete(begun.lease, { status: 201, body: { id: 7 } });
    clock.now += 100;
    expect(await service.begin(key, print)).toEqual({
      kind: 'replay',
      response: { status: 201, body: { id: 7 } },
      completedAt: T0 + 400,
      expiresAt: T0 + 10_400,
    });
    expect(await service.begin(key, otherPrint)).toEqual({
      kind: 'mismatch',
      recordState: 'completed',
    });

    clock.now = T0 + 10_400;
    expect(await service.begin(key, print)).toMatchObject({
      kind: 'execute',
      reason: 'result_expired',
    });
  });

  it('replays a retry whose JSON body lists keys in another order', async () => {
    const { service } = setup();
    const first = fingerprint({
      method: 'POST',
      route: '/route',
      body: { a: 1, b: { c: [1, 2] } },
    });
    const retry = fingerprint({
      method: 'post',
      route: '/route',
      body: { b: { c: [1, 2] }, a: 1 },
    });
    const begun = await service.begin(key, first);
    if (begun.kind !== 'execute') throw new Error('expected execute');
    await service.complete(begun.lease, { status: 200, body: 'done' });
    expect(await service.begin(key, retry)).toMatchObject({
      kind: 'replay',
      response: { status: 200 },
    });
  });

  it('lets a retry take over an expired lease and refuses the late finisher', async () => {
    const { service, clock } = setup({ leaseMs: 1_000 });
    const first = await service.begin(key, print);
    clock.now += 1_000;
    const second = await service.begin(key, print);
    expect(second).toMatchObject({ kind: 'execute', reason: 'lease_expired' });
    if (first.kind !== 'execute' || second.kind !== 'execute') return;

    expect(await service.complete(first.lease, { status: 200, body: 'late' })).toEqual({
      kind: 'stale_lease',
      current: 'in_flight',
    });
    await service.complete(second.lease, { status: 200, body: 'winner' });
    expect(await service.release(first.lease)).toEqual({
      kind: 'stale_lease',
      current: 'completed',
    });
    expect(await service.begin(key, print)).toMatchObject({ response: { body: 'winner' } });
  });

  it('release lets the next attempt execute', async () => {
    const { service } = setup();
    const begun = await service.begin(key, print);
    if (begun.kind !== 'execute') throw new Error('expected execute');
    expect(await service.release(begun.lease)).toEqual({ kind: 'released' });
    expect(await service.begin(key, print)).toMatchObject({ kind: 'execute', reason: 'new' });
  });

  describe('run', () => {
    it('executes once, stores the response and replays it', async () => {
      const { service } = setup();
      const handler = jest.fn(() => Promise.resolve({ status: 201, body: { id: 1 } }));
      expect(await service.run(key, print, handler)).toEqual({
        kind: 'executed',
        response: { status: 201, body: { id: 1 } },
        settlement: { kind: 'completed', expiresAt: T0 + 3_600_000 },
      });
      expect(await service.run(key, print, handler)).toEqual({
        kind: 'replay',
        response: { status: 201, body: { id: 1 } },
        completedAt: T0,
        expiresAt: T0 + 3_600_000,
      });
      expect(handler).toHaveBeenCalledTimes(1);
      expect(handler).toHaveBeenCalledWith(expect.objectContaining({ key, token: 'lease-1' }));
    });

    it('does not run the handler for a conflict or a mismatch', async () => {
      const { service } = setup();
      await service.begin(key, print);
      const handler = jest.fn(() => ({ status: 200, body: null }));
      expect((await service.run(key, print, handler)).kind).toBe('conflict_in_flight');
      expect((await service.run(key, otherPrint, handler)).kind).toBe('mismatch');
      expect(handler).not.toHaveBeenCalled();
    });

    it('releases the key and rethrows when the handler throws, so a retry executes', async () => {
      const { service } = setup();
      const boom = new Error('worker down');
      await expect(service.run(key, print, () => Promise.reject(boom))).rejects.toBe(boom);
      expect((await service.stats()).entries).toBe(0);
      const retry = await service.run(key, print, () => ({ status: 200, body: 'ok' }));
      expect(retry).toMatchObject({ kind: 'executed', settlement: { kind: 'completed' } });
    });

    it('releases instead of storing responses that cacheable() rejects', async () => {
      const { service } = setup({ cacheable: (response) => response.status < 500 });
      const failed = await service.run(key, print, () => ({ status: 503, body: 'busy' }));
      expect(failed).toEqual({
        kind: 'executed',
        response: { status: 503, body: 'busy' },
        settlement: { kind: 'released' },
      });
      const retried = await service.run(key, print, () => ({ status: 422, body: 'bad input' }));
      expect(retried).toMatchObject({ settlement: { kind: 'completed' } });
      expect(await service.begin(key, print)).toMatchObject({
        kind: 'replay',
        response: { status: 422 },
      });
    });

    it('reports stale_lease when the lease was taken over while the handler ran', async () => {
      const { service, clock } = setup({ leaseMs: 1_000 });
      const result = await service.run(key, print, async () => {
        clock.now += 1_000;
        const takeover = await service.begin(key, print);
        expect(takeover.kind).toBe('execute');
        return { status: 200, body: 'slow' };
      });
      expect(result).toMatchObject({
        kind: 'executed',
        settlement: { kind: 'stale_lease', current: 'in_flight' },
      });
    });

    it('still rethrows the handler error when the release fails', async () => {
      class BrokenReleaseStore extends InMemoryIdempotencyStore<HttpResponse> {
        override release(): Promise<ReleaseResult> {
          return Promise.reject(new Error('store unreachable'));
        }
      }
      const service = new IdempotencyService<HttpResponse>({
        store: new BrokenReleaseStore(),
        now: () => T0,
      });
      const boom = new Error('handler failed');
      await expect(service.run(key, print, () => Promise.reject(boom))).rejects.toBe(boom);
    });

    it('rejects a handler that is not a function', async () => {
      const { service } = setup();
      await expect(service.run(key, print, 'nope' as never)).rejects.toMatchObject({
        code: 'IDEMPOTENCY.INVALID_ARGUMENT',
      });
      expect((await service.stats()).misses).toBe(0);
    });
  });

  it('cleanupExpired uses the injected clock', async () => {
    const { service, clock } = setup({ leaseMs: 1_000 });
    await service.begin(key, print);
    expect(await service.cleanupExpired()).toEqual({ completed: 0, leases: 0 });
    clock.now += 1_000;
    expect(await service.cleanupExpired()).toEqual({ completed: 0, leases: 1 });
  });

  it('uses crypto.randomUUID lease tokens by default', async () => {
    const service = new IdempotencyService<HttpResponse>({
      store: new InMemoryIdempotencyStore(),
      now: () => T0,
    });
    const a = await service.begin('k1', print);
    const b = await service.begin('k2', print);
    if (a.kind !== 'execute' || b.kind !== 'execute') throw new Error('expected execute');
    expect(a.lease.token).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(a.lease.token).not.toBe(b.lease.token);
  });

  it('validates its options', () => {
    const store = new InMemoryIdempotencyStore<HttpResponse>();
    const now = (): number => T0;
    const cases: Array<[unknown, string]> = [
      [undefined, 'options must be an object, got undefined'],
      [{ now }, 'store must be an IdempotencyStore, got undefined'],
      [{ store }, 'now must be a clock function, got undefined'],
      [
        { store, now, leaseMs: 0 },
        'leaseMs must be a positive finite number of milliseconds, got the number 0',
      ],
      [{ store, now, ttlMs: Number.POSITIVE_INFINITY }, 'ttlMs must be a positive finite number'],
      [{ store, now, newLeaseToken: 'x' }, 'newLeaseToken must be a function, got the string "x"'],
      [{ store, now, cacheable: true }, 'cacheable must be a function, got the boolean true'],
    ];
    for (const [options, message] of cases) {
      let thrown: unknown;
      try {
        new IdempotencyService(options as never);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(IdempotencyError);
      expect(thrown).toMatchObject({ code: 'IDEMPOTENCY.INVALID_OPTION' });
      expect((thrown as Error).message).toContain(`@slo-engine/idempotency: ${message}`);
    }
  });

  it('rejects invalid calls with IdempotencyError instead of throwing synchronously', async () => {
    const { service } = setup({ newLeaseToken: () => '' });
    const pending = service.begin(key, print);
    await expect(pending).rejects.toBeInstanceOf(IdempotencyError);
    await expect(pending).rejects.toThrow('newLeaseToken() must be a non-empty string');

    const { service: ok } = setup();
    await expect(ok.begin('', print)).rejects.toMatchObject({
      code: 'IDEMPOTENCY.INVALID_ARGUMENT',
    });
    await expect(ok.begin(key, '')).rejects.toThrow('fingerprint must be a non-empty string');
    await expect(
      ok.complete({ key: '', token: 't' } as never, { status: 200, body: null }),
    ).rejects.toThrow('lease.key must be a non-empty string');
    await expect(ok.release(null as never)).rejects.toThrow('lease must be an object, got null');
  });

  it('reports the store stats after a flow', async () => {
    const { service, clock } = setup();
    await service.run(key, print, () => ({ status: 200, body: 1 }));
    await service.run(key, print, () => ({ status: 200, body: 2 }));
    await service.run(key, otherPrint, () => ({ status: 200, body: 3 }));
    clock.now += 1;
    expect(await service.stats()).toMatchObject({ entries: 1, hits: 1, misses: 1, mismatches: 1 });
  });
});
