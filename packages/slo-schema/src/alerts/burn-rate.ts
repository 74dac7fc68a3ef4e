import { SloSchemaError } from '../errors';

/** The windows the SLI is recorded over (besides the SLO period itself), as Prometheus durations. */
export const SLI_WINDOWS = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'] as const;
export type SliWindow = (typeof SLI_WINDOWS)[number];

const WINDOW_MINUTES: Readonly<Record<SliWindow, number>> = {
  '5m': 5,
  '30m': 30,
  '1h': 60,
  '2h': 120,
  '6h': 360,
  '1d': 1440,
  '3d': 4320,
};

/** Length of a window in minutes. */
export function windowMinutes(window: SliWindow): number {
  return WINDOW_MINUTES[window];
}

export type BurnRateSeverity = 'page' | 'ticket';

/**
 * One multi-window condition: the alert fires when the error ratio is above `factor × (1 − target)`
 * over both the long and the short window. `budgetShare` is the fraction of the period's error
 * budget that burning at that rate for `longWindow` consumes.
 */
export interface BurnRateCondition {
  readonly severity: BurnRateSeverity;
  readonly longWindow: SliWindow;
  readonly shortWindow: SliWindow;
  readonly budgetShare: number;
}

/**
 * The Google SRE workbook's multi-window multi-burn-rate policy (chapter 5, "Alerting on SLOs"):
 * page on 2% of a 30-day budget in 1 h or 5% in 6 h; ticket on 10% in 1 d or 10% in 3 d. Each
 * long window is paired with a short window of 1/12 of its length that stops the alert soon after
 * the burn ends.
 */
export const MULTIWINDOW_BURN_RATE_POLICY: readonly BurnRateCondition[] = Object.freeze([
  { severity: 'page', longWindow: '1h', shortWindow: '5m', budgetShare: 0.02 },
  { severity: 'page', longWindow: '6h', shortWindow: '30m', budgetShare: 0.05 },
  { severity: 'ticket', longWindow: '1d', shortWindow: '2h', budgetShare: 0.1 },
  { severity: 'ticket', longWindow: '3d', shortWindow: '6h', budgetShare: 0.1 },
] as const);

/** A condition of the policy with its burn-rate factor for one SLO period. */
export interface BurnRateThreshold extends BurnRateCondition {
  /** Burn rate (multiple of the sustainable error ratio) above which the condition holds. */
  readonly factor: number;
}

/** Rounds to 12 significant digits, so 0.02 × 720 / 1 is 14.4 and not 14.400000000000002. */
export function roundSignificant(value: number): number {
  return Number(value.toPrecision(12));
}

/**
 * The burn-rate factor that consumes `budgetShare` of a `periodDays` budget in `window`:
 * `factor = budgetShare × period / window`. For 30 days: 2% in 1 h → 14.4, 5% in 6 h → 6,
 * 10% in 1 d → 3, 10% in 3 d → 1.
 */
export function burnRateFactor(budgetShare: number, periodDays: number, window: SliWindow): number {
  if (typeof budgetShare !== 'number' || !(budgetShare > 0 && budgetShare <= 1)) {
    throw new SloSchemaError(
      'SLO_SCHEMA.INVALID_ARGUMENT',
      `budgetShare must be a number in (0, 1], got ${String(budgetShare)}`,
    );
  }
  assertPeriodDays(periodDays, 'periodDays');
  if (!(window in WINDOW_MINUTES)) {
    throw new SloSchemaError(
      'SLO_SCHEMA.INVALID_ARGUMENT',
      `window must be one of ${SLI_WINDOWS.join(', ')}, got ${String(window)}`,
    );
  }
  return roundSignificant((budgetShare * periodDays * 1440) / WINDOW_MINUTES[window]);
}

/** The policy's four conditions with their factors scaled to a `periodDays`-day SLO period. */
export function burnRateThresholds(periodDays: number): BurnRateThreshold[] {
  assertPeriodDays(periodDays, 'periodDays');
  return MULTIWINDOW_BURN_RATE_POLICY.map((c) => ({
    ...c,
    factor: burnRateFactor(c.budgetShare, periodDays, c.longWindow),
  }));
}

export const MAX_PERIOD_DAYS = 366;

/** Throws unless `value` is an integer number of days in [1, 366]. */
export function assertPeriodDays(value: unknown, path: string): asserts value is number {
  if (
    typeof value !== 'number' ||
    !Number.isInteger(value) ||
    value < 1 ||
    value > MAX_PERIOD_DAYS
  ) {
    throw new SloSchemaError(
      'SLO_SCHEMA.INVALID_ARGUMENT',
      `${path} must be a whole number of days from 1 to ${MAX_PERIOD_DAYS}, got ${describe(value)}`,
    );
  }
}

export function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}
