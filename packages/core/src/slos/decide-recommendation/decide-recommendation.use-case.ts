import { type Clock } from '../../shared/clock.port';
import { DomainError, DomainErrorCodes, type FieldError } from '../../shared/domain-error';
import { throwIfInvalid } from '../../graph/input-validation';
import {
  type Recommendation,
  type StoredRecommendation,
  type TierName,
} from '../../recommendations/recommendation.types';
import { SloErrorCodes } from '../slo-error-codes';
import { type SloLifecycleStore, type SloLifecycleTransaction } from '../slo.ports';
import { snapshotOf } from '../slo-snapshot';
import { type ActiveSlo, isSystemActor, type NewActiveSlo } from '../slo.types';
import {
  DECISION_ACTIONS,
  type DecideRecommendationInput,
  MAX_ACTOR_LENGTH,
  MAX_LATENCY_TARGET_MS,
  MAX_RATIONALE_LENGTH,
  SELECTABLE_TIERS,
  type SloDecision,
  type SloModifications,
} from './decide-recommendation.types';

/** The target columns of an active SLO. */
type Targets = Pick<
  NewActiveSlo,
  'availabilityTarget' | 'latencyP95TargetMs' | 'latencyP99TargetMs' | 'latencyP999TargetMs'
>;
type TargetField = keyof Targets;

const NO_TARGETS: Targets = {
  availabilityTarget: null,
  latencyP95TargetMs: null,
  latencyP99TargetMs: null,
  latencyP999TargetMs: null,
};

/** Wire names: the keys of the API's `targets` object, and of `modification_delta`. */
const TARGET_KEYS: Readonly<Record<TargetField, string>> = {
  availabilityTarget: 'availability',
  latencyP95TargetMs: 'latency_p95_ms',
  latencyP99TargetMs: 'latency_p99_ms',
  latencyP999TargetMs: 'latency_p999_ms',
};

const MODIFICATION_FIELDS: ReadonlyArray<{ key: keyof SloModifications; wire: string }> = [
  { key: 'availabilityTarget', wire: 'availability_target' },
  { key: 'latencyP95TargetMs', wire: 'latency_p95_target_ms' },
  { key: 'latencyP99TargetMs', wire: 'latency_p99_target_ms' },
];

const LATENCY_COLUMN = {
  p95: 'latencyP95TargetMs',
  p99: 'latencyP99TargetMs',
  'p99.9': 'latencyP999TargetMs',
} as const satisfies Record<string, TargetField>;

/** Availability targets keep four decimals (the column is numeric(7,4)). */
const AVAILABILITY_DECIMALS = 4;

function hasAtMostDecimals(value: number, decimals: number): boolean {
  return Number(value.toFixed(decimals)) === value;
}

function validate(input: DecideRecommendationInput): void {
  const fieldErrors: FieldError[] = [];
  const needsTier = input.action !== 'reject';
  if (!(DECISION_ACTIONS as readonly string[]).includes(input.action)) {
    fieldErrors.push({
      field: 'action',
      message: `must be one of ${DECISION_ACTIONS.join(', ')}, got ${JSON.stringify(input.action)}`,
    });
  }
  if (typeof input.serviceId !== 'string' || input.serviceId.length === 0) {
    fieldErrors.push({ field: 'service_id', message: 'is required' });
  }
  if (typeof input.recommendationId !== 'string' || input.recommendationId.length === 0) {
    fieldErrors.push({ field: 'recommendation_id', message: 'is required' });
  }
  if (input.selectedTier === undefined) {
    if (needsTier) {
      fieldErrors.push({
        field: 'selected_tier',
        message: `is required to ${input.action === 'auto_approve' ? 'auto-approve' : input.action} a recommendation`,
      });
    }
  } else if (!(SELECTABLE_TIERS as readonly string[]).includes(input.selectedTier)) {
    fieldErrors.push({
      field: 'selected_tier',
      message: `must be one of ${SELECTABLE_TIERS.join(', ')}, got ${JSON.stringify(input.selectedTier)}`,
    });
  }
  const modifications = input.modifications;
  const given = MODIFICATION_FIELDS.filter(({ key }) => modifications?.[key] !== undefined);
  if (input.action === 'modify') {
    if (given.length === 0) {
      fieldErrors.push({
        field: 'modifications',
        message: `must set at least one of ${MODIFICATION_FIELDS.map((f) => f.wire).join(', ')} to modify a recommendation`,
      });
    }
  } else if (modifications !== undefined) {
    fieldErrors.push({
      field: 'modifications',
      message: `is only allowed with action modify, not ${String(input.action)}`,
    });
  }
  for (const { key, wire } of given) {
    const value = modifications?.[key];
    const field = `modifications.${wire}`;
    if (key === 'availabilityTarget') {
      if (
        typeof value !== 'number' ||
        !Number.isFinite(value) ||
        value <= 0 ||
        value >= 100 ||
        !hasAtMostDecimals(value, AVAILABILITY_DECIMALS)
      ) {
        fieldErrors.push({
          field,
          message: `must be a percentage above 0 and below 100 with at most ${AVAILABILITY_DECIMALS} decimals, got ${String(value)}`,
        });
      }
    } else if (
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < 1 ||
      value > MAX_LATENCY_TARGET_MS
    ) {
      fieldErrors.push({
        field,
        message: `must be a positive whole number of milliseconds up to ${MAX_LATENCY_TARGET_MS}, got ${String(value)}`,
      });
    }
  }
  if (input.rationale !== undefined) {
    if (typeof input.rationale !== 'string') {
      fieldErrors.push({ field: 'rationale', message: 'must be a string' });
    } else if (input.rationale.length > MAX_RATIONALE_LENGTH) {
      fieldErrors.push({
        field: 'rationale',
        message: `must be at most ${MAX_RATIONALE_LENGTH} characters, got ${input.rationale.length}`,
      });
    }
  }
  if (
    typeof input.actor !== 'string' ||
    input.actor.length === 0 ||
    input.actor.length > MAX_ACTOR_LENGTH
  ) {
    fieldErrors.push({
      field: 'actor',
      message: `must be a non-empty identity of at most ${MAX_ACTOR_LENGTH} characters`,
    });
  }
  throwIfInvalid(fieldErrors, 'The SLO decision');
}

/** The targets the selected tier of the recommendation sets (only its own SLI type's). */
function tierTargets(recommendation: Recommendation, tier: TierName): Partial<Targets> {
  if (recommendation.sliType === 'availability') {
    return { availabilityTarget: recommendation.tiers[tier].target };
  }
  const { targetMs, percentile } = recommendation.tiers[tier];
  // Stored as whole milliseconds; rounding up never makes the target stricter than recommended.
  return {
    latencyP95TargetMs: null,
    latencyP99TargetMs: null,
    latencyP999TargetMs: null,
    [LATENCY_COLUMN[percentile]]: Math.ceil(targetMs),
  };
}

function targetsOf(slo: ActiveSlo | null): Targets {
  if (slo === null) return NO_TARGETS;
  return {
    availabilityTarget: slo.availabilityTarget,
    latencyP95TargetMs: slo.latencyP95TargetMs,
    latencyP99TargetMs: slo.latencyP99TargetMs,
    latencyP999TargetMs: slo.latencyP999TargetMs,
  };
}

/** `+0.05`, `-150`, `+0`: the difference rounded to the target's precision, signed. */
function signedDifference(value: number, from: number): string {
  const scale = 10 ** AVAILABILITY_DECIMALS;
  const difference = Math.round((value - from) * scale) / scale;
  return `${difference < 0 ? '-' : '+'}${String(Math.abs(difference))}`;
}

/**
 * Per modified target, how it differs from what the recommendation set (`+0.05 from recommended
 * 99.9`); a target the recommendation does not cover is compared with the previous SLO.
 */
function modificationDelta(
  modifications: SloModifications,
  recommended: Partial<Targets>,
  previous: Targets,
): Record<string, string> {
  const delta: Record<string, string> = {};
  for (const { key } of MODIFICATION_FIELDS) {
    const value = modifications[key];
    if (value === undefined) continue;
    const recommendedValue = recommended[key];
    const previousValue = previous[key];
    delta[TARGET_KEYS[key]] =
      recommendedValue !== undefined && recommendedValue !== null
        ? `${signedDifference(value, recommendedValue)} from recommended ${recommendedValue}`
        : previousValue !== null
          ? `${signedDifference(value, previousValue)} from previous ${previousValue}`
          : `set to ${value} (no recommended or previous target)`;
  }
  return delta;
}

function notCurrent(recommendation: StoredRecommendation, now: Date): DomainError | null {
  const expired =
    recommendation.status === 'expired' ||
    (recommendation.status === 'active' && recommendation.expiresAt.getTime() <= now.getTime());
  if (recommendation.status === 'active' && !expired) return null;
  const reason = expired ? 'expired' : recommendation.status;
  const explanation = expired
    ? `it expired at ${recommendation.expiresAt.toISOString()}`
    : `it was already ${reason}`;
  return new DomainError(
    SloErrorCodes.RECOMMENDATION_NOT_CURRENT,
    `Recommendation ${recommendation.id} is no longer current: ${explanation}. Fetch the service's current recommendations and decide on one of those.`,
    {
      recommendationId: recommendation.id,
      reason,
      status: recommendation.status,
      expiresAt: recommendation.expiresAt.toISOString(),
    },
  );
}

/**
 * POST /services/{id}/slos (spec 004 FR-5): accepts, modifies or rejects a recommendation, and
 * auto-approval rules (FR-11) accept through it with action `auto_approve`.
 *
 * One transaction: the service is locked (concurrent decisions on it queue, so none overwrites
 * another's targets), then the recommendation row; it must belong to the service and still be
 * current (active, not expired), so of two decisions on one recommendation exactly one wins and
 * the other gets RECOMMENDATION_NOT_CURRENT. Accepting sets the selected tier's target for the
 * recommendation's SLI type, keeps the other SLI type's targets, applies modifications on top,
 * marks the recommendation `accepted` (it stops being the cached recommendation, so the next
 * read regenerates) and appends the audit entry. Rejecting records the rationale and marks it
 * `rejected`; the active SLO stays.
 *
 * An availability target above the recommendation's composite availability bound is accepted
 * with a warning (the human decides), recorded in the audit entry too.
 */
export class DecideRecommendationUseCase {
  constructor(
    private readonly lifecycle: SloLifecycleStore,
    private readonly clock: Clock,
  ) {}

  async execute(input: DecideRecommendationInput): Promise<SloDecision> {
    validate(input);
    const now = this.clock.now();
    return this.lifecycle.transaction(async (tx) => {
      const recommendation = await this.lockCurrentRecommendation(tx, input, now);
      const previous = await tx.activeSlo(input.serviceId);
      if (input.unlessSetByPerson && previous !== null && !isSystemActor(previous.activatedBy)) {
        throw new DomainError(
          SloErrorCodes.SET_BY_PERSON,
          `The active SLO of '${input.serviceId}' was set by ${previous.activatedBy}; automation does not replace it.`,
        );
      }
      if (input.action === 'reject') {
        await tx.decideRecommendation(recommendation.id, 'rejected', now);
        const entry = await tx.appendAudit({
          serviceId: input.serviceId,
          action: 'reject',
          actor: input.actor,
          recommendationId: recommendation.id,
          previousSlo: previous === null ? null : snapshotOf(previous),
          newSlo: null,
          selectedTier: input.selectedTier ?? null,
          rationale: input.rationale ?? null,
          modificationDelta: null,
          warnings: [],
          timestamp: now,
        });
        return decision(input, recommendation.id, previous, null, [], entry.id, now);
      }

      // Validated: every action but reject names a tier.
      const tier = input.selectedTier as TierName;
      const recommended = tierTargets(recommendation.recommendation, tier);
      const modifications = input.modifications ?? {};
      const targets: { -readonly [K in TargetField]: number | null } = {
        ...targetsOf(previous),
        ...recommended,
      };
      for (const { key } of MODIFICATION_FIELDS) {
        const value = modifications[key];
        if (value !== undefined) targets[key] = value;
      }
      const delta =
        input.action === 'modify'
          ? modificationDelta(modifications, recommended, targetsOf(previous))
          : null;
      const warnings = boundWarnings(
        recommendation.recommendation,
        recommended.availabilityTarget !== undefined ||
          modifications.availabilityTarget !== undefined
          ? targets.availabilityTarget
          : null,
      );
      const saved = await tx.saveActiveSlo(
        {
          serviceId: input.serviceId,
          ...targets,
          source: input.action === 'modify' ? 'recommendation_modified' : 'recommendation_accepted',
          recommendationId: recommendation.id,
          activatedAt: now,
          activatedBy: input.actor,
        },
        now,
      );
      await tx.decideRecommendation(recommendation.id, 'accepted', now);
      const entry = await tx.appendAudit({
        serviceId: input.serviceId,
        action: input.action,
        actor: input.actor,
        recommendationId: recommendation.id,
        previousSlo: previous === null ? null : snapshotOf(previous),
        newSlo: snapshotOf(saved),
        selectedTier: tier,
        rationale: input.rationale ?? null,
        modificationDelta: delta,
        warnings,
        timestamp: now,
      });
      return decision(input, recommendation.id, saved, delta, warnings, entry.id, now);
    });
  }

  private async lockCurrentRecommendation(
    tx: SloLifecycleTransaction,
    input: DecideRecommendationInput,
    now: Date,
  ): Promise<StoredRecommendation> {
    if (!(await tx.lockService(input.serviceId))) {
      throw new DomainError(
        DomainErrorCodes.SERVICE_NOT_FOUND,
        `No service has id "${input.serviceId}".`,
        { serviceId: input.serviceId },
      );
    }
    const recommendation = await tx.lockRecommendation(input.serviceId, input.recommendationId);
    if (recommendation === null) {
      throw new DomainError(
        SloErrorCodes.RECOMMENDATION_NOT_FOUND,
        `Service "${input.serviceId}" has no recommendation with id "${input.recommendationId}".`,
        { serviceId: input.serviceId, recommendationId: input.recommendationId },
      );
    }
    const conflict = notCurrent(recommendation, now);
    if (conflict !== null) throw conflict;
    return recommendation;
  }
}

/** A warning when the decision sets an availability target above the composite bound. */
function boundWarnings(
  recommendation: Recommendation,
  availabilityTarget: number | null,
): string[] {
  const bound = recommendation.explanation.dependencyImpact?.compositeAvailabilityBound;
  if (availabilityTarget === null || bound === undefined || availabilityTarget <= bound) return [];
  return [
    `The availability target ${availabilityTarget} is above the composite availability bound ${bound} of the service's hard dependencies: it is likely to be breached unless those dependencies improve.`,
  ];
}

function decision(
  input: DecideRecommendationInput,
  recommendationId: string,
  activeSlo: ActiveSlo | null,
  modificationDelta: Readonly<Record<string, string>> | null,
  warnings: readonly string[],
  auditEntryId: string,
  decidedAt: Date,
): SloDecision {
  return {
    action: input.action,
    serviceId: input.serviceId,
    recommendationId,
    activeSlo,
    modificationDelta,
    warnings,
    auditEntryId,
    decidedAt,
  };
}
