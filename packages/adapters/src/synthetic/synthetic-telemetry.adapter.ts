/**
 * The embedded mode's `TelemetrySource`: answers every port method from a `SyntheticFleet`, the
 * same numbers the OpenMetrics writer would backfill into Prometheus.
 *
 * Buckets: bucket `i` covers [start + i·step, start + (i + 1)·step), the last one clipped to the
 * range's end. Values integrate the model's hourly counts, spread evenly inside each hour, so a
 * step that is a whole number of hours aligned to the hour sums whole hours exactly, and a step
 * under an hour gets its share of the hour (fractional counts, as `increase()` would give).
 * A bucket with no data (entirely before the service's `firstSeenAt`, or after the clock's `now`
 * when a clock is given) is `null`; an unknown service has only `null` buckets.
 */
import {
  AGGREGATE_WINDOW_SECONDS,
  type AggregateWindow,
  type Clock,
  DomainError,
  DomainErrorCodes,
  histogramQuantile,
  type LatencyHistogramSeries,
  type RequestCounts,
  type RequestCountSeries,
  type ServiceWindowAggregate,
  type TelemetryHealth,
  TelemetrySource,
  type TimeRange,
} from '@slo-engine/core';

import {
  HOUR_FIELDS,
  LATENCY_BUCKET_BOUNDS_MS,
  resetTotals,
  type SyntheticFleet,
  type SyntheticTotals,
  createTotals,
} from './synthetic-fleet';

export interface SyntheticTelemetrySourceOptions {
  /** Telemetry ends at `clock.now()` (later buckets are null). Default: the model never ends. */
  readonly clock?: Clock;
  /** Largest number of buckets one call may ask for; default 1,000,000. */
  readonly maxBuckets?: number;
}

/** `Array.isArray` without narrowing (which would turn readonly arrays into `any[]`). */
function isArray(value: unknown): boolean {
  return Array.isArray(value);
}

function invalid(field: string, message: string): DomainError {
  return new DomainError(DomainErrorCodes.INVALID_INPUT, `${field}: ${message}`, {
    fieldErrors: [{ field, message }],
  });
}

function answer<T>(compute: () => T): Promise<T> {
  try {
    return Promise.resolve(compute());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

export class SyntheticTelemetrySource extends TelemetrySource {
  private readonly acc = createTotals();
  private readonly maxBuckets: number;

  constructor(
    readonly fleet: SyntheticFleet,
    private readonly options: SyntheticTelemetrySourceOptions = {},
  ) {
    super();
    this.maxBuckets = options.maxBuckets ?? 1_000_000;
  }

  requestCounts(
    serviceId: string,
    range: TimeRange,
    stepSeconds: number,
  ): Promise<RequestCountSeries> {
    return answer(() => {
      const buckets = this.series(serviceId, range, stepSeconds, HOUR_FIELDS.COUNTS, (acc) => ({
        good: acc.good,
        total: acc.total,
      }));
      return { start: new Date(range.start.getTime()), stepSeconds, buckets };
    });
  }

  latencyHistograms(
    serviceId: string,
    range: TimeRange,
    stepSeconds: number,
  ): Promise<LatencyHistogramSeries> {
    return answer(() => {
      const buckets = this.series(serviceId, range, stepSeconds, HOUR_FIELDS.LATENCY, (acc) =>
        Array.from(acc.buckets),
      );
      return {
        start: new Date(range.start.getTime()),
        stepSeconds,
        boundsMs: LATENCY_BUCKET_BOUNDS_MS,
        buckets,
      };
    });
  }

  requestTotals(
    serviceIds: readonly string[],
    range: TimeRange,
  ): Promise<ReadonlyMap<string, RequestCounts>> {
    return answer(() => {
      if (!isArray(serviceIds)) throw invalid('serviceIds', 'must be an array');
      const [from, to] = this.span(range);
      const result = new Map<string, RequestCounts>();
      for (const id of serviceIds) {
        if (result.has(id)) continue;
        const i = this.fleet.indexOf(id);
        if (i < 0) continue;
        resetTotals(this.acc);
        if (this.fleet.integrate(i, from, to, this.acc, HOUR_FIELDS.COUNTS) > 0) {
          result.set(id, { good: this.acc.good, total: this.acc.total });
        }
      }
      return result;
    });
  }

  cpuThrottling(serviceId: string, range: TimeRange): Promise<number | null> {
    return answer(() => {
      const [from, to] = this.span(range);
      const i = this.fleet.indexOf(serviceId);
      if (i < 0) return null;
      resetTotals(this.acc);
      const covered = this.fleet.integrate(i, from, to, this.acc, HOUR_FIELDS.THROTTLING);
      return covered > 0 ? this.acc.throttledSeconds / covered : null;
    });
  }

  fleetAggregates(
    window: AggregateWindow,
    at: Date,
  ): Promise<ReadonlyMap<string, ServiceWindowAggregate>> {
    return answer(() => {
      if (!Object.prototype.hasOwnProperty.call(AGGREGATE_WINDOW_SECONDS, window)) {
        throw invalid(
          'window',
          `must be one of ${Object.keys(AGGREGATE_WINDOW_SECONDS).join(', ')}`,
        );
      }
      if (!(at instanceof Date) || Number.isNaN(at.getTime())) {
        throw invalid('at', 'must be a valid Date');
      }
      const to = this.clip(this.fleet.secondsSinceOrigin(at));
      const from = this.fleet.secondsSinceOrigin(at) - AGGREGATE_WINDOW_SECONDS[window];
      const result = new Map<string, ServiceWindowAggregate>();
      const acc = this.acc;
      const fields = HOUR_FIELDS.COUNTS | HOUR_FIELDS.LATENCY;
      for (let i = 0; i < this.fleet.size; i++) {
        resetTotals(acc);
        if (!(this.fleet.integrate(i, from, to, acc, fields) > 0)) continue;
        const latencyMs =
          acc.total > 0
            ? {
                p50: histogramQuantile(0.5, LATENCY_BUCKET_BOUNDS_MS, acc.buckets) ?? 0,
                p95: histogramQuantile(0.95, LATENCY_BUCKET_BOUNDS_MS, acc.buckets) ?? 0,
                p99: histogramQuantile(0.99, LATENCY_BUCKET_BOUNDS_MS, acc.buckets) ?? 0,
              }
            : null;
        result.set(this.fleet.serviceIds[i], { good: acc.good, total: acc.total, latencyMs });
      }
      return result;
    });
  }

  checkHealth(): Promise<TelemetryHealth> {
    return Promise.resolve({
      ok: true,
      detail: `synthetic fleet: ${this.fleet.size} services, seed ${String(this.fleet.seed)}, origin ${this.fleet.origin.toISOString()}`,
    });
  }

  /** [from, to) in seconds since the fleet's origin, `to` clipped to the clock. */
  private span(range: TimeRange): [number, number] {
    if (
      typeof range !== 'object' ||
      range === null ||
      !(range.start instanceof Date) ||
      !(range.end instanceof Date) ||
      Number.isNaN(range.start.getTime()) ||
      Number.isNaN(range.end.getTime())
    ) {
      throw invalid('range', 'start and end must be valid Dates');
    }
    if (range.end.getTime() < range.start.getTime()) {
      throw invalid('range', 'end must not be before start');
    }
    return [
      this.fleet.secondsSinceOrigin(range.start),
      this.clip(this.fleet.secondsSinceOrigin(range.end)),
    ];
  }

  private clip(toSec: number): number {
    const clock = this.options.clock;
    if (!clock) return toSec;
    return Math.min(toSec, this.fleet.secondsSinceOrigin(clock.now()));
  }

  private series<T>(
    serviceId: string,
    range: TimeRange,
    stepSeconds: number,
    fields: number,
    read: (acc: SyntheticTotals) => T,
  ): (T | null)[] {
    if (typeof stepSeconds !== 'number' || !Number.isFinite(stepSeconds) || stepSeconds <= 0) {
      throw invalid('stepSeconds', 'must be a finite number > 0');
    }
    const [from, to] = this.span(range);
    const end = this.fleet.secondsSinceOrigin(range.end);
    const count = Math.ceil((range.end.getTime() - range.start.getTime()) / (stepSeconds * 1000));
    if (count > this.maxBuckets) {
      throw invalid(
        'stepSeconds',
        `the range would need ${count} buckets (at most ${this.maxBuckets})`,
      );
    }
    const index = this.fleet.indexOf(serviceId);
    const buckets: (T | null)[] = new Array<T | null>(count).fill(null);
    if (index < 0) return buckets;
    const acc = this.acc;
    for (let b = 0; b < count; b++) {
      const a = from + b * stepSeconds;
      if (a >= to) break;
      const z = Math.min(a + stepSeconds, end, to);
      resetTotals(acc);
      if (this.fleet.integrate(index, a, z, acc, fields) > 0) buckets[b] = read(acc);
    }
    return buckets;
  }
}
