/**
 * Keeps rate limiting on when the shared limiter (Redis) is down (spec 004 RISK-007): a request
 * whose primary call fails is answered by the per-instance fallback, and the primary is left alone
 * for `retryAfterMs` so an outage does not add a failing round trip to every request. After the
 * pause, one request probes the primary while the others keep using the fallback; the first
 * success switches back.
 *
 * Consequence to document: while degraded, each API instance enforces the limit on its own, so N
 * instances admit up to N × limit per caller and route. Buckets are not carried across the switch
 * either way: a caller gets the fallback's fresh bucket on the way down and finds its Redis bucket
 * as it was (or expired) on the way back.
 */
import {
  type Clock,
  gcraIntervalMicros,
  RateLimiter,
  SystemClock,
  type RateLimitDecision,
  type RateLimitRule,
} from '@slo-engine/core';

export interface FallbackRateLimiterOptions {
  /** Pause after a primary failure before the primary is tried again, in milliseconds. */
  readonly retryAfterMs: number;
  /** The first primary failure of an outage (log it, set a gauge); not repeated per request. */
  readonly onDegraded?: (error: unknown) => void;
  /** The primary answered again after an outage that lasted `degradedForMs`. */
  readonly onRecovered?: (event: { readonly degradedForMs: number }) => void;
  readonly clock?: Clock;
}

export class FallbackRateLimiter extends RateLimiter {
  private readonly clock: Clock;
  /** Epoch ms the current outage began; undefined while the primary is in use. */
  private degradedSince: number | undefined;
  private nextAttemptAt = 0;
  private probing = false;

  constructor(
    private readonly primary: RateLimiter,
    private readonly fallback: RateLimiter,
    private readonly options: FallbackRateLimiterOptions,
  ) {
    super();
    if (!Number.isFinite(options.retryAfterMs) || options.retryAfterMs < 0) {
      throw new RangeError('FallbackRateLimiter: retryAfterMs must be a non-negative number');
    }
    this.clock = options.clock ?? new SystemClock();
  }

  /** True while requests are answered by the fallback. */
  get degraded(): boolean {
    return this.degradedSince !== undefined;
  }

  async consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
    // A bad rule is the caller's bug: reject it here rather than mistake it for an outage.
    gcraIntervalMicros(rule);
    if (this.degradedSince === undefined) {
      try {
        return await this.primary.consume(key, rule);
      } catch (error) {
        this.degrade(error);
        return this.fallback.consume(key, rule);
      }
    }
    if (this.probing || this.now() < this.nextAttemptAt) return this.fallback.consume(key, rule);
    return this.probe(key, rule);
  }

  private async probe(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
    this.probing = true;
    try {
      const decision = await this.primary.consume(key, rule);
      this.recover();
      return decision;
    } catch {
      this.nextAttemptAt = this.now() + this.options.retryAfterMs;
      return this.fallback.consume(key, rule);
    } finally {
      this.probing = false;
    }
  }

  private degrade(error: unknown): void {
    this.nextAttemptAt = this.now() + this.options.retryAfterMs;
    // Requests already in flight when the outage began fail too; report the outage once.
    if (this.degradedSince !== undefined) return;
    this.degradedSince = this.now();
    notify(() => this.options.onDegraded?.(error));
  }

  private recover(): void {
    if (this.degradedSince === undefined) return;
    const degradedForMs = this.now() - this.degradedSince;
    this.degradedSince = undefined;
    notify(() => this.options.onRecovered?.({ degradedForMs }));
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}

/** A failing log or metric call must not turn into a failed request. */
function notify(callback: () => void): void {
  try {
    callback();
  } catch {
    // Deliberately ignored; see above.
  }
}
