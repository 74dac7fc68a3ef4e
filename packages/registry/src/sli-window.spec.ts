import fc from 'fast-check';
import { RegistryError } from './errors';
import {
  MAX_TRACKED_LATENCY_MS,
  MIN_TRACKED_LATENCY_MS,
  RollingSliWindow,
  SLI_LATENCY_RELATIVE_ERROR,
  emptySliSnapshot,
} from './sli-window';

/** The ⌈q·n⌉-th smallest value (nearest rank), the definition the window approximates. */
function exactQuantile(sorted: readonly number[], percent: number): number {
  return sorted[Math.ceil((sorted.length * percent) / 100) - 1];
}

// Floating-point rounding in log() may put a value on a bin edge into the next bin; it moves
// the estimate by ~1e-15 relative, far inside this allowance.
const withinRelativeError = (estimate: number, exact: number): boolean =>
  Math.abs(estimate - exact) <= SLI_LATENCY_RELATIVE_ERROR * exact * (1 + 1e-9);

describe('RollingSliWindow', () => {
  it('reports an empty window as fully available with no percentiles', () => {
    const window = new RollingSliWindow();
    expect(window.snapshot(1_000)).toEqual({
      requests: 0,
      failures: 0,
      availability: 1,
      windowMs: 300_000,
    });
    expect(window.snapshot(1_000)).toEqual(emptySliSnapshot());
    expect(window.isIdle(1_000)).toBe(true);
  });

  it('counts requests, failures and availability', () => {
    const window = new RollingSliWindow({ windowMs: 60_000, bucketMs: 1_000 });
    for (let i = 0; i < 8; i++) window.record(5_000 + i, 10, true);
    window.record(5_500, 20, false);
    window.record(5_600, 30, false);
    const snapshot = window.snapshot(6_000);
    expect(snapshot.requests).toBe(10);
    expect(snapshot.failures).toBe(2);
    expect(snapshot.availability).toBeCloseTo(0.8, 12);
    expect(snapshot.windowMs).toBe(60_000);
    expect(window.isIdle(6_000)).toBe(false);
  });

  it('uses nearest-rank percentiles: with 20 samples p95 is the 19th smallest', () => {
    const window = new RollingSliWindow();
    // 1..20 ms: nearest rank puts p50 at 10, p95 at 19, p99 at 20.
    for (let ms = 1; ms <= 20; ms++) window.record(0, ms, true);
    const { p50Ms, p95Ms, p99Ms } = window.snapshot(0);
    expect(withinRelativeError(p50Ms as number, 10)).toBe(true);
    expect(withinRelativeError(p95Ms as number, 19)).toBe(true);
    expect(withinRelativeError(p99Ms as number, 20)).toBe(true);
    expect(p95Ms).not.toBeCloseTo(20, 0);
  });

  it('reports latencies below 1 µs as 0 and clamps latencies above 1 h', () => {
    const window = new RollingSliWindow();
    window.record(0, 0, true);
    window.record(0, MIN_TRACKED_LATENCY_MS / 2, true);
    expect(window.snapshot(0).p99Ms).toBe(0);
    const slow = new RollingSliWindow();
    slow.record(0, MAX_TRACKED_LATENCY_MS * 10, true);
    expect(withinRelativeError(slow.snapshot(0).p50Ms as number, MAX_TRACKED_LATENCY_MS)).toBe(
      true,
    );
  });

  it('drops a bucket as soon as it leaves the window, and not before', () => {
    const window = new RollingSliWindow({ windowMs: 30_000, bucketMs: 10_000 });
    window.record(5_000, 100, false); // bucket [0, 10 s)
    window.record(15_000, 10, true); // bucket [10 s, 20 s)
    expect(window.snapshot(29_999).requests).toBe(2);
    // At 30 s the window holds buckets 10–40 s: the first sample (25 s old) is out.
    const at30 = window.snapshot(30_000);
    expect(at30).toMatchObject({ requests: 1, failures: 0, availability: 1 });
    expect(window.snapshot(39_999).requests).toBe(1);
    expect(window.snapshot(40_000)).toEqual(emptySliSnapshot(30_000));
    expect(window.isIdle(40_000)).toBe(true);
  });

  it('recycles a slot for new samples without keeping its old latencies', () => {
    const window = new RollingSliWindow({ windowMs: 20_000, bucketMs: 10_000 });
    for (let i = 0; i < 100; i++) window.record(1_000, 1_000, false);
    window.record(21_000, 5, true); // same slot as 1 s, two buckets later
    expect(window.snapshot(21_000)).toMatchObject({ requests: 1, failures: 0 });
    expect(withinRelativeError(window.snapshot(21_000).p99Ms as number, 5)).toBe(true);
  });

  it('drops late samples older than the window and ignores buckets after `now`', () => {
    const window = new RollingSliWindow({ windowMs: 20_000, bucketMs: 10_000 });
    window.record(50_000, 10, true);
    window.record(25_000, 10, false); // 25 s before the latest sample: outside the window
    window.record(15_000, 10, false); // its slot holds newer data
    expect(window.snapshot(50_000)).toMatchObject({ requests: 1, failures: 0 });
    window.record(45_000, 10, false); // late but inside the window: counted
    expect(window.snapshot(50_000)).toMatchObject({ requests: 2, failures: 1 });
    expect(window.snapshot(45_000)).toMatchObject({ requests: 1, failures: 1 });
  });

  it('handles times before the epoch (negative bucket indices)', () => {
    const window = new RollingSliWindow({ windowMs: 30_000, bucketMs: 10_000 });
    window.record(-15_000, 10, true);
    window.record(-1, 10, false);
    expect(window.snapshot(0)).toMatchObject({ requests: 2, failures: 1 });
    expect(window.snapshot(10_000)).toMatchObject({ requests: 1, failures: 1 });
  });

  it('rejects malformed options and samples with REGISTRY.INVALID_OPTION', () => {
    const code = (fn: () => unknown): string | undefined => {
      try {
        fn();
      } catch (error) {
        return error instanceof RegistryError ? error.code : 'other';
      }
      return undefined;
    };
    expect(code(() => new RollingSliWindow({ bucketMs: 0 }))).toBe('REGISTRY.INVALID_OPTION');
    expect(code(() => new RollingSliWindow({ windowMs: 25_000, bucketMs: 10_000 }))).toBe(
      'REGISTRY.INVALID_OPTION',
    );
    expect(code(() => new RollingSliWindow({ windowMs: 5_000, bucketMs: 10_000 }))).toBe(
      'REGISTRY.INVALID_OPTION',
    );
    const window = new RollingSliWindow();
    expect(code(() => window.record(0, -1, true))).toBe('REGISTRY.INVALID_OPTION');
    expect(code(() => window.record(0, Number.NaN, true))).toBe('REGISTRY.INVALID_OPTION');
    expect(code(() => window.record(0, Number.POSITIVE_INFINITY, true))).toBe(
      'REGISTRY.INVALID_OPTION',
    );
    expect(code(() => window.record(Number.NaN, 1, true))).toBe('REGISTRY.INVALID_OPTION');
    expect(code(() => window.snapshot(Number.NaN))).toBe('REGISTRY.INVALID_OPTION');
    expect(window.snapshot(0).requests).toBe(0);
  });

  describe('properties', () => {
    const latency = fc.oneof(
      fc.double({ min: MIN_TRACKED_LATENCY_MS, max: 10, noNaN: true }),
      fc.double({ min: 10, max: 60_000, noNaN: true }),
      fc.integer({ min: 1, max: 5_000 }),
    );

    it(`percentiles are within ${SLI_LATENCY_RELATIVE_ERROR * 100} % of the exact nearest-rank quantiles`, () => {
      fc.assert(
        fc.property(fc.array(latency, { minLength: 1, maxLength: 2_000 }), (samples) => {
          const window = new RollingSliWindow();
          samples.forEach((ms, i) => window.record(1_000 + i, ms, true));
          const snapshot = window.snapshot(1_000 + samples.length);
          const sorted = [...samples].sort((a, b) => a - b);
          expect(snapshot.requests).toBe(samples.length);
          for (const [estimate, percent] of [
            [snapshot.p50Ms, 50],
            [snapshot.p95Ms, 95],
            [snapshot.p99Ms, 99],
          ] as const) {
            const exact = exactQuantile(sorted, percent);
            if (!withinRelativeError(estimate as number, exact))
              throw new Error(`p${percent}: estimate ${estimate} vs exact ${exact}`);
          }
        }),
        { numRuns: 300 },
      );
    });

    it('counts exactly the samples of the last window/bucket buckets, nothing older', () => {
      const bucketMs = 1_000;
      const buckets = 10;
      const windowMs = bucketMs * buckets;
      fc.assert(
        fc.property(
          // Samples in time order (as a clock produces them), each with an outcome and a latency.
          fc.array(
            fc.record({
              gap: fc.integer({ min: 0, max: 3_000 }),
              ms: latency,
              ok: fc.boolean(),
            }),
            { maxLength: 300 },
          ),
          fc.integer({ min: 0, max: 20_000 }),
          (steps, lookAhead) => {
            const window = new RollingSliWindow({ windowMs, bucketMs });
            let t = 0;
            const recorded = steps.map(({ gap, ms, ok }) => {
              t += gap;
              window.record(t, ms, ok);
              return { t, ms, ok };
            });
            const now = t + lookAhead;
            const oldestCounted = (Math.floor(now / bucketMs) - buckets + 1) * bucketMs;
            const inWindow = recorded.filter((s) => s.t >= oldestCounted && s.t <= now);
            // The window never counts a sample as old as windowMs.
            expect(inWindow.every((s) => now - s.t < windowMs)).toBe(true);
            const snapshot = window.snapshot(now);
            expect(snapshot.requests).toBe(inWindow.length);
            expect(snapshot.failures).toBe(inWindow.filter((s) => !s.ok).length);
            expect(window.isIdle(now)).toBe(inWindow.length === 0);
            if (inWindow.length > 0) {
              const sorted = inWindow.map((s) => s.ms).sort((a, b) => a - b);
              const exact = exactQuantile(sorted, 99);
              expect(withinRelativeError(snapshot.p99Ms as number, exact)).toBe(true);
            } else expect(snapshot.p99Ms).toBeUndefined();
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
