import type Redis from 'ioredis';
import { describeRateLimiterContract, type RateLimitRule } from '@slo-engine/core';
import { createTestRedis, type TestRedis } from '@slo-engine/testing';
import { createRedisClient } from './redis-client';
import { DEFAULT_RATE_LIMIT_KEY_PREFIX, RedisRateLimiter } from './redis-rate-limiter.adapter';

let testRedis: TestRedis;
const clients: Redis[] = [];

/** A fresh connection, as another API instance would hold. */
async function connection(name = 'slo-engine-test:ratelimit'): Promise<Redis> {
  const client = createRedisClient(testRedis.url, {
    connectionName: name,
    keyPrefix: testRedis.keyPrefix,
    lazyConnect: true,
  });
  clients.push(client);
  await client.connect();
  return client;
}

beforeAll(async () => {
  testRedis = await createTestRedis();
});
afterAll(async () => {
  for (const client of clients.splice(0)) client.disconnect();
  await testRedis.cleanup();
});

describeRateLimiterContract('Redis', async () => new RedisRateLimiter(await connection()));

describe('RedisRateLimiter', () => {
  it('shares one bucket between instances: exactly L of 2L interleaved requests are admitted', async () => {
    const first = new RedisRateLimiter(await connection('slo-engine-test:api-1'));
    const second = new RedisRateLimiter(await connection('slo-engine-test:api-2'));
    const rule: RateLimitRule = { limit: 25, windowMs: 60_000 };

    const decisions = await Promise.all(
      Array.from({ length: 2 * rule.limit }, (_, i) =>
        (i % 2 === 0 ? first : second).consume('api_key:backstage:GET /services', rule),
      ),
    );

    expect(decisions.filter((d) => d.allowed)).toHaveLength(rule.limit);
    expect(decisions.filter((d) => !d.allowed).every((d) => d.retryAfterMs > 0)).toBe(true);
  });

  it('stores one key per bucket under the default prefix, expiring when the bucket is full again', async () => {
    const limiter = new RedisRateLimiter(await connection());
    const rule: RateLimitRule = { limit: 4, windowMs: 60_000 };
    await limiter.consume('user:alice:POST /slos', rule);
    const decision = await limiter.consume('user:alice:POST /slos', rule);

    const raw = testRedis.client();
    const key = `${DEFAULT_RATE_LIMIT_KEY_PREFIX}user:alice:POST /slos`;
    const ttl = await raw.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(decision.resetMs);
    // The stored value is the TAT in microseconds of Redis' clock.
    const [seconds] = await raw.time();
    const tatMicros = Number(await raw.get(key));
    expect(tatMicros).toBeGreaterThan(Number(seconds) * 1_000_000);
    expect(tatMicros).toBeLessThanOrEqual((Number(seconds) + 61) * 1_000_000);
  });

  it('takes a configured key prefix', async () => {
    const limiter = new RedisRateLimiter(await connection(), { keyPrefix: 'tenant-a:rl:' });
    await limiter.consume('k', { limit: 1, windowMs: 60_000 });
    expect(await testRedis.client().exists('tenant-a:rl:k')).toBe(1);
  });

  it('loads the script with EVAL when Redis does not know it (restart, SCRIPT FLUSH)', async () => {
    const client = await connection();
    // What ioredis rejects with when Redis answers EVALSHA with a NOSCRIPT error reply.
    const noScript = Object.assign(new Error('NOSCRIPT No matching script. Please use EVAL.'), {
      name: 'ReplyError',
    });
    const evalsha = jest.spyOn(client, 'evalsha').mockRejectedValueOnce(noScript);
    const limiter = new RedisRateLimiter(client);

    const decision = await limiter.consume('noscript', { limit: 3, windowMs: 60_000 });

    expect(evalsha).toHaveBeenCalledTimes(1);
    expect(decision).toMatchObject({ allowed: true, limit: 3, remaining: 2 });
  });

  it('passes other Redis errors on, for the fallback to handle', async () => {
    const client = await connection();
    jest.spyOn(client, 'evalsha').mockRejectedValueOnce(new Error('Command timed out'));
    const limiter = new RedisRateLimiter(client);

    await expect(limiter.consume('k', { limit: 3, windowMs: 60_000 })).rejects.toThrow(
      'Command timed out',
    );
  });
});
