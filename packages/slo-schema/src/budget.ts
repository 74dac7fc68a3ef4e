import { SloSchemaError } from './errors';

const MINUTES_PER_DAY = 24 * 60;

/**
 * Minutes of full unavailability the error budget allows over the window:
 * monthly_pct / 100 × windowDays × 1440. `errorBudgetMinutes(0.1)` = 43.2 for 30 days.
 * @throws SloSchemaError `SLO_SCHEMA.INVALID_ARGUMENT` unless 0 < monthlyPct ≤ 100 and windowDays > 0.
 */
export function errorBudgetMinutes(monthlyPct: number, windowDays = 30): number {
  if (typeof monthlyPct !== 'number' || !(monthlyPct > 0 && monthlyPct <= 100)) {
    throw new SloSchemaError(
      'SLO_SCHEMA.INVALID_ARGUMENT',
      `monthlyPct must be in (0, 100]; got ${String(monthlyPct)}`,
    );
  }
  if (typeof windowDays !== 'number' || !(windowDays > 0) || !Number.isFinite(windowDays)) {
    throw new SloSchemaError(
      'SLO_SCHEMA.INVALID_ARGUMENT',
      `windowDays must be a positive number; got ${String(windowDays)}`,
    );
  }
  return (monthlyPct / 100) * windowDays * MINUTES_PER_DAY;
}

/**
 * Fraction of the error budget a measured availability uses (spec 003):
 * (1 − availability) / (1 − target). 0 = untouched, 1 = exhausted, above 1 = overspent.
 * @throws SloSchemaError `SLO_SCHEMA.INVALID_ARGUMENT` unless 0 < target < 1 and 0 ≤ availability ≤ 1.
 */
export function errorBudgetConsumed(target: number, availability: number): number {
  if (typeof target !== 'number' || !(target > 0 && target < 1)) {
    throw new SloSchemaError(
      'SLO_SCHEMA.INVALID_ARGUMENT',
      `target must be in (0, 1); got ${String(target)}`,
    );
  }
  if (typeof availability !== 'number' || !(availability >= 0 && availability <= 1)) {
    throw new SloSchemaError(
      'SLO_SCHEMA.INVALID_ARGUMENT',
      `availability must be in [0, 1]; got ${String(availability)}`,
    );
  }
  return (1 - availability) / (1 - target);
}
