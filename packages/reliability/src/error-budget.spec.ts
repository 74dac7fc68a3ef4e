import {
  burnRate,
  errorBudget,
  MINUTES_PER_30_DAYS,
  MINUTES_PER_AVERAGE_MONTH,
  timeToExhaustion,
} from './index';
import { codeOf } from './__fixtures__/helpers';

describe('errorBudget', () => {
  it('defaults to a rolling 30-day window: 99.9% allows 43.2 minutes', () => {
    const budget = errorBudget(0.999);
    expect(budget.ratio).toBeCloseTo(0.001, 15);
    expect(budget.minutes).toBeCloseTo(43.2, 10);
    expect(budget.windowMinutes).toBe(MINUTES_PER_30_DAYS);
  });

  it('reproduces the specification sample with its own month lengths', () => {
    const averageMonth = { windowMinutes: MINUTES_PER_AVERAGE_MONTH };
    expect(errorBudget(0.999, averageMonth).minutes).toBeCloseTo(43.8, 10);
    expect(errorBudget(0.9995, averageMonth).minutes).toBeCloseTo(21.9, 10);
    expect(errorBudget(0.995, { windowMinutes: 30.5 * 24 * 60 }).minutes).toBeCloseTo(219.6, 10);
  });

  it('is zero for a 100% target', () => {
    expect(errorBudget(1)).toEqual({ ratio: 0, minutes: 0, windowMinutes: MINUTES_PER_30_DAYS });
  });

  it('validates target and window', () => {
    expect(codeOf(() => errorBudget(99.9))).toBe('RELIABILITY.INVALID_RATIO');
    expect(codeOf(() => errorBudget(0.999, { windowMinutes: 0 }))).toBe(
      'RELIABILITY.INVALID_ARGUMENT',
    );
    expect(codeOf(() => errorBudget(0.999, { windowMinutes: Infinity }))).toBe(
      'RELIABILITY.INVALID_ARGUMENT',
    );
  });
});

describe('burnRate', () => {
  it('is observed errors over allowed errors', () => {
    expect(burnRate(0.0144, 0.999)).toBeCloseTo(14.4, 10);
    expect(burnRate(0.001, 0.999)).toBeCloseTo(1, 10);
    expect(burnRate(0, 0.999)).toBe(0);
  });

  it('handles a 100% target', () => {
    expect(burnRate(0, 1)).toBe(0);
    expect(burnRate(0.01, 1)).toBe(Infinity);
  });

  it('rejects percentages', () => {
    expect(codeOf(() => burnRate(1.44, 0.999))).toBe('RELIABILITY.INVALID_RATIO');
  });
});

describe('timeToExhaustion', () => {
  it('spends a full budget over the window at burn rate 1', () => {
    expect(timeToExhaustion(43.2, 1, 0.999)).toBeCloseTo(MINUTES_PER_30_DAYS, 6);
  });

  it('spends a 30-day budget in two days at burn rate 15', () => {
    expect(timeToExhaustion(43.2, 15, 0.999)).toBeCloseTo(2 * 24 * 60, 6);
  });

  it('scales with the remaining budget', () => {
    expect(timeToExhaustion(10, 2, 0.99)).toBeCloseTo(500, 10);
  });

  it('is Infinity when nothing burns and 0 when nothing is left', () => {
    expect(timeToExhaustion(10, 0, 0.999)).toBe(Infinity);
    expect(timeToExhaustion(10, -1, 0.999)).toBe(Infinity);
    expect(timeToExhaustion(0, 5, 0.999)).toBe(0);
    expect(timeToExhaustion(-3, 0, 0.999)).toBe(0);
    expect(timeToExhaustion(10, Infinity, 0.999)).toBe(0);
  });

  it('rejects a 100% target and NaN inputs', () => {
    expect(codeOf(() => timeToExhaustion(1, 1, 1))).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(codeOf(() => timeToExhaustion(Number.NaN, 1, 0.9))).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(codeOf(() => timeToExhaustion(1, Number.NaN, 0.9))).toBe('RELIABILITY.INVALID_ARGUMENT');
  });
});
