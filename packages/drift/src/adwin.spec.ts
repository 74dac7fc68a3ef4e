import fc from 'fast-check';
import { Adwin, ADWIN_DEFAULTS, detect, DriftError, seededRandom } from './index';
import { codeOf } from './__fixtures__/errors';
import { abruptShift, gaussian, gradualDrift, segments } from './__fixtures__/streams';

function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  const mean = values.reduce((s, x) => s + x, 0) / values.length;
  const variance = values.reduce((s, x) => s + (x - mean) ** 2, 0) / values.length;
  return { mean, variance };
}

describe('Adwin', () => {
  it("has river's defaults", () => {
    expect(new Adwin().options).toEqual({
      delta: 0.002,
      clock: 32,
      maxBuckets: 5,
      minWindowLength: 5,
      gracePeriod: 10,
    });
    expect(ADWIN_DEFAULTS).toEqual(new Adwin().options);
  });

  it('starts empty', () => {
    expect(new Adwin()).toMatchObject({
      width: 0,
      estimation: 0,
      variance: 0,
      total: 0,
      detections: 0,
      driftDetected: false,
      lastCut: null,
    });
  });

  it('the window is a suffix of the stream: its mean and variance match the last `width` values (property)', () => {
    const parts = fc.array(
      fc.record({
        mean: fc.integer({ min: -3, max: 3 }),
        length: fc.integer({ min: 1, max: 300 }),
      }),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(parts, fc.nat(), (p, seed) => {
        const stream = segments(seed, p);
        const adwin = new Adwin({ clock: 8 });
        detect(adwin, stream);
        const window = stream.slice(stream.length - adwin.width);
        const { mean, variance } = meanAndVariance(window);
        expect(adwin.width).toBeGreaterThan(0);
        expect(adwin.estimation).toBeCloseTo(mean, 9);
        expect(adwin.variance).toBeCloseTo(variance, 7);
      }),
      { numRuns: 40 },
    );
  });

  it('with one sample per bucket it is exactly ADWIN0: every cut of a plain window (property)', () => {
    // Reference: the window as a plain array; at each check test every split (older | newer) with
    // river's ε_cut and drop the oldest sample while some split is significant.
    function reference(stream: readonly number[], minLen: number, delta: number): number[] {
      const window: number[] = [];
      const detections: number[] = [];
      stream.forEach((x, index) => {
        window.push(x);
        let changed = false;
        for (;;) {
          const w = window.length;
          if (w <= 10 || w < 2 * minLen) break;
          const mean = window.reduce((s, v) => s + v, 0) / w;
          const variance = window.reduce((s, v) => s + (v - mean) ** 2, 0) / w;
          const deltaPrime = Math.log((2 * Math.log(w)) / delta);
          let found = false;
          let older = 0;
          for (let n0 = 1; n0 < w && !found; n0++) {
            older += window[n0 - 1];
            const n1 = w - n0;
            if (n0 < minLen || n1 < minLen) continue;
            const m = 1 / (n0 - minLen + 1) + 1 / (n1 - minLen + 1);
            const eps = Math.sqrt(2 * m * variance * deltaPrime) + (2 / 3) * deltaPrime * m;
            found = Math.abs(older / n0 - (mean * w - older) / n1) > eps;
          }
          if (!found) break;
          changed = true;
          window.shift();
        }
        if (changed) detections.push(index);
      });
      return detections;
    }
    const parts = fc.array(
      fc.record({ mean: fc.integer({ min: -2, max: 2 }), length: fc.integer({ min: 1, max: 60 }) }),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(parts, fc.nat(), fc.constantFrom(1, 5), (p, seed, minWindowLength) => {
        const stream = segments(seed, p, 0.5);
        const adwin = new Adwin({ clock: 1, maxBuckets: 1000, minWindowLength });
        expect(detect(adwin, stream)).toEqual(reference(stream, minWindowLength, 0.002));
      }),
      { numRuns: 40 },
    );
  });

  it('memory is O(log W): at most maxBuckets buckets per power of two', () => {
    const adwin = new Adwin();
    const random = seededRandom(5);
    for (let i = 0; i < 100_000; i++) adwin.update(random());
    expect(adwin.width).toBe(100_000);
    expect(adwin.bucketCount).toBeLessThanOrEqual(5 * (Math.floor(Math.log2(100_000)) + 1));
    expect(adwin.estimation).toBeCloseTo(0.5, 2);
    expect(adwin.variance).toBeCloseTo(1 / 12, 2);
  });

  it("river's docstring stream (0/1 then 4..7) is detected at the first check after the change", () => {
    // river: "Change detected at index 1023"; with clock 32 index 1023 is the 32nd check.
    const random = seededRandom(12345);
    const stream = [
      ...Array.from({ length: 1000 }, () => Math.floor(random() * 2)),
      ...Array.from({ length: 1000 }, () => 4 + Math.floor(random() * 4)),
    ];
    expect(detect(new Adwin(), stream)[0]).toBe(1023);
  });

  it('looks for cuts only every `clock` updates and only beyond the grace period', () => {
    const stream = [...Array<number>(20).fill(0), ...Array<number>(20).fill(10)];
    // With 20 zeros then tens, the cut first becomes significant at index 30 (see the reference test).
    expect(detect(new Adwin({ clock: 1 }), stream)[0]).toBe(30);
    expect(detect(new Adwin({ clock: 32 }), stream)).toEqual([31]);
    expect(detect(new Adwin({ clock: 1, gracePeriod: 35 }), stream)[0]).toBe(35);
  });

  it('abrupt shift: detected within two clock periods and the window drops the old concept', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const stream = abruptShift(seed, 2000, 1000, 0, 2);
      const adwin = new Adwin();
      const detections = detect(adwin, stream.slice(0, 1100));
      expect(detections.filter((i) => i < 1000)).toEqual([]);
      expect(detections[0] - 1000).toBeLessThan(64);
      const cut = adwin.lastCut!;
      expect(cut.olderMean).toBeLessThan(cut.newerMean);
      expect(Math.abs(cut.olderMean - cut.newerMean)).toBeGreaterThan(cut.epsilon);
      expect(cut.widthBefore - cut.dropped).toBeLessThanOrEqual(cut.widthBefore);
      detect(adwin, stream.slice(1100));
      // After adapting, the window holds (nearly) only the new concept.
      expect(adwin.width).toBeLessThanOrEqual(1100);
      expect(adwin.estimation).toBeCloseTo(2, 0);
    }
  });

  it('the detection explains itself: widths and means of the first significant cut', () => {
    const stream = [...Array<number>(64).fill(0), ...Array<number>(64).fill(1)];
    const adwin = new Adwin({ clock: 1 });
    const first = detect(adwin, stream, { stopAtFirst: true })[0];
    expect(first).toBeGreaterThan(64);
    const cut = adwin.lastCut!;
    expect(cut.widthBefore).toBe(first + 1);
    expect(cut.olderWidth + cut.newerWidth).toBe(cut.widthBefore);
    expect(cut.olderMean).toBe(0);
    expect(cut.dropped).toBeGreaterThan(0);
    expect(adwin.width).toBe(cut.widthBefore - cut.dropped);
  });

  it('gradual drift: detected after the ramp starts', () => {
    for (const seed of [1, 2, 3]) {
      const stream = gradualDrift(seed, 3000, 1000, 2000, 0, 2);
      const first = detect(new Adwin(), stream, { stopAtFirst: true })[0];
      expect(first).toBeGreaterThan(1000);
      expect(first).toBeLessThan(2100);
    }
  });

  it('stationary noise: no detection in 5,000 samples', () => {
    for (const seed of [31, 32, 33, 34, 35]) {
      expect(detect(new Adwin(), gaussian(seed, 5000))).toEqual([]);
    }
  });

  it('constant input never drifts and has zero variance', () => {
    const adwin = new Adwin({ clock: 1 });
    expect(detect(adwin, Array<number>(500).fill(0.999))).toEqual([]);
    expect(adwin.width).toBe(500);
    expect(adwin.variance).toBeCloseTo(0, 12);
  });

  it('keeps counting detections and reset() clears everything', () => {
    const adwin = new Adwin({ clock: 1 });
    detect(adwin, [...Array<number>(100).fill(0), ...Array<number>(100).fill(5)]);
    expect(adwin.detections).toBeGreaterThan(0);
    adwin.reset();
    expect(adwin).toMatchObject({ width: 0, detections: 0, lastCut: null, bucketCount: 0 });
    expect(detect(adwin, [1, 2, 3])).toEqual([]);
    expect(adwin.width).toBe(3);
  });

  it('snapshot → JSON → restore, then the rest, equals feeding the stream in one go (property)', () => {
    const parts = fc.array(
      fc.record({
        mean: fc.integer({ min: -3, max: 3 }),
        length: fc.integer({ min: 1, max: 200 }),
      }),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(
        parts,
        fc.nat(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.constantFrom(1, 7, 32),
        (p, seed, cut, clock) => {
          const stream = segments(seed, p);
          const split = Math.floor(cut * stream.length);
          const whole = new Adwin({ clock });
          const expected = detect(whole, stream);
          const first = new Adwin({ clock });
          const head = detect(first, stream.slice(0, split));
          const restored = Adwin.restore(JSON.parse(JSON.stringify(first)));
          const tail = detect(restored, stream.slice(split)).map((i) => i + split);
          expect([...head, ...tail]).toEqual(expected);
          expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(whole.snapshot()));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('restore() rejects malformed snapshots with DRIFT.INVALID_SNAPSHOT', () => {
    const adwin = new Adwin();
    detect(adwin, gaussian(1, 50));
    const good = adwin.snapshot();
    const bad: unknown[] = [
      'adwin',
      { ...good, kind: 'kswin' },
      { ...good, state: { ...good.state, width: good.state.width + 1 } },
      { ...good, state: { ...good.state, rows: [] } },
      { ...good, state: { ...good.state, rows: [[[1]]] } },
      { ...good, state: { ...good.state, rows: [Array(9).fill([1, 0])] } },
      { ...good, state: { ...good.state, lastCut: { widthBefore: 1 } } },
      { ...good, options: { ...good.options, clock: 0 } },
    ];
    for (const snapshot of bad) {
      expect(codeOf(() => Adwin.restore(snapshot))).toBe('DRIFT.INVALID_SNAPSHOT');
    }
  });

  it.each([
    [{ delta: 0 }],
    [{ delta: 1 }],
    [{ clock: 0 }],
    [{ maxBuckets: 1 }],
    [{ minWindowLength: 0 }],
    [{ gracePeriod: -1 }],
    ['fast'],
  ])('rejects option %j with DRIFT.INVALID_OPTION', (options) => {
    expect(codeOf(() => new Adwin(options as never))).toBe('DRIFT.INVALID_OPTION');
  });

  it('rejects NaN and infinite values without changing state', () => {
    const adwin = new Adwin();
    adwin.update(1);
    expect(() => adwin.update(Number.NaN)).toThrow(DriftError);
    expect(() => adwin.update(Number.POSITIVE_INFINITY)).toThrow(DriftError);
    expect(adwin.width).toBe(1);
  });
});
