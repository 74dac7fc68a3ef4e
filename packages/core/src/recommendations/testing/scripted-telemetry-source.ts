import {
  type AggregateWindow,
  AGGREGATE_WINDOW_SECONDS,
  type LatencyHistogramSeries,
  type RequestCounts,
  type RequestCountSeries,
  type ServiceWindowAggregate,
  type TelemetryHealth,
  TelemetrySource,
  TelemetryUnavailableError,
  type TimeRange,
} from '../telemetry.port';
import { histogramQuantile } from '../telemetry-analysis';

const HOUR_MS = 3_600_000;

/** Hourly telemetry of one service; hour `i` is [origin + i h, origin + (i + 1) h). */
export interface ScriptedService {
  /** Good/total per hour; null (or beyond the array) = no samples. */
  readonly requests: readonly (RequestCounts | null)[];
  /** Cumulative histogram per hour over {@link ScriptedTelemetrySource.boundsMs}. */
  readonly latency?: readonly (readonly number[] | null)[];
  readonly throttling?: number | null;
}

/**
 * A TelemetrySource answering from hourly arrays a test wrote down, so expected numbers can be
 * computed independently. Counts its calls; `unavailable = true` makes every query fail like an
 * open circuit breaker.
 */
export class ScriptedTelemetrySource extends TelemetrySource {
  unavailable = false;
  readonly calls: string[] = [];

  constructor(
    private readonly origin: Date,
    private readonly services: ReadonlyMap<string, ScriptedService>,
    readonly boundsMs: readonly number[] = [50, 100, 200, 400, 800, 1600, Infinity],
  ) {
    super();
  }

  /** Records the call and answers `compute()`, or rejects like an open circuit breaker. */
  private answer<T>(call: string, compute: () => T): Promise<T> {
    this.calls.push(call);
    if (this.unavailable) {
      return Promise.reject(new TelemetryUnavailableError('circuit breaker open', 30));
    }
    try {
      return Promise.resolve(compute());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private hourIndex(at: Date): number {
    return Math.round((at.getTime() - this.origin.getTime()) / HOUR_MS);
  }

  override requestCounts(
    serviceId: string,
    range: TimeRange,
    stepSeconds: number,
  ): Promise<RequestCountSeries> {
    return this.answer(`requestCounts:${serviceId}`, () => {
      if (stepSeconds !== 3600) throw new Error('scripted telemetry answers hourly steps only');
      const from = this.hourIndex(range.start);
      const to = this.hourIndex(range.end);
      const hours = this.services.get(serviceId)?.requests ?? [];
      const buckets = [];
      for (let h = from; h < to; h++) buckets.push(h >= 0 ? (hours[h] ?? null) : null);
      return { start: range.start, stepSeconds, buckets };
    });
  }

  override latencyHistograms(
    serviceId: string,
    range: TimeRange,
    stepSeconds: number,
  ): Promise<LatencyHistogramSeries> {
    return this.answer(`latencyHistograms:${serviceId}`, () => {
      const from = this.hourIndex(range.start);
      const to = this.hourIndex(range.end);
      const hours = this.services.get(serviceId)?.latency ?? [];
      const buckets = [];
      for (let h = from; h < to; h++) buckets.push(h >= 0 ? (hours[h] ?? null) : null);
      return { start: range.start, stepSeconds, boundsMs: this.boundsMs, buckets };
    });
  }

  override requestTotals(
    serviceIds: readonly string[],
    range: TimeRange,
  ): Promise<ReadonlyMap<string, RequestCounts>> {
    return this.answer(`requestTotals:${serviceIds.length}`, () => {
      const totals = new Map<string, RequestCounts>();
      for (const serviceId of serviceIds) {
        const summed = this.sum(serviceId, range);
        if (summed !== null) totals.set(serviceId, summed);
      }
      return totals;
    });
  }

  override cpuThrottling(serviceId: string): Promise<number | null> {
    return this.answer(`cpuThrottling:${serviceId}`, () => {
      return this.services.get(serviceId)?.throttling ?? null;
    });
  }

  override fleetAggregates(
    window: AggregateWindow,
    at: Date,
  ): Promise<ReadonlyMap<string, ServiceWindowAggregate>> {
    return this.answer(`fleetAggregates:${window}`, () => {
      const range = {
        start: new Date(at.getTime() - AGGREGATE_WINDOW_SECONDS[window] * 1000),
        end: at,
      };
      const result = new Map<string, ServiceWindowAggregate>();
      for (const serviceId of this.services.keys()) {
        const counts = this.sum(serviceId, range);
        if (counts === null) continue;
        const histogram = this.histogram(serviceId, range);
        const q = (p: number): number => histogramQuantile(p, this.boundsMs, histogram) ?? 0;
        result.set(serviceId, {
          ...counts,
          latencyMs:
            histogram[histogram.length - 1] > 0
              ? { p50: q(0.5), p95: q(0.95), p99: q(0.99) }
              : null,
        });
      }
      return result;
    });
  }

  override checkHealth(): Promise<TelemetryHealth> {
    return this.answer('checkHealth', () => {
      return this.unavailable
        ? { ok: false, detail: 'unavailable' }
        : { ok: true, detail: 'scripted' };
    });
  }

  private sum(serviceId: string, range: TimeRange): RequestCounts | null {
    const hours = this.services.get(serviceId)?.requests ?? [];
    let good = 0;
    let total = 0;
    let seen = false;
    for (let h = Math.max(0, this.hourIndex(range.start)); h < this.hourIndex(range.end); h++) {
      const bucket = hours[h];
      if (bucket === null || bucket === undefined) continue;
      seen = true;
      good += bucket.good;
      total += bucket.total;
    }
    return seen ? { good, total } : null;
  }

  private histogram(serviceId: string, range: TimeRange): Float64Array {
    const hours = this.services.get(serviceId)?.latency ?? [];
    const sum = new Float64Array(this.boundsMs.length);
    for (let h = Math.max(0, this.hourIndex(range.start)); h < this.hourIndex(range.end); h++) {
      const bucket = hours[h];
      if (!bucket) continue;
      for (let j = 0; j < sum.length; j++) sum[j] += bucket[j];
    }
    return sum;
  }
}
