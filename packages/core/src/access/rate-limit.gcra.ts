/**
 * The token bucket of SEC-009 as GCRA (generic cell rate algorithm): instead of a token count and
 * a refill timestamp, each key keeps one number, its theoretical arrival time (TAT) — the moment
 * the bucket would be full again. One value per key makes the shared version a single GET/SET in
 * a Redis script, and the in-memory and Redis limiters compute exactly this function.
 *
 * Time is in integer microseconds so that every step is exact in a double (Redis' Lua has no
 * integers): the emission interval `windowMs / limit` is rounded *up* to a whole microsecond,
 * which makes the limiter at most one microsecond per request stricter than the rule, never
 * looser. Burst tolerance is `limit` intervals, so a full bucket admits exactly `limit` at once.
 */
import { type RateLimitDecision, type RateLimitRule } from './rate-limiter.port';

export interface GcraOutcome {
  readonly decision: RateLimitDecision;
  /** The key's TAT after this request; unchanged when the request was denied. */
  readonly tatMicros: number;
}

/**
 * Microseconds between two tokens for `rule` (at least 1). Throws a RangeError for a rule that
 * cannot be enforced: a misconfigured route is a programming error, not a caller's fault.
 */
export function gcraIntervalMicros(rule: RateLimitRule): number {
  if (!Number.isSafeInteger(rule.limit) || rule.limit < 1) {
    throw new RangeError(`rate limit: limit must be a positive integer, got ${rule.limit}`);
  }
  if (!Number.isFinite(rule.windowMs) || rule.windowMs <= 0) {
    throw new RangeError(`rate limit: windowMs must be a positive number, got ${rule.windowMs}`);
  }
  return Math.max(1, Math.ceil((rule.windowMs * 1000) / rule.limit));
}

const toMs = (micros: number): number => Math.ceil(micros / 1000);

/**
 * Decides one request at `nowMicros` for a key whose stored TAT is `tatMicros` (undefined for a
 * key never seen or expired). Pure: the caller stores the returned TAT when the request was
 * admitted. Must stay in step with the Lua script of the Redis adapter.
 */
export function decideGcra(
  tatMicros: number | undefined,
  nowMicros: number,
  rule: RateLimitRule,
): GcraOutcome {
  const interval = gcraIntervalMicros(rule);
  const tolerance = interval * rule.limit;
  const base = tatMicros === undefined ? nowMicros : Math.max(tatMicros, nowMicros);
  const nextTat = base + interval;
  const admitAt = nextTat - tolerance;
  if (admitAt > nowMicros) {
    return {
      decision: {
        allowed: false,
        limit: rule.limit,
        remaining: 0,
        resetMs: toMs(base - nowMicros),
        retryAfterMs: toMs(admitAt - nowMicros),
      },
      tatMicros: base,
    };
  }
  return {
    decision: {
      allowed: true,
      limit: rule.limit,
      remaining: Math.floor((nowMicros + tolerance - nextTat) / interval),
      resetMs: toMs(nextTat - nowMicros),
      retryAfterMs: 0,
    },
    tatMicros: nextTat,
  };
}
