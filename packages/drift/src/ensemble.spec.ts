import fc from 'fast-check';
import {
  DriftEnsemble,
  type DriftEnsembleOptions,
  PAGE_HINKLEY_PRESETS,
  seededRandom,
} from './index';
import { codeOf } from './__fixtures__/errors';
import {
  abruptShift,
  firstAtOrAfter,
  gaussian,
  gradualDrift,
  segments,
} from './__fixtures__/streams';

/** PH fires at the first jump; ADWIN only looks every `clock` samples; KSWIN never tests (window 1000). */
function controlled(options: DriftEnsembleOptions & { clock: number }): DriftEnsemble {
  return new DriftEnsemble({
    pageHinkley: { minInstances: 1, delta: 0, threshold: 1 },
    adwin: { clock: options.clock },
    kswin: { windowSize: 1000 },
    ...options,
  });
}
const jump = [...Array<number>(40).fill(0), ...Array<number>(40).fill(10)];

describe('DriftEnsemble', () => {
  it('defaults: 2 of 3 within 100 samples; PH on the standardized preset, ADWIN and KSWIN as river', () => {
    const ensemble = new DriftEnsemble();
    expect(ensemble.options).toEqual({ required: 2, agreementWindow: 100, center: 0, scale: 1 });
    expect(ensemble.pageHinkley.options).toEqual(PAGE_HINKLEY_PRESETS.standardized);
    expect(ensemble.adwin.options.clock).toBe(32);
    expect(ensemble.kswin.options.windowSize).toBe(100);
  });

  it('detectors that fire within agreementWindow samples of each other confirm drift', () => {
    // PH fires at 40 (the jump), ADWIN at its check at index 63: 23 samples apart.
    const ensemble = controlled({ clock: 64, agreementWindow: 24 });
    const result = ensemble.updateMany(jump);
    expect(result.detections).toEqual({ pageHinkley: [40], adwin: [63], kswin: [] });
    expect(result.confirmations).toEqual([63]);
    expect(result.confirmed).toBe(true);
  });

  it('detectors that fire further apart than agreementWindow do not confirm', () => {
    const ensemble = controlled({ clock: 64, agreementWindow: 23 });
    const result = ensemble.updateMany(jump);
    expect(result.detections).toEqual({ pageHinkley: [40], adwin: [63], kswin: [] });
    expect(result.confirmations).toEqual([]);
  });

  it('a vote stands for agreementWindow samples, then lapses', () => {
    const ensemble = controlled({ clock: 1000, agreementWindow: 5 });
    const signals = jump.slice(0, 46).map((x) => ensemble.update(x));
    expect(signals[40].fired.pageHinkley).toBe(true);
    expect(signals.slice(40, 45).every((s) => s.votes.pageHinkley && s.voteCount === 1)).toBe(true);
    expect(signals[45].votes.pageHinkley).toBe(false);
    expect(signals.every((s) => !s.confirmed)).toBe(true);
  });

  it('a confirmation consumes the votes that made it', () => {
    const ensemble = controlled({ clock: 1000, required: 1 });
    const signals = jump.map((x) => ensemble.update(x));
    expect(signals[40]).toMatchObject({
      index: 40,
      confirmed: true,
      voteCount: 1,
      votes: { pageHinkley: true, adwin: false, kswin: false },
    });
    expect(signals[41].voteCount).toBe(0);
    expect(ensemble.confirmations).toBe(1);
    expect(ensemble.explain()).toMatchObject({
      lastConfirmation: 40,
      lastDetection: { pageHinkley: null, adwin: null, kswin: null },
    });
  });

  it('abrupt shift of 2σ: confirmed within 60 samples of the change, never before', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const stream = abruptShift(seed, 2000, 1000, 0, 2);
      const result = new DriftEnsemble({ kswin: { seed } }).updateMany(stream);
      expect(result.confirmations.filter((i) => i < 1000)).toEqual([]);
      expect(firstAtOrAfter(result.confirmations, 1000)! - 1000).toBeLessThan(60);
    }
  });

  it('gradual drift: confirmed after the ramp starts', () => {
    for (const seed of [1, 2, 3]) {
      const stream = gradualDrift(seed, 3000, 1000, 2000, 0, 3);
      const result = new DriftEnsemble({ kswin: { seed } }).updateMany(stream);
      expect(result.confirmations.length).toBeGreaterThan(0);
      expect(result.confirmations[0]).toBeGreaterThan(1000);
      expect(result.confirmations[0]).toBeLessThan(2100);
    }
  });

  it('stationary noise: no confirmed drift in 5,000 samples; individual false alarms bounded', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const result = new DriftEnsemble({ kswin: { seed } }).updateMany(gaussian(seed, 5000));
      expect(result.confirmations).toEqual([]);
      expect(result.detections.pageHinkley.length).toBeLessThanOrEqual(1);
      expect(result.detections.adwin.length).toBeLessThanOrEqual(1);
      expect(result.detections.kswin.length).toBeLessThanOrEqual(20);
    }
  });

  it('center and scale standardise the input: availability data behaves like z-scores', () => {
    const z = abruptShift(3, 600, 300, 0, -3);
    const availability = z.map((x) => 0.999 + 0.0004 * x);
    const onZ = new DriftEnsemble({ kswin: { seed: 1 } }).updateMany(z);
    const onRatio = new DriftEnsemble({
      kswin: { seed: 1 },
      center: 0.999,
      scale: 0.0004,
    }).updateMany(availability);
    expect(onRatio.detections).toEqual(onZ.detections);
    expect(onRatio.confirmations).toEqual(onZ.confirmations);
    expect(onRatio.confirmed).toBe(true);
  });

  it('explain() reports the detectors’ state', () => {
    const ensemble = new DriftEnsemble();
    ensemble.updateMany(abruptShift(2, 1100, 1000, 0, 3));
    const explanation = ensemble.explain();
    expect(explanation.samplesSeen).toBe(1100);
    expect(explanation.required).toBe(2);
    expect(explanation.pageHinkley.threshold).toBe(15);
    expect(explanation.adwin.width).toBe(ensemble.adwin.width);
    expect(explanation.adwin.lastCut).not.toBeNull();
    expect(explanation.kswin.pValue).toBe(ensemble.kswin.pValue);
  });

  it('reset() starts over', () => {
    const ensemble = controlled({ clock: 1000, required: 1 });
    ensemble.updateMany(jump);
    ensemble.reset();
    expect(ensemble.samplesSeen).toBe(0);
    expect(ensemble.confirmations).toBe(0);
    expect(ensemble.updateMany(jump).confirmations).toEqual([40]);
  });

  it('snapshot → JSON → restore, then the rest, equals feeding the stream in one go (property)', () => {
    const parts = fc.array(
      fc.record({
        mean: fc.integer({ min: -4, max: 4 }),
        length: fc.integer({ min: 1, max: 200 }),
      }),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(parts, fc.nat(), fc.double({ min: 0, max: 1, noNaN: true }), (p, seed, cut) => {
        const stream = segments(seed, p);
        const split = Math.floor(cut * stream.length);
        const options = { kswin: { seed, windowSize: 40, statSize: 12 }, adwin: { clock: 8 } };
        const whole = new DriftEnsemble(options);
        const expected = whole.updateMany(stream);
        const first = new DriftEnsemble(options);
        const head = first.updateMany(stream.slice(0, split));
        const restored = DriftEnsemble.restore(JSON.parse(JSON.stringify(first)));
        const tail = restored.updateMany(stream.slice(split));
        expect([...head.confirmations, ...tail.confirmations.map((i) => i + split)]).toEqual(
          expected.confirmations,
        );
        expect(JSON.stringify(restored.snapshot())).toBe(JSON.stringify(whole.snapshot()));
      }),
      { numRuns: 30 },
    );
  });

  it('restore() passes an injected random on to KSWIN', () => {
    const ensemble = new DriftEnsemble({ kswin: { random: seededRandom(3) } });
    ensemble.updateMany(gaussian(1, 150));
    const snapshot = JSON.parse(JSON.stringify(ensemble)) as unknown;
    expect(codeOf(() => DriftEnsemble.restore(snapshot))).toBe('DRIFT.INVALID_SNAPSHOT');
    expect(DriftEnsemble.restore(snapshot, { random: seededRandom(3) }).samplesSeen).toBe(150);
  });

  it('restore() rejects malformed snapshots', () => {
    const good = new DriftEnsemble().snapshot();
    const bad: unknown[] = [
      42,
      { ...good, kind: 'adwin' },
      { ...good, detectors: { ...good.detectors, adwin: null } },
      {
        ...good,
        state: { ...good.state, lastDetection: { pageHinkley: 5, adwin: null, kswin: null } },
      },
      { ...good, options: { ...good.options, required: 4 } },
    ];
    for (const snapshot of bad) {
      expect(codeOf(() => DriftEnsemble.restore(snapshot))).toBe('DRIFT.INVALID_SNAPSHOT');
    }
  });

  it.each([
    [{ required: 0 }],
    [{ required: 4 }],
    [{ agreementWindow: 0 }],
    [{ scale: 0 }],
    [{ center: Number.NaN }],
    [{ kswin: { window: [1, 2, 3] } }],
    [{ adwin: { clock: 0 } }],
    [{ pageHinkley: { threshold: -1 } }],
  ])('rejects option %j with DRIFT.INVALID_OPTION', (options) => {
    expect(codeOf(() => new DriftEnsemble(options as never))).toBe('DRIFT.INVALID_OPTION');
  });

  it('rejects bad values', () => {
    const ensemble = new DriftEnsemble();
    expect(codeOf(() => ensemble.update(Number.NaN))).toBe('DRIFT.INVALID_VALUE');
    expect(codeOf(() => ensemble.updateMany([1, 2, Number.NaN]))).toBe('DRIFT.INVALID_VALUE');
    expect(codeOf(() => ensemble.updateMany('1,2' as never))).toBe('DRIFT.INVALID_VALUE');
    expect(ensemble.samplesSeen).toBe(0);
    const tiny = new DriftEnsemble({ scale: Number.MIN_VALUE });
    expect(codeOf(() => tiny.update(1e10))).toBe('DRIFT.INVALID_VALUE');
    expect(tiny.samplesSeen).toBe(0);
  });
});
