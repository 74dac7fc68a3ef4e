/**
 * Rate limiting per caller and route (spec 004 FR-8, SEC-009): a token bucket per key, shared by
 * every API instance when the adapter is Redis-backed. The port is what the HTTP guard calls;
 * `rateLimitHeaders` turns its answer into response headers.
 */

/** `limit` requests per `windowMs`, with bursts of up to `limit` (the API uses 60 000 ms). */
export interface RateLimitRule {
  /** Bucket size: requests admitted at once from a full bucket, and per window on average. */
  readonly limit: number;
  readonly windowMs: number;
}

export interface RateLimitDecision {
  readonly allowed: boolean;
  /** The rule's limit, echoed for the headers. */
  readonly limit: number;
  /** Requests that would still be admitted right now, after this one; never negative. */
  readonly remaining: number;
  /** Milliseconds until the caller is back to a full allowance (`limit` requests at once). */
  readonly resetMs: number;
  /** 0 when allowed; otherwise milliseconds until one more request would be admitted. */
  readonly retryAfterMs: number;
}

export abstract class RateLimiter {
  /**
   * Takes one token from the bucket named `key` (e.g. caller and route). Denied requests take
   * nothing, so a client that keeps retrying does not push its own recovery further away.
   */
  abstract consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision>;
}
