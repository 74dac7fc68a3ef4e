/**
 * The latency recommendation of one service (spec 004 FR-2 latency pipeline, FR-7), a pure
 * function of its evidence: conservative = the worst day's p99.9 × (1 + margin), balanced =
 * p99 × (1 + margin), aggressive = p95, all from the service's own request-duration histogram over the lookback.
 * The margin (5–10%) grows with CPU throttling. Latency is never composed from dependencies:
 * percentiles do not add.
 */
import { formatPercent } from '@slo-engine/reliability';
import { ARCHETYPE_BASELINES } from './archetypes';
import { round } from './availability-recommendation';
import { shapleyValues } from './explanation/shapley';
import {
  type Counterfactual,
  type FeatureAttribution,
  type LatencyRecommendation,
  type LatencyTierRecommendation,
  type Provenance,
  type ServiceArchetype,
  type TierName,
} from './recommendation.types';
import { histogramQuantile, sumHistograms, windowLatencyQuantiles } from './telemetry-analysis';
import { type LatencyHistogramSeries } from './telemetry.port';

export const MIN_NOISE_MARGIN = 0.05;
export const MAX_NOISE_MARGIN = 0.1;
/**
 * Throttled CPU-seconds per second at which the margin reaches its maximum: a service whose pods
 * together lose half a CPU-second every second to CFS throttling is as noisy as we model.
 */
export const THROTTLING_SATURATION = 0.5;

/** The FR-2 noise margin from the throttling signal; without a signal, assume the noisy case. */
export function noiseMarginFor(throttledSecondsPerSecond: number | null): number {
  if (throttledSecondsPerSecond === null || !Number.isFinite(throttledSecondsPerSecond)) {
    return MAX_NOISE_MARGIN;
  }
  const share = Math.min(1, Math.max(0, throttledSecondsPerSecond) / THROTTLING_SATURATION);
  return MIN_NOISE_MARGIN + (MAX_NOISE_MARGIN - MIN_NOISE_MARGIN) * share;
}

/** Latency targets are rounded up to two significant digits (783 → 790 ms, 1,234 → 1,300 ms). */
export function ceilLatency(ms: number): number {
  if (!(ms > 0)) return 0;
  const magnitude = 10 ** Math.max(0, Math.floor(Math.log10(ms)) - 1);
  return Math.ceil(ms / magnitude - 1e-9) * magnitude;
}

export const LATENCY_FEATURES = ['p99_latency_historical', 'noisy_neighbor_margin'] as const;
export type LatencyFeature = (typeof LATENCY_FEATURES)[number];
type Features = Readonly<Record<LatencyFeature, number>>;

/** The recommendation function (balanced target, ms). */
export function balancedLatency(x: Features): number {
  return ceilLatency(x.p99_latency_historical * (1 + x.noisy_neighbor_margin));
}

export interface LatencyEvidence {
  readonly serviceId: string;
  readonly archetype: ServiceArchetype;
  readonly histograms: LatencyHistogramSeries;
  readonly throttling: number | null;
  readonly days: number;
  readonly coldStart: boolean;
  readonly provenance: Provenance;
}

const DAY_STEPS = 24;
const TIER_NAMES = ['conservative', 'balanced', 'aggressive'] as const;
export const LATENCY_NOTE =
  "Latency SLO derived from the service's own end-to-end request durations at its boundary, not from mathematical composition of its dependencies' latencies (percentiles are non-additive).";

export function recommendLatency(evidence: LatencyEvidence): LatencyRecommendation {
  const baseline = ARCHETYPE_BASELINES[evidence.archetype];
  const { histograms } = evidence;
  const margin = noiseMarginFor(evidence.throttling);
  const total = sumHistograms(histograms);
  const observed = (q: number): number | null =>
    evidence.coldStart ? null : histogramQuantile(q, histograms.boundsMs, total);
  const p999 = observed(0.999);
  const p99 = observed(0.99);
  const p95 = observed(0.95);
  const history = p999 !== null && p99 !== null && p95 !== null;
  const levels: Record<TierName, { q: number; percentile: 'p99.9' | 'p99' | 'p95' }> = {
    conservative: { q: 0.999, percentile: 'p99.9' },
    balanced: { q: 0.99, percentile: 'p99' },
    aggressive: { q: 0.95, percentile: 'p95' },
  };
  // Each tier's percentile per day of the lookback: Conservative's target and every breach
  // probability read them.
  const daily = {} as Record<TierName, number[]>;
  for (const name of TIER_NAMES) {
    daily[name] = windowLatencyQuantiles(histograms, levels[name].q, DAY_STEPS);
  }
  const worstDailyP999 = Math.max(p999 ?? 0, ...daily.conservative);

  const features: Features = {
    p99_latency_historical: p99 ?? baseline.p99LatencyMs,
    noisy_neighbor_margin: margin,
  };
  const baselineFeatures: Features = {
    p99_latency_historical: baseline.p99LatencyMs,
    noisy_neighbor_margin: MIN_NOISE_MARGIN,
  };
  const attribution = shapleyValues(LATENCY_FEATURES, balancedLatency, features, baselineFeatures);
  const balanced = balancedLatency(features);
  const targets: Record<TierName, number> = history
    ? {
        // The p99.9 the service kept on every day of the lookback: a month's p99.9 moves with
        // its worst hours far more than its p99 does, so the overall p99.9 alone breached more
        // often than Balanced in the backtest (docs/backtest.md).
        conservative: Math.max(ceilLatency(worstDailyP999 * (1 + margin)), balanced),
        balanced,
        aggressive: Math.min(ceilLatency(p95), balanced),
      }
    : {
        // Cold start: the archetype's p99 as balanced; p99.9 and p95 from a typical tail ratio.
        conservative: ceilLatency(balanced * 2),
        balanced,
        aggressive: ceilLatency(baseline.p99LatencyMs * 0.6),
      };
  const tiers = {} as Record<TierName, LatencyTierRecommendation>;
  for (const name of TIER_NAMES) {
    const days = daily[name];
    tiers[name] = {
      targetMs: targets[name],
      percentile: levels[name].percentile,
      estimatedBreachProbability:
        days.length === 0
          ? null
          : round(days.filter((value) => value > targets[name]).length / days.length, 4),
    };
  }

  const featureAttribution: FeatureAttribution[] = LATENCY_FEATURES.map((feature) => ({
    feature,
    contribution: round(attribution.values[feature], 6),
    value: round(features[feature], 6),
    baselineValue: baselineFeatures[feature],
  })).sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution));

  const counterfactuals: Counterfactual[] = [
    {
      feature: 'p99_latency_historical',
      condition: `If the observed p99 were 20% lower (${round(features.p99_latency_historical, 1)} → ${round(features.p99_latency_historical * 0.8, 1)} ms)`,
      target: balancedLatency({
        ...features,
        p99_latency_historical: features.p99_latency_historical * 0.8,
      }),
      result: '',
    },
    {
      feature: 'noisy_neighbor_margin',
      condition:
        margin > MIN_NOISE_MARGIN
          ? `If CPU throttling stopped (margin ${formatPercent(margin)} → ${formatPercent(MIN_NOISE_MARGIN)})`
          : `If CPU throttling saturated (margin ${formatPercent(margin)} → ${formatPercent(MAX_NOISE_MARGIN)})`,
      target: balancedLatency({
        ...features,
        noisy_neighbor_margin: margin > MIN_NOISE_MARGIN ? MIN_NOISE_MARGIN : MAX_NOISE_MARGIN,
      }),
      result: '',
    },
  ].map((counterfactual) => ({
    ...counterfactual,
    result:
      counterfactual.target === balanced
        ? `Recommended target would stay at ${balanced} ms`
        : `Recommended target would ${counterfactual.target > balanced ? 'increase' : 'decrease'} to ${counterfactual.target} ms (from ${balanced} ms)`,
  }));

  const headroom = p99 !== null && p99 > 0 ? ((balanced - p99) / p99) * 100 : null;
  const summary = history
    ? `End-to-end p99 latency measured at ${round(p99, 1)} ms over ${round(evidence.days, 1)} days from the service's request-duration histogram. Balanced target of ${balanced} ms provides ${round(headroom ?? 0, 1)}% headroom (noise margin ${formatPercent(margin)}${evidence.throttling === null ? ', no CPU-throttling signal' : ''}).`
    : `${evidence.serviceId} has no usable latency history yet, so the Balanced target of ${balanced} ms starts from the ${baseline.label} baseline of p99 < ${baseline.p99LatencyMs} ms plus a ${formatPercent(margin)} noise margin.`;
  return {
    sliType: 'latency',
    metric: 'p99_response_time_ms',
    tiers,
    explanation: {
      summary,
      featureAttribution,
      baseline: {
        description: `a ${baseline.label} at the archetype's p99 of ${baseline.p99LatencyMs} ms on quiet infrastructure (${formatPercent(MIN_NOISE_MARGIN)} margin)`,
        target: balancedLatency(baselineFeatures),
      },
      counterfactuals,
      warnings:
        evidence.provenance.dataCompleteness < 0.9 && history
          ? [
              `Latency histograms cover ${round(evidence.provenance.dataCompleteness * 100, 1)}% of the lookback window.`,
            ]
          : [],
      note: LATENCY_NOTE,
      provenance: evidence.provenance,
    },
  };
}
