import { FixedClock } from '../../shared/testing/fixed-clock';
import { type ApiKey } from './api-key.types';
import { ApiKeyVerificationCache } from './api-key-verification-cache';

function key(id: string): ApiKey {
  return {
    id,
    name: id,
    role: 'viewer',
    team: null,
    createdBy: 'alice',
    createdAt: new Date('2026-02-01T00:00:00.000Z'),
    lastUsedAt: null,
    revokedAt: null,
    expiresAt: null,
  };
}

describe('ApiKeyVerificationCache', () => {
  it('keys entries by the SHA-256 of the raw key, never the key itself', () => {
    const digest = ApiKeyVerificationCache.digest('sloe_AAAAAAAAAAAA_secret');
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toContain('secret');
  });

  it('forgets an entry once the TTL has passed since it was stored, hits or not', () => {
    const clock = new FixedClock();
    const cache = new ApiKeyVerificationCache(clock, { ttlMs: 60_000 });
    cache.set('d1', key('k1'), cache.generation());

    clock.advance(59_999);
    expect(cache.get('d1')).toEqual(key('k1'));
    clock.advance(1);
    expect(cache.get('d1')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('makes room by dropping the oldest entry', () => {
    const clock = new FixedClock();
    const cache = new ApiKeyVerificationCache(clock, { maxEntries: 2 });
    for (const n of [1, 2, 3]) {
      cache.set(`d${n}`, key(`k${n}`), cache.generation());
      clock.advance(1);
    }

    expect(cache.size).toBe(2);
    expect(cache.get('d1')).toBeUndefined();
    expect(cache.get('d2')?.id).toBe('k2');
    expect(cache.get('d3')?.id).toBe('k3');
  });

  it('evicts by key id', () => {
    const cache = new ApiKeyVerificationCache(new FixedClock());
    cache.set('d1', key('k1'), cache.generation());
    cache.set('d2', key('k2'), cache.generation());

    cache.evict('k1');

    expect(cache.get('d1')).toBeUndefined();
    expect(cache.get('d2')?.id).toBe('k2');
  });

  it('keeps one entry per key id', () => {
    const cache = new ApiKeyVerificationCache(new FixedClock());
    cache.set('old', key('k1'), cache.generation());
    cache.set('new', key('k1'), cache.generation());

    expect(cache.size).toBe(1);
    cache.evict('k1');
    expect(cache.size).toBe(0);
  });

  it('does not store a verification that a revocation overtook', () => {
    const cache = new ApiKeyVerificationCache(new FixedClock());
    const before = cache.generation();
    cache.evict('k1');

    cache.set('d1', key('k1'), before);

    expect(cache.get('d1')).toBeUndefined();
  });

  it.each([{ ttlMs: 0 }, { maxEntries: 0 }])('stores nothing when turned off (%p)', (options) => {
    const cache = new ApiKeyVerificationCache(new FixedClock(), options);
    cache.set('d1', key('k1'), cache.generation());
    expect(cache.get('d1')).toBeUndefined();
  });

  it.each([{ ttlMs: -1 }, { ttlMs: Number.NaN }, { maxEntries: 1.5 }, { maxEntries: -1 }])(
    'refuses options %p',
    (options) => {
      expect(() => new ApiKeyVerificationCache(new FixedClock(), options)).toThrow(RangeError);
    },
  );
});
