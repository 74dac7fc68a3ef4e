/**
 * The API's rate limiter: in memory without Redis; with Redis, shared by the replicas and falling
 * back to per-instance counting while Redis is down (ADR 0005), with the outage on a gauge.
 */
import { type Logger } from '@nestjs/common';
import {
  type createRedisClient,
  FallbackRateLimiter,
  RedisRateLimiter,
} from '@slo-engine/adapters';
import { InMemoryRateLimiter, type RateLimiter } from '@slo-engine/core';
import { type MetricsRegistry } from '@slo-engine/platform';

/** How long the limiter answers from memory after Redis failed, before it tries Redis again. */
export const REDIS_RETRY_AFTER_MS = 5_000;

export function sharedRateLimiter(options: {
  readonly redis: ReturnType<typeof createRedisClient> | null;
  readonly keyPrefix: string;
  readonly metrics: MetricsRegistry;
  readonly logger: Pick<Logger, 'error' | 'log'>;
}): RateLimiter {
  const local = new InMemoryRateLimiter();
  if (!options.redis) return local;
  const degraded = options.metrics.gauge({
    name: 'slo_engine_rate_limit_degraded',
    help: '1 while Redis is unreachable and rate limits count per instance, else 0.',
  });
  degraded.set(0);
  return new FallbackRateLimiter(
    new RedisRateLimiter(options.redis, { keyPrefix: options.keyPrefix }),
    local,
    {
      retryAfterMs: REDIS_RETRY_AFTER_MS,
      onDegraded: (error) => {
        degraded.set(1);
        options.logger.error(
          { err: error },
          'Redis is unreachable: rate limits now count per instance until it answers again',
        );
      },
      onRecovered: ({ degradedForMs }) => {
        degraded.set(0);
        options.logger.log(
          `Redis answers again after ${degradedForMs} ms: rate limits are shared again`,
        );
      },
    },
  );
}
