import { createRedisClient } from '@slo-engine/adapters';
import { MetricsRegistry } from '@slo-engine/platform';
import { sharedRateLimiter } from './shared-rate-limiter';

const rule = { limit: 2, windowMs: 60_000 };

describe('sharedRateLimiter', () => {
  it('counts in memory without Redis', async () => {
    const limiter = sharedRateLimiter({
      redis: null,
      keyPrefix: 'p:',
      metrics: new MetricsRegistry({ enabled: true, defaultMetrics: false }),
      logger: { error: jest.fn(), log: jest.fn() },
    });
    const allowed = [];
    for (let i = 0; i < 3; i += 1) allowed.push((await limiter.consume('k', rule)).allowed);
    expect(allowed).toEqual([true, true, false]);
  });

  it('keeps limiting from memory when Redis is down, logs once and raises the gauge', async () => {
    // Port 1 on loopback: nothing listens, so every command fails at once.
    const redis = createRedisClient('redis://127.0.0.1:1', {
      connectionName: 'test',
      connectTimeoutMs: 100,
    });
    const metrics = new MetricsRegistry({ enabled: true, defaultMetrics: false });
    const logger = { error: jest.fn(), log: jest.fn() };
    try {
      const limiter = sharedRateLimiter({ redis, keyPrefix: 'p:', metrics, logger });
      const allowed = [];
      for (let i = 0; i < 3; i += 1) allowed.push((await limiter.consume('k', rule)).allowed);
      expect(allowed).toEqual([true, true, false]);
      expect(logger.error).toHaveBeenCalledTimes(1);
      expect((await metrics.exposition()).body).toMatch(/^slo_engine_rate_limit_degraded 1$/m);
    } finally {
      redis.disconnect();
    }
  });
});
