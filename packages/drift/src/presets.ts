import { DriftError } from './errors';
import { numberOption, optionsObject } from './internal/validate';
import { PAGE_HINKLEY_DEFAULTS, type ResolvedPageHinkleyOptions } from './page-hinkley';

/** Options of {@link pageHinkleyOptionsForScale}. */
export interface ScaledPageHinkleyOptions {
  /** δ in standard deviations: mean shifts smaller than this are ignored. Default 0.5. */
  readonly deltaSigmas?: number;
  /** λ in standard deviations × samples. Default 15. */
  readonly thresholdSigmas?: number;
}

/**
 * Page-Hinkley options for a signal whose sample-to-sample noise has standard deviation `sigma`
 * (in the signal's own unit): δ = deltaSigmas·σ and λ = thresholdSigmas·σ, the other options at
 * river's defaults. A shift of s·σ is then detected after roughly thresholdSigmas / (s − deltaSigmas)
 * samples. On stationary Gaussian noise the defaults (δ = 0.5 σ, λ = 15 σ) raised 3 false alarms
 * in 300,000 samples in this package's simulations (λ = 10 σ: about one per 10,000 samples).
 */
export function pageHinkleyOptionsForScale(
  sigma: number,
  options?: ScaledPageHinkleyOptions,
): ResolvedPageHinkleyOptions {
  if (typeof sigma !== 'number' || !Number.isFinite(sigma) || sigma <= 0) {
    throw new DriftError(
      'DRIFT.INVALID_OPTION',
      `pageHinkleyOptionsForScale: sigma must be a finite number > 0, got ${String(sigma)}`,
    );
  }
  const o = optionsObject('pageHinkleyOptionsForScale: options', options);
  const deltaSigmas = numberOption(
    'pageHinkleyOptionsForScale: deltaSigmas',
    o['deltaSigmas'],
    0.5,
    'a finite number >= 0',
    (x) => x >= 0,
  );
  const thresholdSigmas = numberOption(
    'pageHinkleyOptionsForScale: thresholdSigmas',
    o['thresholdSigmas'],
    15,
    'a finite number > 0',
    (x) => x > 0,
  );
  return Object.freeze({
    ...PAGE_HINKLEY_DEFAULTS,
    delta: deltaSigmas * sigma,
    threshold: thresholdSigmas * sigma,
  });
}

/**
 * Ready-made Page-Hinkley options for SLI streams. river's defaults (δ = 0.005, λ = 50) suit data of
 * unit scale; an availability ratio near 0.999 moves by thousandths, a latency by milliseconds.
 * - `availability`: ratios in [0, 1] with noise σ ≈ 0.001 (δ = 0.0005, λ = 0.015): a drop from
 *   0.999 to 0.995 is caught within a few samples.
 * - `latencyMs`: latencies in milliseconds with noise σ ≈ 20 ms (δ = 10, λ = 300).
 * - `standardized`: z-scores, (x − baseline mean) / baseline σ (δ = 0.5, λ = 15).
 * When the baseline's σ is known, prefer `pageHinkleyOptionsForScale(σ)`.
 */
export const PAGE_HINKLEY_PRESETS: Readonly<{
  availability: ResolvedPageHinkleyOptions;
  latencyMs: ResolvedPageHinkleyOptions;
  standardized: ResolvedPageHinkleyOptions;
}> = Object.freeze({
  availability: pageHinkleyOptionsForScale(0.001),
  latencyMs: pageHinkleyOptionsForScale(20),
  standardized: pageHinkleyOptionsForScale(1),
});
