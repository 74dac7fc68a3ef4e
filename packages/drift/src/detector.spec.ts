import { detect, PageHinkley } from './index';
import { codeOf } from './__fixtures__/errors';

describe('detect', () => {
  const spiky = (): PageHinkley =>
    new PageHinkley({ minInstances: 1, delta: 0, alpha: 1, threshold: 1.5 });

  it('returns every detection index of the batch, in order', () => {
    // Detections at 2 (0,0,3); the detector restarts at 3 and 0,0,3 repeats from 3 → 5... etc.
    expect(detect(spiky(), [0, 0, 3, 0, 0, 3, 0])).toEqual([2, 5]);
  });

  it('stopAtFirst stops feeding at the first detection', () => {
    const ph = spiky();
    expect(detect(ph, [0, 0, 3, 0, 0, 3], { stopAtFirst: true })).toEqual([2]);
    expect(ph.sampleCount).toBe(3);
  });

  it('indices are relative to the batch; the detector keeps its state across calls', () => {
    const ph = spiky();
    expect(detect(ph, [0, 0])).toEqual([]);
    expect(detect(ph, [3, 0])).toEqual([0]);
  });

  it('returns [] for an empty batch', () => {
    expect(detect(spiky(), [])).toEqual([]);
  });

  it('checks the whole batch first: a bad value leaves the detector untouched', () => {
    const ph = spiky();
    expect(() => detect(ph, [0, 0, Number.NaN])).toThrow(
      'detect: values[2] must be a finite number',
    );
    expect(ph.sampleCount).toBe(0);
  });

  it('validates its arguments', () => {
    expect(codeOf(() => detect(spiky(), 5 as never))).toBe('DRIFT.INVALID_VALUE');
    expect(codeOf(() => detect(spiky(), [1, Number.NaN]))).toBe('DRIFT.INVALID_VALUE');
    expect(codeOf(() => detect(spiky(), [1], { stopAtFirst: 'yes' } as never))).toBe(
      'DRIFT.INVALID_OPTION',
    );
  });
});
