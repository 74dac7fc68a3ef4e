/** Core auto-approval types → the API's snake_case shapes. */
import {
  type AutoApprovalConditions,
  type AutoApprovalRule,
  autoApprovalActor,
  type DryRunHold,
  type DryRunMatch,
  type DryRunResult,
  type TierName,
} from '@slo-engine/core';
import {
  type AutoApprovalConditionsResponseDto,
  type AutoApprovalRuleResponseDto,
  type DryRunHoldDto,
  type DryRunMatchDto,
  type DryRunResultDto,
} from './dto/auto-approval-rule-response.dto';

function presentConditions(conditions: AutoApprovalConditions): AutoApprovalConditionsResponseDto {
  return {
    criticality: [...conditions.criticality],
    confidence_min: conditions.confidenceMin,
    tier: conditions.tier,
    teams: conditions.teams === null ? null : [...conditions.teams],
    sli_types: [...conditions.sliTypes],
  };
}

export function presentRule(rule: AutoApprovalRule): AutoApprovalRuleResponseDto {
  return {
    id: rule.id,
    name: rule.name,
    conditions: presentConditions(rule.conditions),
    enabled: rule.enabled,
    actor: autoApprovalActor(rule.name),
    created_by: rule.createdBy,
    created_at: rule.createdAt.toISOString(),
    updated_by: rule.updatedBy,
    updated_at: rule.updatedAt.toISOString(),
  };
}

function presentMatch(match: DryRunMatch, tier: TierName): DryRunMatchDto {
  const { target } = match;
  return {
    service_id: match.serviceId,
    recommendation_id: match.recommendationId,
    sli_type: match.sliType,
    criticality: match.criticality,
    team: match.team,
    confidence: match.confidence,
    tier,
    ...(target.sliType === 'availability'
      ? { target: target.target, unit: 'percent' as const, percentile: null }
      : { target: target.targetMs, unit: 'ms' as const, percentile: target.percentile }),
    active_slo_set_by: match.activeSloSetBy,
  };
}

function presentHold(hold: DryRunHold, tier: TierName): DryRunHoldDto {
  return { ...presentMatch(hold, tier), reason: hold.reason };
}

export function presentDryRun(result: DryRunResult): DryRunResultDto {
  const { tier } = result.rule.conditions;
  return {
    rule: {
      id: result.rule.id,
      name: result.rule.name,
      enabled: result.rule.enabled,
      conditions: presentConditions(result.rule.conditions),
    },
    evaluated_at: result.evaluatedAt.toISOString(),
    recommendations_evaluated: result.recommendationsEvaluated,
    would_approve: result.wouldApprove.map((match) => presentMatch(match, tier)),
    held: result.held.map((hold) => presentHold(hold, tier)),
  };
}
