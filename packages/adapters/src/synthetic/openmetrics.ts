/**
 * The synthetic fleet as OpenMetrics text, for `promtool tsdb create-blocks-from openmetrics`:
 * backfill a real Prometheus with exactly the numbers the embedded `SyntheticTelemetrySource`
 * answers, for integration tests and benchmarks of the Prometheus adapter.
 *
 * Families, in this order (names configurable):
 *   http_requests (counter)              http_requests_total{service, status="200"|"500"}
 *   http_request_duration_seconds (histogram) _bucket{service, le}, _count{service}, _sum{service}
 *   container_cpu_cfs_throttled_seconds (counter) container_cpu_cfs_throttled_seconds_total{pod}
 * Each family lists its series one after another, each series' samples in time order; the text
 * ends with `# EOF`. Samples are taken at start + k·interval (k ≥ 0, ≤ end); a counter's value is
 * the model's count since the later of `start` and the service's `firstSeenAt`, linear inside
 * each hour, so `increase()` over a whole hour gives the model's hourly count (up to Prometheus'
 * extrapolation at the window's edges). Streams: one service's samples at a time.
 */
import {
  HOUR_FIELDS,
  LATENCY_BUCKET_BOUNDS_SECONDS,
  SECONDS_PER_HOUR,
  type SyntheticFleet,
  type SyntheticHourScratch,
  createHourScratch,
} from './synthetic-fleet';

export interface OpenMetricsMetricNames {
  /** Sample name of the request counter (must end in `_total`); default `http_requests_total`. */
  readonly requests?: string;
  /** Name of the latency histogram family; default `http_request_duration_seconds`. */
  readonly duration?: string;
  /** Sample name of the throttling counter; default `container_cpu_cfs_throttled_seconds_total`. */
  readonly throttled?: string;
}

export interface OpenMetricsOptions {
  readonly start: Date;
  readonly end: Date;
  /** Seconds between samples; a whole number of milliseconds. */
  readonly scrapeIntervalSeconds: number;
  readonly metricNames?: OpenMetricsMetricNames;
  /** Only these services (default: the whole fleet, in index order). */
  readonly services?: readonly string[];
  /** Characters per yielded chunk (default 65,536). */
  readonly chunkSize?: number;
}

export const DEFAULT_OPENMETRICS_NAMES: Readonly<Required<OpenMetricsMetricNames>> = Object.freeze({
  requests: 'http_requests_total',
  duration: 'http_request_duration_seconds',
  throttled: 'container_cpu_cfs_throttled_seconds_total',
});

const ERROR_PREFIX = '@slo-engine/adapters: writeOpenMetrics: ';
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** `le` values in the canonical form Prometheus normalises to (`1.0`, `+Inf`). */
const LE_LABELS = LATENCY_BUCKET_BOUNDS_SECONDS.map((bound) =>
  bound === Infinity ? '+Inf' : Number.isInteger(bound) ? `${bound}.0` : String(bound),
);

function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function checkName(name: string, field: string, counter: boolean): string {
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) {
    throw new RangeError(`${ERROR_PREFIX}metricNames.${field} is not a valid metric name`);
  }
  if (counter && !name.endsWith('_total')) {
    throw new RangeError(`${ERROR_PREFIX}metricNames.${field} must end in _total (a counter)`);
  }
  return name;
}

/**
 * Cumulative values of one service at each sample time: `values[k * width + j]` is quantity `j`
 * integrated from `base` to `times[k]` (seconds since the origin, ascending, all ≥ base).
 */
function cumulate(
  fleet: SyntheticFleet,
  index: number,
  base: number,
  times: Float64Array,
  first: number,
  width: number,
  fields: number,
  extract: (hour: SyntheticHourScratch, into: Float64Array) => void,
): Float64Array {
  const values = new Float64Array((times.length - first) * width);
  const scratch = createHourScratch();
  const perHour = new Float64Array(width);
  const atHourStart = new Float64Array(width);
  let hour = Math.floor(base / SECONDS_PER_HOUR);
  let loaded = Number.NaN;
  const load = (h: number): void => {
    if (loaded === h) return;
    fleet.hourInto(index, h, scratch, fields);
    extract(scratch, perHour);
    loaded = h;
  };
  for (let k = first; k < times.length; k++) {
    const t = times[k];
    while ((hour + 1) * SECONDS_PER_HOUR <= t) {
      load(hour);
      const share =
        ((hour + 1) * SECONDS_PER_HOUR - Math.max(hour * SECONDS_PER_HOUR, base)) / 3600;
      for (let j = 0; j < width; j++) atHourStart[j] += share * perHour[j];
      hour++;
    }
    const offset = t - Math.max(hour * SECONDS_PER_HOUR, base);
    const row = (k - first) * width;
    if (offset > 0) {
      load(hour);
      const share = offset / SECONDS_PER_HOUR;
      for (let j = 0; j < width; j++) values[row + j] = atHourStart[j] + share * perHour[j];
    } else {
      for (let j = 0; j < width; j++) values[row + j] = atHourStart[j];
    }
  }
  return values;
}

/**
 * Streams the fleet over [start, end] as OpenMetrics text chunks. Write them to a file and run
 * `promtool tsdb create-blocks-from openmetrics <file> <data dir>`; see the package README.
 */
export function* writeOpenMetrics(
  fleet: SyntheticFleet,
  options: OpenMetricsOptions,
): Generator<string, void, undefined> {
  const { start, end, scrapeIntervalSeconds } = options;
  if (!(start instanceof Date) || !(end instanceof Date)) {
    throw new TypeError(`${ERROR_PREFIX}start and end must be Dates`);
  }
  const startMs = start.getTime();
  const endMs = end.getTime();
  if (Number.isNaN(startMs) || Number.isNaN(endMs) || endMs < startMs) {
    throw new RangeError(`${ERROR_PREFIX}start and end must be valid, end not before start`);
  }
  const intervalMs = scrapeIntervalSeconds * 1000;
  if (!Number.isInteger(intervalMs) || intervalMs <= 0) {
    throw new RangeError(
      `${ERROR_PREFIX}scrapeIntervalSeconds must be > 0 and a whole number of milliseconds`,
    );
  }
  const names = { ...DEFAULT_OPENMETRICS_NAMES, ...options.metricNames };
  const requests = checkName(names.requests, 'requests', true);
  const duration = checkName(names.duration, 'duration', false);
  const throttled = checkName(names.throttled, 'throttled', true);
  const chunkSize = options.chunkSize ?? 65_536;
  const indexes = (options.services ?? fleet.serviceIds).map((id) => {
    const i = fleet.indexOf(id);
    if (i < 0) throw new RangeError(`${ERROR_PREFIX}unknown service "${id}"`);
    return i;
  });

  // Sample times, shared by every series.
  const count = Math.floor((endMs - startMs) / intervalMs) + 1;
  const times = new Float64Array(count);
  const stamps: string[] = new Array<string>(count);
  const originMs = fleet.origin.getTime();
  for (let k = 0; k < count; k++) {
    const ms = startMs + k * intervalMs;
    times[k] = (ms - originMs) / 1000;
    stamps[k] = String(ms / 1000);
  }
  fleet.reserveCache((endMs - startMs) / 3_600_000 + 1);
  const startSec = (startMs - originMs) / 1000;

  let chunk = '';
  /** First sample index at or after the service's first data, or `count`. */
  const firstSample = (i: number): [number, number] => {
    const base = Math.max(startSec, fleet.firstSeenSeconds(i));
    let k = Math.max(0, Math.ceil((base - startSec) / (intervalMs / 1000)));
    while (k > 0 && times[k - 1] >= base) k--;
    while (k < count && times[k] < base) k++;
    return [base, k];
  };

  // Requests: status="200" (good) then status="500" (the rest), per service.
  const requestsFamily = requests.slice(0, -'_total'.length);
  chunk += `# HELP ${requestsFamily} Requests served, by status (synthetic fleet).\n`;
  chunk += `# TYPE ${requestsFamily} counter\n`;
  for (const i of indexes) {
    const [base, first] = firstSample(i);
    if (first >= count) continue;
    const values = cumulate(fleet, i, base, times, first, 2, HOUR_FIELDS.COUNTS, (h, into) => {
      into[0] = h.good;
      into[1] = h.total - h.good;
    });
    const service = escapeLabelValue(fleet.serviceIds[i]);
    for (let series = 0; series < 2; series++) {
      const prefix = `${requests}{service="${service}",status="${series === 0 ? '200' : '500'}"} `;
      for (let k = first; k < count; k++) {
        chunk += `${prefix}${values[(k - first) * 2 + series]} ${stamps[k]}\n`;
        if (chunk.length >= chunkSize) {
          yield chunk;
          chunk = '';
        }
      }
    }
  }

  // Latency histogram: per service and time, the buckets, _count, _sum.
  const width = LE_LABELS.length + 1;
  chunk += `# HELP ${duration} Request latency in seconds (synthetic fleet).\n`;
  chunk += `# TYPE ${duration} histogram\n`;
  for (const i of indexes) {
    const [base, first] = firstSample(i);
    if (first >= count) continue;
    const values = cumulate(fleet, i, base, times, first, width, HOUR_FIELDS.LATENCY, (h, into) => {
      into.set(h.buckets);
      into[width - 1] = h.latencySumSeconds;
    });
    const service = escapeLabelValue(fleet.serviceIds[i]);
    const bucketPrefixes = LE_LABELS.map(
      (le) => `${duration}_bucket{service="${service}",le="${le}"} `,
    );
    const countPrefix = `${duration}_count{service="${service}"} `;
    const sumPrefix = `${duration}_sum{service="${service}"} `;
    for (let k = first; k < count; k++) {
      const row = (k - first) * width;
      const stamp = stamps[k];
      for (let j = 0; j < LE_LABELS.length; j++) {
        chunk += `${bucketPrefixes[j]}${values[row + j]} ${stamp}\n`;
      }
      chunk += `${countPrefix}${values[row + LE_LABELS.length - 1]} ${stamp}\n`;
      chunk += `${sumPrefix}${values[row + width - 1]} ${stamp}\n`;
      if (chunk.length >= chunkSize) {
        yield chunk;
        chunk = '';
      }
    }
  }

  // CPU throttling, one pod series per service.
  const throttledFamily = throttled.slice(0, -'_total'.length);
  chunk += `# HELP ${throttledFamily} CFS-throttled seconds of the service's pods (synthetic fleet).\n`;
  chunk += `# TYPE ${throttledFamily} counter\n`;
  for (const i of indexes) {
    const [base, first] = firstSample(i);
    if (first >= count) continue;
    const values = cumulate(fleet, i, base, times, first, 1, HOUR_FIELDS.THROTTLING, (h, into) => {
      into[0] = h.throttledSeconds;
    });
    const prefix = `${throttled}{pod="${escapeLabelValue(fleet.profile(fleet.serviceIds[i]).podName)}"} `;
    for (let k = first; k < count; k++) {
      chunk += `${prefix}${values[k - first]} ${stamps[k]}\n`;
      if (chunk.length >= chunkSize) {
        yield chunk;
        chunk = '';
      }
    }
  }

  chunk += '# EOF\n';
  yield chunk;
}
