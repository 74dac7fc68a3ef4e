import fc from 'fast-check';
import {
  EVALUATE_ADWIN_DEFAULTS,
  EVALUATE_PAGE_HINKLEY_DEFAULTS,
  evaluateDrift,
  ksTwoSample,
} from './index';
import { codeOf } from './__fixtures__/errors';
import { gaussian, gradualDrift } from './__fixtures__/streams';

/** A week of hourly availability ratios around 0.999 (noise σ = 0.0003). */
const week = gaussian(100, 168, 0.999, 0.0003);

describe('evaluateDrift', () => {
  it('defaults: 2 of 3, KS at alpha 0.005, ADWIN checking every sample, PH in baseline σ units', () => {
    expect(EVALUATE_ADWIN_DEFAULTS).toEqual({
      delta: 0.002,
      clock: 1,
      maxBuckets: 5,
      minWindowLength: 5,
      gracePeriod: 10,
    });
    expect(EVALUATE_PAGE_HINKLEY_DEFAULTS).toMatchObject({ delta: 0.5, threshold: 10 });
    const result = evaluateDrift(week, gaussian(101, 60, 0.999, 0.0003));
    expect(result.required).toBe(2);
    expect(result.ks.alpha).toBe(0.005);
  });

  it('no drift: recent data from the baseline distribution is not confirmed', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const result = evaluateDrift(week, gaussian(seed, 60, 0.999, 0.0003));
      expect(result.confirmed).toBe(false);
      expect(result.voteCount).toBeLessThan(2);
      expect(result.reasons).toHaveLength(3);
    }
  });

  it('abrupt availability drop in the last hour of minute data: all three detectors agree', () => {
    const recent = gaussian(7, 60, 0.995, 0.0003);
    const result = evaluateDrift(week, recent);
    expect(result.confirmed).toBe(true);
    expect(result.votes).toEqual({ pageHinkley: true, adwin: true, ks: true });
    expect(result.pageHinkley.direction).toBe('down');
    expect(result.pageHinkley.firstDetection).toBeLessThan(5);
    expect(result.pageHinkley.statistic).toBeGreaterThan(result.pageHinkley.threshold);
    expect(result.adwin.firstDetection).not.toBeNull();
    expect(result.adwin.cut!.olderMean).toBeCloseTo(0.999, 3);
    // The first significant cut may still hold a few baseline values in its newer part.
    expect(result.adwin.cut!.newerMean).toBeLessThan(result.adwin.cut!.olderMean - 0.0005);
    expect(Math.abs(result.adwin.cut!.newerMean - result.adwin.cut!.olderMean)).toBeGreaterThan(
      result.adwin.cut!.epsilon,
    );
    expect(result.ks.statistic).toBe(1);
    expect(result.ks.method).toBe('asymptotic');
    expect(result.reasons[0]).toMatch(/^Page-Hinkley: mean decrease at recent\[\d+\]/);
    expect(result.reasons[1]).toMatch(/^ADWIN: window cut at recent\[\d+\]/);
    expect(result.reasons[2]).toMatch(/^KS: D = 1, p = .* ≤ alpha 0.005$/);
  });

  it('four 15-minute points far below the baseline are confirmed, KS exact', () => {
    const recent = [0.995, 0.996, 0.994, 0.995];
    const result = evaluateDrift(week, recent);
    expect(result.confirmed).toBe(true);
    expect(result.votes.pageHinkley).toBe(true);
    expect(result.votes.ks).toBe(true);
    // All 4 recent values lie below all 168 baseline values: exact p = 2 / C(172, 4).
    expect(result.ks.method).toBe('exact');
    expect(Math.abs(result.ks.pValue / (2 / 35_208_615) - 1)).toBeLessThan(1e-9);
    expect(result.ks.pValue).toBe(ksTwoSample(week, recent).pValue);
  });

  it('a modest shift over only four points is not confirmed (too little evidence)', () => {
    const result = evaluateDrift(week, [0.9987, 0.9986, 0.9988, 0.9987]);
    expect(result.confirmed).toBe(false);
  });

  it('latency increase: the same thresholds work in milliseconds thanks to standardisation', () => {
    const baseline = gaussian(5, 168, 180, 15);
    const result = evaluateDrift(baseline, gaussian(6, 60, 230, 15));
    expect(result.confirmed).toBe(true);
    expect(result.pageHinkley.direction).toBe('up');
    expect(result.standardization!.center).toBeCloseTo(180, -1);
    expect(result.standardization!.scale).toBeCloseTo(15, -1);
  });

  it('gradual drift within the recent hour: detected after it starts', () => {
    const stream = gradualDrift(9, 228, 178, 228, 0, 3);
    const result = evaluateDrift(stream.slice(0, 168), stream.slice(168));
    expect(result.confirmed).toBe(true);
    expect(result.adwin.firstDetection).toBeGreaterThan(10);
    expect(result.pageHinkley.firstDetection).toBeGreaterThan(10);
  });

  it('votes are invariant under a positive affine change of unit when minScale does not bind (property)', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.double({ min: -2, max: 2, noNaN: true }),
        fc.double({ min: 0.01, max: 1000, noNaN: true }),
        fc.double({ min: -1000, max: 1000, noNaN: true }),
        (seed, shift, factor, offset) => {
          const baseline = gaussian(seed, 168);
          const recent = gaussian(seed + 1, 30, shift);
          // The scale floor is relative to |mean|, so an offset could make it bind: keep it out.
          const options = { minScale: 1e-300 };
          const unit = evaluateDrift(baseline, recent, options);
          const scaled = evaluateDrift(
            baseline.map((x) => x * factor + offset),
            recent.map((x) => x * factor + offset),
            options,
          );
          expect(scaled.votes).toEqual(unit.votes);
          expect(scaled.ks.pValue).toBeCloseTo(unit.ks.pValue, 12);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('a flat baseline falls back to minScale instead of dividing by zero', () => {
    const flat = Array<number>(168).fill(1);
    const tiny = evaluateDrift(flat, Array<number>(60).fill(0.99996));
    expect(tiny.standardization).toEqual({ center: 1, scale: 0.0001 });
    expect(tiny.votes.pageHinkley).toBe(false);
    const real = evaluateDrift(flat, Array<number>(60).fill(0.995));
    expect(real.confirmed).toBe(true);
    expect(
      evaluateDrift(flat, Array<number>(60).fill(0.99996), { minScale: 1e-6 }).votes.pageHinkley,
    ).toBe(true);
  });

  it('scale overrides the baseline σ; standardize: false feeds raw values', () => {
    expect(evaluateDrift(week, week.slice(0, 10), { scale: 0.01 }).standardization!.scale).toBe(
      0.01,
    );
    const raw = evaluateDrift(week, gaussian(7, 60, 0.995, 0.0003), { standardize: false });
    expect(raw.standardization).toBeNull();
    // On raw ratios the standardized thresholds (0.5, 10) are far too coarse: PH stays silent.
    expect(raw.votes.pageHinkley).toBe(false);
    expect(raw.votes.ks).toBe(true);
  });

  it('detector options, alpha and required are honoured', () => {
    const recent = gaussian(8, 60, 0.9985, 0.0003);
    const strict = evaluateDrift(week, recent, { alpha: 1e-300, required: 3 });
    expect(strict.votes.ks).toBe(false);
    expect(strict.confirmed).toBe(false);
    const loose = evaluateDrift(week, recent, { pageHinkley: { threshold: 1e9 }, required: 1 });
    expect(loose.votes.pageHinkley).toBe(false);
    expect(loose.pageHinkley.threshold).toBe(1e9);
    expect(evaluateDrift(week, recent, { ks: { method: 'exact' } }).ks.method).toBe('exact');
  });

  it('counts detections while warming up on a restless baseline separately', () => {
    const baseline = [...gaussian(1, 84, 0), ...gaussian(2, 84, 5)];
    const result = evaluateDrift(baseline, gaussian(3, 20, 5));
    expect(result.adwin.baselineDetections).toBeGreaterThan(0);
    expect(result.pageHinkley.baselineDetections).toBeGreaterThan(0);
  });

  it.each([
    [[], [1], 'DRIFT.EMPTY_SAMPLE'],
    [[1], [], 'DRIFT.EMPTY_SAMPLE'],
    [[1, Number.NaN], [1], 'DRIFT.INVALID_VALUE'],
    [[1], [Number.NEGATIVE_INFINITY], 'DRIFT.INVALID_VALUE'],
  ])('evaluateDrift(%j, %j) throws %s', (baseline, recent, code) => {
    expect(codeOf(() => evaluateDrift(baseline, recent))).toBe(code);
  });

  it('rejects a scale so small that z-scores overflow', () => {
    expect(
      codeOf(() =>
        evaluateDrift([0, 1e10], [5], { scale: Number.MIN_VALUE, minScale: Number.MIN_VALUE }),
      ),
    ).toBe('DRIFT.INVALID_OPTION');
  });

  it.each([
    [{ required: 0 }],
    [{ alpha: 0 }],
    [{ standardize: 'yes' }],
    [{ scale: -1 }],
    [{ minScale: 0 }],
    [{ pageHinkley: { mode: 'sideways' } }],
    [{ adwin: { delta: 2 } }],
    [{ ks: { alternative: 'both' } }],
    [{ ks: { method: 'approx' } }],
  ])('rejects option %j with DRIFT.INVALID_OPTION', (options) => {
    expect(codeOf(() => evaluateDrift([1, 2, 3], [4, 5], options as never))).toBe(
      'DRIFT.INVALID_OPTION',
    );
  });
});
