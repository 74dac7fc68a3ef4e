import { type ServiceCriticality } from '../../graph/graph.types';
import { type GraphSnapshotCache } from '../../graph/graph-snapshot/graph-snapshot-cache';
import { throwIfInvalid } from '../../graph/input-validation';
import { type SliType } from '../../recommendations/recommendation.types';
import { type Clock } from '../../shared/clock.port';
import { type FieldError } from '../../shared/domain-error';
import { type ActiveSloRepository } from '../../slos/slo.ports';
import { type ActiveSlo } from '../../slos/slo.types';
import { ruleNotFound } from '../auto-approval.errors';
import {
  type ActiveRecommendationReader,
  type AutoApprovalRuleRepository,
} from '../auto-approval.ports';
import {
  type AutoApprovalConditions,
  type AutoApprovalConditionsInput,
  type TierTarget,
} from '../auto-approval.types';
import {
  type AutoApprovalHoldReason,
  autoApprovalHold,
  candidateOf,
  matchesConditions,
  tierTarget,
} from '../auto-approval-matching';
import { checkRuleName, normaliseConditions } from '../auto-approval-rule.validation';

/** A stored rule by id, or a rule body that is not stored. */
export type DryRunAutoApprovalRuleInput =
  | { readonly ruleId: string }
  | {
      readonly rule: {
        readonly name?: string;
        readonly conditions: AutoApprovalConditionsInput;
      };
    };

/** One recommendation the rule matches. */
export interface DryRunMatch {
  readonly serviceId: string;
  readonly recommendationId: string;
  readonly sliType: SliType;
  readonly criticality: ServiceCriticality;
  readonly team: string | null;
  readonly confidence: number;
  /** What accepting at the rule's tier would set. */
  readonly target: TierTarget;
  /** The service's active SLO today, and who set it. */
  readonly activeSloSetBy: string | null;
}

/** A matching recommendation the rule would still leave alone, and why. */
export interface DryRunHold extends DryRunMatch {
  readonly reason: AutoApprovalHoldReason;
}

export interface DryRunResult {
  /** The rule evaluated: id and enabled are null for an unsaved body. */
  readonly rule: {
    readonly id: string | null;
    readonly name: string | null;
    readonly enabled: boolean | null;
    readonly conditions: AutoApprovalConditions;
  };
  readonly evaluatedAt: Date;
  /** Current (active, unexpired) recommendations looked at. */
  readonly recommendationsEvaluated: number;
  readonly wouldApprove: readonly DryRunMatch[];
  readonly held: readonly DryRunHold[];
}

/**
 * POST /api/v1/auto-approval-rules/{id}/dry-run and /auto-approval-rules/dry-run (sre_admin): what
 * the rule would approve among every service's current recommendations, reading only. The rule is
 * evaluated on its own, enabled or not, with the same conditions and hold policy the live path
 * applies to new recommendations (a human-set active SLO, or a target already active, holds a
 * match back). When several enabled rules match one recommendation, the live path lets the first
 * by name decide; the dry run does not look at other rules.
 */
export class DryRunAutoApprovalRuleUseCase {
  constructor(
    private readonly rules: AutoApprovalRuleRepository,
    private readonly recommendations: ActiveRecommendationReader,
    private readonly snapshots: GraphSnapshotCache,
    private readonly activeSlos: ActiveSloRepository,
    private readonly clock: Clock,
  ) {}

  /** @throws DomainError `VALIDATION.INVALID_INPUT`, `AUTO_APPROVAL.RULE_NOT_FOUND` */
  async execute(input: DryRunAutoApprovalRuleInput): Promise<DryRunResult> {
    const rule = await this.ruleOf(input);
    const now = this.clock.now();
    const [summaries, snapshot] = await Promise.all([
      this.recommendations.listActive(now),
      this.snapshots.get(),
    ]);

    const matches: Array<Omit<DryRunMatch, 'activeSloSetBy'>> = [];
    for (const summary of summaries) {
      const service = snapshot.service(summary.serviceId);
      if (service === undefined) continue;
      const candidate = candidateOf(summary, service);
      if (!matchesConditions(rule.conditions, candidate)) continue;
      matches.push({
        serviceId: candidate.serviceId,
        recommendationId: candidate.recommendationId,
        sliType: candidate.sliType,
        criticality: candidate.criticality,
        team: candidate.team,
        confidence: candidate.confidence,
        target: tierTarget(summary, rule.conditions.tier),
      });
    }

    const activeSlos = await this.activeSlosOf(matches.map((match) => match.serviceId));
    const wouldApprove: DryRunMatch[] = [];
    const held: DryRunHold[] = [];
    for (const match of matches) {
      const activeSlo = activeSlos.get(match.serviceId) ?? null;
      const withSlo = { ...match, activeSloSetBy: activeSlo?.activatedBy ?? null };
      const reason = autoApprovalHold(activeSlo, match.target);
      if (reason === null) wouldApprove.push(withSlo);
      else held.push({ ...withSlo, reason });
    }
    return {
      rule,
      evaluatedAt: now,
      recommendationsEvaluated: summaries.length,
      wouldApprove,
      held,
    };
  }

  private async ruleOf(input: DryRunAutoApprovalRuleInput): Promise<DryRunResult['rule']> {
    if ('ruleId' in input) {
      const stored = await this.rules.findById(input.ruleId);
      if (stored === null) throw ruleNotFound(input.ruleId);
      return {
        id: stored.id,
        name: stored.name,
        enabled: stored.enabled,
        conditions: stored.conditions,
      };
    }
    const fieldErrors: FieldError[] = [];
    if (input.rule.name !== undefined) checkRuleName(input.rule.name, fieldErrors);
    const conditions = normaliseConditions(input.rule.conditions, fieldErrors);
    throwIfInvalid(fieldErrors, 'The auto-approval rule');
    return { id: null, name: input.rule.name ?? null, enabled: null, conditions: conditions! };
  }

  /** Active SLOs of the services, in one read whatever their number. */
  private activeSlosOf(serviceIds: readonly string[]): Promise<ReadonlyMap<string, ActiveSlo>> {
    return this.activeSlos.findByServices([...new Set(serviceIds)]);
  }
}
