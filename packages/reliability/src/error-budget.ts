import { ReliabilityError } from './errors';
import { assertPositive, assertRatio, describeValue } from './validation';

/** Minutes in the default rolling window of 30 days (30 × 24 × 60). */
export const MINUTES_PER_30_DAYS = 43_200;
/** Minutes in an average calendar month (365 / 12 days = 30.4167 days). */
export const MINUTES_PER_AVERAGE_MONTH = 43_800;

export interface ErrorBudgetOptions {
  /** Length of the SLO window in minutes. Default {@link MINUTES_PER_30_DAYS}. */
  readonly windowMinutes?: number;
}

export interface ErrorBudget {
  /** Allowed unavailability as a ratio: `1 − target`. */
  readonly ratio: number;
  /** Allowed full-outage minutes in the window: `ratio × windowMinutes`. */
  readonly minutes: number;
  readonly windowMinutes: number;
}

/** The error budget of an availability target: 99.9% over 30 days → 0.001 and 43.2 minutes. */
export function errorBudget(target: number, options: ErrorBudgetOptions = {}): ErrorBudget {
  assertRatio(target, 'target');
  const windowMinutes = options.windowMinutes ?? MINUTES_PER_30_DAYS;
  assertPositive(windowMinutes, 'windowMinutes');
  const ratio = 1 - target;
  return { ratio, minutes: ratio * windowMinutes, windowMinutes };
}

/**
 * How fast the budget burns: observed error ratio / allowed error ratio. 1 spends exactly the
 * budget over the window; 14.4 spends 2% of a 30-day budget in one hour. For target = 1 the burn rate is
 * 0 without errors and Infinity with any.
 */
export function burnRate(observedErrorRatio: number, target: number): number {
  assertRatio(observedErrorRatio, 'observedErrorRatio');
  assertRatio(target, 'target');
  const allowed = 1 - target;
  if (allowed === 0) return observedErrorRatio === 0 ? 0 : Infinity;
  return observedErrorRatio / allowed;
}

/**
 * Minutes until the remaining budget is spent at the current burn rate:
 * `remainingBudgetMinutes / (burnRate × (1 − target))`, since a burn rate b consumes b × (1 −
 * target) budget minutes per elapsed minute. 0 when nothing is left, Infinity when burn ≤ 0.
 */
export function timeToExhaustion(
  remainingBudgetMinutes: number,
  currentBurnRate: number,
  target: number,
): number {
  if (typeof remainingBudgetMinutes !== 'number' || Number.isNaN(remainingBudgetMinutes)) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      `remainingBudgetMinutes must be a number, got ${describeValue(remainingBudgetMinutes)}`,
    );
  }
  if (typeof currentBurnRate !== 'number' || Number.isNaN(currentBurnRate)) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      `burnRate must be a number, got ${describeValue(currentBurnRate)}`,
    );
  }
  assertRatio(target, 'target');
  if (target === 1) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      'target must be below 1: a 100% target has no error budget to exhaust',
    );
  }
  // Overspent budgets are already exhausted, whatever the burn rate is now.
  if (remainingBudgetMinutes <= 0) return 0;
  if (currentBurnRate <= 0) return Infinity;
  return remainingBudgetMinutes / (currentBurnRate * (1 - target));
}
