import {
  FixedClock,
  InMemoryRateLimiter,
  RateLimiter,
  type RateLimitDecision,
  type RateLimitRule,
} from '@slo-engine/core';
import { FallbackRateLimiter } from './fallback-rate-limiter';

const RULE: RateLimitRule = { limit: 2, windowMs: 60_000 };
const PRIMARY_DECISION: RateLimitDecision = {
  allowed: true,
  limit: 2,
  remaining: 1,
  resetMs: 30_000,
  retryAfterMs: 0,
};

/** A primary that fails while `down` is true and counts the calls it gets. */
class SwitchablePrimary extends RateLimiter {
  down = false;
  calls = 0;
  pending: Array<() => void> = [];
  hold = false;

  async consume(): Promise<RateLimitDecision> {
    this.calls += 1;
    if (this.hold) await new Promise<void>((resolve) => this.pending.push(resolve));
    if (this.down) throw new Error('ECONNREFUSED');
    return PRIMARY_DECISION;
  }

  release(): void {
    this.hold = false;
    for (const resolve of this.pending.splice(0)) resolve();
  }
}

function setup() {
  const clock = new FixedClock();
  const primary = new SwitchablePrimary();
  const fallback = new InMemoryRateLimiter({ clock });
  const onDegraded = jest.fn();
  const onRecovered = jest.fn();
  const limiter = new FallbackRateLimiter(primary, fallback, {
    retryAfterMs: 5_000,
    onDegraded,
    onRecovered,
    clock,
  });
  return { clock, primary, limiter, onDegraded, onRecovered };
}

describe('FallbackRateLimiter', () => {
  it('answers from the primary while it works', async () => {
    const { primary, limiter, onDegraded } = setup();
    await expect(limiter.consume('k', RULE)).resolves.toBe(PRIMARY_DECISION);
    expect(primary.calls).toBe(1);
    expect(limiter.degraded).toBe(false);
    expect(onDegraded).not.toHaveBeenCalled();
  });

  it('answers from the fallback when the primary fails, reports once, and leaves the primary alone for retryAfterMs', async () => {
    const { primary, limiter, onDegraded, clock } = setup();
    primary.down = true;

    const decisions = [];
    for (let i = 0; i < 3; i += 1) decisions.push(await limiter.consume('k', RULE));

    // The fallback's own bucket: two admitted, the third denied.
    expect(decisions.map((d) => [d.allowed, d.remaining])).toEqual([
      [true, 1],
      [true, 0],
      [false, 0],
    ]);
    expect(primary.calls).toBe(1);
    expect(onDegraded).toHaveBeenCalledTimes(1);
    expect(onDegraded).toHaveBeenCalledWith(expect.objectContaining({ message: 'ECONNREFUSED' }));
    expect(limiter.degraded).toBe(true);

    clock.advance(4_999);
    await limiter.consume('other', RULE);
    expect(primary.calls).toBe(1);
  });

  it('probes again after the pause, keeps falling back while the primary stays down', async () => {
    const { primary, limiter, onDegraded, onRecovered, clock } = setup();
    primary.down = true;
    await limiter.consume('k', RULE);

    clock.advance(5_000);
    await limiter.consume('k', RULE);
    expect(primary.calls).toBe(2);
    await limiter.consume('k', RULE);
    expect(primary.calls).toBe(2);

    clock.advance(5_000);
    primary.down = false;
    await expect(limiter.consume('k', RULE)).resolves.toBe(PRIMARY_DECISION);
    expect(limiter.degraded).toBe(false);
    expect(onDegraded).toHaveBeenCalledTimes(1);
    expect(onRecovered).toHaveBeenCalledTimes(1);
    expect(onRecovered).toHaveBeenCalledWith({ degradedForMs: 10_000 });

    await limiter.consume('k', RULE);
    expect(primary.calls).toBe(4);
  });

  it('sends one probe at a time; requests during the probe use the fallback', async () => {
    const { primary, limiter, clock } = setup();
    primary.down = true;
    await limiter.consume('k', RULE);
    clock.advance(5_000);
    primary.down = false;
    primary.hold = true;

    const probe = limiter.consume('k', RULE);
    const during = await limiter.consume('k', RULE);
    expect(primary.calls).toBe(2);
    expect(during).not.toBe(PRIMARY_DECISION);

    primary.release();
    await expect(probe).resolves.toBe(PRIMARY_DECISION);
    expect(limiter.degraded).toBe(false);
  });

  it('reports one outage when requests in flight fail together', async () => {
    const { primary, limiter, onDegraded } = setup();
    primary.down = true;
    primary.hold = true;
    const inFlight = Array.from({ length: 5 }, () => limiter.consume('k', RULE));
    primary.release();

    const decisions = await Promise.all(inFlight);

    expect(decisions.filter((d) => d.allowed)).toHaveLength(2);
    expect(onDegraded).toHaveBeenCalledTimes(1);
  });

  it('survives callbacks that throw', async () => {
    const clock = new FixedClock();
    const primary = new SwitchablePrimary();
    const limiter = new FallbackRateLimiter(primary, new InMemoryRateLimiter({ clock }), {
      retryAfterMs: 0,
      clock,
      onDegraded: () => {
        throw new Error('logger down');
      },
      onRecovered: () => {
        throw new Error('logger down');
      },
    });
    primary.down = true;
    await expect(limiter.consume('k', RULE)).resolves.toMatchObject({ allowed: true });
    primary.down = false;
    await expect(limiter.consume('k', RULE)).resolves.toBe(PRIMARY_DECISION);
  });

  it('rejects a bad rule without touching either limiter or entering degraded mode', async () => {
    const { primary, limiter, onDegraded } = setup();
    await expect(limiter.consume('k', { limit: 0, windowMs: 1_000 })).rejects.toThrow(RangeError);
    expect(primary.calls).toBe(0);
    expect(onDegraded).not.toHaveBeenCalled();
  });

  it('refuses a negative pause', () => {
    expect(
      () =>
        new FallbackRateLimiter(new SwitchablePrimary(), new InMemoryRateLimiter(), {
          retryAfterMs: -1,
        }),
    ).toThrow(RangeError);
  });
});
