/**
 * Where SLI history comes from (spec 004 FR-6: query the metric store, never copy raw telemetry).
 * The production adapter speaks PromQL to Prometheus or Mimir; the embedded mode uses a seeded
 * synthetic fleet. Every method answers for a time range with step-aligned buckets, so the core
 * derives rolling windows, quantiles, completeness and gaps itself, the same way for every source.
 */
import { DomainError } from '../shared/domain-error';

/** A half-open time range [start, end). */
export interface TimeRange {
  readonly start: Date;
  readonly end: Date;
}

/** Request counts of one bucket: `good` requests (not server errors) out of `total`. */
export interface RequestCounts {
  readonly good: number;
  readonly total: number;
}

/**
 * Request counts per step. Bucket `i` covers [start + i·step, start + (i + 1)·step); `null` marks
 * a bucket where the source had no samples (a telemetry gap), as opposed to `{ good: 0, total: 0 }`
 * (samples showing no traffic).
 */
export interface RequestCountSeries {
  readonly start: Date;
  readonly stepSeconds: number;
  readonly buckets: readonly (RequestCounts | null)[];
}

/**
 * A latency histogram per step, as Prometheus histograms store it: cumulative counts of requests
 * at or below each upper bound. `boundsMs` ascends and ends with `Infinity` (the `+Inf` bucket,
 * i.e. the total). `buckets[i][j]` counts the requests of step `i` with latency ≤ `boundsMs[j]`;
 * `null` marks a step without samples.
 */
export interface LatencyHistogramSeries {
  readonly start: Date;
  readonly stepSeconds: number;
  readonly boundsMs: readonly number[];
  readonly buckets: readonly (readonly number[] | null)[];
}

/** Aggregate windows of `sli_aggregates` (spec 004 FR-6). */
export const AGGREGATE_WINDOWS = ['1h', '1d', '7d', '28d', '90d'] as const;
export type AggregateWindow = (typeof AGGREGATE_WINDOWS)[number];

export const AGGREGATE_WINDOW_SECONDS: Readonly<Record<AggregateWindow, number>> = Object.freeze({
  '1h': 3_600,
  '1d': 86_400,
  '7d': 7 * 86_400,
  '28d': 28 * 86_400,
  '90d': 90 * 86_400,
});

/** One service's traffic over an aggregate window, from fleet-wide queries. */
export interface ServiceWindowAggregate extends RequestCounts {
  /** Latency quantiles in ms from the histogram buckets; null when the service has none. */
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly p99: number } | null;
}

export interface TelemetryHealth {
  readonly ok: boolean;
  /** Why not, or what was reached (e.g. the Prometheus version). */
  readonly detail: string;
}

export abstract class TelemetrySource {
  /** Good/total request counts of one service per step over the range. */
  abstract requestCounts(
    serviceId: string,
    range: TimeRange,
    stepSeconds: number,
  ): Promise<RequestCountSeries>;

  /** The service's latency histogram per step over the range. */
  abstract latencyHistograms(
    serviceId: string,
    range: TimeRange,
    stepSeconds: number,
  ): Promise<LatencyHistogramSeries>;

  /**
   * Request counts over the whole range for several services in one query (`sum by (service)`),
   * e.g. every dependency of a service. Services without samples are absent from the map.
   */
  abstract requestTotals(
    serviceIds: readonly string[],
    range: TimeRange,
  ): Promise<ReadonlyMap<string, RequestCounts>>;

  /**
   * CPU throttling of the service's containers over the range: CFS-throttled seconds per second,
   * summed over its pods (`container_cpu_cfs_throttled_seconds_total`). Null without the metric.
   */
  abstract cpuThrottling(serviceId: string, range: TimeRange): Promise<number | null>;

  /**
   * Traffic and latency of every service over the window ending at `at`: a fixed number of
   * fleet-wide queries whatever the fleet size, never one query per service.
   */
  abstract fleetAggregates(
    window: AggregateWindow,
    at: Date,
  ): Promise<ReadonlyMap<string, ServiceWindowAggregate>>;

  /** Whether the source answers (readiness). Never throws. */
  abstract checkHealth(): Promise<TelemetryHealth>;
}

export const TelemetryErrorCodes = {
  /** The source is down, timed out after retries, or its circuit breaker is open. → 503 */
  UNAVAILABLE: 'TELEMETRY.UNAVAILABLE',
  /** A service or label value that may not enter a query (e.g. PII-like, SEC-008). → 400 */
  INVALID_LABEL: 'TELEMETRY.INVALID_LABEL',
  /** The source answered with something that is not a valid result. → 502 */
  BAD_RESPONSE: 'TELEMETRY.BAD_RESPONSE',
} as const;

/**
 * The telemetry source cannot answer now. Use cases catch it to serve what they stored before
 * (REL-005); `retryAfterSeconds` says when asking again makes sense (e.g. the breaker's half-open
 * time).
 */
export class TelemetryUnavailableError extends DomainError {
  override readonly name = 'TelemetryUnavailableError';

  constructor(
    message: string,
    readonly retryAfterSeconds: number,
    override readonly cause?: unknown,
  ) {
    super(TelemetryErrorCodes.UNAVAILABLE, message, { retryAfterSeconds });
  }
}
