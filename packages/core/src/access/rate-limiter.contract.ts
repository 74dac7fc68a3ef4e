/**
 * Behavioural contract of RateLimiter, run against the in-memory limiter (core) and the Redis one
 * (adapters) on the real clock, since Redis takes its time from its own `TIME`. The windows are
 * chosen so no token comes back during the burst tests, and waits are "at least this long", so
 * nothing here depends on how fast the machine is. Jest globals are declared, not imported, and
 * assertions use `node:assert/strict`, so core's build needs no test typings.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { type RateLimiter, type RateLimitRule } from './rate-limiter.port';

declare function describe(name: string, body: () => void): void;
declare function it(name: string, body: () => Promise<void>, timeoutMs?: number): void;
declare function afterEach(body: () => Promise<void>): void;

export type RateLimiterFactory = () => RateLimiter | Promise<RateLimiter>;

export interface RateLimiterContractOptions {
  /** Called after every test with the limiter it made. */
  readonly teardown?: (limiter: RateLimiter) => void | Promise<void>;
}

/** Resolves once at least `milliseconds` have passed (timers may fire a little early). */
export async function sleepAtLeast(milliseconds: number): Promise<void> {
  const until = performance.now() + milliseconds;
  for (let left = milliseconds; left > 0; left = until - performance.now()) {
    await new Promise((resolve) => setTimeout(resolve, Math.ceil(left)));
  }
}

export function describeRateLimiterContract(
  name: string,
  factory: RateLimiterFactory,
  options: RateLimiterContractOptions = {},
): void {
  describe(`RateLimiter contract: ${name}`, () => {
    let current: RateLimiter | undefined;
    const limiterUnderTest = async (): Promise<RateLimiter> => (current = await factory());
    const freshKey = (): string => `contract:${randomUUID()}`;

    afterEach(async () => {
      if (current && options.teardown) await options.teardown(current);
      current = undefined;
    });

    it('admits a full bucket of exactly `limit`, counting down, then denies without going negative', async () => {
      const limiter = await limiterUnderTest();
      const rule: RateLimitRule = { limit: 5, windowMs: 60_000 };
      const key = freshKey();

      const admitted = [];
      for (let i = 0; i < rule.limit; i += 1) admitted.push(await limiter.consume(key, rule));
      assert.deepEqual(
        admitted.map((d) => [d.allowed, d.limit, d.remaining, d.retryAfterMs]),
        [
          [true, 5, 4, 0],
          [true, 5, 3, 0],
          [true, 5, 2, 0],
          [true, 5, 1, 0],
          [true, 5, 0, 0],
        ],
      );

      const denied = await limiter.consume(key, rule);
      assert.equal(denied.allowed, false);
      assert.equal(denied.remaining, 0);
      // One token comes back every windowMs / limit; the whole bucket within one window.
      assert.ok(denied.retryAfterMs > 0 && denied.retryAfterMs <= rule.windowMs / rule.limit);
      assert.ok(denied.resetMs >= denied.retryAfterMs && denied.resetMs <= rule.windowMs);
    });

    it('admits exactly `limit` of 2 × `limit` concurrent requests', async () => {
      const limiter = await limiterUnderTest();
      const rule: RateLimitRule = { limit: 20, windowMs: 60_000 };
      const key = freshKey();

      const decisions = await Promise.all(
        Array.from({ length: 2 * rule.limit }, () => limiter.consume(key, rule)),
      );

      assert.equal(decisions.filter((d) => d.allowed).length, rule.limit);
      assert.deepEqual(
        decisions
          .filter((d) => d.allowed)
          .map((d) => d.remaining)
          .sort((a, b) => a - b),
        Array.from({ length: rule.limit }, (_, i) => i),
      );
    });

    it('keeps one bucket per key', async () => {
      const limiter = await limiterUnderTest();
      const rule: RateLimitRule = { limit: 2, windowMs: 60_000 };
      const [exhausted, other] = [freshKey(), freshKey()];
      await limiter.consume(exhausted, rule);
      await limiter.consume(exhausted, rule);

      assert.equal((await limiter.consume(exhausted, rule)).allowed, false);
      const otherDecision = await limiter.consume(other, rule);
      assert.equal(otherDecision.allowed, true);
      assert.equal(otherDecision.remaining, 1);
    });

    it('admits again after the caller waits the Retry-After it was given', async () => {
      const limiter = await limiterUnderTest();
      const rule: RateLimitRule = { limit: 2, windowMs: 1_000 };
      const key = freshKey();
      await limiter.consume(key, rule);
      await limiter.consume(key, rule);
      const denied = await limiter.consume(key, rule);
      assert.equal(denied.allowed, false);

      await sleepAtLeast(denied.retryAfterMs);

      assert.equal((await limiter.consume(key, rule)).allowed, true);
    }, 10_000);

    it('refuses a rule it cannot enforce', async () => {
      const limiter = await limiterUnderTest();
      await assert.rejects(limiter.consume(freshKey(), { limit: 0, windowMs: 1_000 }), RangeError);
      await assert.rejects(
        limiter.consume(freshKey(), { limit: 1.5, windowMs: 1_000 }),
        RangeError,
      );
      await assert.rejects(limiter.consume(freshKey(), { limit: 5, windowMs: 0 }), RangeError);
    });
  });
}
