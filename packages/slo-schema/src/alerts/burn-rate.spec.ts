import fc from 'fast-check';

import { SloSchemaError } from '../errors';
import {
  burnRateFactor,
  burnRateThresholds,
  MULTIWINDOW_BURN_RATE_POLICY,
  SLI_WINDOWS,
  windowMinutes,
} from './burn-rate';

const summary = (periodDays: number): string[] =>
  burnRateThresholds(periodDays).map(
    (t) => `${t.severity} ${t.longWindow}/${t.shortWindow} ${t.factor}`,
  );

describe('burnRateThresholds', () => {
  it('gives the SRE workbook factors for a 30-day period', () => {
    expect(summary(30)).toEqual([
      'page 1h/5m 14.4',
      'page 6h/30m 6',
      'ticket 1d/2h 3',
      'ticket 3d/6h 1',
    ]);
  });

  it('scales the factors to 28 and 7 days (factor = share × period / window)', () => {
    // 28 d: 0.02 × 672 h, 0.05 × 112, 0.1 × 28, 0.1 × 28 / 3
    expect(summary(28)).toEqual([
      'page 1h/5m 13.44',
      'page 6h/30m 5.6',
      'ticket 1d/2h 2.8',
      'ticket 3d/6h 0.933333333333',
    ]);
    // 7 d: 0.02 × 168 h, 0.05 × 28, 0.1 × 7, 0.1 × 7 / 3
    expect(summary(7)).toEqual([
      'page 1h/5m 3.36',
      'page 6h/30m 1.4',
      'ticket 1d/2h 0.7',
      'ticket 3d/6h 0.233333333333',
    ]);
  });

  it('keeps factor × window / period equal to the budget share for every period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 366 }), (periodDays) => {
        for (const t of burnRateThresholds(periodDays)) {
          const share = (t.factor * windowMinutes(t.longWindow)) / (periodDays * 1440);
          expect(share).toBeCloseTo(t.budgetShare, 10);
        }
      }),
    );
  });

  it('pairs each long window with a short window of 1/12 of its length', () => {
    for (const c of MULTIWINDOW_BURN_RATE_POLICY) {
      expect(windowMinutes(c.longWindow)).toBe(12 * windowMinutes(c.shortWindow));
    }
  });

  it('rejects periods that are not whole days in [1, 366]', () => {
    for (const bad of [0, -1, 1.5, 367, Number.NaN, Number.POSITIVE_INFINITY, '30', undefined]) {
      expect(() => burnRateThresholds(bad as number)).toThrow(SloSchemaError);
    }
    expect(() => burnRateThresholds(0)).toThrow(
      '@slo-engine/slo-schema: periodDays must be a whole number of days from 1 to 366, got 0',
    );
    expect(() => burnRateThresholds(1)).not.toThrow();
    expect(() => burnRateThresholds(366)).not.toThrow();
  });
});

describe('burnRateFactor', () => {
  it('computes share × period / window', () => {
    expect(burnRateFactor(0.02, 30, '1h')).toBe(14.4);
    expect(burnRateFactor(1, 30, '3d')).toBe(10);
  });

  it('rejects a share outside (0, 1] and an unknown window', () => {
    expect(() => burnRateFactor(0, 30, '1h')).toThrow(
      'budgetShare must be a number in (0, 1], got 0',
    );
    expect(() => burnRateFactor(1.5, 30, '1h')).toThrow(SloSchemaError);
    expect(() => burnRateFactor(0.1, 30, '2d' as never)).toThrow(
      `window must be one of ${SLI_WINDOWS.join(', ')}, got 2d`,
    );
  });
});
