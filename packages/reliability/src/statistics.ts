import { ReliabilityError } from './errors';
import {
  assertFiniteNumber,
  assertFunction,
  assertNonEmpty,
  assertPositiveInteger,
  assertRatio,
  describeValue,
  randomIndex,
} from './validation';

/** Default number of bootstrap resamples. */
export const DEFAULT_BOOTSTRAP_RESAMPLES = 1000;
/** Default confidence level of bootstrap intervals. */
export const DEFAULT_CONFIDENCE_LEVEL = 0.95;

/** A closed interval `[low, high]`. */
export type ConfidenceInterval = readonly [low: number, high: number];

export interface BootstrapOptions {
  /** Source of uniform numbers in [0, 1); inject a seeded one for reproducible intervals. */
  readonly random: () => number;
  /** Number of resamples. Default {@link DEFAULT_BOOTSTRAP_RESAMPLES}. */
  readonly resamples?: number;
  /** Confidence level in (0, 1). Default {@link DEFAULT_CONFIDENCE_LEVEL}. */
  readonly level?: number;
}

function assertFiniteValues(values: ArrayLike<number>, name: string): void {
  for (let i = 0; i < values.length; i++) assertFiniteNumber(values[i], `${name}[${i}]`);
}

function assertProbability(p: unknown, name: string): asserts p is number {
  if (typeof p !== 'number' || !(p >= 0 && p <= 1)) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      `${name} must be a probability in [0, 1], got ${describeValue(p)}`,
    );
  }
}

/**
 * Type-7 quantile (linear interpolation between order statistics, the default of R and NumPy)
 * of an ascending array. No validation: callers hold sorted, finite, non-empty data.
 */
export function quantileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const h = (sorted.length - 1) * p;
  const lower = Math.floor(h);
  const a = sorted[lower];
  if (lower + 1 >= sorted.length) return a;
  return interpolate(a, sorted[lower + 1], h - lower);
}

/** Shared by every quantile path so the fast bootstrap reproduces the plain one bit for bit. */
export function interpolate(a: number, b: number, fraction: number): number {
  return fraction === 0 ? a : a + (b - a) * fraction;
}

function sortedCopy(values: ArrayLike<number>): Float64Array {
  const sorted = Float64Array.from(values);
  sorted.sort();
  return sorted;
}

/**
 * The `p`-quantile of `values` (p in [0, 1]; 0 → minimum, 1 → maximum), by linear interpolation
 * between order statistics (type 7). O(n log n).
 */
export function quantile(values: ArrayLike<number>, p: number): number {
  assertNonEmpty(values, 'values');
  assertFiniteValues(values, 'values');
  assertProbability(p, 'p');
  return quantileOfSorted(sortedCopy(values), p);
}

/** Several quantiles of the same values, sorting once. Results follow the order of `ps`. */
export function quantiles(values: ArrayLike<number>, ps: readonly number[]): number[] {
  assertNonEmpty(values, 'values');
  assertFiniteValues(values, 'values');
  ps.forEach((p, i) => assertProbability(p, `ps[${i}]`));
  const sorted = sortedCopy(values);
  return ps.map((p) => quantileOfSorted(sorted, p));
}

/** Request counts of one time bucket (e.g. one hour). */
export interface RequestCounts {
  readonly good: number;
  readonly total: number;
}

export interface RollingAvailabilityOptions {
  /** Buckets between the starts of consecutive windows. Default 1 (sliding); = windowSize for tumbling. */
  readonly step?: number;
}

/**
 * Availability of every window of `windowSize` consecutive buckets: Σ good / Σ total (request
 * weighted, as the specification's PromQL ratio). Windows without any request carry no evidence
 * and are left out, so the result can be shorter than the number of windows. O(n).
 */
export function rollingAvailability(
  buckets: readonly RequestCounts[],
  windowSize: number,
  options: RollingAvailabilityOptions = {},
): number[] {
  assertPositiveInteger(windowSize, 'windowSize');
  const step = options.step ?? 1;
  assertPositiveInteger(step, 'step');
  const n = buckets.length;
  const goodPrefix = new Float64Array(n + 1);
  const totalPrefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const { good, total } = buckets[i];
    if (typeof good !== 'number' || !(good >= 0) || !Number.isFinite(good)) {
      throw new ReliabilityError(
        'RELIABILITY.INVALID_ARGUMENT',
        `buckets[${i}].good must be a finite count >= 0, got ${describeValue(good)}`,
      );
    }
    if (typeof total !== 'number' || !(total >= good) || !Number.isFinite(total)) {
      throw new ReliabilityError(
        'RELIABILITY.INVALID_ARGUMENT',
        `buckets[${i}].total must be a finite count >= good (${good}), got ${describeValue(total)}`,
      );
    }
    goodPrefix[i + 1] = goodPrefix[i] + good;
    totalPrefix[i + 1] = totalPrefix[i] + total;
  }
  const availabilities: number[] = [];
  for (let start = 0; start + windowSize <= n; start += step) {
    const total = totalPrefix[start + windowSize] - totalPrefix[start];
    if (total > 0) {
      const good = goodPrefix[start + windowSize] - goodPrefix[start];
      // Prefix differences of huge counts may round a hair past 1.
      availabilities.push(Math.min(1, good / total));
    }
  }
  return availabilities;
}

/**
 * Share of historical windows whose availability fell strictly below `target`: the empirical
 * probability that a window breaches the target. A window exactly at the target meets it.
 */
export function availabilityBreachProbability(
  windowAvailabilities: ArrayLike<number>,
  target: number,
): number {
  assertNonEmpty(windowAvailabilities, 'windowAvailabilities');
  assertRatio(target, 'target');
  let breaches = 0;
  for (let i = 0; i < windowAvailabilities.length; i++) {
    const a = windowAvailabilities[i];
    assertRatio(a, `windowAvailabilities[${i}]`);
    if (a < target) breaches++;
  }
  return breaches / windowAvailabilities.length;
}

/**
 * Share of historical windows whose latency rose strictly above `targetMs`. A window exactly at
 * the target meets it.
 */
export function latencyBreachProbability(
  windowLatenciesMs: ArrayLike<number>,
  targetMs: number,
): number {
  assertNonEmpty(windowLatenciesMs, 'windowLatenciesMs');
  assertFiniteNumber(targetMs, 'targetMs');
  let breaches = 0;
  for (let i = 0; i < windowLatenciesMs.length; i++) {
    const latency = windowLatenciesMs[i];
    assertFiniteNumber(latency, `windowLatenciesMs[${i}]`);
    if (latency > targetMs) breaches++;
  }
  return breaches / windowLatenciesMs.length;
}

export interface ResolvedBootstrapOptions {
  readonly random: () => number;
  readonly resamples: number;
  readonly level: number;
}

export function resolveBootstrapOptions(
  options: BootstrapOptions | undefined,
): ResolvedBootstrapOptions {
  if (options === undefined) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      'bootstrap options with a random source are required',
    );
  }
  assertFunction(options.random, 'random');
  const resamples = options.resamples ?? DEFAULT_BOOTSTRAP_RESAMPLES;
  assertPositiveInteger(resamples, 'resamples');
  const level = options.level ?? DEFAULT_CONFIDENCE_LEVEL;
  if (typeof level !== 'number' || !(level > 0 && level < 1)) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      `level must be in (0, 1), got ${describeValue(level)}`,
    );
  }
  return { random: options.random, resamples, level };
}

/** Percentile interval of a bootstrap distribution; sorts `statistics` in place. */
export function percentileInterval(statistics: Float64Array, level: number): ConfidenceInterval {
  statistics.sort();
  const tail = (1 - level) / 2;
  return [quantileOfSorted(statistics, tail), quantileOfSorted(statistics, 1 - tail)];
}

/**
 * Percentile bootstrap confidence interval of `statistic` over `values`: `resamples` times, draw
 * n values with replacement (n index draws from `random`), apply `statistic`, and take the
 * (1 − level)/2 and (1 + level)/2 quantiles of the results. The sample handed to `statistic` is a
 * buffer reused between calls: copy it to keep it. O(resamples × cost of statistic).
 */
export function bootstrapConfidenceInterval(
  values: ArrayLike<number>,
  statistic: (sample: Float64Array) => number,
  options: BootstrapOptions,
): ConfidenceInterval {
  assertNonEmpty(values, 'values');
  assertFiniteValues(values, 'values');
  assertFunction(statistic, 'statistic');
  const { random, resamples, level } = resolveBootstrapOptions(options);
  const n = values.length;
  const sample = new Float64Array(n);
  const statistics = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    for (let k = 0; k < n; k++) sample[k] = values[randomIndex(random, n)];
    const value = statistic(sample);
    if (typeof value !== 'number' || Number.isNaN(value)) {
      throw new ReliabilityError(
        'RELIABILITY.INVALID_ARGUMENT',
        `statistic must return a number, got ${describeValue(value)}`,
      );
    }
    statistics[r] = value;
  }
  return percentileInterval(statistics, level);
}

/**
 * Bootstrap of several quantiles at once without sorting any resample: resampling draws ranks
 * into the once-sorted values, so each resample is a histogram over ranks and its order
 * statistics come from one cumulative walk. O(n) per resample instead of O(n log n). The draws
 * are the same as {@link bootstrapConfidenceInterval}'s, so a quantile statistic gives identical
 * intervals either way. `probabilities` must be ascending; `onResample` receives the quantiles
 * in a reused buffer.
 */
export function forEachBootstrapQuantiles(
  values: ArrayLike<number>,
  probabilities: readonly number[],
  random: () => number,
  resamples: number,
  onResample: (quantilesOfResample: Float64Array) => void,
): void {
  const n = values.length;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => values[a] - values[b] || a - b);
  const sorted = new Float64Array(n);
  const rankOf = new Int32Array(n);
  for (let rank = 0; rank < n; rank++) {
    sorted[rank] = values[order[rank]];
    rankOf[order[rank]] = rank;
  }
  const lowerRanks = probabilities.map((p) => Math.floor((n - 1) * p));
  const fractions = probabilities.map((p, i) => (n - 1) * p - lowerRanks[i]);
  const counts = new Int32Array(n);
  const result = new Float64Array(probabilities.length);
  for (let r = 0; r < resamples; r++) {
    counts.fill(0);
    for (let k = 0; k < n; k++) counts[rankOf[randomIndex(random, n)]]++;
    // Walk the histogram once; `below` = resampled values with a smaller rank than `cursor`.
    let cursor = 0;
    let below = 0;
    const orderStatistic = (wanted: number): number => {
      if (wanted < below) cursor = below = 0;
      while (below + counts[cursor] <= wanted) below += counts[cursor++];
      return sorted[cursor];
    };
    for (let q = 0; q < probabilities.length; q++) {
      const lower = lowerRanks[q];
      const a = orderStatistic(lower);
      result[q] = lower + 1 >= n ? a : interpolate(a, orderStatistic(lower + 1), fractions[q]);
    }
    onResample(result);
  }
}
