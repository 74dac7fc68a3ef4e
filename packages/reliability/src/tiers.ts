import { type ErrorBudget, type ErrorBudgetOptions, errorBudget } from './error-budget';
import { ReliabilityError } from './errors';
import {
  type BootstrapOptions,
  type ConfidenceInterval,
  availabilityBreachProbability,
  forEachBootstrapQuantiles,
  latencyBreachProbability,
  percentileInterval,
  quantileOfSorted,
  resolveBootstrapOptions,
} from './statistics';
import { assertFiniteNumber, assertNonEmpty, assertRatio, describeValue } from './validation';

export type TierName = 'conservative' | 'balanced' | 'aggressive';

/**
 * Quantile levels of per-window availability behind each tier. The conservative tier must be the
 * one most likely met, so it comes from the LOW tail: the availability exceeded in 99.9% of
 * windows is the 0.1th percentile. Hence conservative ≤ balanced ≤ aggressive.
 */
export const AVAILABILITY_TIER_QUANTILES: Readonly<Record<TierName, number>> = Object.freeze({
  conservative: 0.001,
  balanced: 0.01,
  aggressive: 0.05,
});

/** Quantile levels of latency behind each tier (FR-2: p99.9, p99, p95). */
export const LATENCY_TIER_QUANTILES: Readonly<Record<TierName, number>> = Object.freeze({
  conservative: 0.999,
  balanced: 0.99,
  aggressive: 0.95,
});

const LATENCY_PERCENTILE_LABELS = {
  conservative: 'p99.9',
  balanced: 'p99',
  aggressive: 'p95',
} as const;

/**
 * Default latency noise margin for shared infrastructure: the top of the specification's 5–10%
 * band, because without a CPU-throttling signal the engine should assume the noisy case.
 */
export const DEFAULT_LATENCY_NOISE_MARGIN = 0.1;

export interface AvailabilityTier {
  /** Recommended availability target as a ratio. */
  readonly target: number;
  /** Quantile level of window availability the target came from, e.g. 0.001. */
  readonly quantile: number;
  readonly errorBudget: ErrorBudget;
  /** Share of historical windows below the target. */
  readonly breachProbability: number;
  /** Percentile bootstrap interval of the target statistic. */
  readonly confidenceInterval: ConfidenceInterval;
  /** True when the composite bound lowered this tier below its historical quantile. */
  readonly cappedByCompositeBound: boolean;
  /** True when the target is above the composite bound (possible only for aggressive). */
  readonly exceedsCompositeBound: boolean;
}

export interface AvailabilityTiers {
  readonly conservative: AvailabilityTier;
  readonly balanced: AvailabilityTier;
  readonly aggressive: AvailabilityTier;
  readonly windowCount: number;
  /** The bound used for capping, or null when none was given. */
  readonly compositeBound: number | null;
}

export interface AvailabilityTierOptions extends BootstrapOptions, ErrorBudgetOptions {
  /** Composite availability bound of the service's dependency chain; caps balanced. */
  readonly compositeBound?: number;
}

/**
 * FR-2 availability tiers from per-window availabilities (e.g. {@link rollingAvailability} of 30
 * days of hourly buckets): conservative = 0.1th percentile, balanced = 1st percentile capped by
 * the composite bound, aggressive = 5th percentile; conservative never exceeds the capped
 * balanced. Each tier has its error budget, breach probability and a bootstrap interval computed
 * on the same capped statistic. O(n log n + resamples × n).
 */
export function deriveAvailabilityTiers(
  windowAvailabilities: ArrayLike<number>,
  options: AvailabilityTierOptions,
): AvailabilityTiers {
  assertNonEmpty(windowAvailabilities, 'windowAvailabilities');
  for (let i = 0; i < windowAvailabilities.length; i++) {
    assertRatio(windowAvailabilities[i], `windowAvailabilities[${i}]`);
  }
  const bootstrap = resolveBootstrapOptions(options);
  const bound = options.compositeBound;
  if (bound !== undefined) assertRatio(bound, 'compositeBound');
  const cap = bound ?? Infinity;
  const budgetOptions: ErrorBudgetOptions = { windowMinutes: options.windowMinutes };

  const levels = [
    AVAILABILITY_TIER_QUANTILES.conservative,
    AVAILABILITY_TIER_QUANTILES.balanced,
    AVAILABILITY_TIER_QUANTILES.aggressive,
  ];
  const sorted = Float64Array.from(windowAvailabilities).sort();
  const [lowTail, typical, highTail] = levels.map((p) => quantileOfSorted(sorted, p));
  // Conservative = min(q0.1%, capped balanced) = min(q0.1%, cap), since q0.1% ≤ q1% always.
  const targets = [Math.min(lowTail, cap), Math.min(typical, cap), highTail];

  const resampled = levels.map(() => new Float64Array(bootstrap.resamples));
  let r = 0;
  forEachBootstrapQuantiles(
    windowAvailabilities,
    levels,
    bootstrap.random,
    bootstrap.resamples,
    (q) => {
      resampled[0][r] = Math.min(q[0], cap);
      resampled[1][r] = Math.min(q[1], cap);
      resampled[2][r] = q[2];
      r++;
    },
  );

  const tier = (index: number, raw: number): AvailabilityTier => {
    const target = targets[index];
    return {
      target,
      quantile: levels[index],
      errorBudget: errorBudget(target, budgetOptions),
      breachProbability: availabilityBreachProbability(sorted, target),
      confidenceInterval: percentileInterval(resampled[index], bootstrap.level),
      cappedByCompositeBound: target < raw,
      exceedsCompositeBound: target > cap,
    };
  };
  return {
    conservative: tier(0, lowTail),
    balanced: tier(1, typical),
    aggressive: tier(2, highTail),
    windowCount: windowAvailabilities.length,
    compositeBound: bound ?? null,
  };
}

export interface LatencyTier {
  /** Recommended latency target in milliseconds. */
  readonly targetMs: number;
  /** Label of the percentile as in the FR-2 response: "p99.9", "p99" or "p95". */
  readonly percentile: 'p99.9' | 'p99' | 'p95';
  /** Quantile level of the latency observations, e.g. 0.999. */
  readonly quantile: number;
  /** The observed quantile before the noise margin. */
  readonly observedMs: number;
  /** Share of observations above the target. */
  readonly breachProbability: number;
  readonly confidenceInterval: ConfidenceInterval;
}

export interface LatencyTiers {
  readonly conservative: LatencyTier;
  readonly balanced: LatencyTier;
  readonly aggressive: LatencyTier;
  readonly sampleCount: number;
  readonly noiseMargin: number;
}

export interface LatencyTierOptions extends BootstrapOptions {
  /** Relative margin added to the conservative and balanced tiers. Default {@link DEFAULT_LATENCY_NOISE_MARGIN}. */
  readonly noiseMargin?: number;
}

/**
 * FR-2 latency tiers from latency observations in ms (per-window latency SLI values, or request
 * latencies): conservative = p99.9 × (1 + margin), balanced = p99 × (1 + margin), aggressive =
 * p95 with no margin. So conservative ≥ balanced ≥ aggressive in milliseconds (the loosest target
 * is the most conservative). Breach probability = share of observations above the target.
 */
export function deriveLatencyTiers(
  latenciesMs: ArrayLike<number>,
  options: LatencyTierOptions,
): LatencyTiers {
  assertNonEmpty(latenciesMs, 'latenciesMs');
  for (let i = 0; i < latenciesMs.length; i++) {
    const latency = latenciesMs[i];
    assertFiniteNumber(latency, `latenciesMs[${i}]`);
    if (latency < 0) {
      throw new ReliabilityError(
        'RELIABILITY.INVALID_ARGUMENT',
        `latenciesMs[${i}] must be >= 0, got ${describeValue(latency)}`,
      );
    }
  }
  const bootstrap = resolveBootstrapOptions(options);
  const noiseMargin = options.noiseMargin ?? DEFAULT_LATENCY_NOISE_MARGIN;
  if (typeof noiseMargin !== 'number' || !(noiseMargin >= 0 && noiseMargin <= 1)) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      `noiseMargin must be in [0, 1] (0.05 = 5%), got ${describeValue(noiseMargin)}`,
    );
  }
  const names: readonly TierName[] = ['aggressive', 'balanced', 'conservative'];
  // Ascending levels for the single-walk bootstrap: p95, p99, p99.9.
  const levels = names.map((name) => LATENCY_TIER_QUANTILES[name]);
  const factors = names.map((name) => (name === 'aggressive' ? 1 : 1 + noiseMargin));
  const sorted = Float64Array.from(latenciesMs).sort();
  const resampled = levels.map(() => new Float64Array(bootstrap.resamples));
  let r = 0;
  forEachBootstrapQuantiles(latenciesMs, levels, bootstrap.random, bootstrap.resamples, (q) => {
    for (let i = 0; i < levels.length; i++) resampled[i][r] = q[i] * factors[i];
    r++;
  });
  const tiers = names.map((name, i): LatencyTier => {
    const observedMs = quantileOfSorted(sorted, levels[i]);
    const targetMs = observedMs * factors[i];
    return {
      targetMs,
      percentile: LATENCY_PERCENTILE_LABELS[name],
      quantile: levels[i],
      observedMs,
      breachProbability: latencyBreachProbability(sorted, targetMs),
      confidenceInterval: percentileInterval(resampled[i], bootstrap.level),
    };
  });
  return {
    conservative: tiers[2],
    balanced: tiers[1],
    aggressive: tiers[0],
    sampleCount: latenciesMs.length,
    noiseMargin,
  };
}
