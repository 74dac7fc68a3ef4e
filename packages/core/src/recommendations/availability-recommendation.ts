/**
 * The availability recommendation of one service (spec 004 FR-2 availability pipeline, FR-3,
 * FR-7), a pure function of its evidence. The balanced target is
 *
 *   f(h, s, d_int, d_ext) = floor₀.₀₁%( min(h, s · d_int · d_ext) )
 *
 * with h the 1st percentile of the service's rolling daily availability, s its mean availability
 * over the lookback, and d_int / d_ext the factors its internal and external hard dependencies
 * contribute to the composite bound (s · d_int · d_ext is the FR-3 composite). The explanation
 * attributes f exactly (Shapley values) against a service of the same archetype at the
 * archetype's baseline availability with no dependencies.
 */
import {
  AVAILABILITY_TIER_QUANTILES,
  addNines,
  availabilityBreachProbability,
  checkTargetAchievability,
  deriveAvailabilityTiers,
  errorBudget,
  errorBudgetShare,
  formatPercent,
  MINUTES_PER_AVERAGE_MONTH,
  quantile,
} from '@slo-engine/reliability';
import { ARCHETYPE_BASELINES } from './archetypes';
import {
  analyseComposite,
  type CompositeAnalysis,
  type DependencyClosure,
  externalRisks,
} from './dependency-analysis';
import { shapleyValues } from './explanation/shapley';
import {
  type AvailabilityRecommendation,
  type AvailabilityTierRecommendation,
  type Counterfactual,
  type DependencyImpact,
  type FeatureAttribution,
  type Provenance,
  type ServiceArchetype,
  type TierName,
} from './recommendation.types';

export const AVAILABILITY_FEATURES = [
  'historical_availability_p1',
  'self_availability_mean',
  'downstream_dependency_risk',
  'external_api_reliability',
] as const;
export type AvailabilityFeature = (typeof AVAILABILITY_FEATURES)[number];
type Features = Readonly<Record<AvailabilityFeature, number>>;

/** Targets are floored to 0.01% so that a recommended target is never above the evidence. */
export function floorTarget(ratio: number): number {
  return Math.floor(ratio * 10_000 + 1e-9) / 10_000;
}

/**
 * The FR-3 cap, or 1 when the service's own history contradicts the serial model: a service that
 * achieved more than the product of its hard dependencies cannot be failing whenever one of them
 * does (retries, caches, fallbacks, or calls on a subset of requests), so that product is no
 * bound on it. Capping it there would recommend far below what it demonstrably keeps.
 */
export function compositeCap(x: Features): number {
  const dependencies = x.downstream_dependency_risk * x.external_api_reliability;
  if (x.self_availability_mean > dependencies) return 1;
  return x.self_availability_mean * dependencies;
}

/** The recommendation function (balanced target, ratio). */
export function balancedAvailability(x: Features): number {
  return floorTarget(Math.min(x.historical_availability_p1, compositeCap(x)));
}

export interface AvailabilityEvidence {
  readonly serviceId: string;
  readonly archetype: ServiceArchetype;
  /** Rolling daily availabilities (hourly steps) over the lookback; empty without history. */
  readonly dailyWindows: readonly number[];
  /** Mean availability over the lookback, or null without traffic. */
  readonly meanAvailability: number | null;
  /** Days of data behind the windows. */
  readonly days: number;
  readonly closure: DependencyClosure;
  /** Observed availability of closure members (mean over the lookback). */
  readonly observedDependencies: ReadonlyMap<string, number>;
  /** True under the cold-start strategy (< 30 days of data): archetype tiers. */
  readonly coldStart: boolean;
  readonly provenance: Provenance;
  /** Seeded generator for the bootstrap. */
  readonly random: () => number;
  /** A target someone wants (e.g. the active SLO), checked for achievability. */
  readonly desiredTarget?: number;
}

const pct = (ratio: number): number => round(ratio * 100, 4);

export function recommendAvailability(evidence: AvailabilityEvidence): AvailabilityRecommendation {
  const baseline = ARCHETYPE_BASELINES[evidence.archetype];
  const self = evidence.meanAvailability ?? baseline.availability;
  const analysis = analyseComposite(evidence.closure, self, evidence.observedDependencies);
  const windows = evidence.dailyWindows;
  const historical =
    evidence.coldStart || windows.length === 0
      ? baseline.availability
      : quantile(windows, AVAILABILITY_TIER_QUANTILES.balanced);
  const features = featuresOf(historical, self, analysis);
  const baselineFeatures: Features = {
    historical_availability_p1: baseline.availability,
    self_availability_mean: baseline.availability,
    downstream_dependency_risk: 1,
    external_api_reliability: 1,
  };
  const attribution = shapleyValues(
    AVAILABILITY_FEATURES,
    (x) => balancedAvailability(x) * 100,
    features,
    baselineFeatures,
  );
  const balanced = balancedAvailability(features);
  const cap = compositeCap(features);
  const tiers = evidence.coldStart
    ? coldStartTiers(baseline.availability, balanced, cap, windows)
    : historyTiers(windows, balanced, cap, evidence.random);

  const featureAttribution: FeatureAttribution[] = AVAILABILITY_FEATURES.map((feature) => ({
    feature,
    contribution: round(attribution.values[feature], 6),
    value: pct(features[feature]),
    baselineValue: pct(baselineFeatures[feature]),
  })).sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));

  const warnings = availabilityWarnings(evidence, analysis, historical, balanced, tiers, cap);
  if (cap === 1 && analysis.composite < features.self_availability_mean && !evidence.coldStart) {
    warnings.push(
      `${evidence.serviceId} achieved ${formatPercent(features.self_availability_mean)}, more than its hard dependencies together (${formatPercent(features.downstream_dependency_risk * features.external_api_reliability)}): their failures reach it only in part (retries, fallbacks, or calls on some requests), so the composite bound of ${formatPercent(analysis.composite)} is reported but does not cap the targets.`,
    );
  }
  const dependencyImpact = dependencyImpactOf(evidence.closure, analysis, balanced);
  return {
    sliType: 'availability',
    metric: 'error_rate',
    tiers,
    explanation: {
      summary: summaryOf(evidence, self, balanced, analysis),
      featureAttribution,
      baseline: {
        description: `a ${baseline.label} at the archetype's ${formatPercent(baseline.availability)} with no dependencies`,
        target: pct(balancedAvailability(baselineFeatures)),
      },
      counterfactuals: counterfactualsOf(
        evidence,
        features,
        featureAttribution,
        analysis,
        balanced,
      ),
      dependencyImpact,
      warnings,
      provenance: evidence.provenance,
    },
  };
}

function featuresOf(historical: number, self: number, analysis: CompositeAnalysis): Features {
  // composite = self · d_int · d_ext; a circular group counts at its weakest member, so the
  // service's own factor inside the composite may be below `self`: d_int absorbs that.
  const internal = self > 0 ? analysis.compositeInternal / self : 0;
  const external =
    analysis.compositeInternal > 0 ? analysis.composite / analysis.compositeInternal : 0;
  return {
    historical_availability_p1: historical,
    self_availability_mean: self,
    downstream_dependency_risk: Math.min(1, internal),
    external_api_reliability: Math.min(1, external),
  };
}

function tier(
  target: number,
  breach: number | null,
  interval: readonly [number, number] | null,
): AvailabilityTierRecommendation {
  return {
    target: pct(target),
    errorBudgetMonthlyMinutes: round(
      errorBudget(target, { windowMinutes: MINUTES_PER_AVERAGE_MONTH }).minutes,
      1,
    ),
    estimatedBreachProbability: breach === null ? null : round(breach, 4),
    confidenceInterval: interval === null ? null : [pct(interval[0]), pct(interval[1])],
  };
}

function historyTiers(
  windows: readonly number[],
  balanced: number,
  bound: number,
  random: () => number,
): Record<TierName, AvailabilityTierRecommendation> {
  const derived = deriveAvailabilityTiers(windows, {
    ...(bound < 1 ? { compositeBound: bound } : {}),
    random,
  });
  const sorted = Float64Array.from(windows).sort();
  const conservative = Math.min(floorTarget(derived.conservative.target), balanced);
  const aggressive = Math.max(floorTarget(derived.aggressive.target), balanced);
  const breach = (target: number): number => availabilityBreachProbability(sorted, target);
  return {
    conservative: tier(conservative, breach(conservative), derived.conservative.confidenceInterval),
    balanced: tier(balanced, breach(balanced), derived.balanced.confidenceInterval),
    aggressive: tier(aggressive, breach(aggressive), derived.aggressive.confidenceInterval),
  };
}

/**
 * Cold start: the archetype's baseline as balanced (capped by the composite bound), twice its
 * error budget as conservative, half as aggressive. Breach probabilities come from whatever
 * daily windows exist; without any they are unknown (null).
 */
function coldStartTiers(
  archetype: number,
  balanced: number,
  bound: number,
  windows: readonly number[],
): Record<TierName, AvailabilityTierRecommendation> {
  const sorted = Float64Array.from(windows).sort();
  const breach = (target: number): number | null =>
    sorted.length === 0 ? null : availabilityBreachProbability(sorted, target);
  const conservative = Math.min(floorTarget(1 - (1 - archetype) * 2), floorTarget(bound), balanced);
  const aggressive = Math.max(floorTarget(1 - (1 - archetype) / 2), balanced);
  return {
    conservative: tier(conservative, breach(conservative), null),
    balanced: tier(balanced, breach(balanced), null),
    aggressive: tier(aggressive, breach(aggressive), null),
  };
}

function summaryOf(
  evidence: AvailabilityEvidence,
  self: number,
  balanced: number,
  analysis: CompositeAnalysis,
): string {
  const { serviceId, closure } = evidence;
  const bound = `Composite availability bound is ${formatPercent(analysis.composite)} given ${closure.hardDependencyCount} hard ${closure.hardDependencyCount === 1 ? 'dependency' : 'dependencies'}.`;
  if (evidence.coldStart || evidence.meanAvailability === null) {
    const baseline = ARCHETYPE_BASELINES[evidence.archetype];
    return `${serviceId} has ${evidence.days < 1 ? 'no' : `only ${round(evidence.days, 1)} days of`} availability history, so the Balanced target of ${formatPercent(balanced)} starts from the ${baseline.label} baseline of ${formatPercent(baseline.availability)}. ${bound}`;
  }
  const margin = Math.max(0, self - balanced);
  return `${serviceId} achieved ${formatPercent(self)} availability over ${round(evidence.days, 1)} days. The Balanced target of ${formatPercent(balanced)} provides ${formatPercent(margin, { minDecimals: 2, maxDecimals: 4 })} margin. ${bound}`;
}

function dependencyImpactOf(
  closure: DependencyClosure,
  analysis: CompositeAnalysis,
  balanced: number,
): DependencyImpact {
  const bottleneck = analysis.bottleneck;
  let bottleneckService: string | null = null;
  let bottleneckContribution: string | null = null;
  if (bottleneck !== null) {
    const share = errorBudgetShare(bottleneck.availability, balanced);
    bottleneckService =
      bottleneck.kind === 'service'
        ? bottleneck.serviceId
        : `${bottleneck.serviceId}/${bottleneck.group} (${bottleneck.members.join(', ')})`;
    bottleneckContribution = `Consumes ${Number.isFinite(share) ? `${round(share * 100, 1)}%` : 'more than all'} of the error budget at the ${formatPercent(balanced)} target`;
  }
  return {
    compositeAvailabilityBound: pct(analysis.composite),
    hardDependencyCount: closure.hardDependencyCount,
    bottleneckService,
    bottleneckContribution,
    softDependencies: closure.softDependencies,
    externalDependencies: externalRisks(analysis, balanced),
    cycleMembers: analysis.cycleMembers,
  };
}

function availabilityWarnings(
  evidence: AvailabilityEvidence,
  analysis: CompositeAnalysis,
  historical: number,
  balanced: number,
  tiers: Record<TierName, AvailabilityTierRecommendation>,
  cap: number,
): string[] {
  const warnings: string[] = [];
  const hardDependencies = [...analysis.planned.entries()]
    .filter(([id]) => id !== evidence.serviceId)
    .map(([id, planned]) => ({ id, availability: planned.availability }));
  const desired = [
    ...(evidence.desiredTarget !== undefined ? [evidence.desiredTarget] : []),
    // What the service's own history supports, before the dependency cap (when it applies).
    ...(evidence.coldStart || cap === 1 ? [] : [floorTarget(historical)]),
  ];
  for (const target of desired) {
    const check = checkTargetAchievability(target, analysis.composite, {
      dependencies: hardDependencies,
    });
    if (!check.achievable) {
      warnings.push(`${check.message} ${check.suggestion.message}`);
      break;
    }
  }
  if (cap < 1 && tiers.aggressive.target / 100 > analysis.composite) {
    warnings.push(
      `The Aggressive target of ${tiers.aggressive.target}% is above the composite availability bound of ${formatPercent(analysis.composite)}: it can only be met while dependencies do better than they have.`,
    );
  }
  for (const risk of externalRisks(analysis, balanced)) {
    if (risk.highDependencyRisk) {
      warnings.push(
        `High dependency risk: external dependency ${risk.serviceId} (${risk.availability.toFixed(3)}%, ${risk.availabilitySource}) consumes ${round(risk.errorBudgetShare * 100, 1)}% of the error budget at the ${formatPercent(balanced)} target.`,
      );
    }
  }
  if (evidence.provenance.dataCompleteness < 0.9 && !evidence.coldStart) {
    warnings.push(
      `Telemetry covers ${round(evidence.provenance.dataCompleteness * 100, 1)}% of the lookback window; gaps are treated as no traffic.`,
    );
  }
  return warnings;
}

const FEATURE_PHRASES: Readonly<Record<AvailabilityFeature, string>> = {
  historical_availability_p1: "the service's worst-1% daily availability",
  self_availability_mean: "the service's own mean availability",
  downstream_dependency_risk: 'its internal hard dependencies together',
  external_api_reliability: 'its external dependencies together',
};

/**
 * FR-7 counterfactuals: the top three features by contribution, each one nine better (re-running
 * the recommendation function), then FR-2's what-if on the bottleneck dependency ±1 nine
 * (re-running the composite with that dependency changed).
 */
function counterfactualsOf(
  evidence: AvailabilityEvidence,
  features: Features,
  attribution: readonly FeatureAttribution[],
  analysis: CompositeAnalysis,
  balanced: number,
): Counterfactual[] {
  const result: Counterfactual[] = [];
  const describe = (target: number): string =>
    target === balanced
      ? `Recommended target would stay at ${formatPercent(balanced)}`
      : `Recommended target would ${target > balanced ? 'increase' : 'decrease'} to ${formatPercent(target)} (from ${formatPercent(balanced)})`;
  for (const { feature } of attribution.slice(0, 3)) {
    const name = feature as AvailabilityFeature;
    const value = features[name];
    if (value >= 1) continue;
    const improved = addNines(value, 1);
    const target = balancedAvailability({ ...features, [name]: improved });
    result.push({
      feature: name,
      condition: `If ${FEATURE_PHRASES[name]} were one nine better (${formatPercent(value)} → ${formatPercent(improved)})`,
      result: describe(target),
      target: pct(target),
    });
  }
  const bottleneck = analysis.bottleneck;
  if (
    bottleneck !== null &&
    bottleneck.kind === 'service' &&
    bottleneck.serviceId !== evidence.serviceId
  ) {
    const current =
      analysis.planned.get(bottleneck.serviceId)?.availability ?? bottleneck.availability;
    for (const nines of [1, -1]) {
      const changed = addNines(current, nines);
      const rerun = analyseComposite(
        evidence.closure,
        features.self_availability_mean,
        evidence.observedDependencies,
        new Map([[bottleneck.serviceId, changed]]),
      );
      const target = balancedAvailability(
        featuresOf(features.historical_availability_p1, features.self_availability_mean, rerun),
      );
      result.push({
        feature: 'dependency_availability',
        condition: `If ${bottleneck.serviceId} ${nines > 0 ? 'improved' : 'degraded'} to ${formatPercent(changed)}`,
        result: describe(target),
        target: pct(target),
      });
    }
  }
  return result;
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}
