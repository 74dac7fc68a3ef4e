import {
  type CanaryAssignment,
  type CanaryHealth,
  type CanaryPolicy,
  type CanaryTargets,
  ConsecutiveViolations,
  RegistryError,
  type SliSnapshot,
  assignCanary,
  judgeCanary,
  validateCanaryPolicy,
} from '@slo-engine/registry';
import { DomainError, DomainErrorCodes, type FieldError } from '../../shared/domain-error';
import { ControllerErrorCodes } from '../controller-errors';
import { type StoredCanaryPolicy } from '../registry-store.port';

/** A canary policy with what the controller has observed of it since it was set or restored. */
export interface CanaryStatus extends StoredCanaryPolicy {
  /** Violating checks in a row (insufficient-data checks in between do not break the row). */
  readonly consecutiveViolations: number;
  /** The verdict of the last check that judged this policy; absent before the first. */
  readonly lastHealth?: CanaryHealth;
}

/** An automatic rollback: persist `stored`, log `reason`, count it. */
export interface CanaryRollback {
  readonly capability: string;
  /** The policy after the rollback (percentage 0, no dark launch, no cohort, `rolledBack` set). */
  readonly stored: StoredCanaryPolicy;
  readonly reason: string;
  /** The verdict of the check that tripped the rollback. */
  readonly health: CanaryHealth;
}

/** A stored policy `restore` refused, with why. */
export interface SkippedCanaryPolicy {
  readonly capability: string;
  readonly reason: string;
}

export interface CanaryBookOptions {
  /** Consecutive violating checks that roll a canary back. Default 3 (spec 003). */
  readonly rollbackAfter?: number;
  /** Requests each version needs in the window before it is judged. Default 20. */
  readonly minRequests?: number;
  /** How many times stable's error rate (floored at the error budget) the canary may reach. Default 2. */
  readonly burnRateFactor?: number;
}

export const DEFAULT_CANARY_ROLLBACK_AFTER = 3;
export const DEFAULT_CANARY_MIN_REQUESTS = 20;
export const DEFAULT_CANARY_BURN_RATE_FACTOR = 2;
/** `updatedBy` of a policy the controller rolled back on its own. */
export const CANARY_AUTO_ROLLBACK_ACTOR = 'controller:auto-rollback';

interface Entry {
  stored: StoredCanaryPolicy;
  readonly violations: ConsecutiveViolations;
  lastHealth: CanaryHealth | undefined;
}

/** A policy sends requests to the canary version (and so must be judged) in any of these ways. */
function sendsTrafficToCanary(policy: CanaryPolicy): boolean {
  return policy.percentage > 0 || policy.darkLaunch === true || (policy.cohort?.length ?? 0) > 0;
}

function policyProblem(policy: CanaryPolicy): string | undefined {
  try {
    validateCanaryPolicy(policy);
  } catch (error) {
    if (error instanceof RegistryError) return error.message;
    throw error;
  }
  // Judging compares the two versions' windows; with one version they are the same window.
  if (policy.canaryVersion === policy.stableVersion)
    return `canary policy: canaryVersion must differ from stableVersion (both ${policy.stableVersion})`;
  return undefined;
}

/** A frozen copy, so neither the caller nor a reader of `get()` can change the book's policy. */
function freezePolicy(policy: CanaryPolicy): CanaryPolicy {
  return Object.freeze({
    ...policy,
    ...(policy.cohort === undefined ? {} : { cohort: Object.freeze([...policy.cohort]) }),
  });
}

/**
 * The controller's canary policies (spec 003) and their automatic rollback. Holds one policy per
 * capability (`verb:name`) with a counter of consecutive violating checks. No I/O: the caller
 * persists what `set` and `check` return, logs and counts metrics.
 */
export class CanaryBook {
  private readonly rollbackAfter: number;
  private readonly minRequests: number;
  private readonly burnRateFactor: number;
  private readonly entries = new Map<string, Entry>();

  constructor(options: CanaryBookOptions = {}) {
    this.rollbackAfter = options.rollbackAfter ?? DEFAULT_CANARY_ROLLBACK_AFTER;
    this.minRequests = options.minRequests ?? DEFAULT_CANARY_MIN_REQUESTS;
    this.burnRateFactor = options.burnRateFactor ?? DEFAULT_CANARY_BURN_RATE_FACTOR;
    const problems: FieldError[] = [];
    if (!Number.isSafeInteger(this.rollbackAfter) || this.rollbackAfter < 1)
      problems.push({ field: 'rollbackAfter', message: 'must be an integer ≥ 1' });
    if (!Number.isSafeInteger(this.minRequests) || this.minRequests < 1)
      problems.push({ field: 'minRequests', message: 'must be an integer ≥ 1' });
    if (!(Number.isFinite(this.burnRateFactor) && this.burnRateFactor > 0))
      problems.push({ field: 'burnRateFactor', message: 'must be a finite number > 0' });
    if (problems.length > 0)
      throw new DomainError(
        DomainErrorCodes.INVALID_INPUT,
        `CanaryBook options: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
        { fieldErrors: problems },
      );
  }

  /**
   * Replaces every policy with the persisted ones (start-up). Counters start at zero: the
   * evidence of the previous process is gone with its SLI windows. A malformed stored policy is
   * skipped and returned, so one bad row does not keep the controller from starting.
   */
  restore(stored: readonly StoredCanaryPolicy[]): readonly SkippedCanaryPolicy[] {
    this.entries.clear();
    const skipped: SkippedCanaryPolicy[] = [];
    for (const item of stored) {
      const problem = policyProblem(item.policy);
      if (problem !== undefined) {
        skipped.push({ capability: item.capability, reason: problem });
        continue;
      }
      this.entries.set(item.capability, {
        stored: Object.freeze({ ...item, policy: freezePolicy(item.policy) }),
        violations: new ConsecutiveViolations(this.rollbackAfter),
        lastHealth: undefined,
      });
    }
    return skipped;
  }

  /**
   * Sets (or replaces) the policy of a capability. Resets its violation count and clears
   * `rolledBack`: a person deciding again starts a new canary.
   * @throws DomainError `CONTROLLER.INVALID_CANARY` when the policy is malformed or both
   *   versions are the same.
   */
  set(capability: string, policy: CanaryPolicy, actor: string, now: number): StoredCanaryPolicy {
    const problem = policyProblem(policy);
    if (problem !== undefined)
      throw new DomainError(ControllerErrorCodes.INVALID_CANARY, problem, { capability });
    const stored: StoredCanaryPolicy = Object.freeze({
      capability,
      policy: freezePolicy(policy),
      updatedAt: now,
      updatedBy: actor,
    });
    this.entries.set(capability, {
      stored,
      violations: new ConsecutiveViolations(this.rollbackAfter),
      lastHealth: undefined,
    });
    return stored;
  }

  /** Removes the capability's policy; false when it had none. */
  remove(capability: string): boolean {
    return this.entries.delete(capability);
  }

  get(capability: string): CanaryStatus | undefined {
    const entry = this.entries.get(capability);
    return entry === undefined ? undefined : statusOf(entry);
  }

  /** Every policy, sorted by capability. */
  list(): CanaryStatus[] {
    return [...this.entries.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, entry]) => statusOf(entry));
  }

  /** Which version serves `routingKey` (sticky), or undefined when the capability has no policy. */
  assign(capability: string, routingKey: string): CanaryAssignment | undefined {
    const entry = this.entries.get(capability);
    return entry === undefined ? undefined : assignCanary(entry.stored.policy, routingKey);
  }

  /**
   * Judges every policy that sends requests to its canary (a percentage above 0, dark launch or
   * a cohort) from the SLIs of both versions, and rolls back those that violated in
   * `rollbackAfter` consecutive checks: percentage 0, dark launch off and cohort cleared (a
   * cohort would keep its keys on the failing version), `rolledBack` recorded. A rolled-back
   * policy sends nothing to the canary and is not judged again until someone sets it anew.
   * Returns the rollbacks, sorted by capability, for the caller to persist, log and count.
   */
  check(
    now: number,
    sli: (capability: string, version: string) => SliSnapshot,
    targets: (capability: string) => CanaryTargets | undefined,
  ): CanaryRollback[] {
    const rollbacks: CanaryRollback[] = [];
    for (const [capability, entry] of [...this.entries.entries()].sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    )) {
      const { policy } = entry.stored;
      if (!sendsTrafficToCanary(policy)) continue;
      const target = targets(capability);
      const health = judgeCanary({
        canary: sli(capability, policy.canaryVersion),
        stable: sli(capability, policy.stableVersion),
        ...(target === undefined ? {} : { targets: target }),
        minRequests: this.minRequests,
        burnRateFactor: this.burnRateFactor,
      });
      entry.lastHealth = health;
      if (!entry.violations.observe(health.verdict).tripped) continue;
      const reason = this.rollbackReason(policy, health);
      const { cohort: _cohort, ...withoutCohort } = policy;
      entry.stored = Object.freeze({
        capability,
        policy: freezePolicy({ ...withoutCohort, percentage: 0, darkLaunch: false }),
        updatedAt: now,
        updatedBy: CANARY_AUTO_ROLLBACK_ACTOR,
        rolledBack: Object.freeze({ at: now, reason }),
      });
      entry.violations.reset();
      rollbacks.push({ capability, stored: entry.stored, reason, health });
    }
    return rollbacks;
  }

  private rollbackReason(policy: CanaryPolicy, health: CanaryHealth): string {
    const was = [
      `${policy.percentage} %`,
      ...(policy.darkLaunch === true ? ['dark launch'] : []),
      ...((policy.cohort?.length ?? 0) > 0 ? [`cohort of ${policy.cohort?.length} keys`] : []),
    ].join(', ');
    return `canary ${policy.canaryVersion} violated in ${this.rollbackAfter} consecutive checks (${health.reasons.join('; ')}); rolled back to stable ${policy.stableVersion} (was ${was})`;
  }
}

function statusOf(entry: Entry): CanaryStatus {
  return {
    ...entry.stored,
    consecutiveViolations: entry.violations.count,
    ...(entry.lastHealth === undefined ? {} : { lastHealth: entry.lastHealth }),
  };
}
