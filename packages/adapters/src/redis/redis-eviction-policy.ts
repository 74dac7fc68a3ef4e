import { DomainError } from '@slo-engine/core';
import { type Redis } from 'ioredis';

/** The only `maxmemory-policy` under which a job queue's keys are never evicted. */
export const QUEUE_SAFE_EVICTION_POLICY = 'noeviction';

export const RedisEvictionErrorCodes = {
  /** The Redis may evict keys: queued jobs, locks and schedules could vanish silently. */
  EVICTS_KEYS: 'QUEUE.REDIS_EVICTS_KEYS',
  /** Neither CONFIG GET nor INFO revealed the policy (both refused). */
  POLICY_UNKNOWN: 'QUEUE.REDIS_POLICY_UNKNOWN',
} as const;

/**
 * The Redis `maxmemory-policy`: `CONFIG GET` first, then `INFO memory` for managed Redis services
 * that disable CONFIG (ElastiCache, Memorystore). Undefined when both are refused.
 */
export async function redisEvictionPolicy(redis: Redis): Promise<string | undefined> {
  try {
    const reply: unknown = await redis.call('CONFIG', 'GET', 'maxmemory-policy');
    if (Array.isArray(reply) && typeof reply[1] === 'string') return reply[1];
  } catch {
    // CONFIG disabled or not permitted: INFO usually is.
  }
  try {
    const info = await redis.info('memory');
    const line = info.split(/\r?\n/).find((l) => l.startsWith('maxmemory_policy:'));
    return line?.slice('maxmemory_policy:'.length).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses a Redis that can evict keys, for the BullMQ connection: under any policy but
 * `noeviction` a full Redis drops queued jobs, locks and job schedulers without an error, so the
 * workers must not start on it (issue 7; BullMQ's own documentation says the same).
 */
export async function assertQueueSafeRedis(redis: Redis, what = 'the BullMQ Redis'): Promise<void> {
  const policy = await redisEvictionPolicy(redis);
  if (policy === QUEUE_SAFE_EVICTION_POLICY) return;
  if (policy === undefined)
    throw new DomainError(
      RedisEvictionErrorCodes.POLICY_UNKNOWN,
      `Cannot read the maxmemory-policy of ${what} (CONFIG GET and INFO memory were refused); it must be "${QUEUE_SAFE_EVICTION_POLICY}". Grant the connection INFO, or check the setting and allow it explicitly.`,
    );
  throw new DomainError(
    RedisEvictionErrorCodes.EVICTS_KEYS,
    `${what} has maxmemory-policy "${policy}": when it fills up it deletes keys, and queued jobs, locks and schedules would vanish. Set maxmemory-policy ${QUEUE_SAFE_EVICTION_POLICY} on it (redis.conf, CONFIG SET, or the managed service's parameter group) and keep caches on another Redis or database.`,
    { policy },
  );
}
