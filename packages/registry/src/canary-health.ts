import { RegistryError } from './errors';
import { type SliSnapshot } from './sli-window';

/** The objectives a canary is held to, usually the capability's SLO. Latencies in ms. */
export interface CanaryTargets {
  readonly p50Ms?: number;
  readonly p95Ms?: number;
  readonly p99Ms?: number;
  /** Fraction of successful requests, in (0, 1). Also sets the error-budget floor. */
  readonly availability?: number;
}

export type CanaryVerdict = 'healthy' | 'violating' | 'insufficient_data';

/** What a canary violated: one of its targets, or the burn-rate comparison (`error_rate`). */
export type CanaryCheckMetric =
  'latency_p50' | 'latency_p95' | 'latency_p99' | 'availability' | 'error_rate';

export interface CanaryViolation {
  readonly metric: CanaryCheckMetric;
  readonly actual: number;
  /** The target (latency maximum, availability minimum) or the error-rate limit. */
  readonly limit: number;
  /** A sentence with the numbers, e.g. `canary p95 latency 250 ms > target 100 ms (stable 80 ms)`. */
  readonly message: string;
}

export interface CanaryHealth {
  readonly verdict: CanaryVerdict;
  /** Human sentences with numbers: every violation, or why the canary is healthy or not judged. */
  readonly reasons: readonly string[];
  readonly violations: readonly CanaryViolation[];
  /** failures / requests of the canary; 0 without requests. */
  readonly canaryErrorRate: number;
  /** failures / requests of stable, or undefined when stable has fewer than `minRequests`. */
  readonly stableErrorRate?: number;
  /** The error rate above which the canary violates: `burnRateFactor × max(stable, floor)`. */
  readonly errorRateLimit: number;
}

export interface JudgeCanaryInput {
  /** SLIs of the canary version over the window (in dark launch: of the mirrored requests). */
  readonly canary: SliSnapshot;
  /** SLIs of the stable version over the same window. */
  readonly stable: SliSnapshot;
  readonly targets?: CanaryTargets;
  /** Requests a version needs in the window before its numbers count (integer ≥ 1). */
  readonly minRequests: number;
  /** How many times stable's error rate (or the budget floor) the canary may reach; > 0. */
  readonly burnRateFactor: number;
  /**
   * Error rate normal for the capability when `targets.availability` is absent, in (0, 1).
   * Default {@link DEFAULT_CANARY_ERROR_RATE_FLOOR}.
   */
  readonly errorRateFloor?: number;
}

/** The budget floor without an availability target: the error rate a 99.9 % SLO allows. */
export const DEFAULT_CANARY_ERROR_RATE_FLOOR = 0.001;

const LATENCY_CHECKS = [
  { metric: 'latency_p50', target: 'p50Ms', label: 'p50' },
  { metric: 'latency_p95', target: 'p95Ms', label: 'p95' },
  { metric: 'latency_p99', target: 'p99Ms', label: 'p99' },
] as const;

function invalid(message: string): RegistryError {
  return new RegistryError('REGISTRY.INVALID_OPTION', `judgeCanary: ${message}`);
}

function assertInput(input: JudgeCanaryInput): void {
  const { minRequests, burnRateFactor, errorRateFloor, targets } = input;
  if (!Number.isSafeInteger(minRequests) || minRequests < 1)
    throw invalid(`minRequests must be an integer ≥ 1, got ${String(minRequests)}`);
  if (!(Number.isFinite(burnRateFactor) && burnRateFactor > 0))
    throw invalid(`burnRateFactor must be a finite number > 0, got ${String(burnRateFactor)}`);
  if (errorRateFloor !== undefined && !(errorRateFloor > 0 && errorRateFloor < 1))
    throw invalid(`errorRateFloor must be in (0, 1), got ${String(errorRateFloor)}`);
  for (const { target } of LATENCY_CHECKS) {
    const value = targets?.[target];
    if (value !== undefined && !(Number.isFinite(value) && value > 0))
      throw invalid(`targets.${target} must be a finite number > 0, got ${String(value)}`);
  }
  const availability = targets?.availability;
  if (availability !== undefined && !(availability > 0 && availability < 1))
    throw invalid(`targets.availability must be in (0, 1), got ${String(availability)}`);
}

/** `12.3 ms`: histogram percentiles are 2 % estimates, more digits would be noise. */
function formatMs(value: number): string {
  const rounded = value >= 10 ? Math.round(value * 10) / 10 : Math.round(value * 100) / 100;
  return `${rounded} ms`;
}

/** `0.125 %`: three decimals separate 99.9 % from 99.95 % targets. */
function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100_000) / 1000} %`;
}

const errorRateOf = (sli: SliSnapshot): number =>
  sli.requests === 0 ? 0 : sli.failures / sli.requests;

/**
 * Judges a canary against its targets and against stable, from the SLIs of both versions over
 * the same window.
 *
 * - `insufficient_data` when the canary has fewer than `minRequests` requests: too little
 *   evidence either way.
 * - `violating` when a canary percentile exceeds its latency target, its availability falls
 *   below the availability target, or its error rate burns the budget too fast:
 *
 *       canaryErrorRate > burnRateFactor × max(stableErrorRate, floor)
 *
 *   where `floor` = 1 − `targets.availability` (the error rate the SLO allows, i.e. a burn rate
 *   of 1) or `errorRateFloor` without one, and `stableErrorRate` counts only when stable has at
 *   least `minRequests` requests (otherwise the floor alone sets the limit). In burn-rate terms:
 *   the canary may burn its budget at most `burnRateFactor` times as fast as stable, and stable
 *   is never assumed to burn slower than exactly its budget — without the floor a stable version
 *   with no error at all would make a single canary failure a regression.
 * - `healthy` otherwise. Values exactly on a target or on the limit are healthy.
 *
 * Each call is independent: counting consecutive violations is {@link ConsecutiveViolations}'s job.
 * @throws RegistryError `REGISTRY.INVALID_OPTION` for a malformed option or target.
 */
export function judgeCanary(input: JudgeCanaryInput): CanaryHealth {
  assertInput(input);
  const { canary, stable, targets, minRequests, burnRateFactor } = input;
  const floor =
    targets?.availability === undefined
      ? (input.errorRateFloor ?? DEFAULT_CANARY_ERROR_RATE_FLOOR)
      : 1 - targets.availability;
  const stableJudged = stable.requests >= minRequests;
  const stableErrorRate = stableJudged ? errorRateOf(stable) : undefined;
  const errorRateLimit = burnRateFactor * Math.max(stableErrorRate ?? 0, floor);
  const canaryErrorRate = errorRateOf(canary);
  const rates = {
    canaryErrorRate,
    ...(stableErrorRate === undefined ? {} : { stableErrorRate }),
    errorRateLimit,
  };

  if (canary.requests < minRequests)
    return {
      verdict: 'insufficient_data',
      reasons: [
        `canary served ${canary.requests} request${canary.requests === 1 ? '' : 's'} in the last ${canary.windowMs / 1000} s, fewer than the ${minRequests} needed to judge it`,
      ],
      violations: [],
      ...rates,
    };

  const violations: CanaryViolation[] = [];
  for (const { metric, target, label } of LATENCY_CHECKS) {
    const limit = targets?.[target];
    const actual = canary[target];
    if (limit === undefined || actual === undefined || actual <= limit) continue;
    const stableValue = stable[target];
    const context =
      stableJudged && stableValue !== undefined ? ` (stable ${formatMs(stableValue)})` : '';
    violations.push({
      metric,
      actual,
      limit,
      message: `canary ${label} latency ${formatMs(actual)} > target ${formatMs(limit)}${context}`,
    });
  }
  if (targets?.availability !== undefined && canary.availability < targets.availability) {
    const context = stableJudged ? ` (stable ${formatPercent(stable.availability)})` : '';
    violations.push({
      metric: 'availability',
      actual: canary.availability,
      limit: targets.availability,
      message: `canary availability ${formatPercent(canary.availability)} (${canary.failures} of ${canary.requests} failed) < target ${formatPercent(targets.availability)}${context}`,
    });
  }
  const floorText =
    targets?.availability === undefined
      ? `budget floor ${formatPercent(floor)}`
      : `budget floor ${formatPercent(floor)} = 1 − target ${formatPercent(targets.availability)}`;
  const stableTerm = stableJudged
    ? `stable ${formatPercent(stable.failures / stable.requests)} (${stable.failures} of ${stable.requests})`
    : `stable not counted, ${stable.requests} of ${minRequests} requests`;
  const limitText = `limit ${formatPercent(errorRateLimit)} = ${burnRateFactor} × max(${stableTerm}, ${floorText})`;
  const canaryRateText = `canary error rate ${formatPercent(canaryErrorRate)} (${canary.failures} of ${canary.requests})`;
  if (canaryErrorRate > errorRateLimit)
    violations.push({
      metric: 'error_rate',
      actual: canaryErrorRate,
      limit: errorRateLimit,
      message: `${canaryRateText} > ${limitText}`,
    });

  if (violations.length > 0)
    return {
      verdict: 'violating',
      reasons: violations.map((v) => v.message),
      violations,
      ...rates,
    };
  const targetCount = [...LATENCY_CHECKS.map((c) => c.target), 'availability' as const].filter(
    (t) => targets?.[t] !== undefined,
  ).length;
  return {
    verdict: 'healthy',
    reasons: [
      `${targetCount === 0 ? 'canary has no targets' : `canary meets its ${targetCount} target${targetCount === 1 ? '' : 's'}`} over ${canary.requests} requests; ${canaryRateText} ≤ ${limitText}`,
    ],
    violations: [],
    ...rates,
  };
}

/** Result of {@link ConsecutiveViolations.observe}. */
export interface ConsecutiveViolationCount {
  /** Violating checks in a row, ignoring `insufficient_data` checks in between. */
  readonly count: number;
  /** `count ≥ threshold`: time to act (the caller then calls `reset()`). */
  readonly tripped: boolean;
}

/**
 * Counts violating verdicts in a row: `violating` adds one, `healthy` resets to zero, and
 * `insufficient_data` neither counts nor resets. A lull in traffic (a quiet night, a canary
 * waiting for its first requests) is no evidence of recovery, so it must not wipe out the
 * violations already seen; nor is it evidence of failure, so it must not bring a rollback closer.
 * `tripped` stays true on every later observation until `reset()`.
 */
export class ConsecutiveViolations {
  private violations = 0;

  constructor(readonly threshold: number) {
    if (!Number.isSafeInteger(threshold) || threshold < 1)
      throw new RegistryError(
        'REGISTRY.INVALID_OPTION',
        `ConsecutiveViolations: threshold must be an integer ≥ 1, got ${String(threshold)}`,
      );
  }

  get count(): number {
    return this.violations;
  }

  observe(verdict: CanaryVerdict): ConsecutiveViolationCount {
    if (verdict === 'violating') this.violations++;
    else if (verdict === 'healthy') this.violations = 0;
    return { count: this.violations, tripped: this.violations >= this.threshold };
  }

  reset(): void {
    this.violations = 0;
  }
}
