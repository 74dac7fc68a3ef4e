/**
 * RateLimiter shared by every API instance (spec 004 SEC-009): the GCRA of `decideGcra` in one
 * Lua script, so reading and advancing a key's TAT is atomic however many instances ask at once.
 * The script reads the time from Redis (`TIME`), so instances whose clocks disagree still share
 * one timeline. Each key expires when its bucket is full again, so idle callers cost nothing.
 */
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import {
  gcraIntervalMicros,
  RateLimiter,
  type RateLimitDecision,
  type RateLimitRule,
} from '@slo-engine/core';

export const DEFAULT_RATE_LIMIT_KEY_PREFIX = 'slo-engine:ratelimit:';

export interface RedisRateLimiterOptions {
  /** Put before every key (default `slo-engine:ratelimit:`), after the client's own keyPrefix. */
  readonly keyPrefix?: string;
}

/**
 * KEYS[1]: the bucket. ARGV[1]: emission interval in microseconds, ARGV[2]: limit.
 * Returns {allowed (0|1), remaining, resetMs, retryAfterMs}. Integer microseconds, as in core's
 * `decideGcra`, keep every value exact in Lua's doubles; keep the two in step.
 */
export const GCRA_SCRIPT = `
local interval = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local tolerance = interval * limit
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local base = now
local stored = redis.call('GET', KEYS[1])
if stored then
  base = math.max(tonumber(stored), now)
end
local next_tat = base + interval
local admit_at = next_tat - tolerance
if admit_at > now then
  return {0, 0, math.ceil((base - now) / 1000), math.ceil((admit_at - now) / 1000)}
end
local reset_ms = math.ceil((next_tat - now) / 1000)
redis.call('SET', KEYS[1], string.format('%d', next_tat), 'PX', reset_ms)
return {1, math.floor((now + tolerance - next_tat) / interval), reset_ms, 0}
`;

const GCRA_SCRIPT_SHA1 = createHash('sha1').update(GCRA_SCRIPT).digest('hex');

export class RedisRateLimiter extends RateLimiter {
  private readonly keyPrefix: string;

  constructor(
    private readonly redis: Redis,
    options: RedisRateLimiterOptions = {},
  ) {
    super();
    this.keyPrefix = options.keyPrefix ?? DEFAULT_RATE_LIMIT_KEY_PREFIX;
  }

  async consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
    // Validated here, before Redis, so a bad rule is a RangeError and never looks like an outage.
    const intervalMicros = gcraIntervalMicros(rule);
    const reply = await this.runScript(this.keyPrefix + key, intervalMicros, rule.limit);
    return decisionFromReply(reply, rule);
  }

  /** EVALSHA, and EVAL (which also caches the script) when this Redis has not seen it yet. */
  private async runScript(key: string, intervalMicros: number, limit: number): Promise<unknown> {
    try {
      return await this.redis.evalsha(GCRA_SCRIPT_SHA1, 1, key, intervalMicros, limit);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return this.redis.eval(GCRA_SCRIPT, 1, key, intervalMicros, limit);
    }
  }
}

function decisionFromReply(reply: unknown, rule: RateLimitRule): RateLimitDecision {
  if (
    !Array.isArray(reply) ||
    reply.length !== 4 ||
    !reply.every((value): value is number => Number.isSafeInteger(value))
  ) {
    throw new Error(`RedisRateLimiter: unexpected script reply ${JSON.stringify(reply)}`);
  }
  const [allowed, remaining, resetMs, retryAfterMs] = reply;
  return { allowed: allowed === 1, limit: rule.limit, remaining, resetMs, retryAfterMs };
}
