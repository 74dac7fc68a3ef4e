/**
 * Response headers for a rate-limit decision.
 *
 * `RateLimit-Policy` and `RateLimit` follow draft-ietf-httpapi-ratelimit-headers-07 (June 2023):
 * the policy is a Structured Fields List item `<limit>;w=<window seconds>` and the current state
 * a Dictionary `limit=<n>, remaining=<n>, reset=<seconds>`. Revisions 08 and later renamed the
 * members to quoted policy names with `q`/`r`/`t` parameters; 07 is the last revision whose shape
 * mirrors the `X-RateLimit-*` headers clients already parse, which spec 004 names and which are
 * sent too. `Retry-After` (RFC 9110, delay-seconds) comes only with a denial.
 *
 * Seconds are whole and rounded up, so a client that waits what it is told is never early.
 */
import { type RateLimitDecision, type RateLimitRule } from './rate-limiter.port';

export type RateLimitHeaders = Readonly<Record<string, string>>;

const wholeSecondsUp = (milliseconds: number): number => Math.ceil(milliseconds / 1000);

export function rateLimitHeaders(
  decision: RateLimitDecision,
  rule: RateLimitRule,
): RateLimitHeaders {
  const limit = String(decision.limit);
  const remaining = String(Math.max(0, decision.remaining));
  const reset = String(wholeSecondsUp(decision.resetMs));
  const windowSeconds = Math.max(1, wholeSecondsUp(rule.windowMs));
  return {
    'RateLimit-Policy': `${rule.limit};w=${windowSeconds}`,
    RateLimit: `limit=${limit}, remaining=${remaining}, reset=${reset}`,
    'X-RateLimit-Limit': limit,
    'X-RateLimit-Remaining': remaining,
    'X-RateLimit-Reset': reset,
    ...(decision.allowed
      ? {}
      : { 'Retry-After': String(Math.max(1, wholeSecondsUp(decision.retryAfterMs))) }),
  };
}
