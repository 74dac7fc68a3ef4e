import fc from 'fast-check';
import {
  ConsecutiveViolations,
  DEFAULT_CANARY_ERROR_RATE_FLOOR,
  judgeCanary,
  type CanaryVerdict,
  type JudgeCanaryInput,
} from './canary-health';
import { RegistryError } from './errors';
import { type SliSnapshot } from './sli-window';

const sli = (requests: number, failures = 0, latency: Partial<SliSnapshot> = {}): SliSnapshot => ({
  requests,
  failures,
  availability: requests === 0 ? 1 : (requests - failures) / requests,
  ...(requests === 0 ? {} : { p50Ms: 20, p95Ms: 50, p99Ms: 80 }),
  windowMs: 300_000,
  ...latency,
});

const judge = (over: Partial<JudgeCanaryInput>) =>
  judgeCanary({
    canary: sli(100),
    stable: sli(1_000),
    minRequests: 20,
    burnRateFactor: 2,
    ...over,
  });

describe('judgeCanary', () => {
  it('is insufficient_data below minRequests, whatever the numbers say', () => {
    const health = judge({
      canary: sli(19, 19, { p95Ms: 9_999 }),
      targets: { p95Ms: 100, availability: 0.999 },
    });
    expect(health.verdict).toBe('insufficient_data');
    expect(health.violations).toEqual([]);
    expect(health.reasons).toEqual([
      'canary served 19 requests in the last 300 s, fewer than the 20 needed to judge it',
    ]);
    expect(judge({ canary: sli(20) }).verdict).toBe('healthy');
  });

  it('is healthy within every target, and says so with the numbers', () => {
    const health = judge({ targets: { p50Ms: 20, p95Ms: 50, p99Ms: 80, availability: 0.99 } });
    expect(health.verdict).toBe('healthy');
    expect(health.reasons).toEqual([
      'canary meets its 4 targets over 100 requests; canary error rate 0 % (0 of 100) ≤ limit 2 % = 2 × max(stable 0 % (0 of 1000), budget floor 1 % = 1 − target 99 %)',
    ]);
  });

  it('violates a latency target it exceeds, naming the percentile and stable for context', () => {
    const health = judge({
      canary: sli(100, 0, { p95Ms: 250.37 }),
      stable: sli(1_000, 0, { p95Ms: 80 }),
      targets: { p95Ms: 100 },
    });
    expect(health.verdict).toBe('violating');
    expect(health.violations).toEqual([
      {
        metric: 'latency_p95',
        actual: 250.37,
        limit: 100,
        message: 'canary p95 latency 250.4 ms > target 100 ms (stable 80 ms)',
      },
    ]);
    expect(health.reasons).toEqual([health.violations[0]?.message]);
  });

  it('checks p50 and p99 too', () => {
    expect(
      judge({ canary: sli(100, 0, { p50Ms: 21 }), targets: { p50Ms: 20 } }).violations[0]?.metric,
    ).toBe('latency_p50');
    expect(
      judge({ canary: sli(100, 0, { p99Ms: 81 }), targets: { p99Ms: 80 } }).violations[0]?.metric,
    ).toBe('latency_p99');
  });

  it('violates an availability target below it', () => {
    const health = judge({ canary: sli(1_000, 2), targets: { availability: 0.999 } });
    // 0.2 % errors: below the target (0.1 %) but within 2 × the floor, so only availability.
    expect(health.violations.map((v) => v.metric)).toEqual(['availability']);
    expect(health.reasons[0]).toBe(
      'canary availability 99.8 % (2 of 1000 failed) < target 99.9 % (stable 100 %)',
    );
  });

  it('violates when the canary burns errors faster than burnRateFactor × stable', () => {
    // Stable 5 % errors, no availability target: limit = 2 × max(5 %, 0.1 %) = 10 %.
    const stable = sli(1_000, 50);
    expect(judge({ stable, canary: sli(100, 10) }).verdict).toBe('healthy'); // exactly 10 %
    const health = judge({ stable, canary: sli(100, 11) });
    expect(health.verdict).toBe('violating');
    expect(health.canaryErrorRate).toBeCloseTo(0.11, 12);
    expect(health.stableErrorRate).toBeCloseTo(0.05, 12);
    expect(health.errorRateLimit).toBeCloseTo(0.1, 12);
    expect(health.reasons).toEqual([
      'canary error rate 11 % (11 of 100) > limit 10 % = 2 × max(stable 5 % (50 of 1000), budget floor 0.1 %)',
    ]);
  });

  it('floors stable at the error budget so one failure against a perfect stable is no regression', () => {
    // Target 99 %: floor 1 %, limit 2 %. Stable perfect; canary at 1.5 % is within the limit but
    // below its availability target, so only the target is reported.
    const health = judge({ canary: sli(200, 3), targets: { availability: 0.99 } });
    expect(health.errorRateLimit).toBeCloseTo(0.02, 12);
    expect(health.violations.map((v) => v.metric)).toEqual(['availability']);
    // Without an availability target the default floor (0.1 %) applies: limit 0.2 %.
    expect(judge({ canary: sli(1_000, 2) }).verdict).toBe('healthy');
    expect(judge({ canary: sli(1_000, 3) }).verdict).toBe('violating');
    expect(judge({ canary: sli(1_000, 3), errorRateFloor: 0.01 }).verdict).toBe('healthy');
  });

  it('ignores stable with fewer than minRequests and uses the floor alone', () => {
    const health = judge({ stable: sli(10, 9), canary: sli(100, 5) });
    expect(health.stableErrorRate).toBeUndefined();
    expect(health.errorRateLimit).toBeCloseTo(2 * DEFAULT_CANARY_ERROR_RATE_FLOOR, 12);
    expect(health.verdict).toBe('violating');
    expect(health.reasons[0]).toContain('stable not counted, 10 of 20 requests');
  });

  it('rejects malformed options and targets with REGISTRY.INVALID_OPTION', () => {
    for (const bad of [
      { minRequests: 0 },
      { minRequests: 1.5 },
      { burnRateFactor: 0 },
      { burnRateFactor: Number.NaN },
      { errorRateFloor: 1 },
      { targets: { p95Ms: -1 } },
      { targets: { availability: 1 } },
    ] satisfies Partial<JudgeCanaryInput>[]) {
      expect(() => judge(bad)).toThrow(RegistryError);
    }
  });

  it('property: the verdict is violating exactly when a target or the burn limit is broken', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 20, max: 5_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 1, max: 5, noNaN: true }),
        fc.option(fc.double({ min: 0.5, max: 0.9999, noNaN: true }), { nil: undefined }),
        (canaryRequests, canaryShare, stableRequests, stableShare, factor, availability) => {
          const canary = sli(canaryRequests, Math.floor(canaryRequests * canaryShare));
          const stable = sli(stableRequests, Math.floor(stableRequests * stableShare));
          const targets = availability === undefined ? undefined : { availability };
          const health = judgeCanary({
            canary,
            stable,
            ...(targets === undefined ? {} : { targets }),
            minRequests: 20,
            burnRateFactor: factor,
          });
          const canaryRate = canary.failures / canary.requests;
          const stableRate = stable.requests >= 20 ? stable.failures / stable.requests : 0;
          const floor =
            availability === undefined ? DEFAULT_CANARY_ERROR_RATE_FLOOR : 1 - availability;
          const broken =
            canaryRate > factor * Math.max(stableRate, floor) ||
            (availability !== undefined && canary.availability < availability);
          expect(health.verdict).toBe(broken ? 'violating' : 'healthy');
          expect(health.reasons.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('ConsecutiveViolations', () => {
  it('trips on the threshold-th violating verdict in a row, not before', () => {
    const counter = new ConsecutiveViolations(3);
    expect(counter.observe('violating')).toEqual({ count: 1, tripped: false });
    expect(counter.observe('violating')).toEqual({ count: 2, tripped: false });
    expect(counter.observe('violating')).toEqual({ count: 3, tripped: true });
    expect(counter.observe('violating')).toEqual({ count: 4, tripped: true });
    counter.reset();
    expect(counter.count).toBe(0);
  });

  it('resets on healthy; insufficient_data neither counts nor resets', () => {
    const counter = new ConsecutiveViolations(3);
    counter.observe('violating');
    counter.observe('violating');
    expect(counter.observe('insufficient_data')).toEqual({ count: 2, tripped: false });
    expect(counter.observe('healthy')).toEqual({ count: 0, tripped: false });
    counter.observe('violating');
    counter.observe('insufficient_data');
    counter.observe('violating');
    expect(counter.observe('violating')).toEqual({ count: 3, tripped: true });
  });

  it('property: count is the violating verdicts since the last healthy one', () => {
    const verdict = fc.constantFrom<CanaryVerdict>('healthy', 'violating', 'insufficient_data');
    fc.assert(
      fc.property(fc.array(verdict), fc.integer({ min: 1, max: 5 }), (verdicts, threshold) => {
        const counter = new ConsecutiveViolations(threshold);
        let last = { count: 0, tripped: false };
        for (const v of verdicts) last = counter.observe(v);
        const sinceHealthy = verdicts.slice(verdicts.lastIndexOf('healthy') + 1);
        const expected = sinceHealthy.filter((v) => v === 'violating').length;
        expect(last).toEqual({ count: expected, tripped: expected >= threshold });
      }),
    );
  });

  it('rejects a threshold below 1', () => {
    expect(() => new ConsecutiveViolations(0)).toThrow(RegistryError);
    expect(() => new ConsecutiveViolations(2.5)).toThrow(RegistryError);
  });
});
