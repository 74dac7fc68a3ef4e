import { DriftError } from './errors';
import {
  choiceOption,
  describeValue,
  integerOption,
  optionsObject,
  readSample,
} from './internal/validate';

/**
 * The alternative hypothesis, with scipy's convention on F (ECDF of `a`) and G (ECDF of `b`):
 * 'greater' uses D⁺ = max(F − G), 'less' uses D⁻ = max(G − F), 'two-sided' uses D = max |F − G|.
 */
export type KsAlternative = 'two-sided' | 'less' | 'greater';

/** How the p-value is computed: 'auto' picks 'exact' when n·m ≤ exactLimit. */
export type KsMethod = 'auto' | 'exact' | 'asymptotic';

/** Options of {@link ksTwoSample}; every field is optional. */
export interface KsOptions {
  /** Default 'two-sided'. */
  readonly alternative?: KsAlternative;
  /** Default 'auto'. */
  readonly method?: KsMethod;
  /** Largest n·m for which 'auto' computes the exact p-value. Default {@link KS_EXACT_LIMIT}. */
  readonly exactLimit?: number;
}

/** Result of {@link ksTwoSample}. */
export interface KsResult {
  /** The KS statistic (D, D⁺ or D⁻ by the alternative), in [0, 1]. */
  readonly statistic: number;
  /** P(statistic ≥ observed) under H₀ (both samples from one distribution), in [0, 1]. */
  readonly pValue: number;
  /** How `pValue` was computed. */
  readonly method: 'exact' | 'asymptotic';
  readonly alternative: KsAlternative;
  /** The value x at which the two ECDFs differ by `statistic` (the smallest such x). */
  readonly location: number;
  /** Size of `a`. */
  readonly n1: number;
  /** Size of `b`. */
  readonly n2: number;
}

/** Default largest n·m for which method 'auto' computes the exact p-value (O(n·m) work). */
export const KS_EXACT_LIMIT = 10_000;

/**
 * Two-sample Kolmogorov–Smirnov test. The statistic is the largest gap between the two empirical
 * CDFs, both evaluated right-continuously at every distinct value (so ties are counted on both
 * sides at once, as scipy does). The exact p-value is the permutation probability of a statistic
 * at least as large, given the observed pattern of ties; the asymptotic one uses the Kolmogorov
 * distribution with Stephens' correction (two-sided) or Hodges' formula (one-sided).
 *
 * Throws DRIFT.EMPTY_SAMPLE for an empty sample, DRIFT.INVALID_VALUE for a NaN or infinite value,
 * DRIFT.INVALID_OPTION for a bad option. O((n + m)·log(n + m)) plus O(n·m) for the exact p-value.
 */
export function ksTwoSample(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options?: KsOptions,
): KsResult {
  const o = optionsObject('ksTwoSample: options', options);
  const alternative = choiceOption<KsAlternative>(
    'ksTwoSample: alternative',
    o['alternative'],
    'two-sided',
    ['two-sided', 'less', 'greater'],
  );
  const method = choiceOption<KsMethod>('ksTwoSample: method', o['method'], 'auto', [
    'auto',
    'exact',
    'asymptotic',
  ]);
  const exactLimit = integerOption('ksTwoSample: exactLimit', o['exactLimit'], KS_EXACT_LIMIT, 0);
  const x = readSample(a, 'ksTwoSample: a').sort();
  const y = readSample(b, 'ksTwoSample: b').sort();
  const exact = method === 'exact' || (method === 'auto' && x.length * y.length <= exactLimit);
  return ksSorted(x, y, alternative, exact);
}

/**
 * The KS test on two ascending-sorted, validated, non-empty samples. Internal fast path shared by
 * {@link ksTwoSample} and KSWIN. Without ties the exact p-value depends only on (n1, n2, h), so a
 * caller that tests samples of fixed sizes may pass `noTieCache` (keyed by h) to reuse it.
 */
export function ksSorted(
  a: Float64Array,
  b: Float64Array,
  alternative: KsAlternative,
  exact: boolean,
  noTieCache?: Map<number, number>,
): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  // Tie blocks end where the merged order moves to a larger value; only there is the statistic
  // evaluated, so only there can a lattice path be "outside" in the exact computation.
  const blockEnd = exact ? new Uint8Array(n1 + n2 + 1) : null;
  const first = Math.min(a[0], b[0]);
  let i = 0;
  let j = 0;
  let blocks = 0;
  // Gaps are kept as integers i·n2 − j·n1 = n1·n2·(F − G) so the exact comparison is exact.
  let maxPlus = 0;
  let maxMinus = 0;
  let locationPlus = first;
  let locationMinus = first;
  while (i < n1 || j < n2) {
    const value = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
    while (i < n1 && a[i] === value) i++;
    while (j < n2 && b[j] === value) j++;
    blocks++;
    if (blockEnd !== null) blockEnd[i + j] = 1;
    const gap = i * n2 - j * n1;
    if (gap > maxPlus) {
      maxPlus = gap;
      locationPlus = value;
    } else if (-gap > maxMinus) {
      maxMinus = -gap;
      locationMinus = value;
    }
  }
  let h: number;
  let location: number;
  if (alternative === 'greater' || (alternative === 'two-sided' && maxPlus >= maxMinus)) {
    h = maxPlus;
    location = locationPlus;
  } else {
    h = maxMinus;
    location = locationMinus;
  }
  const statistic = h / (n1 * n2);
  let pValue: number;
  if (blockEnd === null) {
    pValue = asymptoticPValue(n1, n2, statistic, alternative);
  } else if (noTieCache !== undefined && blocks === n1 + n2) {
    const cached = noTieCache.get(h);
    pValue = cached ?? exactPValue(n1, n2, h, alternative, blockEnd);
    if (cached === undefined) noTieCache.set(h, pValue);
  } else {
    pValue = exactPValue(n1, n2, h, alternative, blockEnd);
  }
  return {
    statistic,
    pValue: Math.min(1, Math.max(0, pValue)),
    method: blockEnd !== null ? 'exact' : 'asymptotic',
    alternative,
    location,
    n1,
    n2,
  };
}

/**
 * P(statistic ≥ h/(n1·n2)) over the C(n1+n2, n1) equally likely ways to label the pooled sample.
 * A labelling is a monotone lattice path from (0,0) to (n1,n2); it reaches the observed gap when
 * it passes a tie-block end (i, j) with |i·n2 − j·n1| ≥ h (one-sided: the signed gap). The
 * recursion carries, per cell, the fraction of paths into it that have already been outside:
 * q(i,j) = 1 outside, else (i·q(i−1,j) + j·q(i,j−1)) / (i+j), since i/(i+j) of the paths into
 * (i,j) come from (i−1,j). Weighted averages of numbers in [0,1] never cancel, so tiny p-values
 * keep full relative precision (unlike 1 − P(inside)). O(n1·n2) time, O(n2) memory.
 */
function exactPValue(
  n1: number,
  n2: number,
  h: number,
  alternative: KsAlternative,
  blockEnd: Uint8Array,
): number {
  if (h === 0) return 1;
  const upper = alternative !== 'less';
  const lower = alternative !== 'greater';
  const q = new Float64Array(n2 + 1);
  for (let i = 0; i <= n1; i++) {
    for (let j = 0; j <= n2; j++) {
      if (i === 0 && j === 0) continue;
      const gap = i * n2 - j * n1;
      if (blockEnd[i + j] === 1 && ((upper && gap >= h) || (lower && -gap >= h))) q[j] = 1;
      else if (i === 0) q[j] = q[j - 1];
      else if (j > 0) q[j] = (i * q[j] + j * q[j - 1]) / (i + j);
      // j === 0 and i > 0: the only way in is from (i − 1, 0), so q[0] stays as it is.
    }
  }
  return q[n2];
}

function asymptoticPValue(
  n1: number,
  n2: number,
  statistic: number,
  alternative: KsAlternative,
): number {
  if (statistic === 0) return 1;
  const m = Math.max(n1, n2);
  const n = Math.min(n1, n2);
  const effectiveN = (m * n) / (m + n);
  const root = Math.sqrt(effectiveN);
  if (alternative === 'two-sided') {
    // Stephens (1970): the corrected argument makes Q_KS accurate already for small effective n.
    return kolmogorovSurvival((root + 0.12 + 0.11 / root) * statistic);
  }
  // Hodges (1958) eq. 5.3, the one-sided approximation scipy uses (m is the larger size).
  const z = root * statistic;
  return Math.exp(-2 * z * z - (2 * z * (m + 2 * n)) / Math.sqrt(m * n * (m + n)) / 3);
}

/**
 * The Kolmogorov distribution's survival function
 * `Q_KS(λ) = P(K > λ) = 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²λ²}`, the limit of P(√n·Dₙ > λ).
 * Below λ = 1.18 that series converges slowly, so the equivalent Jacobi-theta form
 * `1 − (√(2π)/λ) Σ_{k≥1} e^{−(2k−1)²π²/(8λ²)}` is used there. Returns 1 for λ ≤ 0.
 */
export function kolmogorovSurvival(lambda: number): number {
  if (typeof lambda !== 'number' || Number.isNaN(lambda)) {
    throw new DriftError(
      'DRIFT.INVALID_VALUE',
      `kolmogorovSurvival: lambda must be a number, got ${describeValue(lambda)}`,
    );
  }
  if (lambda <= 0) return 1;
  if (lambda < 1.18) {
    const w = (Math.PI * Math.PI) / (8 * lambda * lambda);
    let sum = 0;
    for (let k = 1; k <= 100; k++) {
      const odd = 2 * k - 1;
      const term = Math.exp(-odd * odd * w);
      sum += term;
      if (term <= 1e-17 * sum) break;
    }
    // For λ this small the CDF underflows to 0 (and √(2π)/λ may overflow): Q is 1.
    if (sum === 0) return 1;
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * sum));
  }
  let sum = 0;
  for (let k = 1; k <= 100; k++) {
    const term = Math.exp(-2 * k * k * lambda * lambda);
    sum += k % 2 === 1 ? term : -term;
    if (term <= 1e-17 * sum) break;
  }
  return Math.min(1, Math.max(0, 2 * sum));
}
