import fc from 'fast-check';
import {
  availabilityBreachProbability,
  bootstrapConfidenceInterval,
  latencyBreachProbability,
  quantile,
  quantiles,
  rollingAvailability,
} from './index';
import { codeOf, seededRandom } from './__fixtures__/helpers';

const finite = fc.double({ min: -1e6, max: 1e6, noNaN: true });

describe('quantile', () => {
  it('interpolates linearly between order statistics (type 7)', () => {
    const values = [5, 1, 4, 2, 3];
    expect(quantile(values, 0.5)).toBe(3);
    expect(quantile(values, 0.25)).toBe(2);
    expect(quantile(values, 0.1)).toBeCloseTo(1.4, 12);
    expect(quantile(values, 0.95)).toBeCloseTo(4.8, 12);
  });

  it('gives the minimum at 0 and the maximum at 1', () => {
    expect(quantile([3, 9, -2], 0)).toBe(-2);
    expect(quantile([3, 9, -2], 1)).toBe(9);
  });

  it('is the value itself for one observation', () => {
    expect(quantile([0.42], 0.001)).toBe(0.42);
  });

  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    quantile(values, 0.5);
    expect(values).toEqual([3, 1, 2]);
  });

  it('validates its inputs', () => {
    expect(codeOf(() => quantile([], 0.5))).toBe('RELIABILITY.EMPTY_INPUT');
    expect(codeOf(() => quantile([1, Number.NaN], 0.5))).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(codeOf(() => quantile([1, Infinity], 0.5))).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(codeOf(() => quantile([1], 1.5))).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(codeOf(() => quantile([1], 99))).toBe('RELIABILITY.INVALID_ARGUMENT');
  });

  it('is monotone in p and stays within [min, max]', () => {
    fc.assert(
      fc.property(
        fc.array(finite, { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, p1, p2) => {
          const [lo, hi] = p1 <= p2 ? [p1, p2] : [p2, p1];
          const a = quantile(values, lo);
          const b = quantile(values, hi);
          expect(a).toBeLessThanOrEqual(b);
          expect(a).toBeGreaterThanOrEqual(Math.min(...values));
          expect(b).toBeLessThanOrEqual(Math.max(...values));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('quantiles() agrees with quantile() in the requested order', () => {
    const values = [10, 40, 20, 30];
    expect(quantiles(values, [0.9, 0.1, 0.5])).toEqual([
      quantile(values, 0.9),
      quantile(values, 0.1),
      quantile(values, 0.5),
    ]);
    expect(codeOf(() => quantiles(values, [0.5, -1]))).toBe('RELIABILITY.INVALID_ARGUMENT');
  });
});

describe('rollingAvailability', () => {
  const buckets = [
    { good: 99, total: 100 },
    { good: 100, total: 100 },
    { good: 0, total: 0 },
    { good: 0, total: 0 },
    { good: 50, total: 100 },
  ];

  it('computes request-weighted availability of each sliding window', () => {
    expect(rollingAvailability(buckets, 2)).toEqual([199 / 200, 1, 0.5]);
  });

  it('leaves out windows without requests', () => {
    expect(rollingAvailability(buckets, 1)).toEqual([0.99, 1, 0.5]);
  });

  it('steps between window starts (tumbling when step = windowSize)', () => {
    expect(rollingAvailability(buckets, 2, { step: 2 })).toEqual([199 / 200]);
    expect(rollingAvailability(buckets, 5)).toEqual([249 / 300]);
  });

  it('returns nothing when the history is shorter than a window', () => {
    expect(rollingAvailability(buckets, 6)).toEqual([]);
    expect(rollingAvailability([], 1)).toEqual([]);
  });

  it('validates counts and sizes', () => {
    expect(codeOf(() => rollingAvailability([{ good: 2, total: 1 }], 1))).toBe(
      'RELIABILITY.INVALID_ARGUMENT',
    );
    expect(codeOf(() => rollingAvailability([{ good: -1, total: 1 }], 1))).toBe(
      'RELIABILITY.INVALID_ARGUMENT',
    );
    expect(codeOf(() => rollingAvailability(buckets, 0))).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(codeOf(() => rollingAvailability(buckets, 1.5))).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(codeOf(() => rollingAvailability(buckets, 1, { step: 0 }))).toBe(
      'RELIABILITY.INVALID_ARGUMENT',
    );
  });

  it('matches a direct sum for every window', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc
            .tuple(fc.nat(1000), fc.nat(1000))
            .map(([a, b]) => ({ good: Math.min(a, b), total: Math.max(a, b) })),
          { maxLength: 40 },
        ),
        fc.integer({ min: 1, max: 10 }),
        (counts, size) => {
          const expected: number[] = [];
          for (let start = 0; start + size <= counts.length; start++) {
            const slice = counts.slice(start, start + size);
            const total = slice.reduce((s, b) => s + b.total, 0);
            if (total > 0) expected.push(slice.reduce((s, b) => s + b.good, 0) / total);
          }
          const actual = rollingAvailability(counts, size);
          expect(actual).toHaveLength(expected.length);
          actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i], 12));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('breach probabilities', () => {
  it('counts availability windows strictly below the target', () => {
    expect(availabilityBreachProbability([0.99, 0.999, 0.9995, 1], 0.999)).toBe(0.25);
    expect(availabilityBreachProbability([0.99, 0.999], 0.98)).toBe(0);
  });

  it('counts latency windows strictly above the target', () => {
    expect(latencyBreachProbability([100, 200, 300, 800], 300)).toBe(0.25);
    expect(latencyBreachProbability([100], 50)).toBe(1);
  });

  it('validates inputs', () => {
    expect(codeOf(() => availabilityBreachProbability([], 0.9))).toBe('RELIABILITY.EMPTY_INPUT');
    expect(codeOf(() => availabilityBreachProbability([99.9], 0.9))).toBe(
      'RELIABILITY.INVALID_RATIO',
    );
    expect(codeOf(() => latencyBreachProbability([1], Number.NaN))).toBe(
      'RELIABILITY.INVALID_ARGUMENT',
    );
  });
});

describe('bootstrapConfidenceInterval', () => {
  const values = Array.from({ length: 200 }, (_, i) => Math.sin(i) * 10 + i / 20);
  const mean = (sample: Float64Array): number => sample.reduce((s, x) => s + x, 0) / sample.length;

  it('is reproducible with a seeded random source', () => {
    const a = bootstrapConfidenceInterval(values, mean, { random: seededRandom(1) });
    const b = bootstrapConfidenceInterval(values, mean, { random: seededRandom(1) });
    const c = bootstrapConfidenceInterval(values, mean, { random: seededRandom(2) });
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('brackets the sample mean, with roughly the normal-theory width', () => {
    const [low, high] = bootstrapConfidenceInterval(values, mean, {
      random: seededRandom(3),
      resamples: 2000,
    });
    const m = values.reduce((s, x) => s + x, 0) / values.length;
    const sd = Math.sqrt(values.reduce((s, x) => s + (x - m) ** 2, 0) / (values.length - 1));
    const halfWidth = (1.96 * sd) / Math.sqrt(values.length);
    expect(low).toBeLessThan(m);
    expect(high).toBeGreaterThan(m);
    expect((high - low) / 2).toBeGreaterThan(halfWidth * 0.8);
    expect((high - low) / 2).toBeLessThan(halfWidth * 1.2);
  });

  it('narrows as the level drops', () => {
    const wide = bootstrapConfidenceInterval(values, mean, {
      random: seededRandom(4),
      level: 0.99,
    });
    const narrow = bootstrapConfidenceInterval(values, mean, {
      random: seededRandom(4),
      level: 0.5,
    });
    expect(narrow[1] - narrow[0]).toBeLessThan(wide[1] - wide[0]);
  });

  it('collapses on constant data', () => {
    expect(bootstrapConfidenceInterval([7, 7, 7], mean, { random: seededRandom(5) })).toEqual([
      7, 7,
    ]);
  });

  it('draws n indexes per resample from the injected source', () => {
    let calls = 0;
    const random = seededRandom(6);
    bootstrapConfidenceInterval([1, 2, 3], mean, {
      random: () => {
        calls++;
        return random();
      },
      resamples: 10,
    });
    expect(calls).toBe(30);
  });

  it('validates options, random values and statistic results', () => {
    const random = seededRandom(7);
    expect(codeOf(() => bootstrapConfidenceInterval([], mean, { random }))).toBe(
      'RELIABILITY.EMPTY_INPUT',
    );
    expect(codeOf(() => bootstrapConfidenceInterval([1], mean, { random, resamples: 0 }))).toBe(
      'RELIABILITY.INVALID_ARGUMENT',
    );
    expect(codeOf(() => bootstrapConfidenceInterval([1], mean, { random, level: 1 }))).toBe(
      'RELIABILITY.INVALID_ARGUMENT',
    );
    expect(codeOf(() => bootstrapConfidenceInterval([1], () => Number.NaN, { random }))).toBe(
      'RELIABILITY.INVALID_ARGUMENT',
    );
    expect(codeOf(() => bootstrapConfidenceInterval([1], mean, { random: () => 1 }))).toBe(
      'RELIABILITY.INVALID_RANDOM',
    );
    expect(
      codeOf(() =>
        bootstrapConfidenceInterval([1], mean, { random: undefined as unknown as () => number }),
      ),
    ).toBe('RELIABILITY.INVALID_ARGUMENT');
  });

  it('orders its bounds', () => {
    fc.assert(
      fc.property(fc.array(finite, { minLength: 1, maxLength: 30 }), fc.integer(), (xs, seed) => {
        const [low, high] = bootstrapConfidenceInterval(xs, (s) => quantile(s, 0.3), {
          random: seededRandom(seed),
          resamples: 50,
        });
        expect(low).toBeLessThanOrEqual(high);
      }),
      { numRuns: 50 },
    );
  });
});
