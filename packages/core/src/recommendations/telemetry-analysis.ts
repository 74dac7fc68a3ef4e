/**
 * What the core derives from step-aligned telemetry, the same way for every source: completeness
 * and gaps, rolling-window availability, and latency quantiles from cumulative histogram buckets
 * (Prometheus' `histogram_quantile` rule: linear interpolation inside the bucket).
 */
import { rollingAvailability } from '@slo-engine/reliability';
import {
  type LatencyHistogramSeries,
  type RequestCounts,
  type RequestCountSeries,
} from './telemetry.port';
import { type TelemetryGap } from './recommendation.types';

export interface Completeness {
  /** Share of buckets with samples, 0–1 (1 for an empty series: nothing was asked). */
  readonly completeness: number;
  /** Runs of buckets without samples, oldest first. */
  readonly gaps: readonly TelemetryGap[];
  /** Index of the first bucket with samples, or -1 when there is none. */
  readonly firstDataIndex: number;
}

export function completenessOf(series: {
  readonly start: Date;
  readonly stepSeconds: number;
  readonly buckets: readonly unknown[];
}): Completeness {
  const { buckets } = series;
  const stepMs = series.stepSeconds * 1000;
  const origin = series.start.getTime();
  const gaps: TelemetryGap[] = [];
  let present = 0;
  let firstDataIndex = -1;
  let gapStart = -1;
  for (let i = 0; i <= buckets.length; i++) {
    const missing = i < buckets.length && buckets[i] === null;
    if (i < buckets.length && !missing) {
      present++;
      if (firstDataIndex < 0) firstDataIndex = i;
    }
    if (missing && gapStart < 0) gapStart = i;
    if (!missing && gapStart >= 0) {
      gaps.push({
        start: new Date(origin + gapStart * stepMs),
        end: new Date(origin + i * stepMs),
      });
      gapStart = -1;
    }
  }
  return {
    completeness: buckets.length === 0 ? 1 : present / buckets.length,
    gaps,
    firstDataIndex,
  };
}

/**
 * Availability of every rolling window of `windowBuckets` buckets, stepping one bucket; buckets
 * without samples count as no traffic (a gap is not evidence of failure).
 */
export function windowAvailabilities(series: RequestCountSeries, windowBuckets: number): number[] {
  const counts: RequestCounts[] = series.buckets.map((bucket) => bucket ?? NO_TRAFFIC);
  return rollingAvailability(counts, Math.min(windowBuckets, Math.max(1, counts.length)));
}

const NO_TRAFFIC: RequestCounts = Object.freeze({ good: 0, total: 0 });

/** Σ good / Σ total over the series, or null without traffic. */
export function overallAvailability(series: RequestCountSeries): RequestCounts | null {
  let good = 0;
  let total = 0;
  for (const bucket of series.buckets) {
    if (bucket === null) continue;
    good += bucket.good;
    total += bucket.total;
  }
  return total > 0 ? { good, total } : null;
}

/**
 * The q-quantile of a cumulative histogram, Prometheus style: find the bucket holding rank q·total,
 * interpolate linearly between its lower and upper bound (the first bucket's lower bound is 0).
 * A rank in the +Inf bucket answers the highest finite bound. Null without observations.
 */
export function histogramQuantile(
  q: number,
  boundsMs: readonly number[],
  cumulative: ArrayLike<number>,
): number | null {
  const total = cumulative[cumulative.length - 1];
  if (!(total > 0)) return null;
  const rank = q * total;
  for (let j = 0; j < boundsMs.length; j++) {
    if (cumulative[j] >= rank) {
      const upper = boundsMs[j];
      if (upper === Infinity) return j > 0 ? boundsMs[j - 1] : 0;
      const lower = j > 0 ? boundsMs[j - 1] : 0;
      const below = j > 0 ? cumulative[j - 1] : 0;
      const inBucket = cumulative[j] - below;
      return inBucket > 0 ? lower + ((upper - lower) * (rank - below)) / inBucket : lower;
    }
  }
  return boundsMs.length > 1 ? boundsMs[boundsMs.length - 2] : null;
}

/** Cumulative counts summed over buckets [from, to) of the series (missing steps skipped). */
export function sumHistograms(
  series: LatencyHistogramSeries,
  from = 0,
  to = series.buckets.length,
): Float64Array {
  const sum = new Float64Array(series.boundsMs.length);
  for (let i = from; i < to; i++) {
    const bucket = series.buckets[i];
    if (bucket === null) continue;
    for (let j = 0; j < sum.length; j++) sum[j] += bucket[j];
  }
  return sum;
}

/**
 * The q-quantile of each tumbling window of `windowBuckets` steps (e.g. each day of hourly
 * histograms): the per-window latency SLI values breach probabilities are counted over. Windows
 * without observations are left out.
 */
export function windowLatencyQuantiles(
  series: LatencyHistogramSeries,
  q: number,
  windowBuckets: number,
): number[] {
  const values: number[] = [];
  for (let from = 0; from < series.buckets.length; from += windowBuckets) {
    const sum = sumHistograms(series, from, Math.min(series.buckets.length, from + windowBuckets));
    const value = histogramQuantile(q, series.boundsMs, sum);
    if (value !== null) values.push(value);
  }
  return values;
}
