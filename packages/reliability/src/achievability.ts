import { addNines } from './algebra';
import { ReliabilityError } from './errors';
import { formatPercent } from './format';
import { assertRatio, describeValue } from './validation';

/** A dependency that a target relies on, for the "one more nine" check. */
export interface CriticalDependency {
  readonly id: string;
  readonly availability: number;
}

export interface TargetAchievabilityOptions {
  /**
   * The critical (hard) dependencies of the service. Those below the one-more-nine threshold are
   * listed in the suggestion, weakest first.
   */
  readonly dependencies?: readonly CriticalDependency[];
}

export interface AchievableTarget {
  readonly achievable: true;
  readonly target: number;
  readonly compositeBound: number;
  /** `compositeBound − target` (≥ 0). */
  readonly headroom: number;
}

export interface OneMoreNineSuggestion {
  /** `addNines(target, 1)`: each critical dependency should be at least this available. */
  readonly minimumDependencyAvailability: number;
  /** The critical dependencies that fall short of the minimum, weakest first. */
  readonly dependenciesBelow: readonly CriticalDependency[];
  readonly message: string;
}

export interface UnachievableTarget {
  readonly achievable: false;
  readonly target: number;
  readonly compositeBound: number;
  /** `target − compositeBound` (> 0). */
  readonly gap: number;
  readonly message: string;
  readonly suggestion: OneMoreNineSuggestion;
}

export type TargetAchievability = AchievableTarget | UnachievableTarget;

/**
 * FR-3 unachievable-target detection: a target above the composite availability bound cannot be
 * met whatever the service itself does. The unachievable result carries the specification's
 * message and the "one more nine" (10x) suggestion for critical dependencies.
 */
export function checkTargetAchievability(
  target: number,
  compositeBound: number,
  options: TargetAchievabilityOptions = {},
): TargetAchievability {
  assertRatio(target, 'target');
  assertRatio(compositeBound, 'compositeBound');
  const dependencies = options.dependencies ?? [];
  dependencies.forEach((dependency, i) => {
    if (typeof dependency.id !== 'string') {
      throw new ReliabilityError(
        'RELIABILITY.INVALID_ARGUMENT',
        `dependencies[${i}].id must be a string, got ${describeValue(dependency.id)}`,
      );
    }
    assertRatio(dependency.availability, `dependencies[${i}].availability`);
  });
  if (compositeBound >= target) {
    return { achievable: true, target, compositeBound, headroom: compositeBound - target };
  }
  const minimum = addNines(target, 1);
  const targetText = formatPercent(target);
  const boundText = formatBoundBelow(compositeBound, targetText);
  const dependenciesBelow = dependencies
    .filter((dependency) => dependency.availability < minimum)
    .sort((a, b) => a.availability - b.availability || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    achievable: false,
    target,
    compositeBound,
    gap: target - compositeBound,
    message:
      `The desired target of ${targetText} is unachievable. ` +
      `Composite availability bound is ${boundText} given current dependency chain.`,
    suggestion: {
      minimumDependencyAvailability: minimum,
      dependenciesBelow,
      message:
        `To achieve ${targetText}, each critical dependency must be at least ` +
        `${formatPercent(minimum)} (Google's 10x rule)`,
    },
  };
}

/**
 * Formats the bound with as many decimals as the target (at least 2), adding decimals while
 * rounding would make it read as high as the target: 0.99989 against 99.99% is "99.989%", not
 * "99.99%".
 */
function formatBoundBelow(bound: number, targetText: string): string {
  const targetValue = Number.parseFloat(targetText);
  const point = targetText.indexOf('.');
  let decimals = point < 0 ? 2 : Math.max(2, targetText.length - point - 2);
  let text = (bound * 100).toFixed(decimals);
  while (Number.parseFloat(text) >= targetValue && decimals < 12) {
    decimals++;
    text = (bound * 100).toFixed(decimals);
  }
  return `${text}%`;
}
