/**
 * The calibration study of `pnpm backtest`: alternative availability rules replayed on the very
 * same lookbacks and measurement windows as the engine. Each rule family maps a lookback and a
 * knob (a quantile level, a multiple, a number of standard deviations) to a raw target; a tier
 * triple of knobs gives Conservative / Balanced / Aggressive, which then get the engine's own
 * post-processing (composite cap on Conservative and Balanced, floor to 0.01%, Conservative ≤
 * Balanced ≤ Aggressive). Report only: nothing here changes the engine.
 */
import { floorTarget, type TierName } from '@slo-engine/core';
import { rollingAvailability, type RequestCounts } from '@slo-engine/reliability';

export type Targets = Record<TierName, number>;
export const TIERS: readonly TierName[] = ['conservative', 'balanced', 'aggressive'];

/** What a rule may read about one service's lookback (plus, for the clairvoyant bound, the future). */
export interface Lookback {
  readonly days: number;
  /** Σgood / Σtotal over the lookback. */
  readonly mean: number;
  /** Rolling 1-day and 7-day availabilities (hourly steps), ascending. */
  readonly rolling1d: Float64Array;
  readonly rolling7d: Float64Array;
  /** Bootstrapped 30-day availabilities, ascending: 1-day blocks and 3-day moving blocks. */
  readonly boot1d: Float64Array;
  readonly boot3d: Float64Array;
  /** Standard deviation of `boot1d`. */
  readonly boot1dStd: number;
  /** The service's own 30-day availabilities over many later months, ascending (clairvoyant). */
  readonly future: Float64Array;
}

export interface Family {
  readonly id: string;
  /** Short name used in tables. */
  readonly label: string;
  readonly description: string;
  /** Smaller = simpler to explain and to implement; picks among rules that meet the targets. */
  readonly complexity: number;
  /** Not a rule but a bound (reads the future). */
  readonly clairvoyant?: boolean;
  readonly knobName: string;
  readonly raw: (lookback: Lookback, knob: number) => number;
  /** The tier triple the study uses around a Balanced knob. */
  readonly tiers: (balancedKnob: number) => readonly [number, number, number];
  /** Triples shown as they are (the ones the brief names). */
  readonly presets: ReadonlyArray<readonly [number, number, number]>;
  /** Balanced knobs from the strictest (highest targets) to the most lenient. */
  readonly grid: readonly number[];
}

/** Type-7 quantile of an ascending array (as `@slo-engine/reliability`). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lower = Math.floor(h);
  if (lower + 1 >= sorted.length) return sorted[lower];
  return sorted[lower] + (sorted[lower + 1] - sorted[lower]) * (h - lower);
}

const percent = (p: number): string => `${+(p * 100).toFixed(3)}%`;
/** Down to 0: the worst window of the lookback. */
const QUANTILE_GRID = [0.2, 0.1, 0.05, 0.03, 0.02, 0.01, 0.005, 0.002, 0.001, 0];
/** Bootstrap quantiles stop at 0.1%: below it the resample count, not the data, decides. */
const BOOTSTRAP_GRID = [0.2, 0.1, 0.05, 0.03, 0.02, 0.01, 0.005, 0.002, 0.001];
const CURRENT: readonly [number, number, number] = [0.001, 0.01, 0.05];
const WIDER: readonly [number, number, number] = [0.01, 0.05, 0.2];
const quantileTiers = (p: number): readonly [number, number, number] => [
  p / 10,
  p,
  Math.min(1, 5 * p),
];
const multipleTiers = (m: number): readonly [number, number, number] => [2 * m, m, m / 2];

export const FAMILIES: readonly Family[] = [
  {
    id: 'daily-quantile',
    label: 'rolling 1-day quantile (current rule)',
    description:
      "quantile p of the lookback's rolling daily availability (hourly steps); p = 0.1% / 1% / 5% is the engine's rule",
    complexity: 1,
    knobName: 'p',
    raw: (l, p) => quantileSorted(l.rolling1d, p),
    tiers: quantileTiers,
    presets: [CURRENT],
    grid: QUANTILE_GRID,
  },
  {
    id: 'weekly-quantile',
    label: '(b) rolling 7-day quantile',
    description: "quantile p of the lookback's rolling 7-day availability (hourly steps)",
    complexity: 1,
    knobName: 'p',
    raw: (l, p) => quantileSorted(l.rolling7d, p),
    tiers: quantileTiers,
    presets: [CURRENT, WIDER],
    grid: QUANTILE_GRID,
  },
  {
    id: 'bootstrap-1d',
    label: '(a) bootstrap, 1-day blocks',
    description:
      "quantile p of 30-day availability bootstrapped from the lookback's days (30 days drawn with replacement)",
    complexity: 2,
    knobName: 'p',
    raw: (l, p) => quantileSorted(l.boot1d, p),
    tiers: quantileTiers,
    presets: [CURRENT, WIDER],
    grid: BOOTSTRAP_GRID,
  },
  {
    id: 'bootstrap-3d',
    label: '(a) bootstrap, 3-day blocks',
    description:
      "quantile p of 30-day availability bootstrapped from the lookback's days in 3-day moving blocks",
    complexity: 2,
    knobName: 'p',
    raw: (l, p) => quantileSorted(l.boot3d, p),
    tiers: quantileTiers,
    presets: [CURRENT, WIDER],
    grid: BOOTSTRAP_GRID,
  },
  {
    id: 'mean-k-sigma',
    label: '(c) mean − k·σ',
    description:
      'lookback mean availability minus k × the standard deviation of the bootstrapped 30-day availability (1-day blocks)',
    complexity: 2,
    knobName: 'k',
    raw: (l, k) => l.mean - k * l.boot1dStd,
    tiers: multipleTiers,
    presets: [
      [4, 2, 1],
      [6, 3, 1.5],
    ],
    grid: [1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64, 96],
  },
  {
    id: 'budget-multiple',
    label: '(d) m × lookback unavailability',
    description:
      'target = 1 − m · (1 − lookback mean): an error budget of m times what the lookback used',
    complexity: 0,
    knobName: 'm',
    raw: (l, m) => 1 - m * (1 - l.mean),
    tiers: multipleTiers,
    presets: [
      [8, 4, 2],
      [16, 8, 4],
    ],
    grid: [1, 1.5, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32, 48, 64, 96],
  },
  {
    id: 'daily-multiple',
    label: '(e) m × current budget',
    description:
      "target = 1 − m · (1 − q1%(rolling daily availability)): the engine's Balanced budget widened m times",
    complexity: 0,
    knobName: 'm',
    raw: (l, m) => 1 - m * (1 - quantileSorted(l.rolling1d, 0.01)),
    tiers: multipleTiers,
    presets: [
      [4, 2, 1],
      [6, 3, 1.5],
    ],
    grid: [1, 1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10],
  },
  {
    id: 'clairvoyant',
    label: 'clairvoyant bound',
    description:
      "each service's own quantile p of its 30-day availability over many later months: the best a constant per-service target can do, knowing the service's true monthly distribution",
    complexity: 99,
    clairvoyant: true,
    knobName: 'p',
    raw: (l, p) => quantileSorted(l.future, p),
    tiers: (p) => [p / 5, p, Math.min(1, 4 * p)],
    presets: [WIDER],
    grid: [0.2, 0.1, 0.07, 0.05, 0.04, 0.03, 0.02, 0.01, 0.005, 0],
  },
];

export function knobLabel(family: Family, knobs: readonly number[]): string {
  const format = family.knobName === 'p' ? percent : (x: number): string => String(+x.toFixed(3));
  return `${family.knobName} = ${knobs.map(format).join(' / ')}`;
}

/** The engine's post-processing: cap Conservative and Balanced, floor, order the tiers. */
export function finish(raw: Targets, cap: number): Targets {
  const clamp = (x: number): number => Math.min(1, Math.max(0, x));
  const balanced = floorTarget(clamp(Math.min(raw.balanced, cap)));
  return {
    conservative: Math.min(floorTarget(clamp(Math.min(raw.conservative, cap))), balanced),
    balanced,
    aggressive: Math.max(floorTarget(clamp(raw.aggressive)), balanced),
  };
}

export function targetsOf(
  family: Family,
  knobs: readonly [number, number, number],
  lookback: Lookback,
  cap: number,
): Targets {
  return finish(
    {
      conservative: family.raw(lookback, knobs[0]),
      balanced: family.raw(lookback, knobs[1]),
      aggressive: family.raw(lookback, knobs[2]),
    },
    cap,
  );
}

/**
 * The statistics of a lookback from its hourly counts (oldest first, whole days). `random` draws
 * the bootstrap (`resamples` months of 30 days each).
 */
export function lookbackOf(
  hours: readonly RequestCounts[],
  future: Float64Array,
  random: () => number,
  resamples: number,
): Lookback {
  const days = hours.length / 24;
  const dailyGood = new Float64Array(days);
  const dailyTotal = new Float64Array(days);
  let good = 0;
  let total = 0;
  hours.forEach((h, i) => {
    dailyGood[Math.floor(i / 24)] += h.good;
    dailyTotal[Math.floor(i / 24)] += h.total;
    good += h.good;
    total += h.total;
  });
  const sortedRolling = (windowHours: number): Float64Array =>
    Float64Array.from(rollingAvailability(hours, Math.min(windowHours, hours.length))).sort();
  const month = 30;
  const boot = (block: number): Float64Array => {
    const out = new Float64Array(resamples);
    const starts = days - block + 1;
    for (let r = 0; r < resamples; r++) {
      let g = 0;
      let t = 0;
      for (let drawn = 0; drawn < month;) {
        const start = Math.floor(random() * starts);
        for (let d = start; d < start + block && drawn < month; d++, drawn++) {
          g += dailyGood[d];
          t += dailyTotal[d];
        }
      }
      out[r] = t > 0 ? Math.min(1, g / t) : 1;
    }
    return out.sort();
  };
  const boot1d = boot(1);
  const bootMean = boot1d.reduce((s, x) => s + x, 0) / boot1d.length;
  const boot1dStd = Math.sqrt(
    boot1d.reduce((s, x) => s + (x - bootMean) ** 2, 0) / (boot1d.length - 1),
  );
  return {
    days,
    mean: total > 0 ? Math.min(1, good / total) : 1,
    rolling1d: sortedRolling(24),
    rolling7d: sortedRolling(7 * 24),
    boot1d,
    boot3d: boot(3),
    boot1dStd,
    future,
  };
}
