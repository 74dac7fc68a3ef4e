import {
  type Counterfactual,
  type Explanation,
  type Recommendation,
  type SloRecommendations,
} from '@slo-engine/core';
import { type ExplanationDto, type SloRecommendationsDto } from './dto/recommendation-response.dto';

/** The FR-2 response shape (snake_case), plus the cache fields this API adds. */
export function presentRecommendations(answer: SloRecommendations): SloRecommendationsDto {
  return {
    service_id: answer.serviceId,
    generated_at: answer.generatedAt.toISOString(),
    expires_at: answer.expiresAt.toISOString(),
    lookback_window: {
      start: answer.lookbackWindow.start.toISOString(),
      end: answer.lookbackWindow.end.toISOString(),
    },
    data_quality: {
      data_completeness: answer.dataQuality.dataCompleteness,
      telemetry_gaps: answer.dataQuality.telemetryGaps.map((gap) => ({
        start: gap.start.toISOString(),
        end: gap.end.toISOString(),
      })),
      confidence_note: answer.dataQuality.confidenceNote,
      cold_start: answer.dataQuality.coldStart,
      reevaluate_at: answer.dataQuality.reevaluateAt?.toISOString() ?? null,
      archetype: answer.dataQuality.archetype ?? null,
    },
    recommendations: answer.recommendations.map((recommendation, index) =>
      presentRecommendation(recommendation, answer.recommendationIds[index]),
    ),
    source: answer.source,
    stale: answer.stale,
    stale_reason: answer.staleReason,
  };
}

function presentRecommendation(
  recommendation: Recommendation,
  id: string,
): SloRecommendationsDto['recommendations'][number] {
  const explanation = presentExplanation(recommendation.explanation);
  if (recommendation.sliType === 'availability') {
    const tiers = recommendation.tiers;
    const tier = (name: keyof typeof tiers) => ({
      target: tiers[name].target,
      error_budget_monthly_minutes: tiers[name].errorBudgetMonthlyMinutes,
      estimated_breach_probability: tiers[name].estimatedBreachProbability,
      confidence_interval: tiers[name].confidenceInterval
        ? [tiers[name].confidenceInterval[0], tiers[name].confidenceInterval[1]]
        : null,
    });
    return {
      recommendation_id: id,
      sli_type: 'availability',
      metric: recommendation.metric,
      tiers: {
        conservative: tier('conservative'),
        balanced: tier('balanced'),
        aggressive: tier('aggressive'),
      },
      explanation,
    };
  }
  const tiers = recommendation.tiers;
  const tier = (name: keyof typeof tiers) => ({
    target_ms: tiers[name].targetMs,
    percentile: tiers[name].percentile,
    estimated_breach_probability: tiers[name].estimatedBreachProbability,
  });
  return {
    recommendation_id: id,
    sli_type: 'latency',
    metric: recommendation.metric,
    tiers: {
      conservative: tier('conservative'),
      balanced: tier('balanced'),
      aggressive: tier('aggressive'),
    },
    explanation,
  };
}

function presentExplanation(explanation: Explanation): ExplanationDto {
  const impact = explanation.dependencyImpact;
  return {
    summary: explanation.summary,
    feature_attribution: explanation.featureAttribution.map((attribution) => ({
      feature: attribution.feature,
      contribution: attribution.contribution,
      value: attribution.value,
      baseline_value: attribution.baselineValue,
    })),
    baseline: {
      description: explanation.baseline.description,
      target: explanation.baseline.target,
    },
    counterfactuals: explanation.counterfactuals.map((counterfactual: Counterfactual) => ({
      condition: counterfactual.condition,
      result: counterfactual.result,
      feature: counterfactual.feature,
      target: counterfactual.target,
    })),
    ...(impact
      ? {
          dependency_impact: {
            composite_availability_bound: impact.compositeAvailabilityBound,
            hard_dependency_count: impact.hardDependencyCount,
            bottleneck_service: impact.bottleneckService,
            bottleneck_contribution: impact.bottleneckContribution,
            soft_dependencies: [...impact.softDependencies],
            external_dependencies: impact.externalDependencies.map((risk) => ({
              service_id: risk.serviceId,
              availability: risk.availability,
              availability_source: risk.availabilitySource,
              error_budget_share: risk.errorBudgetShare,
              high_dependency_risk: risk.highDependencyRisk,
            })),
            cycle_members: [...impact.cycleMembers],
          },
        }
      : {}),
    warnings: [...explanation.warnings],
    ...(explanation.note !== undefined ? { note: explanation.note } : {}),
    provenance: {
      dependency_graph_snapshot_id: explanation.provenance.dependencyGraphSnapshotId,
      lookback_window_start: explanation.provenance.lookbackWindowStart.toISOString(),
      lookback_window_end: explanation.provenance.lookbackWindowEnd.toISOString(),
      data_completeness: explanation.provenance.dataCompleteness,
    },
  };
}
