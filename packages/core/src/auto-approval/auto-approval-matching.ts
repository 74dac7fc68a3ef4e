import { isSystemActor } from '../slos/slo.types';
/**
 * The rules engine of FR-11, as pure functions: what a rule is evaluated against, whether it
 * matches, which rule wins, and what the accepted SLO would be.
 */
import { type ServiceNode } from '../graph/graph.types';
import { type StoredRecommendation, type TierName } from '../recommendations/recommendation.types';
import { MAX_RATIONALE_LENGTH } from '../slos/decide-recommendation/decide-recommendation.types';
import { type ActiveSlo } from '../slos/slo.types';
import {
  type AutoApprovalCandidate,
  type AutoApprovalConditions,
  type AutoApprovalRule,
  type RecommendationSummary,
  type TierTarget,
} from './auto-approval.types';

/**
 * How confident the engine is in a recommendation, 0–1, as rules compare it with `confidence_min`.
 *
 * The recommendation's data completeness (`data_quality.data_completeness`: the share of the
 * lookback window with telemetry) is the confidence the spec's examples carry (`confidence_note`:
 * "30 days of continuous data with 97% completeness"). A cold-start recommendation is an archetype
 * baseline the spec flags as low confidence, whatever the completeness of its few days: its
 * confidence is 0, so only a rule with `confidence_min: 0` approves it.
 */
export function recommendationConfidence(
  summary: Pick<RecommendationSummary, 'dataCompleteness' | 'coldStart'>,
): number {
  if (summary.coldStart) return 0;
  return Math.min(1, Math.max(0, summary.dataCompleteness));
}

/** The summary auto-approval reads of a stored recommendation. */
export function summarizeRecommendation(stored: StoredRecommendation): RecommendationSummary {
  const common = {
    id: stored.id,
    serviceId: stored.serviceId,
    dataCompleteness: stored.dataQuality.dataCompleteness,
    coldStart: stored.dataQuality.coldStart,
    generatedAt: stored.generatedAt,
    expiresAt: stored.expiresAt,
  };
  const { recommendation } = stored;
  return recommendation.sliType === 'availability'
    ? { ...common, sliType: 'availability', tiers: recommendation.tiers }
    : { ...common, sliType: 'latency', tiers: recommendation.tiers };
}

/** What rules are evaluated against: the recommendation with its service's criticality and team. */
export function candidateOf(
  summary: RecommendationSummary,
  service: Pick<ServiceNode, 'criticality' | 'team'>,
): AutoApprovalCandidate {
  return {
    recommendationId: summary.id,
    serviceId: summary.serviceId,
    sliType: summary.sliType,
    criticality: service.criticality,
    team: service.team,
    confidence: recommendationConfidence(summary),
  };
}

/** True when every condition holds for the candidate. The rule's tier plays no part. */
export function matchesConditions(
  conditions: AutoApprovalConditions,
  candidate: AutoApprovalCandidate,
): boolean {
  return (
    conditions.criticality.includes(candidate.criticality) &&
    candidate.confidence >= conditions.confidenceMin &&
    conditions.sliTypes.includes(candidate.sliType) &&
    (conditions.teams === null ||
      (candidate.team !== null && conditions.teams.includes(candidate.team)))
  );
}

/** Code-unit order of names, as PostgreSQL's `COLLATE "C"` sorts them. */
export function compareRuleNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The rule that decides a candidate: among the enabled rules that match, the first by name
 * (code-unit order). Rules do not merge; renaming a rule is how an admin changes precedence.
 */
export function firstMatchingRule(
  rules: readonly AutoApprovalRule[],
  candidate: AutoApprovalCandidate,
): AutoApprovalRule | null {
  let winner: AutoApprovalRule | null = null;
  for (const rule of rules) {
    if (!rule.enabled || !matchesConditions(rule.conditions, candidate)) continue;
    if (winner === null || compareRuleNames(rule.name, winner.name) < 0) winner = rule;
  }
  return winner;
}

/** The target the tier of the recommendation sets. */
export function tierTarget(summary: RecommendationSummary, tier: TierName): TierTarget {
  if (summary.sliType === 'availability') {
    return { sliType: 'availability', target: summary.tiers[tier].target };
  }
  const { targetMs, percentile } = summary.tiers[tier];
  return { sliType: 'latency', targetMs, percentile };
}

/**
 * True when the active SLO already holds this target, so accepting would change nothing. Compared
 * as the decision stores targets: availability to four decimals, latency rounded up to whole ms.
 */
export function activeSloHolds(activeSlo: ActiveSlo | null, target: TierTarget): boolean {
  if (activeSlo === null) return false;
  if (target.sliType === 'availability') {
    return (
      activeSlo.availabilityTarget !== null &&
      Math.round(activeSlo.availabilityTarget * 10_000) === Math.round(target.target * 10_000)
    );
  }
  const active =
    target.percentile === 'p99.9'
      ? activeSlo.latencyP999TargetMs
      : target.percentile === 'p99'
        ? activeSlo.latencyP99TargetMs
        : activeSlo.latencyP95TargetMs;
  return active !== null && active === Math.ceil(target.targetMs);
}

/** The audit rationale of an auto-approval: the rule, its conditions and the values that met them. */
export function autoApprovalRationale(
  rule: Pick<AutoApprovalRule, 'name' | 'conditions'>,
  candidate: AutoApprovalCandidate,
): string {
  const { conditions } = rule;
  const teams =
    conditions.teams === null
      ? 'any team'
      : `team in [${conditions.teams.join(', ')}] (was ${candidate.team ?? 'none'})`;
  const text =
    `Auto-approved by rule "${rule.name}" at the ${conditions.tier} tier: ` +
    `criticality in [${conditions.criticality.join(', ')}] (was ${candidate.criticality}), ` +
    `confidence >= ${conditions.confidenceMin} (was ${round4(candidate.confidence)}), ` +
    `sli_type in [${conditions.sliTypes.join(', ')}] (was ${candidate.sliType}), ${teams}.`;
  // A long team list must not push the rationale past what the audit log keeps.
  return text.length <= MAX_RATIONALE_LENGTH
    ? text
    : `${text.slice(0, MAX_RATIONALE_LENGTH - 1)}\u2026`;
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}

/** Why a matching recommendation is nevertheless left alone. */
export type AutoApprovalHoldReason = 'human_slo' | 'unchanged';

/**
 * Policy: a rule never overrides an SLO a person (or an API key) set: when the service's active
 * SLO was activated by anyone but the engine itself, the recommendation waits for a human. And it
 * does not re-accept a target the active SLO already holds (every regeneration would otherwise
 * add an audit row for nothing). null: go ahead.
 */
export function autoApprovalHold(
  activeSlo: ActiveSlo | null,
  target: TierTarget,
): AutoApprovalHoldReason | null {
  if (activeSlo === null) return null;
  if (!isSystemActor(activeSlo.activatedBy)) return 'human_slo';
  return activeSloHolds(activeSlo, target) ? 'unchanged' : null;
}
