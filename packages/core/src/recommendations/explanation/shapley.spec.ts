import fc from 'fast-check';
import { MAX_SHAPLEY_FEATURES, shapleyValues } from './shapley';

const FEATURES = ['a', 'b', 'c', 'd'] as const;
type F = (typeof FEATURES)[number];
const vector = fc.record({
  a: fc.double({ min: -10, max: 10, noNaN: true }),
  b: fc.double({ min: -10, max: 10, noNaN: true }),
  c: fc.double({ min: -10, max: 10, noNaN: true }),
  d: fc.double({ min: -10, max: 10, noNaN: true }),
});

describe('shapleyValues', () => {
  it('sums to output − baseline output for non-linear functions (efficiency)', () => {
    const f = (x: Readonly<Record<F, number>>): number =>
      Math.min(x.a, x.b * x.c) + Math.max(0, x.d) * x.a;
    fc.assert(
      fc.property(vector, vector, (input, baseline) => {
        const { values, output, baselineOutput } = shapleyValues(FEATURES, f, input, baseline);
        const sum = FEATURES.reduce((total, feature) => total + values[feature], 0);
        expect(output).toBe(f(input));
        expect(baselineOutput).toBe(f(baseline));
        expect(sum).toBeCloseTo(output - baselineOutput, 9);
      }),
    );
  });

  it('gives a linear function its coefficients times the change (and nothing to unused features)', () => {
    const f = (x: Readonly<Record<F, number>>): number => 3 * x.a - 2 * x.b + 0.5 * x.c;
    const { values } = shapleyValues(
      FEATURES,
      f,
      { a: 1, b: 1, c: 4, d: 9 },
      {
        a: 0,
        b: 0,
        c: 0,
        d: 0,
      },
    );
    expect(values.a).toBeCloseTo(3);
    expect(values.b).toBeCloseTo(-2);
    expect(values.c).toBeCloseTo(2);
    expect(values.d).toBe(0);
  });

  it('splits an interaction evenly between symmetric features', () => {
    // min(a, b) moving from (0, 0) to (1, 1): each feature alone changes nothing.
    const { values } = shapleyValues(
      ['a', 'b'] as const,
      (x) => Math.min(x.a, x.b),
      { a: 1, b: 1 },
      { a: 0, b: 0 },
    );
    expect(values.a).toBeCloseTo(0.5);
    expect(values.b).toBeCloseTo(0.5);
  });

  it('matches the textbook three-player glove game', () => {
    // Player a holds a left glove, b and c right gloves; a pair is worth 1.
    const { values } = shapleyValues(
      ['a', 'b', 'c'] as const,
      (x) => Math.min(x.a, x.b + x.c),
      { a: 1, b: 1, c: 1 },
      { a: 0, b: 0, c: 0 },
    );
    expect(values.a).toBeCloseTo(2 / 3);
    expect(values.b).toBeCloseTo(1 / 6);
    expect(values.c).toBeCloseTo(1 / 6);
  });

  it('rejects too many or duplicate features', () => {
    const many = Array.from({ length: MAX_SHAPLEY_FEATURES + 1 }, (_, i) => `f${i}`);
    const zero = Object.fromEntries(many.map((name) => [name, 0]));
    expect(() => shapleyValues(many, () => 0, zero, zero)).toThrow(/at most 12 features/);
    expect(() => shapleyValues(['a', 'a'], () => 0, { a: 0 }, { a: 0 })).toThrow(/duplicate/);
  });
});
