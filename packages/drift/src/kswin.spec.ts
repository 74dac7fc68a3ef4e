import fc from 'fast-check';
import { detect, DriftError, Kswin, KSWIN_DEFAULTS, ksTwoSample, seededRandom } from './index';
import { codeOf } from './__fixtures__/errors';
import { abruptShift, gaussian, gradualDrift, segments } from './__fixtures__/streams';

describe('Kswin', () => {
  it("has river's defaults and a fixed seed", () => {
    expect(new Kswin().options).toEqual({
      alpha: 0.005,
      windowSize: 100,
      statSize: 30,
      minStatistic: 0.1,
      seed: 0,
    });
    expect(KSWIN_DEFAULTS).toEqual(new Kswin().options);
  });

  it('tests nothing until the window is full, then tests on every update', () => {
    const kswin = new Kswin();
    const stream = gaussian(1, 120);
    detect(kswin, stream.slice(0, 99));
    expect(kswin).toMatchObject({ tests: 0, statistic: null, pValue: null, windowLength: 99 });
    detect(kswin, stream.slice(99));
    expect(kswin.tests).toBe(21);
    expect(kswin.windowLength).toBe(100);
    expect(kswin.statistic).not.toBeNull();
  });

  it('the reported test is the KS test of the 30 newest values against 30 drawn from the older 70', () => {
    // Recent values are all larger than any older value, so D = 1 whatever the draw.
    const kswin = new Kswin({ alpha: 1e-12 });
    detect(kswin, [
      ...Array.from({ length: 70 }, (_, i) => i),
      ...Array.from({ length: 30 }, (_, i) => 1000 + i),
    ]);
    const expected = ksTwoSample(
      Array.from({ length: 30 }, (_, i) => i),
      Array.from({ length: 30 }, (_, i) => 1000 + i),
    );
    expect(kswin.statistic).toBe(1);
    expect(kswin.pValue).toBeCloseTo(expected.pValue, 20);
    // p = 2 / C(60, 30) ≈ 1.7e-17 ≤ alpha: a detection, and only the recent 30 stay.
    expect(kswin.driftDetected).toBe(true);
    expect(kswin.windowValues()).toEqual(Array.from({ length: 30 }, (_, i) => 1000 + i));
  });

  it('abrupt shift: detected within 30 samples of the change, window restarts from the recent 30', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const stream = abruptShift(seed, 1200, 1000, 0, 3);
      const kswin = new Kswin({ seed });
      const detections = detect(kswin, stream.slice(0, 1000));
      const first = detect(kswin, stream.slice(1000), { stopAtFirst: true })[0];
      expect(first).toBeLessThan(30);
      expect(kswin.driftDetected).toBe(true);
      expect(kswin.windowLength).toBe(30);
      expect(kswin.pValue!).toBeLessThanOrEqual(0.005);
      expect(kswin.statistic!).toBeGreaterThan(0.1);
      // Individual false alarms before the change stay rare (about one per 700 samples).
      expect(detections.length).toBeLessThanOrEqual(5);
      kswin.update(0);
      expect(kswin.driftDetected).toBe(false);
      expect(kswin.windowLength).toBe(31);
    }
  });

  it('p-values are exact: tie-free tests match Gnedenko–Korolyuk, tied ones use the tie-aware count', () => {
    // Source: Gnedenko & Korolyuk (1951), P(D ≥ k/n) for two tie-free samples of n.
    const binomial = (n: number, k: number): number => {
      let r = 1;
      for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
      return k < 0 || k > n ? 0 : r;
    };
    const noTies = (k: number): number => {
      let sum = 0;
      for (let i = 1; 30 - i * k >= 0; i++)
        sum += (i % 2 === 1 ? 1 : -1) * binomial(60, 30 - i * k);
      return (2 * sum) / binomial(60, 30);
    };
    const continuous = new Kswin({ alpha: 1e-6 });
    let checked = 0;
    for (const x of gaussian(3, 400)) {
      continuous.update(x);
      if (continuous.statistic === null || continuous.statistic === 0) continue;
      expect(continuous.pValue).toBeCloseTo(noTies(Math.round(continuous.statistic * 30)), 12);
      checked++;
    }
    expect(checked).toBe(301);
    const random = seededRandom(4);
    const tied = new Kswin({ alpha: 1e-6 });
    let differs = 0;
    for (let i = 0; i < 400; i++) {
      tied.update(Math.floor(random() * 3));
      const k = Math.round((tied.statistic ?? 0) * 30);
      if (k > 0 && Math.abs(tied.pValue! - noTies(k)) > 1e-9) differs++;
    }
    expect(differs).toBeGreaterThan(0);
  });

  it('gradual drift: first detection after the ramp starts', () => {
    for (const seed of [1, 2, 3]) {
      // KSWIN compares recent values with a window that drifts too, so it needs a steep ramp.
      const stream = gradualDrift(seed, 1000, 500, 700, 0, 4);
      const detections = detect(new Kswin({ seed, alpha: 0.001 }), stream);
      expect(detections.filter((i) => i > 500 && i < 750).length).toBeGreaterThan(0);
      expect(detections.filter((i) => i <= 500)).toEqual([]);
    }
  });

  it('stationary noise: false alarms are bounded (≈ alpha per test)', () => {
    const alarms = detect(new Kswin({ seed: 9 }), gaussian(9, 5000)).length;
    expect(alarms).toBeLessThanOrEqual(20);
  });

  it('the same seed gives the same detections; an injected random is used when given', () => {
    const stream = segments(3, [
      { mean: 0, length: 300 },
      { mean: 1, length: 300 },
      { mean: 0, length: 300 },
    ]);
    expect(detect(new Kswin({ seed: 4 }), stream)).toEqual(detect(new Kswin({ seed: 4 }), stream));
    expect(detect(new Kswin({ random: seededRandom(8) }), stream)).toEqual(
      detect(new Kswin({ random: seededRandom(8) }), stream),
    );
    let calls = 0;
    const counting = seededRandom(1);
    const kswin = new Kswin({
      random: () => {
        calls++;
        return counting();
      },
    });
    detect(kswin, gaussian(2, 101));
    expect(calls).toBe(2 * 30);
  });

  it('rejects an injected random that leaves [0, 1)', () => {
    const kswin = new Kswin({ random: () => 1 });
    detect(kswin, gaussian(1, 99));
    expect(codeOf(() => kswin.update(0))).toBe('DRIFT.INVALID_OPTION');
  });

  it('a pre-filled window avoids the cold start', () => {
    const history = gaussian(4, 150);
    const kswin = new Kswin({ window: history });
    expect(kswin.windowLength).toBe(100);
    expect(kswin.windowValues()).toEqual(history.slice(50));
    kswin.update(0);
    expect(kswin.tests).toBe(1);
  });

  it('reset() empties the window and rewinds the seeded generator', () => {
    const stream = gaussian(5, 400);
    const kswin = new Kswin({ seed: 3 });
    detect(kswin, stream);
    const statistic = kswin.statistic;
    kswin.reset();
    expect(kswin).toMatchObject({ windowLength: 0, tests: 0, detections: 0, statistic: null });
    detect(kswin, stream);
    expect(kswin.statistic).toBe(statistic);
  });

  it('snapshot → JSON → restore, then the rest, equals feeding the stream in one go (property)', () => {
    const parts = fc.array(
      fc.record({
        mean: fc.integer({ min: -3, max: 3 }),
        length: fc.integer({ min: 1, max: 150 }),
      }),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(parts, fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), (p, seed, cut) => {
        const stream = segments(seed, p);
        const split = Math.floor(cut * stream.length);
        const options = { seed, windowSize: 40, statSize: 12 };
        const whole = new Kswin(options);
        const expected = detect(whole, stream);
        const first = new Kswin(options);
        const head = detect(first, stream.slice(0, split));
        const restored = Kswin.restore(JSON.parse(JSON.stringify(first)));
        const tail = detect(restored, stream.slice(split)).map((i) => i + split);
        expect([...head, ...tail]).toEqual(expected);
        expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(whole.snapshot()));
      }),
      { numRuns: 40 },
    );
  });

  it('restoring a detector built on an injected random needs the random again', () => {
    const kswin = new Kswin({ random: seededRandom(1) });
    detect(kswin, gaussian(1, 120));
    const snapshot = JSON.parse(JSON.stringify(kswin)) as unknown;
    expect(codeOf(() => Kswin.restore(snapshot))).toBe('DRIFT.INVALID_SNAPSHOT');
    const restored = Kswin.restore(snapshot, { random: seededRandom(2) });
    expect(restored.windowValues()).toEqual(kswin.windowValues());
    expect(codeOf(() => Kswin.restore(new Kswin().snapshot(), { random: seededRandom(2) }))).toBe(
      'DRIFT.INVALID_SNAPSHOT',
    );
  });

  it('restore() rejects malformed snapshots with DRIFT.INVALID_SNAPSHOT', () => {
    const good = new Kswin().snapshot();
    const bad: unknown[] = [
      [],
      { ...good, version: 0 },
      { ...good, state: { ...good.state, window: Array(101).fill(0) } },
      { ...good, state: { ...good.state, window: [Number.NaN] } },
      { ...good, state: { ...good.state, rngState: 2 ** 33 } },
      { ...good, state: { ...good.state, tests: 'many' } },
      { ...good, options: { ...good.options, statSize: 60 } },
    ];
    for (const snapshot of bad) {
      expect(codeOf(() => Kswin.restore(snapshot))).toBe('DRIFT.INVALID_SNAPSHOT');
    }
  });

  it.each([
    [{ alpha: 0 }],
    [{ alpha: 1 }],
    [{ windowSize: 1 }],
    [{ statSize: 0 }],
    [{ windowSize: 100, statSize: 51 }],
    [{ minStatistic: 1 }],
    [{ seed: -1 }],
    [{ seed: 1.5 }],
    [{ random: 42 }],
  ])('rejects option %j with DRIFT.INVALID_OPTION', (options) => {
    expect(codeOf(() => new Kswin(options as never))).toBe('DRIFT.INVALID_OPTION');
  });

  it('rejects bad values in updates and in the initial window', () => {
    expect(() => new Kswin().update(Number.NaN)).toThrow(DriftError);
    expect(codeOf(() => new Kswin({ window: [1, Number.NaN] }))).toBe('DRIFT.INVALID_VALUE');
  });
});
