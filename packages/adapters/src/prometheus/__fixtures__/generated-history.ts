/**
 * Generated history for the tests over a real Prometheus (prometheus-telemetry.adapter.int-spec.ts,
 * recommendations-over-prometheus.int-spec.ts): per service, cumulative request counters by
 * status, optionally a latency histogram, and the CPU throttling counters of its pods, all on one
 * sample grid; the OpenMetrics text promtool backfills from it; and the oracle the specs compute
 * their expectations with. Everything is a pure function of its parameters and seed. It shares
 * no code with the Prometheus adapter or the recommenders, so the specs check those against an
 * independent model.
 *
 * Exactness: request and bucket counts are integers and throttled seconds multiples of 1/64, all
 * exact in binary, so `increase()` over windows whose ends are on the grid gives them back exactly.
 */
import { seededRandomFrom } from '@slo-engine/core';

export const STATUSES = ['200', '404', '500', '503'] as const;
export type Status = (typeof STATUSES)[number];

/** The samples: sample k (0..last) is at `start + k · resolutionSeconds`. */
export interface SampleGrid {
  /** Unix seconds of sample 0. */
  readonly start: number;
  readonly resolutionSeconds: number;
  readonly perHour: number;
  readonly perDay: number;
  /** The last sample's index (days · perDay). */
  readonly last: number;
  /** Unix seconds of sample k. */
  readonly seconds: (k: number) => number;
  readonly at: (k: number) => Date;
}

export function sampleGrid(start: number, resolutionSeconds: number, days: number): SampleGrid {
  const perHour = 3_600 / resolutionSeconds;
  const perDay = 86_400 / resolutionSeconds;
  const seconds = (k: number): number => start + k * resolutionSeconds;
  return {
    start,
    resolutionSeconds,
    perHour,
    perDay,
    last: days * perDay,
    seconds,
    at: (k) => new Date(seconds(k) * 1000),
  };
}

/** Hours with a high share of server errors (and slower answers, with a latency profile). */
export interface Incident {
  /** Day (0-based) and hour of the first sample interval of the incident. */
  readonly day: number;
  readonly hour: number;
  readonly hours: number;
  /** Share of 5xx answers during the incident. */
  readonly share: number;
}

export interface LatencyProfile {
  /** Bucket upper bounds in seconds, ascending (`+Inf` follows). */
  readonly bounds: readonly number[];
  /** Share of the requests per bucket (bounds.length + 1 entries, `+Inf` last). */
  readonly weights: readonly number[];
  /** The same during an incident. */
  readonly incidentWeights: readonly number[];
  /** Each weight is scaled by a uniform factor in [1 − jitter, 1 + jitter) per sample. */
  readonly jitter: number;
  /** The bucket that takes the requests left over by rounding. */
  readonly remainderBucket: number;
}

export interface ServiceProfile {
  /** Requests per sample at an average moment (a daily sine of ±50% and ±10% noise on top). */
  readonly rate: number;
  /** Share of 5xx answers outside incidents (three 500 to one 503); 404s are 1%, and good. */
  readonly errorShare: number;
  readonly incidents?: readonly Incident[];
  /** Writes `http_request_duration_seconds` for the service. */
  readonly latency?: LatencyProfile;
  /** Pods, each with the most seconds it is throttled per sample (uniform, in 1/64 s). */
  readonly pods?: Readonly<Record<string, number>>;
  /** No series of the service has samples strictly between these two. */
  readonly gap?: { readonly from: number; readonly to: number };
  /** The `status` counter restarts from 0 just after sample `at − 1` (the truth does not). */
  readonly counterReset?: { readonly status: Status; readonly at: number };
}

export interface ServiceHistory {
  /** True cumulative request counts per status at sample k. */
  readonly requests: Readonly<Record<Status, Float64Array>>;
  /** Cumulative counts of requests at or below bounds[j] (the last is `+Inf`), or null. */
  readonly latency: readonly Float64Array[] | null;
  /** Cumulative throttled seconds per pod. */
  readonly pods: ReadonlyMap<string, Float64Array>;
}

export interface Counts {
  readonly good: number;
  readonly total: number;
}

/** The incident of `profile` covering the interval that ends at sample k, if any. */
function incidentAt(grid: SampleGrid, profile: ServiceProfile, k: number): Incident | undefined {
  const hourOfDay = Math.floor((k - 1) / grid.perHour) % 24;
  const day = Math.floor((k - 1) / grid.perDay);
  return profile.incidents?.find(
    (i) => i.day === day && hourOfDay >= i.hour && hourOfDay < i.hour + i.hours,
  );
}

function generateService(
  grid: SampleGrid,
  profile: ServiceProfile,
  random: () => number,
): ServiceHistory {
  const n = grid.last;
  const requests = Object.fromEntries(STATUSES.map((s) => [s, new Float64Array(n + 1)])) as Record<
    Status,
    Float64Array
  >;
  const latency = profile.latency;
  const buckets = latency
    ? Array.from({ length: latency.bounds.length + 1 }, () => new Float64Array(n + 1))
    : null;
  for (let k = 1; k <= n; k++) {
    const diurnal = 1 + 0.5 * Math.sin((2 * Math.PI * ((k - 1) % grid.perDay)) / grid.perDay);
    const total = Math.round(profile.rate * diurnal * (0.9 + 0.2 * random()));
    const incident = incidentAt(grid, profile, k);
    const share = incident ? incident.share : profile.errorShare;
    const e500 = Math.floor(total * share * 0.75 + random());
    const e503 = Math.floor(total * share * 0.25 + random());
    const e404 = Math.floor(total * 0.01 + random());
    const increments: Record<Status, number> = {
      '200': total - e500 - e503 - e404,
      '404': e404,
      '500': e500,
      '503': e503,
    };
    for (const status of STATUSES) {
      requests[status][k] = requests[status][k - 1] + increments[status];
    }
    if (latency && buckets) {
      const weights = (incident ? latency.incidentWeights : latency.weights).map(
        (w) => w * (1 - latency.jitter + 2 * latency.jitter * random()),
      );
      const sum = weights.reduce((a, b) => a + b, 0);
      const counts = weights.map((w) => Math.floor((total * w) / sum));
      counts[latency.remainderBucket] += total - counts.reduce((a, b) => a + b, 0);
      let cumulative = 0;
      for (let j = 0; j < buckets.length; j++) {
        cumulative += counts[j];
        buckets[j][k] = buckets[j][k - 1] + cumulative;
      }
    }
  }
  const pods = new Map<string, Float64Array>();
  for (const [pod, most] of Object.entries(profile.pods ?? {})) {
    const series = new Float64Array(n + 1);
    for (let k = 1; k <= n; k++) series[k] = series[k - 1] + Math.floor(random() * most * 64) / 64;
    pods.set(pod, series);
  }
  return { requests, latency: buckets, pods };
}

/**
 * The history of every service of `services` (each drawing from its own stream,
 * `<seed>/<service>`), its OpenMetrics text, and the oracle: what Prometheus holds.
 */
export class GeneratedHistory<S extends string> {
  readonly grid: SampleGrid;
  readonly profiles: Readonly<Record<S, ServiceProfile>>;
  readonly services: Readonly<Record<S, ServiceHistory>>;

  constructor(spec: {
    readonly seed: string;
    readonly grid: SampleGrid;
    readonly services: Readonly<Record<S, ServiceProfile>>;
  }) {
    this.grid = spec.grid;
    this.profiles = spec.services;
    const services = {} as Record<S, ServiceHistory>;
    for (const service of Object.keys(spec.services) as S[]) {
      const random = seededRandomFrom(`${spec.seed}/${service}`);
      services[service] = generateService(spec.grid, spec.services[service], random);
    }
    this.services = services;
  }

  /** Whether the service's series have sample k. */
  sampled(service: S, k: number): boolean {
    const gap = this.profiles[service].gap;
    return k >= 0 && k <= this.grid.last && !(gap && k > gap.from && k < gap.to);
  }

  /** The OpenMetrics text Prometheus is backfilled from, one series at a time. */
  *openMetrics(): Generator<string> {
    const grid = this.grid;
    const services = Object.keys(this.services) as S[];
    /** The samples of one series (or of a histogram's series), at every sample the service has. */
    const samples = (service: S, values: (k: number) => readonly string[]): string => {
      const lines: string[] = [];
      for (let k = 0; k <= grid.last; k++) {
        if (!this.sampled(service, k)) continue;
        for (const value of values(k)) lines.push(`${value} ${grid.seconds(k)}\n`);
      }
      return lines.join('');
    };
    yield '# TYPE http_requests counter\n';
    for (const service of services) {
      const reset = this.profiles[service].counterReset;
      for (const status of STATUSES) {
        const truth = this.services[service].requests[status];
        const restart = reset?.status === status ? reset.at : Infinity;
        yield samples(service, (k) => [
          `http_requests_total{service="${service}",status="${status}"} ${k >= restart ? truth[k] - truth[restart - 1] : truth[k]}`,
        ]);
      }
    }
    yield '# TYPE http_request_duration_seconds histogram\n';
    for (const service of services) {
      const buckets = this.services[service].latency;
      const bounds = this.profiles[service].latency?.bounds;
      if (!buckets || !bounds) continue;
      const labels = `service="${service}"`;
      const inf = buckets[bounds.length];
      yield samples(service, (k) => [
        ...bounds.map(
          (le, j) => `http_request_duration_seconds_bucket{${labels},le="${le}"} ${buckets[j][k]}`,
        ),
        `http_request_duration_seconds_bucket{${labels},le="+Inf"} ${inf[k]}`,
        `http_request_duration_seconds_count{${labels}} ${inf[k]}`,
        // No test reads the sum: a mean of 50 ms.
        `http_request_duration_seconds_sum{${labels}} ${inf[k] * 0.05}`,
      ]);
    }
    yield '# TYPE container_cpu_cfs_throttled_seconds counter\n';
    for (const service of services) {
      for (const [pod, throttled] of this.services[service].pods) {
        yield samples(service, (k) => [
          `container_cpu_cfs_throttled_seconds_total{pod="${pod}"} ${throttled[k]}`,
        ]);
      }
    }
    yield '# EOF\n';
  }

  // ---- the oracle: what Prometheus holds, from the generated series ----

  /** Requests between samples `from` and `to` (good = not 5xx), or null without both samples. */
  countsBetween(service: S, from: number, to: number): Counts | null {
    if (!this.sampled(service, from) || !this.sampled(service, to)) return null;
    const c = this.services[service].requests;
    const diff = (status: Status): number => c[status][to] - c[status][from];
    const total = STATUSES.reduce((sum, status) => sum + diff(status), 0);
    return { good: total - diff('500') - diff('503'), total };
  }

  /** The cumulative bucket counts (`+Inf` last) between samples `from` and `to`, or null. */
  histogramBetween(service: S, from: number, to: number): number[] | null {
    const buckets = this.services[service].latency;
    if (!buckets || !this.sampled(service, from) || !this.sampled(service, to)) return null;
    return buckets.map((cumulative) => cumulative[to] - cumulative[from]);
  }

  /** Seconds the service's pods were throttled between samples `from` and `to`, or null. */
  throttledBetween(service: S, from: number, to: number): number | null {
    const pods = [...this.services[service].pods.values()];
    if (pods.length === 0 || !this.sampled(service, from) || !this.sampled(service, to)) {
      return null;
    }
    return pods.reduce((sum, series) => sum + series[to] - series[from], 0);
  }
}
