/**
 * `TelemetrySource` over Prometheus or Mimir (spec 004 FR-6 "query, don't store", §6.1): PromQL
 * built from per-organisation templates, label values checked against SEC-008, fleet-wide
 * questions answered by `sum by (service)` queries whose number does not grow with the fleet.
 */
import {
  AGGREGATE_WINDOW_SECONDS,
  AGGREGATE_WINDOWS,
  DomainError,
  DomainErrorCodes,
  TelemetrySource,
  type AggregateWindow,
  type LatencyHistogramSeries,
  type RequestCounts,
  type RequestCountSeries,
  type ServiceWindowAggregate,
  type TelemetryHealth,
  type TimeRange,
} from '@slo-engine/core';
import { PrometheusHttpClient, type PrometheusHttpOptions } from './prometheus-http';
import { type Labels, type VectorSample } from './prometheus-response';
import { labelValueProblem, PromqlBuilder, type PromqlTemplates } from './promql';

export interface PrometheusTelemetrySourceOptions extends PrometheusHttpOptions {
  /** Metric and label names of this organisation; unset keys keep `DEFAULT_PROMQL_TEMPLATES`. */
  readonly templates?: Partial<PromqlTemplates>;
  /** Points per series of one range query (Prometheus refuses more than 11,000; the default). */
  readonly maxPointsPerQuery?: number;
  /** UTF-8 bytes of one `service=~"^(a|b|…)$"` value before `requestTotals` splits (default 8192). */
  readonly maxServiceRegexBytes?: number;
  /** Queries one call runs at once when it needs several (default 4). */
  readonly maxConcurrentQueries?: number;
}

export const PROMETHEUS_TELEMETRY_DEFAULTS = Object.freeze({
  maxPointsPerQuery: 11_000,
  maxServiceRegexBytes: 8_192,
  maxConcurrentQueries: 4,
});

/** Query purposes reported to the observer. */
export const PROMETHEUS_QUERY_PURPOSES = Object.freeze({
  requestCounts: 'request_counts',
  latencyHistograms: 'latency_histograms',
  requestTotals: 'request_totals',
  cpuThrottling: 'cpu_throttling',
  fleetAggregates: 'fleet_aggregates',
});

/** Evaluation grid of a range: bucket i = [startMs + i·stepMs, startMs + (i+1)·stepMs). */
interface Grid {
  readonly startMs: number;
  readonly stepMs: number;
  readonly count: number;
}

/** A range query's series on the grid: `points[i]` is the value of bucket i, if Prometheus had one. */
interface GridSeries {
  readonly metric: Labels;
  readonly points: (number | undefined)[];
}

const FLEET_QUANTILES = [0.5, 0.95, 0.99] as const;

function invalidInput(field: string, message: string): DomainError {
  return new DomainError(
    DomainErrorCodes.INVALID_INPUT,
    `Telemetry query input is invalid: ${field} ${message}.`,
    {
      fieldErrors: [{ field, message }],
    },
  );
}

function checkRange(range: TimeRange): { startMs: number; endMs: number } {
  const startMs = range?.start instanceof Date ? range.start.getTime() : Number.NaN;
  const endMs = range?.end instanceof Date ? range.end.getTime() : Number.NaN;
  if (!Number.isFinite(startMs)) throw invalidInput('range.start', 'must be a valid date');
  if (!Number.isFinite(endMs)) throw invalidInput('range.end', 'must be a valid date');
  return { startMs, endMs };
}

function gridOf(range: TimeRange, stepSeconds: number): Grid {
  const { startMs, endMs } = checkRange(range);
  const stepMs = Math.round(stepSeconds * 1000);
  if (!Number.isFinite(stepSeconds) || stepMs < 1) {
    throw invalidInput('stepSeconds', `must be at least 0.001, got ${stepSeconds}`);
  }
  return { startMs, stepMs, count: Math.max(0, Math.ceil((endMs - startMs) / stepMs)) };
}

/** Runs `task` over `items` with at most `limit` running at once; results in input order. */
async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

const labelKey = (labels: Labels): string =>
  JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** A usable count: finite and not negative (NaN, ±Inf and negatives are no data). */
const usable = (value: number | undefined): value is number =>
  value !== undefined && Number.isFinite(value) && value >= 0;

/** good = total − errors, clamped to [0, total]; floats kept (increase() extrapolates). */
function countsOf(total: number, errors: number | undefined): RequestCounts {
  const bad = usable(errors) ? errors : 0;
  return { good: Math.min(total, Math.max(0, total - bad)), total };
}

/** `le` (or a quantile) in the histogram's unit → milliseconds, without binary noise (0.1 s → 100). */
function toMs(value: number, unitMs: number): number {
  if (!Number.isFinite(value)) return value;
  return Number((value * unitMs).toPrecision(15));
}

export class PrometheusTelemetrySource extends TelemetrySource {
  private readonly http: PrometheusHttpClient;
  private readonly promql: PromqlBuilder;
  private readonly maxPointsPerQuery: number;
  private readonly maxServiceRegexBytes: number;
  private readonly maxConcurrentQueries: number;

  constructor(options: PrometheusTelemetrySourceOptions) {
    super();
    this.promql = new PromqlBuilder(options.templates);
    this.http = new PrometheusHttpClient(options);
    const integer = (
      value: number | undefined,
      fallback: number,
      name: string,
      min: number,
    ): number => {
      const result = value ?? fallback;
      if (!Number.isInteger(result) || result < min) {
        throw new Error(
          `PrometheusTelemetrySource: ${name} must be an integer ≥ ${min}, got ${result}`,
        );
      }
      return result;
    };
    this.maxPointsPerQuery = integer(
      options.maxPointsPerQuery,
      PROMETHEUS_TELEMETRY_DEFAULTS.maxPointsPerQuery,
      'maxPointsPerQuery',
      1,
    );
    this.maxServiceRegexBytes = integer(
      options.maxServiceRegexBytes,
      PROMETHEUS_TELEMETRY_DEFAULTS.maxServiceRegexBytes,
      'maxServiceRegexBytes',
      1,
    );
    this.maxConcurrentQueries = integer(
      options.maxConcurrentQueries,
      PROMETHEUS_TELEMETRY_DEFAULTS.maxConcurrentQueries,
      'maxConcurrentQueries',
      1,
    );
  }

  /** The templates in force (defaults merged with the options'). */
  get templates(): PromqlTemplates {
    return this.promql.templates;
  }

  /** The circuit breaker's state, for diagnostics. */
  get circuitState(): PrometheusHttpClient['circuitState'] {
    return this.http.circuitState;
  }

  async requestCounts(
    serviceId: string,
    range: TimeRange,
    stepSeconds: number,
  ): Promise<RequestCountSeries> {
    const grid = gridOf(range, stepSeconds);
    const totalQuery = this.promql.serviceRequests(serviceId, grid.stepMs, false);
    const errorQuery = this.promql.serviceRequests(serviceId, grid.stepMs, true);
    const [totals, errors] = await this.onGrid(
      PROMETHEUS_QUERY_PURPOSES.requestCounts,
      [totalQuery, errorQuery],
      grid,
    );
    const total = totals[0]?.points;
    const error = errors[0]?.points;
    const buckets = Array.from({ length: grid.count }, (_, i): RequestCounts | null =>
      total && usable(total[i]) ? countsOf(total[i], error?.[i]) : null,
    );
    return { start: new Date(grid.startMs), stepSeconds, buckets };
  }

  async latencyHistograms(
    serviceId: string,
    range: TimeRange,
    stepSeconds: number,
  ): Promise<LatencyHistogramSeries> {
    const grid = gridOf(range, stepSeconds);
    const query = this.promql.serviceLatencyBuckets(serviceId, grid.stepMs);
    const [series] = await this.onGrid(PROMETHEUS_QUERY_PURPOSES.latencyHistograms, [query], grid);

    // One column per upper bound; `le="0.1"` and `le="0.10"` are the same bound and add up.
    const columns = new Map<number, (number | undefined)[]>();
    for (const { metric, points } of series) {
      const le = metric.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(metric.le);
      if (metric.le === undefined || metric.le.trim() === '' || Number.isNaN(le)) continue;
      const boundMs = toMs(le, this.promql.templates.latencyUnitMs);
      const column = columns.get(boundMs);
      if (!column) {
        columns.set(
          boundMs,
          points.map((value) => (usable(value) ? value : undefined)),
        );
        continue;
      }
      points.forEach((value, i) => {
        if (usable(value)) column[i] = (column[i] ?? 0) + value;
      });
    }
    if (!columns.has(Number.POSITIVE_INFINITY)) columns.set(Number.POSITIVE_INFINITY, []);
    const boundsMs = [...columns.keys()].sort((a, b) => a - b);
    const ordered = boundsMs.map((bound) => columns.get(bound)!);
    const buckets = Array.from({ length: grid.count }, (_, i): number[] | null => {
      if (!ordered.some((column) => column[i] !== undefined)) return null;
      // Cumulative: a missing bound counts what the bound below it counts, and counts never
      // decrease with the bound (increase() extrapolates each series on its own).
      let previous = 0;
      return ordered.map((column) => (previous = Math.max(previous, column[i] ?? previous)));
    });
    return { start: new Date(grid.startMs), stepSeconds, boundsMs, buckets };
  }

  async requestTotals(
    serviceIds: readonly string[],
    range: TimeRange,
  ): Promise<ReadonlyMap<string, RequestCounts>> {
    const { startMs, endMs } = checkRange(range);
    // Ids that may not enter a query (SEC-008) are left out like services without samples: one
    // placeholder named after an IP address must not block its callers' recommendations.
    const ids = [...new Set(serviceIds)].filter((id) => labelValueProblem(id) === null);
    const result = new Map<string, RequestCounts>();
    if (ids.length === 0 || endMs <= startMs) return result;
    const windowMs = endMs - startMs;
    const { serviceLabel } = this.promql.templates;
    const chunks = this.promql.chunkServiceIds(ids, this.maxServiceRegexBytes);
    const queries = chunks.flatMap((chunk) => [
      this.promql.servicesRequests(chunk, windowMs, false),
      this.promql.servicesRequests(chunk, windowMs, true),
    ]);
    const answers = await mapLimit(queries, this.maxConcurrentQueries, (query) =>
      this.http.query(PROMETHEUS_QUERY_PURPOSES.requestTotals, query, endMs),
    );
    const wanted = new Set(ids);
    for (let c = 0; c < chunks.length; c++) {
      const errors = byLabel(answers[2 * c + 1], serviceLabel);
      for (const [service, total] of byLabel(answers[2 * c], serviceLabel)) {
        if (wanted.has(service) && usable(total))
          result.set(service, countsOf(total, errors.get(service)));
      }
    }
    return result;
  }

  async cpuThrottling(serviceId: string, range: TimeRange): Promise<number | null> {
    const { startMs, endMs } = checkRange(range);
    const query = this.promql.serviceThrottling(serviceId, Math.max(1, endMs - startMs));
    if (endMs <= startMs) return null;
    const samples = await this.http.query(PROMETHEUS_QUERY_PURPOSES.cpuThrottling, query, endMs);
    const value = samples[0]?.value;
    return usable(value) ? value : null;
  }

  async fleetAggregates(
    window: AggregateWindow,
    at: Date,
  ): Promise<ReadonlyMap<string, ServiceWindowAggregate>> {
    if (!AGGREGATE_WINDOWS.includes(window)) {
      throw invalidInput(
        'window',
        `must be one of ${AGGREGATE_WINDOWS.join(', ')}, got ${String(window)}`,
      );
    }
    const atMs = at instanceof Date ? at.getTime() : Number.NaN;
    if (!Number.isFinite(atMs)) throw invalidInput('at', 'must be a valid date');
    const windowMs = AGGREGATE_WINDOW_SECONDS[window] * 1000;
    const { serviceLabel, latencyUnitMs } = this.promql.templates;
    const queries = [
      this.promql.fleetRequests(windowMs, false),
      this.promql.fleetRequests(windowMs, true),
      ...FLEET_QUANTILES.map((q) => this.promql.fleetLatencyQuantile(q, windowMs)),
    ];
    const [totals, errors, p50, p95, p99] = (
      await mapLimit(queries, this.maxConcurrentQueries, (query) =>
        this.http.query(PROMETHEUS_QUERY_PURPOSES.fleetAggregates, query, atMs),
      )
    ).map((samples) => byLabel(samples, serviceLabel));
    const result = new Map<string, ServiceWindowAggregate>();
    for (const [service, total] of totals) {
      if (!usable(total)) continue;
      const quantiles = [p50, p95, p99].map((byService) => byService.get(service));
      const latencyMs = quantiles.every((value) => usable(value))
        ? {
            p50: toMs(quantiles[0], latencyUnitMs),
            p95: toMs(quantiles[1], latencyUnitMs),
            p99: toMs(quantiles[2], latencyUnitMs),
          }
        : null;
      result.set(service, { ...countsOf(total, errors.get(service)), latencyMs });
    }
    return result;
  }

  checkHealth(): Promise<TelemetryHealth> {
    return this.http.checkHealth();
  }

  /**
   * Evaluates each query at the end of every grid bucket (t = start + (i+1)·step, so the value of
   * `increase(…[step])` at t is bucket i's [t − step, t)), in as many range queries as the
   * points-per-series limit needs (all of them within `maxConcurrentQueries`), and merges each
   * query's answers per label set.
   */
  private async onGrid(
    purpose: string,
    queries: readonly string[],
    grid: Grid,
  ): Promise<GridSeries[][]> {
    const parts: { query: number; first: number; last: number }[] = [];
    queries.forEach((_, query) => {
      for (let first = 1; first <= grid.count; first += this.maxPointsPerQuery) {
        parts.push({
          query,
          first,
          last: Math.min(grid.count, first + this.maxPointsPerQuery - 1),
        });
      }
    });
    const answers = await mapLimit(parts, this.maxConcurrentQueries, ({ query, first, last }) =>
      this.http.queryRange(
        purpose,
        queries[query],
        grid.startMs + first * grid.stepMs,
        grid.startMs + last * grid.stepMs,
        grid.stepMs,
      ),
    );
    return queries.map((_, query) => {
      const merged = new Map<string, GridSeries>();
      for (const series of parts.flatMap((part, i) => (part.query === query ? answers[i] : []))) {
        const key = labelKey(series.metric);
        let target = merged.get(key);
        if (!target) {
          target = {
            metric: series.metric,
            points: new Array<number | undefined>(grid.count).fill(undefined),
          };
          merged.set(key, target);
        }
        for (const [seconds, value] of series.values) {
          const index = Math.round((seconds * 1000 - grid.startMs) / grid.stepMs) - 1;
          if (index >= 0 && index < grid.count) target.points[index] = value;
        }
      }
      return [...merged.values()];
    });
  }
}

/** Values of an instant vector keyed by one label; samples without it are dropped. */
function byLabel(samples: readonly VectorSample[], label: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const { metric, value } of samples) {
    const key = metric[label];
    if (key !== undefined && key !== '') values.set(key, value);
  }
  return values;
}
