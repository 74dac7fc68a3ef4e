import { DomainError } from '../../shared/domain-error';
import { SloErrorCodes } from '../../slos/slo-error-codes';
import { type GraphSnapshotCache } from '../../graph/graph-snapshot/graph-snapshot-cache';
import {
  type SliType,
  type StoredRecommendation,
} from '../../recommendations/recommendation.types';
import { type SloDecision } from '../../slos/decide-recommendation/decide-recommendation.types';
import { type ActiveSloRepository } from '../../slos/slo.ports';
import {
  type AutoApprovalRuleRepository,
  type RecommendationDecider,
} from '../auto-approval.ports';
import { autoApprovalActor } from '../auto-approval.types';
import {
  type AutoApprovalHoldReason,
  autoApprovalHold,
  autoApprovalRationale,
  candidateOf,
  firstMatchingRule,
  summarizeRecommendation,
  tierTarget,
} from '../auto-approval-matching';

interface OutcomeBase {
  readonly recommendationId: string;
  readonly serviceId: string;
  readonly sliType: SliType;
}

/** What happened to one new recommendation. */
export type AutoApprovalOutcome =
  | (OutcomeBase & {
      readonly status: 'approved';
      readonly rule: string;
      readonly decision: SloDecision;
    })
  | (OutcomeBase & {
      readonly status: 'not_matched';
      /** `unknown_service`: the service left the graph between generation and evaluation. */
      readonly reason: 'no_enabled_rule' | 'no_matching_rule' | 'unknown_service';
    })
  | (OutcomeBase & {
      readonly status: 'held';
      readonly rule: string;
      readonly reason: AutoApprovalHoldReason;
    })
  | (OutcomeBase & {
      readonly status: 'failed';
      readonly rule: string;
      /** E.g. a DomainError of the decision (the recommendation is no longer current). */
      readonly error: unknown;
    });

/**
 * Auto-approval of newly generated recommendations (spec 004 FR-11, AC-011). For each
 * recommendation, in input order: the first enabled rule by name whose conditions match decides;
 * unless the hold policy applies (the service's active SLO was set by a person or an API key, or
 * already holds the target), the recommendation is accepted through the SLO lifecycle's decision
 * use case with action `auto_approve` at the rule's tier, actor `system:auto-approval:<rule>` and
 * a rationale naming the rule and the values that met its conditions.
 *
 * One recommendation's failure (e.g. it stopped being current) is returned as its outcome and does
 * not stop the others; the caller logs it. Reads rules and the service's active SLO per call, so
 * a rule enabled a moment ago applies to the next generation.
 */
export class AutoApproveRecommendationsUseCase {
  constructor(
    private readonly rules: AutoApprovalRuleRepository,
    private readonly snapshots: GraphSnapshotCache,
    private readonly activeSlos: ActiveSloRepository,
    private readonly decider: RecommendationDecider,
  ) {}

  async execute(
    recommendations: readonly StoredRecommendation[],
  ): Promise<readonly AutoApprovalOutcome[]> {
    if (recommendations.length === 0) return [];
    const rules = await this.rules.listEnabled();
    if (rules.length === 0) {
      return recommendations.map((stored) => ({
        ...base(stored),
        status: 'not_matched',
        reason: 'no_enabled_rule',
      }));
    }
    const snapshot = await this.snapshots.get();
    const outcomes: AutoApprovalOutcome[] = [];
    // One at a time: a decision changes the service's active SLO, which the next one reads.
    for (const stored of recommendations) {
      const service = snapshot.service(stored.serviceId);
      if (service === undefined) {
        outcomes.push({ ...base(stored), status: 'not_matched', reason: 'unknown_service' });
        continue;
      }
      const summary = summarizeRecommendation(stored);
      const candidate = candidateOf(summary, service);
      const rule = firstMatchingRule(rules, candidate);
      if (rule === null) {
        outcomes.push({ ...base(stored), status: 'not_matched', reason: 'no_matching_rule' });
        continue;
      }
      try {
        const activeSlo = await this.activeSlos.findByService(stored.serviceId);
        const hold = autoApprovalHold(activeSlo, tierTarget(summary, rule.conditions.tier));
        if (hold !== null) {
          outcomes.push({ ...base(stored), status: 'held', rule: rule.name, reason: hold });
          continue;
        }
        const decision = await this.decider.execute({
          serviceId: stored.serviceId,
          recommendationId: stored.id,
          action: 'auto_approve',
          selectedTier: rule.conditions.tier,
          rationale: autoApprovalRationale(rule, candidate),
          actor: autoApprovalActor(rule.name),
          // The hold above is read before the lock; this repeats it under the lock.
          unlessSetByPerson: true,
        });
        outcomes.push({ ...base(stored), status: 'approved', rule: rule.name, decision });
      } catch (error) {
        if (error instanceof DomainError && error.code === SloErrorCodes.SET_BY_PERSON) {
          // A person decided between the hold check and the lock: theirs stands.
          outcomes.push({ ...base(stored), status: 'held', rule: rule.name, reason: 'human_slo' });
          continue;
        }
        outcomes.push({ ...base(stored), status: 'failed', rule: rule.name, error });
      }
    }
    return outcomes;
  }
}

function base(stored: StoredRecommendation): OutcomeBase {
  return { recommendationId: stored.id, serviceId: stored.serviceId, sliType: stored.sliType };
}
