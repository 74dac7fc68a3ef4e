/** Exponential backoff bounds: the ceiling doubles from `initialMs` per failure up to `maxMs`. */
export interface BackoffPolicy {
  readonly initialMs: number;
  readonly maxMs: number;
}

/** Default backoff: 0.5 s doubling up to 30 s, the heartbeat interval, so an outage costs at most one cycle. */
export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 500, maxMs: 30_000 };

/**
 * Upper bound on an honoured `Retry-After`: a controller (or a proxy in front of it) asking for
 * hours would otherwise silence the worker long past the 120 s stale timeout.
 */
export const MAX_RETRY_AFTER_MS = 300_000;

/**
 * Delay before retry number `failures` (1 for the first failure), with "full jitter": uniform in
 * [0, min(maxMs, initialMs · 2^(failures-1))). Full jitter spreads a fleet that lost the same
 * controller at the same instant, so the restarted controller is not hit by every worker at once.
 * `random` returns a number in [0, 1), like `Math.random`.
 */
export function backoffDelay(
  failures: number,
  policy: BackoffPolicy,
  random: () => number,
): number {
  const exponent = Math.max(0, Math.floor(failures) - 1);
  // 2 ** exponent becomes Infinity for huge exponents; Math.min keeps the ceiling at maxMs.
  const ceiling = Math.min(policy.maxMs, policy.initialMs * 2 ** exponent);
  return Math.floor(clampUnit(random()) * ceiling);
}

/**
 * Milliseconds a `Retry-After` header asks to wait (RFC 9110 §10.2.3: delta-seconds or an
 * HTTP-date), capped at `MAX_RETRY_AFTER_MS`; `undefined` when absent or unreadable, so the caller
 * falls back to its own backoff. A date in the past means "now" (0).
 */
export function parseRetryAfter(header: string | undefined, nowMs: number): number | undefined {
  if (header === undefined) return undefined;
  const value = header.trim();
  if (value === '') return undefined;
  if (/^\d+$/.test(value)) return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  // Only the date forms HTTP allows start with a day name; this keeps Date.parse's lenient
  // guessing ("5", "soon") from turning garbage into a wait.
  if (!/^[A-Za-z]{3},? /.test(value)) return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) return undefined;
  return Math.min(Math.max(0, at - nowMs), MAX_RETRY_AFTER_MS);
}

/**
 * The wait for an honoured `Retry-After`: at least what the controller asked, plus up to 10 % of
 * jitter so a fleet told "5 seconds" together does not come back in the same millisecond.
 */
export function retryAfterDelay(retryAfterMs: number, random: () => number): number {
  return Math.floor(retryAfterMs + clampUnit(random()) * retryAfterMs * 0.1);
}

function clampUnit(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  return value >= 1 ? 1 - Number.EPSILON : value;
}
