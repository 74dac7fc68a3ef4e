import fc from 'fast-check';
import {
  detect,
  DriftError,
  PAGE_HINKLEY_DEFAULTS,
  PAGE_HINKLEY_PRESETS,
  PageHinkley,
  pageHinkleyOptionsForScale,
} from './index';
import { codeOf } from './__fixtures__/errors';
import {
  abruptShift,
  firstAtOrAfter,
  gaussian,
  gradualDrift,
  segments,
} from './__fixtures__/streams';

describe('PageHinkley', () => {
  it("has river's defaults", () => {
    expect(new PageHinkley().options).toEqual({
      minInstances: 30,
      delta: 0.005,
      threshold: 50,
      alpha: 1 - 0.0001,
      mode: 'both',
    });
    expect(PAGE_HINKLEY_DEFAULTS).toEqual(new PageHinkley().options);
  });

  it('follows the recursion by hand on a tiny stream', () => {
    // minInstances 1, δ 0, α 1, λ 1.5: x = 0, 0, 3 → means 0, 0, 1 → deviations 0, 0, 2.
    // m⁺ = 0, 0, 2 with min 0 → statistic 2 > 1.5 at the third value, an increase.
    const ph = new PageHinkley({ minInstances: 1, delta: 0, alpha: 1, threshold: 1.5 });
    expect(ph.update(0)).toBe(false);
    expect(ph.update(0)).toBe(false);
    expect(ph.testIncrease).toBe(0);
    expect(ph.update(3)).toBe(true);
    expect(ph.driftDetected).toBe(true);
    expect(ph.testIncrease).toBe(2);
    expect(ph.mean).toBe(1);
    expect(ph.direction).toBe('up');
  });

  it('applies δ and the forgetting factor α', () => {
    // δ 0.5, α 0.5: x = 0, 4 → mean 0, 2 → dev 0, 2; m⁺ = −0.5, 0.5·(−0.5) + 2 − 0.5 = 1.25.
    const ph = new PageHinkley({ minInstances: 1, delta: 0.5, alpha: 0.5, threshold: 10 });
    ph.update(0);
    ph.update(4);
    expect(ph.testIncrease).toBeCloseTo(1.25 - -0.5, 15);
    // m⁻ = 0.5, 0.5·0.5 + 2 + 0.5 = 2.75; max 2.75 → decrease statistic 0.
    expect(ph.testDecrease).toBe(0);
  });

  it('detects a decrease in mode both and down, never in mode up', () => {
    const stream = abruptShift(1, 400, 200, 10, 0);
    for (const mode of ['both', 'down'] as const) {
      const ph = new PageHinkley({ mode });
      const first = detect(ph, stream, { stopAtFirst: true })[0];
      expect(first).toBeGreaterThanOrEqual(200);
      expect(ph.direction).toBe('down');
    }
    expect(detect(new PageHinkley({ mode: 'up' }), stream)).toEqual([]);
  });

  it('detects an increase in mode up, never in mode down', () => {
    const stream = abruptShift(2, 400, 200, 0, 10);
    expect(detect(new PageHinkley({ mode: 'up' }), stream)[0]).toBeGreaterThanOrEqual(200);
    expect(detect(new PageHinkley({ mode: 'down' }), stream)).toEqual([]);
  });

  it('never fires before minInstances samples', () => {
    const ph = new PageHinkley({ minInstances: 50, threshold: 1 });
    const stream = [...Array<number>(10).fill(0), ...Array<number>(60).fill(100)];
    expect(detect(ph, stream, { stopAtFirst: true })).toEqual([49]);
  });

  it('starts afresh on the update after a detection', () => {
    const ph = new PageHinkley({ minInstances: 1, delta: 0, alpha: 1, threshold: 1.5 });
    [0, 0, 3].forEach((x) => ph.update(x));
    expect(ph.sampleCount).toBe(3);
    ph.update(7);
    expect(ph.driftDetected).toBe(false);
    expect(ph.sampleCount).toBe(1);
    expect(ph.mean).toBe(7);
    expect(ph.direction).toBe('up');
  });

  it('abrupt shift of 3σ: detected within 20 samples, not before the change', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const stream = abruptShift(seed, 2000, 1000, 0, 3);
      const detections = detect(new PageHinkley(PAGE_HINKLEY_PRESETS.standardized), stream);
      expect(detections.filter((i) => i < 1000)).toEqual([]);
      expect(firstAtOrAfter(detections, 1000)! - 1000).toBeLessThan(20);
    }
  });

  it('gradual drift: detected after the ramp starts', () => {
    const stream = gradualDrift(7, 3000, 1000, 2000, 0, 3);
    const first = detect(new PageHinkley(PAGE_HINKLEY_PRESETS.standardized), stream, {
      stopAtFirst: true,
    })[0];
    expect(first).toBeGreaterThan(1000);
    expect(first).toBeLessThan(2000);
  });

  it('stationary noise: the standardized preset raises no alarm in 5,000 samples', () => {
    for (const seed of [11, 12, 13]) {
      expect(
        detect(new PageHinkley(PAGE_HINKLEY_PRESETS.standardized), gaussian(seed, 5000)),
      ).toEqual([]);
    }
  });

  it('river defaults on unit-scale noise raise a bounded number of false alarms', () => {
    // river's λ = 50 is tuned for error rates; on N(0, 1) it alarms about once per 2,000 samples.
    const alarms = detect(new PageHinkley(), gaussian(21, 5000)).length;
    expect(alarms).toBeLessThanOrEqual(6);
  });

  it('availability preset: catches 0.999 → 0.995 within 10 samples and not on steady 0.999', () => {
    const stream = abruptShift(3, 600, 300, 0.999, 0.995, 0.0005);
    const detections = detect(new PageHinkley(PAGE_HINKLEY_PRESETS.availability), stream);
    expect(detections.filter((i) => i < 300)).toEqual([]);
    expect(firstAtOrAfter(detections, 300)! - 300).toBeLessThan(10);
  });

  it('latency preset: catches 200 ms → 300 ms and ignores 20 ms noise', () => {
    const stream = abruptShift(4, 600, 300, 200, 300, 20);
    const detections = detect(new PageHinkley(PAGE_HINKLEY_PRESETS.latencyMs), stream);
    expect(detections.filter((i) => i < 300)).toEqual([]);
    expect(firstAtOrAfter(detections, 300)! - 300).toBeLessThan(10);
  });

  it('reset() forgets the stream and the last direction', () => {
    const ph = new PageHinkley({ minInstances: 1, delta: 0, alpha: 1, threshold: 1.5 });
    [0, 0, 3].forEach((x) => ph.update(x));
    ph.reset();
    expect(ph).toMatchObject({
      sampleCount: 0,
      mean: 0,
      testIncrease: 0,
      testDecrease: 0,
      driftDetected: false,
      direction: null,
    });
  });

  it('snapshot → JSON → restore, then the rest, equals feeding the stream in one go (property)', () => {
    const parts = fc.array(
      fc.record({
        mean: fc.integer({ min: -5, max: 5 }),
        length: fc.integer({ min: 1, max: 120 }),
      }),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(parts, fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), (p, seed, cut) => {
        const stream = segments(seed, p);
        const split = Math.floor(cut * stream.length);
        const options = { threshold: 8, delta: 0.3, minInstances: 10 };
        const whole = new PageHinkley(options);
        const expected = detect(whole, stream);
        const first = new PageHinkley(options);
        const head = detect(first, stream.slice(0, split));
        const restored = PageHinkley.restore(JSON.parse(JSON.stringify(first)));
        const tail = detect(restored, stream.slice(split)).map((i) => i + split);
        expect([...head, ...tail]).toEqual(expected);
        expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(whole.snapshot()));
      }),
      { numRuns: 60 },
    );
  });

  it('restore() rejects malformed snapshots with DRIFT.INVALID_SNAPSHOT', () => {
    const good = new PageHinkley().snapshot();
    const bad: unknown[] = [
      null,
      { ...good, kind: 'adwin' },
      { ...good, version: 2 },
      { ...good, state: { ...good.state, mean: 'x' } },
      { ...good, state: { ...good.state, sampleCount: -1 } },
      { ...good, state: { ...good.state, direction: 'sideways' } },
      { ...good, options: { ...good.options, threshold: -1 } },
    ];
    for (const snapshot of bad) {
      expect(codeOf(() => PageHinkley.restore(snapshot))).toBe('DRIFT.INVALID_SNAPSHOT');
    }
  });

  it.each([
    [{ minInstances: 0 }],
    [{ minInstances: 2.5 }],
    [{ delta: -1 }],
    [{ threshold: 0 }],
    [{ alpha: 0 }],
    [{ alpha: 1.1 }],
    [{ mode: 'sideways' }],
    [{ delta: Number.NaN }],
  ])('rejects option %j with DRIFT.INVALID_OPTION', (options) => {
    expect(codeOf(() => new PageHinkley(options as never))).toBe('DRIFT.INVALID_OPTION');
  });

  it('rejects NaN and infinite values', () => {
    const ph = new PageHinkley();
    expect(() => ph.update(Number.NaN)).toThrow(DriftError);
    expect(() => ph.update(Number.NEGATIVE_INFINITY)).toThrow(
      '@slo-engine/drift: PageHinkley.update: values must be finite numbers, got -Infinity',
    );
    expect(ph.sampleCount).toBe(0);
  });
});

describe('pageHinkleyOptionsForScale', () => {
  it('scales δ and λ by σ, keeping the other defaults', () => {
    expect(pageHinkleyOptionsForScale(2)).toEqual({
      ...PAGE_HINKLEY_DEFAULTS,
      delta: 1,
      threshold: 30,
    });
    expect(pageHinkleyOptionsForScale(0.01, { deltaSigmas: 1, thresholdSigmas: 5 })).toMatchObject({
      delta: 0.01,
      threshold: 0.05,
    });
  });

  it('the presets are scaled options', () => {
    expect(PAGE_HINKLEY_PRESETS.availability).toEqual(pageHinkleyOptionsForScale(0.001));
    expect(PAGE_HINKLEY_PRESETS.latencyMs).toEqual(pageHinkleyOptionsForScale(20));
    expect(PAGE_HINKLEY_PRESETS.standardized).toMatchObject({ delta: 0.5, threshold: 15 });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])('rejects σ = %p', (sigma) => {
    expect(codeOf(() => pageHinkleyOptionsForScale(sigma))).toBe('DRIFT.INVALID_OPTION');
  });

  it('detection is invariant under rescaling the data and σ together (property)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: -3, max: 3 }), (seed, exponent) => {
        const factor = 10 ** exponent;
        const stream = abruptShift(seed, 300, 150, 0, 2);
        const unit = detect(new PageHinkley(pageHinkleyOptionsForScale(1)), stream);
        const scaled = detect(
          new PageHinkley(pageHinkleyOptionsForScale(factor)),
          stream.map((x) => x * factor),
        );
        expect(scaled).toEqual(unit);
      }),
      { numRuns: 20 },
    );
  });
});
