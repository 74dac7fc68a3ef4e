import { FixedClock } from '../shared/testing/fixed-clock';
import { InMemoryRateLimiter } from './in-memory-rate-limiter';
import { describeRateLimiterContract } from './rate-limiter.contract';

describeRateLimiterContract('in-memory', () => new InMemoryRateLimiter());

describe('InMemoryRateLimiter', () => {
  const rule = { limit: 2, windowMs: 60_000 };

  it('takes its time from the injected clock', async () => {
    const clock = new FixedClock();
    const limiter = new InMemoryRateLimiter({ clock });
    await limiter.consume('k', rule);
    await limiter.consume('k', rule);
    expect(await limiter.consume('k', rule)).toMatchObject({
      allowed: false,
      retryAfterMs: 30_000,
    });

    clock.advance(30_000);
    expect(await limiter.consume('k', rule)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('drops keys whose bucket is full again before anything else', async () => {
    const clock = new FixedClock();
    const limiter = new InMemoryRateLimiter({ clock, maxKeys: 3 });
    await limiter.consume('idle-1', rule);
    await limiter.consume('idle-2', rule);
    clock.advance(30_000);
    await limiter.consume('busy', rule);
    await limiter.consume('busy', rule);

    await limiter.consume('new', rule);

    expect(limiter.size).toBe(2);
    // The busy key was kept: its bucket is still empty.
    expect(await limiter.consume('busy', rule)).toMatchObject({ allowed: false });
  });

  it('stays within maxKeys when every key is live, forgetting the least recently admitted', async () => {
    const clock = new FixedClock();
    const limiter = new InMemoryRateLimiter({ clock, maxKeys: 10 });
    for (let i = 0; i < 100; i += 1) {
      await limiter.consume(`caller-${i}`, rule);
      await limiter.consume(`caller-${i}`, rule);
      expect(limiter.size).toBeLessThanOrEqual(10);
    }
    // The most recent caller is remembered; the first was forgotten and starts over.
    expect(await limiter.consume('caller-99', rule)).toMatchObject({ allowed: false });
    expect(await limiter.consume('caller-0', rule)).toMatchObject({ allowed: true, remaining: 1 });
  });

  it('stores nothing for a rule it refuses', async () => {
    const limiter = new InMemoryRateLimiter({ clock: new FixedClock() });
    await expect(limiter.consume('k', { limit: 0, windowMs: 1 })).rejects.toThrow(RangeError);
    expect(limiter.size).toBe(0);
  });

  it('refuses a maxKeys it cannot honour', () => {
    expect(() => new InMemoryRateLimiter({ maxKeys: 0 })).toThrow(RangeError);
  });
});
