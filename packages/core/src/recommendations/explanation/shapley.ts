/**
 * Exact Shapley values of a function of a few named features against a baseline (spec 004 FR-7
 * feature attribution). For features N and a value function v(S) = f(x_S, b_{N∖S}) (the features
 * in S take the explained input's values, the rest the baseline's):
 *
 *   φ_i = Σ_{S ⊆ N∖{i}} |S|! (n − |S| − 1)! / n! · (v(S ∪ {i}) − v(S))
 *
 * Efficiency holds by construction: Σ φ_i = f(x) − f(b). The function is evaluated once per
 * coalition (2ⁿ calls), so this is meant for the handful of features a recommendation has.
 */

/** Largest feature count accepted: 2¹² = 4,096 evaluations. */
export const MAX_SHAPLEY_FEATURES = 12;

export type FeatureVector<K extends string> = Readonly<Record<K, number>>;

export interface ShapleyResult<K extends string> {
  readonly values: Readonly<Record<K, number>>;
  /** f(input) and f(baseline); Σ values = output − baselineOutput. */
  readonly output: number;
  readonly baselineOutput: number;
}

export function shapleyValues<K extends string>(
  features: readonly K[],
  f: (x: FeatureVector<K>) => number,
  input: FeatureVector<K>,
  baseline: FeatureVector<K>,
): ShapleyResult<K> {
  const n = features.length;
  if (n > MAX_SHAPLEY_FEATURES) {
    throw new RangeError(`shapleyValues: at most ${MAX_SHAPLEY_FEATURES} features, got ${n}`);
  }
  if (new Set(features).size !== n) throw new RangeError('shapleyValues: duplicate feature names');
  const coalitions = 1 << n;
  const value = new Float64Array(coalitions);
  for (let mask = 0; mask < coalitions; mask++) {
    const x = {} as Record<K, number>;
    features.forEach((feature, i) => {
      x[feature] = mask & (1 << i) ? input[feature] : baseline[feature];
    });
    value[mask] = f(x);
  }
  // weight[s] = s! (n − s − 1)! / n! for a coalition of size s not containing i.
  const factorial = [1];
  for (let k = 1; k <= n; k++) factorial.push(factorial[k - 1] * k);
  const weight = Array.from(
    { length: n },
    (_, s) => (factorial[s] * factorial[n - s - 1]) / factorial[n],
  );
  const values = {} as Record<K, number>;
  features.forEach((feature, i) => {
    const bit = 1 << i;
    let phi = 0;
    for (let mask = 0; mask < coalitions; mask++) {
      if (mask & bit) continue;
      phi += weight[popcount(mask)] * (value[mask | bit] - value[mask]);
    }
    values[feature] = phi;
  });
  return { values, output: value[coalitions - 1], baselineOutput: value[0] };
}

function popcount(mask: number): number {
  let count = 0;
  for (let m = mask; m !== 0; m &= m - 1) count++;
  return count;
}
