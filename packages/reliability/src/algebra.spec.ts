import fc from 'fast-check';
import {
  addNines,
  composeAvailability,
  ninesOf,
  parallelAvailability,
  serialAvailability,
} from './index';
import { codeOf } from './__fixtures__/helpers';

const ratio = fc.double({ min: 0, max: 1, noNaN: true });

describe('serialAvailability', () => {
  it('multiplies the availabilities of a hard chain', () => {
    expect(serialAvailability([0.999, 0.999, 0.998])).toBeCloseTo(0.999 * 0.999 * 0.998, 15);
  });

  it('is 1 for no dependency', () => {
    expect(serialAvailability([])).toBe(1);
  });

  it.each([[Number.NaN], [1.5], [-0.1], [99.9], [Infinity]])(
    'rejects %p with RELIABILITY.INVALID_RATIO',
    (bad) => {
      expect(codeOf(() => serialAvailability([0.9, bad]))).toBe('RELIABILITY.INVALID_RATIO');
    },
  );

  it('names the offending index and the package in the message', () => {
    expect(() => serialAvailability([0.9, 99.9])).toThrow(
      '@slo-engine/reliability: availabilities[1] must be a ratio in [0, 1] (not a percentage), got 99.9',
    );
  });

  it('never exceeds its weakest member', () => {
    fc.assert(
      fc.property(fc.array(ratio, { minLength: 1, maxLength: 12 }), (rs) => {
        expect(serialAvailability(rs)).toBeLessThanOrEqual(Math.min(...rs));
      }),
      { numRuns: 200 },
    );
  });
});

describe('parallelAvailability', () => {
  it('is 1 − Π(1 − R): two 99% replicas give 99.99%', () => {
    expect(parallelAvailability([0.99, 0.99])).toBeCloseTo(0.9999, 15);
  });

  it('is the member itself for one replica', () => {
    expect(parallelAvailability([0.97])).toBeCloseTo(0.97, 15);
  });

  it('rejects an empty group', () => {
    expect(codeOf(() => parallelAvailability([]))).toBe('RELIABILITY.EMPTY_INPUT');
  });

  it('rejects invalid members', () => {
    expect(codeOf(() => parallelAvailability([0.5, Number.NaN]))).toBe('RELIABILITY.INVALID_RATIO');
  });

  it('is at least its best member and at most 1', () => {
    fc.assert(
      fc.property(fc.array(ratio, { minLength: 1, maxLength: 12 }), (rs) => {
        const r = parallelAvailability(rs);
        expect(r).toBeGreaterThanOrEqual(Math.max(...rs));
        expect(r).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });
});

describe('composeAvailability', () => {
  it('multiplies own, hard and one factor per redundancy group, excluding soft dependencies', () => {
    const r = composeAvailability(0.9995, [
      { availability: 0.999 },
      { availability: 0.98, kind: 'soft' },
      { availability: 0.99, redundancyGroup: 'db' },
      { availability: 0.95, redundancyGroup: 'db' },
      { availability: 0.9, redundancyGroup: 'cache', kind: 'hard' },
    ]);
    expect(r).toBeCloseTo(0.9995 * 0.999 * (1 - 0.01 * 0.05) * 0.9, 15);
  });

  it('is the own availability with no dependency', () => {
    expect(composeAvailability(0.99, [])).toBe(0.99);
  });

  it('rejects a soft dependency inside a redundancy group', () => {
    expect(
      codeOf(() =>
        composeAvailability(1, [{ availability: 0.9, kind: 'soft', redundancyGroup: 'g' }]),
      ),
    ).toBe('RELIABILITY.INVALID_ARGUMENT');
  });

  it('rejects an unknown kind and invalid availabilities', () => {
    expect(
      codeOf(() =>
        composeAvailability(1, [{ availability: 0.9, kind: 'optional' as unknown as 'hard' }]),
      ),
    ).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(codeOf(() => composeAvailability(2, []))).toBe('RELIABILITY.INVALID_RATIO');
    expect(codeOf(() => composeAvailability(1, [{ availability: -1 }]))).toBe(
      'RELIABILITY.INVALID_RATIO',
    );
  });

  it('is unchanged by soft dependencies', () => {
    fc.assert(
      fc.property(
        ratio,
        fc.array(ratio, { maxLength: 6 }),
        fc.array(ratio, { maxLength: 6 }),
        (own, hard, soft) => {
          const deps = hard.map((availability) => ({ availability }));
          const withSoft = [
            ...deps,
            ...soft.map((availability) => ({ availability, kind: 'soft' as const })),
          ];
          expect(composeAvailability(own, withSoft)).toBe(composeAvailability(own, deps));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('nines', () => {
  it('counts nines', () => {
    expect(ninesOf(0.999)).toBeCloseTo(3, 10);
    expect(ninesOf(0.9995)).toBeCloseTo(3.30103, 5);
    expect(ninesOf(1)).toBe(Infinity);
    expect(ninesOf(0)).toBe(-0);
  });

  it('adds one nine by dividing the unavailability by ten', () => {
    expect(addNines(0.9999)).toBeCloseTo(0.99999, 15);
    expect(addNines(0.9995)).toBeCloseTo(0.99995, 15);
    expect(addNines(0.99, 2)).toBeCloseTo(0.9999, 15);
  });

  it('loosens with negative nines and clamps at 0', () => {
    expect(addNines(0.999, -1)).toBeCloseTo(0.99, 15);
    expect(addNines(0.5, -1)).toBe(0);
  });

  it('rejects a non-finite number of nines', () => {
    expect(codeOf(() => addNines(0.9, Number.NaN))).toBe('RELIABILITY.INVALID_ARGUMENT');
  });
});
