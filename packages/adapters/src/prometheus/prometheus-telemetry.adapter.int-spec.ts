/**
 * PrometheusTelemetrySource against a real Prometheus (2.42 from the Debian package here) holding
 * 32 days of generated history, backfilled with promtool. Every expectation is computed from the
 * generated series in this file, not from Prometheus.
 *
 * Exactness: samples are every 15 minutes on a grid aligned with every window and step queried,
 * and every series exists from the first sample to the last (except a deliberate gap whose ends
 * are on the grid). Prometheus 2.x range selectors include both ends, so each `increase(x[w])`
 * sees samples exactly at t − w and t; with no distance to the window edges there is no
 * extrapolation, and counts (integers) come back exact. Throttled seconds are multiples of 1/64,
 * exact in binary, so only the final division by the range differs in the last bits.
 */
import { type DomainError, TelemetryErrorCodes, type RequestCounts } from '@slo-engine/core';
import { startPrometheus, type StartedPrometheus } from '@slo-engine/testing';
import { PrometheusHttpClient, type PrometheusQueryEvent } from './prometheus-http';
import { PrometheusTelemetrySource } from './prometheus-telemetry.adapter';

const T0 = Date.UTC(2025, 0, 1) / 1000; // seconds; sample k is at T0 + k·RES
const RES = 900;
const PER_HOUR = 3_600 / RES;
const PER_DAY = 86_400 / RES;
const DAYS = 32;
const N = DAYS * PER_DAY; // samples 0..N

const SERVICES = ['checkout', 'api.gateway', 'apiXgateway', 'search', 'payments'] as const;
type Service = (typeof SERVICES)[number];
const BASE_RATE: Record<Service, number> = {
  checkout: 600,
  'api.gateway': 1500,
  apiXgateway: 300, // matches `api.gateway` as an unescaped regex: must never be counted with it
  search: 900,
  payments: 400,
};
const STATUSES = ['200', '404', '500', '503'] as const;
const LE = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;
const BASE_WEIGHTS = [0.02, 0.08, 0.2, 0.3, 0.2, 0.1, 0.05, 0.03, 0.015, 0.004, 0.001];
const INCIDENT_WEIGHTS = [0, 0.01, 0.04, 0.1, 0.15, 0.2, 0.2, 0.15, 0.1, 0.04, 0.01];

/** Hours with a high share of server errors (and slower answers). */
const INCIDENTS: readonly {
  service: Service;
  day: number;
  hour: number;
  hours: number;
  share: number;
}[] = [
  { service: 'checkout', day: 5, hour: 10, hours: 2, share: 0.4 },
  { service: 'search', day: 12, hour: 3, hours: 1, share: 0.25 },
  { service: 'api.gateway', day: 20, hour: 14, hours: 1, share: 0.3 },
];
/** `search` restarts: its 200 counter starts again from 0 just after sample RESET_K − 1. */
const RESET_K = 15 * PER_DAY + 26;
/** `payments` has no samples strictly between these (09:00 and 06:00 on day 10). */
const GAP = { from: 10 * PER_DAY + 6 * PER_HOUR, to: 10 * PER_DAY + 9 * PER_HOUR };
const inGap = (service: Service, k: number): boolean =>
  service === 'payments' && k > GAP.from && k < GAP.to;

function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface History {
  /** True cumulative request counts per service and status (index k). */
  readonly requests: Record<Service, Record<(typeof STATUSES)[number], Float64Array>>;
  /** True cumulative counts of requests at or below LE[j] (j = LE.length is +Inf). */
  readonly latency: Record<Service, Float64Array[]>;
  /** Cumulative throttled seconds per pod. */
  readonly pods: Record<Service, Map<string, Float64Array>>;
}

function generate(): History {
  const random = mulberry32(20250101);
  const requests = {} as History['requests'];
  const latency = {} as History['latency'];
  const pods = {} as History['pods'];
  for (const service of SERVICES) {
    const counters = Object.fromEntries(
      STATUSES.map((s) => [s, new Float64Array(N + 1)]),
    ) as Record<(typeof STATUSES)[number], Float64Array>;
    const buckets = Array.from({ length: LE.length + 1 }, () => new Float64Array(N + 1));
    for (let k = 1; k <= N; k++) {
      const hourOfDay = Math.floor((k - 1) / PER_HOUR) % 24;
      const day = Math.floor((k - 1) / PER_DAY);
      const diurnal = 1 + 0.5 * Math.sin((2 * Math.PI * ((k - 1) % PER_DAY)) / PER_DAY);
      const total = Math.round(BASE_RATE[service] * diurnal * (0.9 + 0.2 * random()));
      const incident = INCIDENTS.find(
        (i) =>
          i.service === service &&
          i.day === day &&
          hourOfDay >= i.hour &&
          hourOfDay < i.hour + i.hours,
      );
      const e5xx = incident ? incident.share : 0.002;
      const e500 = Math.floor(total * e5xx * 0.75 + random());
      const e503 = Math.floor(total * e5xx * 0.25 + random());
      const e404 = Math.floor(total * 0.01 + random());
      const ok = total - e500 - e503 - e404;
      const increments = { '200': ok, '404': e404, '500': e500, '503': e503 };
      for (const status of STATUSES)
        counters[status][k] = counters[status][k - 1] + increments[status];

      const weights = (incident ? INCIDENT_WEIGHTS : BASE_WEIGHTS).map(
        (w) => w * (0.8 + 0.4 * random()),
      );
      const sum = weights.reduce((a, b) => a + b, 0);
      const counts = weights.map((w) => Math.floor((total * w) / sum));
      counts[4] += total - counts.reduce((a, b) => a + b, 0);
      let cumulative = 0;
      for (let j = 0; j <= LE.length; j++) {
        cumulative += counts[j];
        buckets[j][k] = buckets[j][k - 1] + cumulative;
      }
    }
    requests[service] = counters;
    latency[service] = buckets;
    pods[service] = new Map();
    for (const suffix of ['7f9c4-2xk8p', '7f9c4-q9zt4']) {
      const series = new Float64Array(N + 1);
      for (let k = 1; k <= N; k++) series[k] = series[k - 1] + Math.floor(random() * 64 * 20) / 64;
      pods[service].set(`${service}-${suffix}`, series);
    }
  }
  return { requests, latency, pods };
}

/** The OpenMetrics text Prometheus is backfilled from, one series at a time. */
function* openMetrics(history: History): Generator<string> {
  const ts = (k: number): number => T0 + k * RES;
  yield '# TYPE http_requests counter\n';
  for (const service of SERVICES) {
    for (const status of STATUSES) {
      const truth = history.requests[service][status];
      const lines: string[] = [];
      for (let k = 0; k <= N; k++) {
        if (inGap(service, k)) continue;
        const restarted = service === 'search' && status === '200' && k >= RESET_K;
        const value = restarted ? truth[k] - truth[RESET_K - 1] : truth[k];
        lines.push(
          `http_requests_total{service="${service}",status="${status}"} ${value} ${ts(k)}\n`,
        );
      }
      yield lines.join('');
    }
  }
  yield '# TYPE http_request_duration_seconds histogram\n';
  for (const service of SERVICES) {
    const buckets = history.latency[service];
    const lines: string[] = [];
    for (let k = 0; k <= N; k++) {
      if (inGap(service, k)) continue;
      const labels = `service="${service}"`;
      LE.forEach((le, j) =>
        lines.push(
          `http_request_duration_seconds_bucket{${labels},le="${le}"} ${buckets[j][k]} ${ts(k)}\n`,
        ),
      );
      const count = buckets[LE.length][k];
      lines.push(`http_request_duration_seconds_bucket{${labels},le="+Inf"} ${count} ${ts(k)}\n`);
      lines.push(`http_request_duration_seconds_count{${labels}} ${count} ${ts(k)}\n`);
      lines.push(`http_request_duration_seconds_sum{${labels}} ${count * 0.05} ${ts(k)}\n`);
    }
    yield lines.join('');
  }
  yield '# TYPE container_cpu_cfs_throttled_seconds counter\n';
  for (const service of SERVICES) {
    for (const [pod, series] of history.pods[service]) {
      const lines: string[] = [];
      for (let k = 0; k <= N; k++) {
        if (!inGap(service, k))
          lines.push(
            `container_cpu_cfs_throttled_seconds_total{pod="${pod}"} ${series[k]} ${ts(k)}\n`,
          );
      }
      yield lines.join('');
    }
  }
  yield '# EOF\n';
}

// ---- the oracle: what the adapter must answer, from the generated series ----

const at = (k: number): Date => new Date((T0 + k * RES) * 1000);
const sampled = (service: Service, k: number): boolean => k >= 0 && k <= N && !inGap(service, k);

function countsBetween(
  history: History,
  service: Service,
  from: number,
  to: number,
): RequestCounts | null {
  if (!sampled(service, from) || !sampled(service, to)) return null;
  const c = history.requests[service];
  const diff = (status: (typeof STATUSES)[number]): number => c[status][to] - c[status][from];
  const total = STATUSES.reduce((sum, status) => sum + diff(status), 0);
  return { good: total - diff('500') - diff('503'), total };
}

function histogramBetween(
  history: History,
  service: Service,
  from: number,
  to: number,
): number[] | null {
  if (!sampled(service, from) || !sampled(service, to)) return null;
  return history.latency[service].map((cumulative) => cumulative[to] - cumulative[from]);
}

/** Prometheus' documented histogram_quantile estimate: linear interpolation inside the bucket. */
function quantile(q: number, counts: readonly number[]): number {
  const bounds = [...LE, Infinity];
  const observations = counts[counts.length - 1];
  let rank = q * observations;
  const b = counts.findIndex((count) => count >= rank);
  if (b === counts.length - 1) return bounds[b - 1];
  const start = b === 0 ? 0 : bounds[b - 1];
  let count = counts[b];
  if (b > 0) {
    count -= counts[b - 1];
    rank -= counts[b - 1];
  }
  return start + (bounds[b] - start) * (rank / count);
}

// ---- the tests ----

let prometheus: StartedPrometheus;
let history: History;
let telemetry: PrometheusTelemetrySource;
const events: PrometheusQueryEvent[] = [];
const timings: Record<string, number> = {};

beforeAll(async () => {
  const started = Date.now();
  history = generate();
  timings.generateMs = Date.now() - started;
  prometheus = await startPrometheus({ openMetrics: openMetrics(history) });
  timings.backfillMs = prometheus.timings.backfillMs;
  timings.startMs = prometheus.timings.startMs;
  telemetry = new PrometheusTelemetrySource({
    url: prometheus.url,
    observer: { onQuery: (event) => events.push(event) },
  });
}, 90_000);

afterAll(async () => {
  await prometheus?.stop();
  console.log(`prometheus int-spec timings (ms): ${JSON.stringify(timings)}`);
});

const DAY_K = PER_DAY;
const range30 = { start: at(DAY_K), end: at(31 * DAY_K) };

describe('requestCounts (hourly, 30 days)', () => {
  it.each(SERVICES)(
    'matches the generated counts of %s exactly, gaps included',
    async (service) => {
      const series = await telemetry.requestCounts(service, range30, 3_600);
      expect(series.start).toEqual(range30.start);
      expect(series.buckets).toHaveLength(720);
      const expected = Array.from({ length: 720 }, (_, i) =>
        countsBetween(history, service, DAY_K + i * PER_HOUR, DAY_K + (i + 1) * PER_HOUR),
      );
      expect(series.buckets).toEqual(expected);
      const gaps = series.buckets.flatMap((bucket, i) => (bucket === null ? [i] : []));
      expect(gaps).toEqual(service === 'payments' ? [9 * 24 + 6, 9 * 24 + 7, 9 * 24 + 8] : []);
    },
  );

  it('shows the incidents as hours with a high error share', async () => {
    const series = await telemetry.requestCounts('checkout', range30, 3_600);
    const errorShare = series.buckets.map((b) => 1 - b!.good / b!.total);
    const incidentHours = errorShare.flatMap((share, i) => (share > 0.2 ? [i] : []));
    expect(incidentHours).toEqual([4 * 24 + 10, 4 * 24 + 11]); // day 5, 10:00–12:00
  });

  it('gives the same answer split into many range queries (points-per-series limit)', async () => {
    const small = new PrometheusTelemetrySource({ url: prometheus.url, maxPointsPerQuery: 100 });
    const whole = await telemetry.requestCounts('search', range30, 3_600);
    expect(await small.requestCounts('search', range30, 3_600)).toEqual(whole);
  });

  it('works at the sample resolution (15-minute steps) across the counter reset', async () => {
    const from = 14 * DAY_K;
    const series = await telemetry.requestCounts(
      'search',
      { start: at(from), end: at(from + 3 * DAY_K) },
      RES,
    );
    expect(series.buckets).toEqual(
      Array.from({ length: 3 * DAY_K }, (_, i) =>
        countsBetween(history, 'search', from + i, from + i + 1),
      ),
    );
  });
});

describe('latencyHistograms', () => {
  it('matches the generated cumulative bucket counts, in ms', async () => {
    const from = 4 * DAY_K;
    const series = await telemetry.latencyHistograms(
      'checkout',
      { start: at(from), end: at(from + 2 * DAY_K) },
      3_600,
    );
    expect(series.boundsMs).toEqual([5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, Infinity]);
    expect(series.buckets).toEqual(
      Array.from({ length: 48 }, (_, i) =>
        histogramBetween(history, 'checkout', from + i * PER_HOUR, from + (i + 1) * PER_HOUR),
      ),
    );
  });

  it('has gaps where payments has no samples', async () => {
    const from = 10 * DAY_K;
    const series = await telemetry.latencyHistograms(
      'payments',
      { start: at(from), end: at(from + DAY_K) },
      3_600,
    );
    expect(series.buckets.flatMap((b, i) => (b === null ? [i] : []))).toEqual([6, 7, 8]);
    expect(series.buckets[9]).toEqual(
      histogramBetween(history, 'payments', from + 9 * PER_HOUR, from + 10 * PER_HOUR),
    );
  });
});

describe('requestTotals', () => {
  it('answers every service in one query per metric, regex-escaped, exactly', async () => {
    const before = events.length;
    const totals = await telemetry.requestTotals([...SERVICES, 'not-deployed'], range30);
    expect(totals).toEqual(
      new Map(
        SERVICES.map((service) => [service, countsBetween(history, service, DAY_K, 31 * DAY_K)]),
      ),
    );
    expect(events.length - before).toBe(2);
  });

  it('does not count apiXgateway as api.gateway', async () => {
    const totals = await telemetry.requestTotals(['api.gateway'], range30);
    expect([...totals.keys()]).toEqual(['api.gateway']);
    expect(totals.get('api.gateway')).toEqual(
      countsBetween(history, 'api.gateway', DAY_K, 31 * DAY_K),
    );
  });

  it('gives the same answer when the regex is split into chunks', async () => {
    const chunked = new PrometheusTelemetrySource({
      url: prometheus.url,
      maxServiceRegexBytes: 20,
    });
    expect(await chunked.requestTotals([...SERVICES], range30)).toEqual(
      await telemetry.requestTotals([...SERVICES], range30),
    );
  });
});

describe('cpuThrottling', () => {
  it.each(['checkout', 'api.gateway'] as const)(
    'averages the summed throttling of %s’s pods',
    async (service) => {
      const seconds = 30 * 86_400;
      const throttled = [...history.pods[service].values()].reduce(
        (sum, series) => sum + series[31 * DAY_K] - series[DAY_K],
        0,
      );
      expect(await telemetry.cpuThrottling(service, range30)).toBeCloseTo(throttled / seconds, 12);
    },
  );

  it('is null for a service without pods', async () => {
    expect(await telemetry.cpuThrottling('not-deployed', range30)).toBeNull();
  });
});

describe('fleetAggregates', () => {
  it.each([
    ['1d', 1],
    ['7d', 7],
    ['28d', 28],
  ] as const)(
    'window %s: totals exact, quantiles as histogram_quantile estimates them',
    async (window, days) => {
      const end = 31 * DAY_K;
      const before = events.length;
      const fleet = await telemetry.fleetAggregates(window, at(end));
      expect(events.length - before).toBe(5);
      expect([...fleet.keys()].sort()).toEqual([...SERVICES].sort());
      for (const service of SERVICES) {
        const aggregate = fleet.get(service)!;
        const counts = countsBetween(history, service, end - days * DAY_K, end)!;
        expect({ good: aggregate.good, total: aggregate.total }).toEqual(counts);
        const histogram = histogramBetween(history, service, end - days * DAY_K, end)!;
        expect(aggregate.latencyMs).not.toBeNull();
        expect(aggregate.latencyMs!.p50).toBeCloseTo(quantile(0.5, histogram) * 1000, 6);
        expect(aggregate.latencyMs!.p95).toBeCloseTo(quantile(0.95, histogram) * 1000, 6);
        expect(aggregate.latencyMs!.p99).toBeCloseTo(quantile(0.99, histogram) * 1000, 6);
      }
    },
  );
});

describe('against the real server', () => {
  it('reports health with the version', async () => {
    const health = await telemetry.checkHealth();
    expect(health.ok).toBe(true);
    expect(health.detail).toMatch(/^Prometheus \d+\.\d+\.\d+/);
  });

  it('turns a query Prometheus rejects into BAD_RESPONSE with its error text', async () => {
    const client = new PrometheusHttpClient({ url: prometheus.url });
    const error = (await client
      .query('test', 'sum(', at(N))
      .catch((e: unknown) => e)) as DomainError;
    expect(error.code).toBe(TelemetryErrorCodes.BAD_RESPONSE);
    expect(error.message).toMatch(/bad_data.*parse error/);
  });

  it('reported every query as ok to the observer', () => {
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.outcome === 'ok' && e.attempts === 1)).toBe(true);
    timings.slowestQueryMs = Math.round(Math.max(...events.map((e) => e.durationSeconds)) * 1000);
  });
});
