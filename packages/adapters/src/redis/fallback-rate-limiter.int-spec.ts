import { once } from 'node:events';
import type Redis from 'ioredis';
import {
  FixedClock,
  InMemoryRateLimiter,
  RateLimiter,
  sleepAtLeast,
  type RateLimitDecision,
  type RateLimitRule,
} from '@slo-engine/core';
import { createTestRedis, type TestRedis } from '@slo-engine/testing';
import { closedPort, cuttableProxy } from './__fixtures__/tcp-doubles';
import { FallbackRateLimiter } from './fallback-rate-limiter';
import { createRedisClient } from './redis-client';
import { RedisRateLimiter } from './redis-rate-limiter.adapter';

const RULE: RateLimitRule = { limit: 3, windowMs: 60_000 };

let testRedis: TestRedis;
const clients: Redis[] = [];

function redisAt(url: string, options: { keyPrefix?: string; lazyConnect?: boolean } = {}): Redis {
  const client = createRedisClient(url, {
    connectionName: 'slo-engine-test:ratelimit-fallback',
    maxReconnectDelayMs: 50,
    ...options,
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  testRedis = await createTestRedis();
});
afterAll(async () => {
  for (const client of clients.splice(0)) if (client.status !== 'end') client.disconnect();
  await testRedis.cleanup();
});

describe('FallbackRateLimiter over Redis', () => {
  it('answers from the per-instance limiter when Redis is unreachable, reporting the outage once', async () => {
    const redisLimiter = new RedisRateLimiter(redisAt(`redis://127.0.0.1:${await closedPort()}`));
    await expect(redisLimiter.consume('k', RULE)).rejects.toThrow();
    const primaryCalls = jest.spyOn(redisLimiter, 'consume');
    const onDegraded = jest.fn<void, [unknown]>();
    const limiter = new FallbackRateLimiter(redisLimiter, new InMemoryRateLimiter(), {
      retryAfterMs: 60_000,
      onDegraded,
    });

    const decisions: RateLimitDecision[] = [];
    for (let i = 0; i <= RULE.limit; i += 1) decisions.push(await limiter.consume('k', RULE));

    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
    expect(decisions[RULE.limit].retryAfterMs).toBeGreaterThan(0);
    expect(onDegraded).toHaveBeenCalledTimes(1);
    expect(onDegraded.mock.calls[0][0]).toBeInstanceOf(Error);
    expect(primaryCalls).toHaveBeenCalledTimes(1);
    expect(limiter.degraded).toBe(true);
  });

  it('goes back to the primary once it answers again', async () => {
    const clock = new FixedClock();
    let primaryUp = false;
    const primary = new (class extends RateLimiter {
      consume(_key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
        return primaryUp
          ? Promise.resolve({
              allowed: true,
              limit: rule.limit,
              remaining: 41,
              resetMs: 1,
              retryAfterMs: 0,
            })
          : Promise.reject(new Error('Connection is closed.'));
      }
    })();
    const onRecovered = jest.fn();
    const limiter = new FallbackRateLimiter(primary, new InMemoryRateLimiter({ clock }), {
      retryAfterMs: 1_000,
      onRecovered,
      clock,
    });
    expect((await limiter.consume('k', RULE)).remaining).toBe(RULE.limit - 1);

    primaryUp = true;
    expect((await limiter.consume('k', RULE)).remaining).toBe(RULE.limit - 2);
    clock.advance(1_000);
    expect((await limiter.consume('k', RULE)).remaining).toBe(41);
    expect(onRecovered).toHaveBeenCalledWith({ degradedForMs: 1_000 });
    expect(limiter.degraded).toBe(false);
  });

  it('survives a Redis outage end to end and shares buckets again afterwards', async () => {
    const proxy = await cuttableProxy(testRedis.url);
    const throughProxy = redisAt(proxy.url, { keyPrefix: testRedis.keyPrefix, lazyConnect: true });
    try {
      await throughProxy.connect();
      const direct = redisAt(testRedis.url, { keyPrefix: testRedis.keyPrefix, lazyConnect: true });
      await direct.connect();
      const otherInstance = new RedisRateLimiter(direct);
      const events: string[] = [];
      const limiter = new FallbackRateLimiter(
        new RedisRateLimiter(throughProxy),
        new InMemoryRateLimiter(),
        {
          retryAfterMs: 20,
          onDegraded: () => events.push('degraded'),
          onRecovered: () => events.push('recovered'),
        },
      );
      expect(await limiter.consume('shared', RULE)).toMatchObject({ allowed: true, remaining: 2 });

      await proxy.cut();
      // The fallback has its own, full bucket for the caller.
      expect(await limiter.consume('shared', RULE)).toMatchObject({ allowed: true, remaining: 2 });
      expect(limiter.degraded).toBe(true);

      await proxy.restore();
      await once(throughProxy, 'ready');
      await sleepAtLeast(20);
      // Redis' bucket, which the other instance shares: one token taken before the outage.
      expect(await limiter.consume('shared', RULE)).toMatchObject({ allowed: true, remaining: 1 });
      expect(await otherInstance.consume('shared', RULE)).toMatchObject({ remaining: 0 });
      expect(events).toEqual(['degraded', 'recovered']);
    } finally {
      // Closed while the proxy still forwards, so the client is not left reconnecting to nothing.
      await throughProxy.quit();
      await proxy.cut();
    }
  });
});
