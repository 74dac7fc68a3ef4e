/**
 * The GCRA limiter in one process: the embedded mode's limiter, and the per-instance fallback the
 * API uses while Redis is unreachable. Its memory is bounded: a key whose TAT has passed holds a
 * full bucket, exactly like a key never seen, so it can be dropped without changing any decision.
 */
import { type Clock, SystemClock } from '../shared/clock.port';
import { decideGcra } from './rate-limit.gcra';
import { type RateLimitDecision, type RateLimitRule, RateLimiter } from './rate-limiter.port';

export interface InMemoryRateLimiterOptions {
  readonly clock?: Clock;
  /**
   * Keys kept at most (default 100 000, a few MB). Beyond it, keys with a full bucket go first;
   * should live keys still fill 90 % of the room, the least recently admitted are forgotten too,
   * which hands those callers a full bucket: more lenient, never a false 429 and never unbounded.
   */
  readonly maxKeys?: number;
}

export const DEFAULT_IN_MEMORY_RATE_LIMIT_KEYS = 100_000;

/** After an eviction pass the map holds at most this share of `maxKeys`, so passes are rare. */
const LOW_WATER_SHARE = 0.9;

export class InMemoryRateLimiter extends RateLimiter {
  private readonly clock: Clock;
  private readonly maxKeys: number;
  /** Key → TAT in microseconds, least recently admitted first (entries are re-inserted). */
  private readonly tats = new Map<string, number>();

  constructor(options: InMemoryRateLimiterOptions = {}) {
    super();
    this.clock = options.clock ?? new SystemClock();
    this.maxKeys = options.maxKeys ?? DEFAULT_IN_MEMORY_RATE_LIMIT_KEYS;
    if (!Number.isSafeInteger(this.maxKeys) || this.maxKeys < 1) {
      throw new RangeError(`InMemoryRateLimiter: maxKeys must be a positive integer`);
    }
  }

  /** Keys currently held. */
  get size(): number {
    return this.tats.size;
  }

  consume(key: string, rule: RateLimitRule): Promise<RateLimitDecision> {
    // The executor turns a RangeError for a bad rule into a rejection, as an async store's would be.
    return new Promise((resolve) => resolve(this.decide(key, rule)));
  }

  private decide(key: string, rule: RateLimitRule): RateLimitDecision {
    const nowMicros = this.clock.now().getTime() * 1000;
    const outcome = decideGcra(this.tats.get(key), nowMicros, rule);
    if (outcome.decision.allowed) {
      // Re-inserted so that the Map's order is least recently admitted first, as evict() expects.
      this.tats.delete(key);
      this.tats.set(key, outcome.tatMicros);
      if (this.tats.size > this.maxKeys) this.evict(nowMicros);
    }
    return outcome.decision;
  }

  private evict(nowMicros: number): void {
    for (const [key, tat] of this.tats) {
      if (tat <= nowMicros) this.tats.delete(key);
    }
    const lowWater = Math.floor(this.maxKeys * LOW_WATER_SHARE);
    for (const key of this.tats.keys()) {
      if (this.tats.size <= lowWater) break;
      this.tats.delete(key);
    }
  }
}
