import { ReliabilityError } from './errors';
import {
  assertFiniteNumber,
  assertNonEmpty,
  assertRatio,
  dependencyKindOf,
  describeValue,
} from './validation';

/** How a caller depends on a callee. Soft dependencies degrade the caller but never fail it. */
export type DependencyKind = 'hard' | 'soft';

/** One direct dependency for {@link composeAvailability}. */
export interface DirectDependency {
  /** Availability of the dependency as a ratio in [0, 1]. */
  readonly availability: number;
  /** Defaults to `'hard'`. */
  readonly kind?: DependencyKind;
  /**
   * Dependencies of one caller that share a label are redundant replicas of each other and form
   * one parallel factor. Only hard dependencies may carry a label.
   */
  readonly redundancyGroup?: string;
}

/**
 * Availability of components that must all be up (serial / hard chain): `Π R_i`.
 * The empty product is 1: a service with no hard dependency is not constrained by any.
 */
export function serialAvailability(availabilities: readonly number[]): number {
  let product = 1;
  for (let i = 0; i < availabilities.length; i++) {
    const r = availabilities[i];
    assertRatio(r, `availabilities[${i}]`);
    product *= r;
  }
  return product;
}

/**
 * Availability of redundant replicas of which one suffices (parallel): `1 − Π (1 − R_i)`.
 * Failures are assumed independent, as in the specification's formula.
 */
export function parallelAvailability(availabilities: readonly number[]): number {
  assertNonEmpty(availabilities, 'availabilities');
  let allDown = 1;
  let best = 0;
  for (let i = 0; i < availabilities.length; i++) {
    const r = availabilities[i];
    assertRatio(r, `availabilities[${i}]`);
    allDown *= 1 - r;
    if (r > best) best = r;
  }
  // 1 − (1 − R) rounds tiny availabilities away; redundancy can never be worse than its best replica.
  return Math.max(1 - allDown, best);
}

/**
 * One level of the algebra: `R_self × Π R_hard × Π_groups (1 − Π (1 − R_replica))`, soft
 * dependencies excluded. Use {@link compositeAvailability} for a whole dependency graph, where
 * shared transitive dependencies must be counted once.
 */
export function composeAvailability(
  ownAvailability: number,
  dependencies: readonly DirectDependency[],
): number {
  assertRatio(ownAvailability, 'ownAvailability');
  let product = ownAvailability;
  const groups = new Map<string, number[]>();
  for (let i = 0; i < dependencies.length; i++) {
    const dependency = dependencies[i];
    assertRatio(dependency.availability, `dependencies[${i}].availability`);
    const kind = dependencyKindOf(dependency.kind, `dependencies[${i}]`);
    const group = dependency.redundancyGroup;
    if (group !== undefined && kind === 'soft') {
      throw new ReliabilityError(
        'RELIABILITY.INVALID_ARGUMENT',
        `dependencies[${i}] is soft but has redundancyGroup ${describeValue(group)}; only hard dependencies can be redundant`,
      );
    }
    if (kind === 'soft') continue;
    if (group === undefined) {
      product *= dependency.availability;
    } else {
      const replicas = groups.get(group);
      if (replicas === undefined) groups.set(group, [dependency.availability]);
      else replicas.push(dependency.availability);
    }
  }
  for (const replicas of groups.values()) product *= parallelAvailability(replicas);
  return product;
}

/**
 * Number of nines of an availability: `−log10(1 − R)`, so 0.999 → 3 and 0.9995 → 3.30.
 * Infinity for R = 1.
 */
export function ninesOf(availability: number): number {
  assertRatio(availability, 'availability');
  return -Math.log10(1 - availability);
}

/**
 * The availability `nines` nines better than `availability`: the unavailability is divided by
 * 10^nines, so `addNines(0.9999)` = 0.99999 and `addNines(0.9995)` = 0.99995. This is the
 * "10x rule" used to size critical dependencies. Negative `nines` loosen instead.
 */
export function addNines(availability: number, nines = 1): number {
  assertRatio(availability, 'availability');
  assertFiniteNumber(nines, 'nines');
  const result = 1 - (1 - availability) / 10 ** nines;
  // Loosening can push the unavailability past 1; clamp so the result stays a ratio.
  return result < 0 ? 0 : result;
}
