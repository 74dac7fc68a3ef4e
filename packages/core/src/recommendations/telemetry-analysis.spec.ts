import fc from 'fast-check';
import {
  completenessOf,
  histogramQuantile,
  overallAvailability,
  windowAvailabilities,
  windowLatencyQuantiles,
} from './telemetry-analysis';

const START = new Date('2026-01-01T00:00:00.000Z');
const HOUR = 3_600_000;

describe('completenessOf', () => {
  it('reports the share of buckets with samples, the gaps and the first data bucket', () => {
    const counts = { good: 1, total: 1 };
    const result = completenessOf({
      start: START,
      stepSeconds: 3600,
      buckets: [null, null, counts, counts, null, counts, null],
    });
    expect(result.completeness).toBeCloseTo(3 / 7);
    expect(result.firstDataIndex).toBe(2);
    expect(result.gaps.map((gap) => [gap.start.getTime(), gap.end.getTime()])).toEqual([
      [START.getTime(), START.getTime() + 2 * HOUR],
      [START.getTime() + 4 * HOUR, START.getTime() + 5 * HOUR],
      [START.getTime() + 6 * HOUR, START.getTime() + 7 * HOUR],
    ]);
  });

  it('covers every missing bucket exactly once (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 200 }), (present) => {
        const buckets = present.map((p) => (p ? { good: 1, total: 1 } : null));
        const { gaps, completeness } = completenessOf({ start: START, stepSeconds: 60, buckets });
        const missing = gaps.reduce(
          (n, gap) => n + (gap.end.getTime() - gap.start.getTime()) / 60_000,
          0,
        );
        expect(missing).toBe(present.filter((p) => !p).length);
        expect(completeness).toBe(
          present.length === 0 ? 1 : present.filter(Boolean).length / present.length,
        );
      }),
    );
  });
});

describe('histogramQuantile', () => {
  const bounds = [100, 200, 400, Infinity];
  it('interpolates inside the bucket like Prometheus', () => {
    expect(histogramQuantile(0.5, bounds, [50, 80, 100, 100])).toBe(100);
    expect(histogramQuantile(0.65, bounds, [50, 80, 100, 100])).toBe(150);
    expect(histogramQuantile(0.9, bounds, [50, 80, 100, 100])).toBe(300);
    expect(histogramQuantile(0.1, bounds, [50, 80, 100, 100])).toBe(20);
  });
  it('answers the highest finite bound for ranks in +Inf and null without observations', () => {
    expect(histogramQuantile(0.99, bounds, [10, 20, 30, 100])).toBe(400);
    expect(histogramQuantile(0.99, bounds, [0, 0, 0, 0])).toBeNull();
  });
  it('is monotone in q (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 4, maxLength: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (increments, a, b) => {
          const cumulative = increments.map((_, i) =>
            increments.slice(0, i + 1).reduce((x, y) => x + y, 0),
          );
          fc.pre(cumulative[3] > 0);
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(histogramQuantile(low, bounds, cumulative)!).toBeLessThanOrEqual(
            histogramQuantile(high, bounds, cumulative)! + 1e-9,
          );
        },
      ),
    );
  });
});

describe('windows', () => {
  it('computes rolling availability over buckets, gaps counting as no traffic', () => {
    const series = {
      start: START,
      stepSeconds: 3600,
      buckets: [{ good: 9, total: 10 }, null, { good: 10, total: 10 }, { good: 5, total: 10 }],
    };
    expect(windowAvailabilities(series, 2)).toEqual([0.9, 1, 0.75]);
    expect(overallAvailability(series)).toEqual({ good: 24, total: 30 });
  });
  it('computes per-window latency quantiles from summed histograms', () => {
    const series = {
      start: START,
      stepSeconds: 3600,
      boundsMs: [100, 200, Infinity],
      buckets: [[10, 10, 10], [0, 10, 10], null, [0, 0, 10]],
    };
    // window 1: [10, 20, 20] → p50 = 100; window 2: [0, 0, 10] → p50 = 200 (the +Inf bucket).
    expect(windowLatencyQuantiles(series, 0.5, 2)).toEqual([100, 200]);
  });
});
