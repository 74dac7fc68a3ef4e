import { ReliabilityError } from './errors';
import { assertRatio } from './validation';

/**
 * Default pessimistic penalty applied to a published SLA when no monitoring data exists:
 * `adjusted = SLA × (1 − 0.001)`, so 99.99% → 99.89% as in the specification's example.
 */
export const DEFAULT_SLA_PENALTY = 0.001;

/** Share of the error budget above which an external dependency is a "high dependency risk". */
export const HIGH_DEPENDENCY_RISK_SHARE = 0.3;

/** What is known about an external dependency's availability. */
export interface ExternalAvailabilityInput {
  /** Availability observed by monitoring the endpoint; always preferred when present. */
  readonly observed?: number;
  /** The vendor's published SLA as a ratio, used only when nothing was observed. */
  readonly publishedSla?: number;
}

export interface ExternalAvailabilityOptions {
  /** Penalty subtracted multiplicatively from a published SLA. Default {@link DEFAULT_SLA_PENALTY}. */
  readonly slaPenalty?: number;
}

export type AvailabilitySource = 'observed' | 'published-sla-adjusted';

export interface ExternalAvailability {
  readonly availability: number;
  readonly source: AvailabilitySource;
}

/**
 * The availability to plan with for an external dependency: the observed history if present,
 * else the published SLA made pessimistic, `SLA × (1 − slaPenalty)`.
 */
export function externalAvailability(
  input: ExternalAvailabilityInput,
  options: ExternalAvailabilityOptions = {},
): ExternalAvailability {
  const slaPenalty = options.slaPenalty ?? DEFAULT_SLA_PENALTY;
  assertRatio(slaPenalty, 'slaPenalty');
  if (input.observed !== undefined) {
    assertRatio(input.observed, 'observed');
    return { availability: input.observed, source: 'observed' };
  }
  if (input.publishedSla !== undefined) {
    assertRatio(input.publishedSla, 'publishedSla');
    return {
      availability: input.publishedSla * (1 - slaPenalty),
      source: 'published-sla-adjusted',
    };
  }
  throw new ReliabilityError(
    'RELIABILITY.MISSING_AVAILABILITY',
    'an external dependency needs an observed availability or a published SLA',
  );
}

/**
 * Share of a target's error budget that a dependency consumes on its own:
 * `(1 − R_dependency) / (1 − target)`. 0.5 means it alone spends half the budget; above 1 the
 * target is out of reach. For target = 1 (no budget) the share is 0 for a perfect dependency and
 * Infinity otherwise.
 */
export function errorBudgetShare(dependencyAvailability: number, target: number): number {
  assertRatio(dependencyAvailability, 'dependencyAvailability');
  assertRatio(target, 'target');
  const unavailability = 1 - dependencyAvailability;
  const budget = 1 - target;
  if (budget === 0) return unavailability === 0 ? 0 : Infinity;
  return unavailability / budget;
}

export interface ExternalDependencyAssessment extends ExternalAvailability {
  /** {@link errorBudgetShare} of the planned availability at the target. */
  readonly errorBudgetShare: number;
  /** True when the share exceeds the threshold (default 30%, FR-3). */
  readonly highDependencyRisk: boolean;
}

/**
 * {@link externalAvailability} plus its error-budget share at `target` and the FR-3
 * "high dependency risk" flag (share strictly above `highRiskShare`, default 0.3).
 */
export function assessExternalDependency(
  input: ExternalAvailabilityInput,
  target: number,
  options: ExternalAvailabilityOptions & { readonly highRiskShare?: number } = {},
): ExternalDependencyAssessment {
  const highRiskShare = options.highRiskShare ?? HIGH_DEPENDENCY_RISK_SHARE;
  assertRatio(highRiskShare, 'highRiskShare');
  const planned = externalAvailability(input, options);
  const share = errorBudgetShare(planned.availability, target);
  return { ...planned, errorBudgetShare: share, highDependencyRisk: share > highRiskShare };
}
