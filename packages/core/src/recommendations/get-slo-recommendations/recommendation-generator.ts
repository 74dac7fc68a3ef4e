import { type GraphSnapshot } from '../../graph/graph-snapshot/graph-snapshot';
import { seededRandomFrom } from '../../shared/seeded-random';
import { ARCHETYPE_BASELINES, archetypeOf } from '../archetypes';
import { recommendAvailability, round } from '../availability-recommendation';
import { dependencyClosure, type DependencyClosure } from '../dependency-analysis';
import { recommendLatency } from '../latency-recommendation';
import { type NewRecommendation } from '../recommendation.ports';
import { type DataQuality, type Provenance, type SliType } from '../recommendation.types';
import { completenessOf, overallAvailability, windowAvailabilities } from '../telemetry-analysis';
import {
  type LatencyHistogramSeries,
  type RequestCountSeries,
  type TelemetrySource,
  type TimeRange,
} from '../telemetry.port';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/** Below this much history the cold-start strategy applies (FR-2). */
export const MIN_HISTORY_DAYS = 30;
/** Cold start widens the lookback up to this (FR-2). */
export const COLD_START_LOOKBACK_DAYS = 90;
/** Stored recommendations are served for this long (FR-2 cache TTL). */
export const RECOMMENDATION_TTL_MS = DAY_MS;
const STEP_SECONDS = 3_600;
const DAY_BUCKETS = 24;

export interface GenerateInput {
  readonly snapshot: GraphSnapshot;
  readonly serviceId: string;
  readonly sliTypes: readonly SliType[];
  readonly lookbackDays: number;
  readonly now: Date;
  /** The service's closure in `snapshot`, when the caller already computed it. */
  readonly closure?: DependencyClosure;
}

interface Evidence {
  readonly range: TimeRange;
  readonly counts: RequestCountSeries | null;
  readonly histograms: LatencyHistogramSeries | null;
  readonly throttling: number | null;
  readonly totals: ReadonlyMap<string, { good: number; total: number }>;
}

/**
 * Computes fresh recommendations for one service: reads its hourly history (and its dependencies'
 * totals in one query) from the telemetry source, applies the cold-start strategy below 30 days,
 * and runs the availability and latency recommenders. Throws `TelemetryUnavailableError` when the
 * source cannot answer; stores nothing.
 */
export class RecommendationGenerator {
  constructor(private readonly telemetry: TelemetrySource) {}

  async generate(input: GenerateInput): Promise<NewRecommendation[]> {
    const { snapshot, serviceId, sliTypes, lookbackDays, now } = input;
    const service = snapshot.service(serviceId)!;
    const closure = input.closure ?? dependencyClosure(snapshot, serviceId);
    const end = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
    const wantsAvailability = sliTypes.includes('availability');
    const wantsLatency = sliTypes.includes('latency');
    const others = closure.services.slice(1).map((member) => member.serviceId);

    const read = async (days: number): Promise<Evidence> => {
      const range = { start: new Date(end.getTime() - days * DAY_MS), end };
      const [counts, histograms, throttling, totals] = await Promise.all([
        wantsAvailability
          ? this.telemetry.requestCounts(serviceId, range, STEP_SECONDS)
          : Promise.resolve(null),
        wantsLatency
          ? this.telemetry.latencyHistograms(serviceId, range, STEP_SECONDS)
          : Promise.resolve(null),
        wantsLatency ? this.telemetry.cpuThrottling(serviceId, range) : Promise.resolve(null),
        wantsAvailability && others.length > 0
          ? this.telemetry.requestTotals(others, range)
          : Promise.resolve(new Map<string, { good: number; total: number }>()),
      ]);
      return { range, counts, histograms, throttling, totals };
    };

    let evidence = await read(lookbackDays);
    let history = historyOf(evidence);
    if (history.days < MIN_HISTORY_DAYS && lookbackDays < COLD_START_LOOKBACK_DAYS) {
      // Cold start step 1: widen to the maximum available data, up to 90 days.
      evidence = await read(COLD_START_LOOKBACK_DAYS);
      history = historyOf(evidence);
    }
    const coldStart = history.days < MIN_HISTORY_DAYS;
    const archetype = archetypeOf(service);
    const widened =
      evidence.range.end.getTime() - evidence.range.start.getTime() > lookbackDays * DAY_MS;
    const lookbackStart =
      widened && history.firstDataAt !== null ? history.firstDataAt : evidence.range.start;
    const lookbackWindow = { start: lookbackStart, end };
    const series = evidence.counts ?? evidence.histograms!;
    const quality = completenessOf(trimmed(series, lookbackStart));
    const reevaluateAt = coldStart
      ? new Date((history.firstDataAt ?? end).getTime() + MIN_HISTORY_DAYS * DAY_MS)
      : null;
    const dataQuality: DataQuality = {
      dataCompleteness: round(quality.completeness, 4),
      telemetryGaps: quality.gaps,
      confidenceNote: coldStart
        ? `Low confidence: ${history.days < 1 ? 'no' : `only ${round(history.days, 1)} days of`} data (${MIN_HISTORY_DAYS} needed), so targets are inferred from the ${ARCHETYPE_BASELINES[archetype].label} archetype; re-evaluated from ${reevaluateAt!.toISOString().slice(0, 10)}.`
        : `Based on ${round(history.days, 1)} days of data with ${round(quality.completeness * 100, 1)}% completeness`,
      coldStart,
      reevaluateAt,
      archetype,
    };
    const provenance: Provenance = {
      dependencyGraphSnapshotId: String(snapshot.version),
      lookbackWindowStart: lookbackWindow.start,
      lookbackWindowEnd: lookbackWindow.end,
      dataCompleteness: dataQuality.dataCompleteness,
    };

    const stored = (recommendation: NewRecommendation['recommendation']): NewRecommendation => ({
      serviceId,
      sliType: recommendation.sliType,
      recommendation,
      dataQuality,
      lookbackWindow,
      lookbackDays,
      graphVersion: snapshot.version,
      dependencyDigest: closure.digest,
      generatedAt: now,
      expiresAt: new Date(now.getTime() + RECOMMENDATION_TTL_MS),
    });
    const results: NewRecommendation[] = [];
    if (wantsAvailability) {
      const counts = evidence.counts!;
      const mean = overallAvailability(counts);
      const observedDependencies = new Map<string, number>();
      for (const [id, totals] of evidence.totals) {
        if (totals.total > 0) observedDependencies.set(id, Math.min(1, totals.good / totals.total));
      }
      results.push(
        stored(
          recommendAvailability({
            serviceId,
            archetype,
            dailyWindows: windowAvailabilities(trimmed(counts, lookbackStart), DAY_BUCKETS),
            meanAvailability: mean === null ? null : Math.min(1, mean.good / mean.total),
            days: history.days,
            closure,
            observedDependencies,
            coldStart,
            provenance,
            random: seededRandomFrom(`${serviceId}|${end.toISOString()}|${lookbackDays}`),
          }),
        ),
      );
    }
    if (wantsLatency) {
      results.push(
        stored(
          recommendLatency({
            serviceId,
            archetype,
            histograms: trimmed(evidence.histograms!, lookbackStart),
            throttling: evidence.throttling,
            days: history.days,
            coldStart,
            provenance,
          }),
        ),
      );
    }
    return results;
  }
}

/** Days from the first bucket with samples to the end, and that bucket's start. */
function historyOf(evidence: Evidence): { days: number; firstDataAt: Date | null } {
  const series = evidence.counts ?? evidence.histograms!;
  const { firstDataIndex } = completenessOf(series);
  if (firstDataIndex < 0) return { days: 0, firstDataAt: null };
  const stepMs = series.stepSeconds * 1000;
  const firstDataAt = new Date(series.start.getTime() + firstDataIndex * stepMs);
  return { days: ((series.buckets.length - firstDataIndex) * stepMs) / DAY_MS, firstDataAt };
}

/** The series from `start` on (buckets before it dropped). */
function trimmed<T extends { start: Date; stepSeconds: number; buckets: readonly unknown[] }>(
  series: T,
  start: Date,
): T {
  const skip = Math.max(
    0,
    Math.floor((start.getTime() - series.start.getTime()) / (series.stepSeconds * 1000)),
  );
  if (skip === 0) return series;
  return {
    ...series,
    start: new Date(series.start.getTime() + skip * series.stepSeconds * 1000),
    buckets: series.buckets.slice(skip),
  };
}
