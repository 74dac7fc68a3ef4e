import fc from 'fast-check';
import { DriftError, kolmogorovSurvival, KS_EXACT_LIMIT, ksTwoSample } from './index';
import { codeOf } from './__fixtures__/errors';
import { gaussian } from './__fixtures__/streams';

function binomial(n: number, k: number): number {
  if (k < 0 || k > n) return 0;
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * Reference p-value by brute force: enumerate every way to label the pooled sample (bit masks),
 * compute the statistic of each labelling at tie-block ends, count those ≥ the observed one.
 */
function permutationPValue(
  a: readonly number[],
  b: readonly number[],
  alternative: 'two-sided' | 'less' | 'greater',
): number {
  const pooled = [...a.map((v) => ({ v, fromA: true })), ...b.map((v) => ({ v, fromA: false }))];
  pooled.sort((x, y) => x.v - y.v);
  const n = pooled.length;
  const n1 = a.length;
  const n2 = b.length;
  const blockEnd = pooled.map((p, k) => k === n - 1 || pooled[k + 1].v !== p.v);
  const statisticOf = (isA: (k: number) => boolean): number => {
    let i = 0;
    let best = 0;
    for (let k = 0; k < n; k++) {
      if (isA(k)) i++;
      if (!blockEnd[k]) continue;
      const gap = i * n2 - (k + 1 - i) * n1;
      const value =
        alternative === 'two-sided' ? Math.abs(gap) : alternative === 'greater' ? gap : -gap;
      best = Math.max(best, value);
    }
    return best;
  };
  const observed = statisticOf((k) => pooled[k].fromA);
  let hits = 0;
  let total = 0;
  for (let mask = 0; mask < 1 << n; mask++) {
    let bits = 0;
    for (let k = 0; k < n; k++) if (mask & (1 << k)) bits++;
    if (bits !== n1) continue;
    total++;
    if (statisticOf((k) => (mask & (1 << k)) !== 0) >= observed) hits++;
  }
  return hits / total;
}

/** Pooled order a…a (k), then (b a)×(n−k), then b…b (k): two samples of n with D = k/n, no ties. */
function samplesWithGap(n: number, k: number): { a: number[]; b: number[] } {
  const labels = [
    ...Array<boolean>(k).fill(true),
    ...Array.from({ length: 2 * (n - k) }, (_, i) => i % 2 === 1),
    ...Array<boolean>(k).fill(false),
  ];
  const a: number[] = [];
  const b: number[] = [];
  labels.forEach((isA, position) => (isA ? a : b).push(position));
  return { a, b };
}

describe('ksTwoSample: reference values', () => {
  it('separated samples [1..5] vs [6..10]: D = 1, exact p = 2 / C(10,5) = 0.007937', () => {
    // Source: only 2 of the C(10,5) = 252 labellings put all of one sample below the other.
    const r = ksTwoSample([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(r.statistic).toBe(1);
    expect(r.method).toBe('exact');
    expect(r.pValue).toBeCloseTo(2 / 252, 15);
    expect(r.pValue).toBeCloseTo(0.007937, 6);
    expect(r.location).toBe(5);
    expect([r.n1, r.n2]).toEqual([5, 5]);
  });

  it('one-sided separated samples: p = 1 / C(10,5) for the side that happened, 1 for the other', () => {
    expect(
      ksTwoSample([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], { alternative: 'greater' }),
    ).toMatchObject({ statistic: 1, pValue: 1 / 252 });
    expect(ksTwoSample([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], { alternative: 'less' })).toMatchObject({
      statistic: 0,
      pValue: 1,
    });
  });

  it.each([3, 5, 8, 20])(
    'equal sizes n = %i: exact p matches the Gnedenko–Korolyuk formula for every D = k/n',
    (n) => {
      // Source: Gnedenko & Korolyuk (1951): P(D ≥ k/n) = 2 Σ_{i≥1} (−1)^{i+1} C(2n, n − ik) / C(2n, n).
      for (let k = 1; k <= n; k++) {
        let sum = 0;
        for (let i = 1; n - i * k >= 0; i++)
          sum += (i % 2 === 1 ? 1 : -1) * binomial(2 * n, n - i * k);
        const expected = (2 * sum) / binomial(2 * n, n);
        const { a, b } = samplesWithGap(n, k);
        const r = ksTwoSample(a, b);
        expect(r.statistic).toBeCloseTo(k / n, 15);
        expect(r.pValue).toBeCloseTo(expected, 12);
      }
    },
  );

  it('equal sizes, one-sided: p = C(2n, n − k) / C(2n, n) (reflection principle)', () => {
    const n = 12;
    for (let k = 1; k <= n; k++) {
      const { a, b } = samplesWithGap(n, k);
      const r = ksTwoSample(a, b, { alternative: 'greater' });
      expect(r.statistic).toBeCloseTo(k / n, 15);
      expect(r.pValue).toBeCloseTo(binomial(2 * n, n - k) / binomial(2 * n, n), 12);
    }
  });

  it('identical samples: D = 0 and p = 1 under every method', () => {
    for (const method of ['exact', 'asymptotic'] as const) {
      const r = ksTwoSample([1, 2, 2, 3], [3, 2, 1, 2], { method });
      expect(r).toMatchObject({ statistic: 0, pValue: 1, method });
    }
  });

  it('ties are counted on both sides at once (right-continuous ECDFs, like scipy)', () => {
    // F(1) = 2/3 for [1,1,2], G(1) = 1/3 for [1,3,3]; F(2) = 1, G(2) = 1/3 → D = 2/3.
    const r = ksTwoSample([1, 1, 2], [1, 3, 3]);
    expect(r.statistic).toBeCloseTo(2 / 3, 15);
    expect(r.location).toBe(2);
    // Permutation count by hand: C(6,3) = 20 labellings of the pooled {1,1,1,2,3,3}.
    expect(r.pValue).toBeCloseTo(permutationPValue([1, 1, 2], [1, 3, 3], 'two-sided'), 15);
  });

  it('a sample with all values tied to the other gives D = 0 and p = 1', () => {
    expect(ksTwoSample([7, 7, 7], [7, 7])).toMatchObject({ statistic: 0, pValue: 1 });
  });

  it('the exact p-value with ties equals the brute-force permutation p-value (property)', () => {
    const small = fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 6 });
    fc.assert(
      fc.property(
        small,
        small,
        fc.constantFrom('two-sided', 'less', 'greater'),
        (a, b, alternative) => {
          const r = ksTwoSample(a, b, { alternative, method: 'exact' });
          expect(r.pValue).toBeCloseTo(permutationPValue(a, b, alternative), 12);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('keeps tiny exact p-values at full relative precision', () => {
    const a = Array.from({ length: 60 }, (_, i) => i);
    const b = Array.from({ length: 60 }, (_, i) => 100 + i);
    const r = ksTwoSample(a, b);
    const expected = 2 / binomial(120, 60);
    expect(r.method).toBe('exact');
    expect(Math.abs(r.pValue - expected) / expected).toBeLessThan(1e-9);
  });
});

describe('ksTwoSample: asymptotic p-value', () => {
  it('two-sided uses Q_KS with Stephens’ effective-n correction', () => {
    const a = gaussian(1, 300);
    const b = gaussian(2, 200, 0.2);
    const r = ksTwoSample(a, b);
    expect(r.method).toBe('asymptotic');
    const ne = (300 * 200) / 500;
    const lambda = (Math.sqrt(ne) + 0.12 + 0.11 / Math.sqrt(ne)) * r.statistic;
    expect(r.pValue).toBeCloseTo(kolmogorovSurvival(lambda), 15);
  });

  it('is close to the exact p-value for moderate samples (n = m = 100)', () => {
    const a = gaussian(3, 100);
    const b = gaussian(4, 100, 0.3);
    const exact = ksTwoSample(a, b, { method: 'exact' });
    const asymptotic = ksTwoSample(a, b, { method: 'asymptotic' });
    expect(exact.statistic).toBe(asymptotic.statistic);
    // Observed: exact 0.1112 vs asymptotic 0.0994; the limit law ignores the lattice of D.
    expect(Math.abs(exact.pValue - asymptotic.pValue)).toBeLessThan(0.2 * exact.pValue);
  });

  it('one-sided uses Hodges’ approximation with m the larger sample', () => {
    const a = gaussian(5, 150);
    const b = gaussian(6, 120, -0.3);
    const r = ksTwoSample(a, b, { alternative: 'greater', method: 'asymptotic' });
    const [m, n] = [150, 120];
    const z = Math.sqrt((m * n) / (m + n)) * r.statistic;
    const expected = Math.exp(-2 * z * z - (2 * z * (m + 2 * n)) / Math.sqrt(m * n * (m + n)) / 3);
    expect(r.pValue).toBeCloseTo(expected, 15);
  });

  it("'auto' is exact up to n·m = exactLimit and asymptotic above", () => {
    expect(KS_EXACT_LIMIT).toBe(10_000);
    expect(ksTwoSample(gaussian(1, 100), gaussian(2, 100)).method).toBe('exact');
    expect(ksTwoSample(gaussian(1, 100), gaussian(2, 101)).method).toBe('asymptotic');
    expect(ksTwoSample(gaussian(1, 10), gaussian(2, 10), { exactLimit: 99 }).method).toBe(
      'asymptotic',
    );
    expect(ksTwoSample(gaussian(1, 200), gaussian(2, 200), { method: 'exact' }).method).toBe(
      'exact',
    );
  });
});

describe('kolmogorovSurvival', () => {
  it.each([
    // Source: the classic critical values of the Kolmogorov distribution (Smirnov 1948 tables).
    [1.2238, 0.1],
    [1.3581, 0.05],
    [1.6276, 0.01],
    // Source: P(K ≤ 1) = 0.7300 and P(K ≤ 0.5) = 0.0361 (Marsaglia, Tsang & Wang 2003, table).
    [1.0, 0.27],
    [0.5, 0.9639],
  ])('Q_KS(%f) ≈ %f', (lambda, expected) => {
    expect(kolmogorovSurvival(lambda)).toBeCloseTo(expected, 4);
  });

  it('is 1 at and below 0 and vanishes for large λ', () => {
    expect(kolmogorovSurvival(0)).toBe(1);
    expect(kolmogorovSurvival(-3)).toBe(1);
    expect(kolmogorovSurvival(0.05)).toBe(1);
    expect(kolmogorovSurvival(10)).toBeLessThan(1e-80);
    expect(kolmogorovSurvival(40)).toBe(0);
  });

  it('is continuous across the switch between its two series at λ = 1.18', () => {
    expect(Math.abs(kolmogorovSurvival(1.18 - 1e-9) - kolmogorovSurvival(1.18))).toBeLessThan(1e-8);
  });

  it('is non-increasing and within [0, 1] (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (x, d) => {
          const q = kolmogorovSurvival(x);
          expect(q).toBeGreaterThanOrEqual(0);
          expect(q).toBeLessThanOrEqual(1);
          expect(kolmogorovSurvival(x + d)).toBeLessThanOrEqual(q + 1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('rejects NaN', () => {
    expect(() => kolmogorovSurvival(Number.NaN)).toThrow(DriftError);
  });
});

describe('ksTwoSample: invariants (property)', () => {
  const sample = fc.array(fc.double({ min: -100, max: 100, noNaN: true }), {
    minLength: 1,
    maxLength: 40,
  });

  it('D ∈ [0, 1], p ∈ [0, 1], symmetric in a and b (two-sided)', () => {
    fc.assert(
      fc.property(
        sample,
        sample,
        fc.constantFrom('auto', 'exact', 'asymptotic'),
        (a, b, method) => {
          const ab = ksTwoSample(a, b, { method });
          const ba = ksTwoSample(b, a, { method });
          expect(ab.statistic).toBeGreaterThanOrEqual(0);
          expect(ab.statistic).toBeLessThanOrEqual(1);
          expect(ab.pValue).toBeGreaterThanOrEqual(0);
          expect(ab.pValue).toBeLessThanOrEqual(1);
          expect(ba.statistic).toBe(ab.statistic);
          expect(ba.pValue).toBeCloseTo(ab.pValue, 12);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("'greater' of (a, b) equals 'less' of (b, a)", () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const g = ksTwoSample(a, b, { alternative: 'greater' });
        const l = ksTwoSample(b, a, { alternative: 'less' });
        expect(l.statistic).toBe(g.statistic);
        expect(l.pValue).toBeCloseTo(g.pValue, 12);
      }),
      { numRuns: 100 },
    );
  });

  it('D = 0 and p = 1 for a sample against a shuffled copy of itself', () => {
    fc.assert(
      fc.property(sample, (a) => {
        const r = ksTwoSample(a, [...a].reverse());
        expect(r.statistic).toBe(0);
        expect(r.pValue).toBe(1);
      }),
      { numRuns: 50 },
    );
  });

  it('two-sided D is the larger of the one-sided statistics', () => {
    fc.assert(
      fc.property(sample, sample, (a, b) => {
        const two = ksTwoSample(a, b).statistic;
        const greater = ksTwoSample(a, b, { alternative: 'greater' }).statistic;
        const less = ksTwoSample(a, b, { alternative: 'less' }).statistic;
        expect(two).toBe(Math.max(greater, less));
      }),
      { numRuns: 100 },
    );
  });
});

describe('ksTwoSample: validation', () => {
  it.each([
    [[], [1], 'DRIFT.EMPTY_SAMPLE'],
    [[1], [], 'DRIFT.EMPTY_SAMPLE'],
    [[1, Number.NaN], [1], 'DRIFT.INVALID_VALUE'],
    [[1], [Number.POSITIVE_INFINITY], 'DRIFT.INVALID_VALUE'],
  ])('ksTwoSample(%j, %j) throws %s', (a, b, code) => {
    expect(codeOf(() => ksTwoSample(a, b))).toBe(code);
  });

  it('names the offending index and the package in the message', () => {
    expect(() => ksTwoSample([1, Number.NaN], [2])).toThrow(
      '@slo-engine/drift: ksTwoSample: a[1] must be a finite number, got NaN',
    );
  });

  it('rejects a non-array sample', () => {
    expect(codeOf(() => ksTwoSample(null as unknown as number[], [1]))).toBe('DRIFT.INVALID_VALUE');
  });

  it.each([
    [{ alternative: 'two_sided' }],
    [{ method: 'asymp' }],
    [{ exactLimit: -1 }],
    [{ exactLimit: 1.5 }],
  ])('rejects option %j', (options) => {
    expect(codeOf(() => ksTwoSample([1], [2], options as never))).toBe('DRIFT.INVALID_OPTION');
  });

  it('does not reorder the caller’s arrays', () => {
    const a = [3, 1, 2];
    ksTwoSample(a, [0]);
    expect(a).toEqual([3, 1, 2]);
  });
});
