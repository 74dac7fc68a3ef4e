import { DriftError } from './errors';
import { Adwin, ADWIN_DEFAULTS, type AdwinCut, type AdwinOptions } from './adwin';
import {
  booleanOption,
  choiceOption,
  integerOption,
  numberOption,
  optionsObject,
  readSample,
} from './internal/validate';
import { type KsAlternative, type KsMethod, type KsResult, ksTwoSample } from './ks';
import {
  PageHinkley,
  type PageHinkleyOptions,
  type ResolvedPageHinkleyOptions,
} from './page-hinkley';
import { pageHinkleyOptionsForScale } from './presets';

/** Options of {@link evaluateDrift}; every field is optional. */
export interface EvaluateDriftOptions {
  /** Detectors that must agree, 1..3. Default 2. */
  readonly required?: number;
  /** Significance level of the KS test: it votes when pValue ≤ alpha. Default 0.005 (KSWIN's). */
  readonly alpha?: number;
  /**
   * Feed Page-Hinkley and ADWIN z-scores (x − baseline mean) / scale, so one set of thresholds
   * fits availability ratios and latencies alike. Default true. (KS is scale-free anyway.)
   */
  readonly standardize?: boolean;
  /** The scale used when standardising; default the baseline's sample standard deviation. */
  readonly scale?: number;
  /**
   * Floor for the computed scale, so a flat baseline (all 1.0) does not turn the tiniest change
   * into an infinite z-score. Default 1e-4 × max(1, |baseline mean|).
   */
  readonly minScale?: number;
  /** Page-Hinkley options; default {@link EVALUATE_PAGE_HINKLEY_DEFAULTS}. */
  readonly pageHinkley?: PageHinkleyOptions;
  /** ADWIN options; default {@link EVALUATE_ADWIN_DEFAULTS}. */
  readonly adwin?: AdwinOptions;
  /** KS test options (see ksTwoSample). */
  readonly ks?: {
    readonly alternative?: KsAlternative;
    readonly method?: KsMethod;
    readonly exactLimit?: number;
  };
}

/**
 * Page-Hinkley defaults of {@link evaluateDrift}, in standard deviations of the baseline: ignore
 * mean shifts below 0.5 σ (δ) and fire once the excess accumulates beyond 10 σ·samples (λ), so a
 * 3 σ shift can be caught within a 4-point batch. This is more sensitive than the streaming preset
 * (λ = 15) because only detections inside the short recent batch count.
 */
export const EVALUATE_PAGE_HINKLEY_DEFAULTS: ResolvedPageHinkleyOptions =
  pageHinkleyOptionsForScale(1, { thresholdSigmas: 10 });

/**
 * ADWIN defaults of {@link evaluateDrift}: river's, except `clock: 1`. A recent batch is often
 * shorter than river's clock of 32 samples; with it most batches would never be examined.
 */
export const EVALUATE_ADWIN_DEFAULTS: Required<AdwinOptions> = Object.freeze({
  ...ADWIN_DEFAULTS,
  clock: 1,
});

/** Per-detector votes of {@link evaluateDrift}. */
export interface EvaluationVotes {
  readonly pageHinkley: boolean;
  readonly adwin: boolean;
  readonly ks: boolean;
}

/** Result of {@link evaluateDrift}: the vote and what each detector saw. */
export interface DriftEvaluation {
  /** True when at least `required` detectors vote for drift. */
  readonly confirmed: boolean;
  readonly votes: EvaluationVotes;
  readonly voteCount: number;
  readonly required: number;
  /** The transform applied before Page-Hinkley and ADWIN, or null when `standardize` is false. */
  readonly standardization: { readonly center: number; readonly scale: number } | null;
  readonly pageHinkley: {
    readonly driftDetected: boolean;
    /** Index into `recent` of the first detection, or null. */
    readonly firstDetection: number | null;
    readonly direction: 'up' | 'down' | null;
    /** The statistic that crossed the threshold at the first detection (else the final one). */
    readonly statistic: number;
    readonly threshold: number;
    /** Detections while warming up on the baseline (a restless baseline). */
    readonly baselineDetections: number;
  };
  readonly adwin: {
    readonly driftDetected: boolean;
    readonly firstDetection: number | null;
    /** The cut of the first detection in `recent`, with means in the data's own unit. */
    readonly cut: AdwinCut | null;
    readonly baselineDetections: number;
  };
  readonly ks: KsResult & { readonly driftDetected: boolean; readonly alpha: number };
  /** One human-readable sentence per detector, for notifications. */
  readonly reasons: readonly string[];
}

/**
 * The worker's check of spec 004 FR-9 in one call: Page-Hinkley and ADWIN are warmed up on the
 * stored `baseline` and then fed `recent` (only detections within `recent` count as votes), the
 * two-sample KS test compares `baseline` with `recent`, and drift is confirmed when `required` of
 * the three agree. Deterministic (no randomness is involved).
 *
 * Throws DRIFT.EMPTY_SAMPLE when either sample is empty, DRIFT.INVALID_VALUE for a NaN or infinite
 * value, DRIFT.INVALID_OPTION for a bad option. O((b + r)·log(b + r)) plus the KS p-value (O(b·r)
 * when exact).
 */
export function evaluateDrift(
  baseline: ArrayLike<number>,
  recent: ArrayLike<number>,
  options?: EvaluateDriftOptions,
): DriftEvaluation {
  const o = optionsObject('evaluateDrift: options', options);
  const base = readSample(baseline, 'evaluateDrift: baseline');
  const now = readSample(recent, 'evaluateDrift: recent');
  const required = integerOption('evaluateDrift: required', o['required'], 2, 1, 3);
  const alpha = numberOption(
    'evaluateDrift: alpha',
    o['alpha'],
    0.005,
    'a number in (0, 1)',
    (x) => x > 0 && x < 1,
  );
  const standardize = booleanOption('evaluateDrift: standardize', o['standardize'], true);
  const ksOptions = optionsObject('evaluateDrift: ks', o['ks']);
  const ksAlternative = choiceOption<KsAlternative>(
    'evaluateDrift: ks.alternative',
    ksOptions['alternative'],
    'two-sided',
    ['two-sided', 'less', 'greater'],
  );

  let center = 0;
  let scale = 1;
  if (standardize) {
    const { mean, sd } = meanAndSd(base);
    center = mean;
    const minScale = numberOption(
      'evaluateDrift: minScale',
      o['minScale'],
      1e-4 * Math.max(1, Math.abs(mean)),
      'a finite number > 0',
      (x) => x > 0,
    );
    scale = Math.max(
      numberOption('evaluateDrift: scale', o['scale'], sd, 'a finite number > 0', (x) => x > 0),
      minScale,
    );
  }
  const ph = new PageHinkley({
    ...EVALUATE_PAGE_HINKLEY_DEFAULTS,
    ...(optionsObject('evaluateDrift: pageHinkley', o['pageHinkley']) as PageHinkleyOptions),
  });
  const adwin = new Adwin({
    ...EVALUATE_ADWIN_DEFAULTS,
    ...(optionsObject('evaluateDrift: adwin', o['adwin']) as AdwinOptions),
  });

  const standardized = (x: number): number => {
    const z = (x - center) / scale;
    if (!Number.isFinite(z)) {
      throw new DriftError(
        'DRIFT.INVALID_OPTION',
        `evaluateDrift: (x − mean) / scale overflows for x = ${x}; scale ${scale} is too small`,
      );
    }
    return z;
  };
  let phBaseline = 0;
  let adwinBaseline = 0;
  for (let i = 0; i < base.length; i++) {
    const z = standardized(base[i]);
    if (ph.update(z)) phBaseline++;
    if (adwin.update(z)) adwinBaseline++;
  }
  let phFirst: number | null = null;
  let phDirection: 'up' | 'down' | null = null;
  let phStatistic = 0;
  let adwinFirst: number | null = null;
  let adwinCut: AdwinCut | null = null;
  for (let i = 0; i < now.length; i++) {
    const z = standardized(now[i]);
    if (ph.update(z) && phFirst === null) {
      phFirst = i;
      phDirection = ph.direction;
      phStatistic = phDirection === 'up' ? ph.testIncrease : ph.testDecrease;
    }
    if (adwin.update(z) && adwinFirst === null) {
      adwinFirst = i;
      const cut = adwin.lastCut!;
      adwinCut = {
        ...cut,
        olderMean: cut.olderMean * scale + center,
        newerMean: cut.newerMean * scale + center,
        epsilon: cut.epsilon * scale,
      };
    }
  }
  if (phFirst === null) phStatistic = Math.max(ph.testIncrease, ph.testDecrease);

  const ksResult = ksTwoSample(base, now, {
    alternative: ksAlternative,
    ...(ksOptions['method'] === undefined ? {} : { method: ksOptions['method'] as KsMethod }),
    ...(ksOptions['exactLimit'] === undefined
      ? {}
      : { exactLimit: ksOptions['exactLimit'] as number }),
  });
  const ksDrift = ksResult.pValue <= alpha;

  const votes: EvaluationVotes = {
    pageHinkley: phFirst !== null,
    adwin: adwinFirst !== null,
    ks: ksDrift,
  };
  const voteCount = (votes.pageHinkley ? 1 : 0) + (votes.adwin ? 1 : 0) + (votes.ks ? 1 : 0);
  const threshold = ph.options.threshold;
  const reasons = [
    phFirst === null
      ? `Page-Hinkley: no drift (statistic ${fmt(phStatistic)} ≤ threshold ${fmt(threshold)})`
      : `Page-Hinkley: mean ${phDirection === 'up' ? 'increase' : 'decrease'} at recent[${phFirst}] ` +
        `(statistic ${fmt(phStatistic)} > threshold ${fmt(threshold)})`,
    adwinCut === null
      ? `ADWIN: no drift (window of ${adwin.width} samples is homogeneous)`
      : `ADWIN: window cut at recent[${adwinFirst}]: older ${adwinCut.olderWidth} samples ` +
        `mean ${fmt(adwinCut.olderMean)} vs newer ${adwinCut.newerWidth} samples mean ` +
        `${fmt(adwinCut.newerMean)} (|difference| > ε ${fmt(adwinCut.epsilon)})`,
    `KS: D = ${fmt(ksResult.statistic)}, p = ${fmt(ksResult.pValue)} (${ksResult.method}) ` +
      `${ksDrift ? '≤' : '>'} alpha ${fmt(alpha)}`,
  ];
  return {
    confirmed: voteCount >= required,
    votes,
    voteCount,
    required,
    standardization: standardize ? { center, scale } : null,
    pageHinkley: {
      driftDetected: phFirst !== null,
      firstDetection: phFirst,
      direction: phDirection,
      statistic: phStatistic,
      threshold,
      baselineDetections: phBaseline,
    },
    adwin: {
      driftDetected: adwinFirst !== null,
      firstDetection: adwinFirst,
      cut: adwinCut,
      baselineDetections: adwinBaseline,
    },
    ks: { ...ksResult, driftDetected: ksDrift, alpha },
    reasons,
  };
}

function meanAndSd(values: Float64Array): { mean: number; sd: number } {
  // Welford: one pass, no catastrophic cancellation for ratios like 0.9995 ± 1e-5.
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    const d = x - mean;
    mean += d / (i + 1);
    m2 += d * (x - mean);
  }
  return { mean, sd: values.length > 1 ? Math.sqrt(m2 / (values.length - 1)) : 0 };
}

function fmt(x: number): string {
  return String(Number(x.toPrecision(4)));
}
