/**
 * PrometheusTelemetrySource against a real Prometheus (2.42 from the Debian package here) holding
 * 32 days of generated history (__fixtures__/generated-history.ts), backfilled with promtool.
 * Every expectation is computed from the generated series, not from Prometheus.
 *
 * Exactness: samples are every 15 minutes on a grid aligned with every window and step queried,
 * and every series exists from the first sample to the last (except a deliberate gap whose ends
 * are on the grid). Prometheus 2.x range selectors include both ends, so each `increase(x[w])`
 * sees samples exactly at t − w and t; with no distance to the window edges there is no
 * extrapolation, and counts (integers) come back exact. Throttled seconds are multiples of 1/64,
 * exact in binary, so only the final division by the range differs in the last bits.
 */
import { type DomainError, TelemetryErrorCodes } from '@slo-engine/core';
import { startPrometheus, type StartedPrometheus } from '@slo-engine/testing';
import {
  GeneratedHistory,
  type LatencyProfile,
  sampleGrid,
  type ServiceProfile,
} from './__fixtures__/generated-history';
import { PrometheusHttpClient, type PrometheusQueryEvent } from './prometheus-http';
import { PrometheusTelemetrySource } from './prometheus-telemetry.adapter';

const GRID = sampleGrid(Date.UTC(2025, 0, 1) / 1000, 900, 32); // samples 0..N, every 15 minutes
const { resolutionSeconds: RES, perHour: PER_HOUR, perDay: PER_DAY, last: N, at } = GRID;

const SERVICES = ['checkout', 'api.gateway', 'apiXgateway', 'search', 'payments'] as const;
type Service = (typeof SERVICES)[number];
const LE = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;
const LATENCY: LatencyProfile = {
  bounds: LE,
  weights: [0.02, 0.08, 0.2, 0.3, 0.2, 0.1, 0.05, 0.03, 0.015, 0.004, 0.001],
  incidentWeights: [0, 0.01, 0.04, 0.1, 0.15, 0.2, 0.2, 0.15, 0.1, 0.04, 0.01],
  jitter: 0.2,
  remainderBucket: 4,
};
/** `search` restarts: its 200 counter starts again from 0 just after sample RESET_K − 1. */
const RESET_K = 15 * PER_DAY + 26;
/** `payments` has no samples strictly between these (06:00 and 09:00 on day 10). */
const GAP = { from: 10 * PER_DAY + 6 * PER_HOUR, to: 10 * PER_DAY + 9 * PER_HOUR };

/** Every service: 0.2% server errors, the latency histogram above and two throttled pods. */
const profile = (service: Service, rate: number, more: Partial<ServiceProfile> = {}) => ({
  rate,
  errorShare: 0.002,
  latency: LATENCY,
  pods: { [`${service}-7f9c4-2xk8p`]: 20, [`${service}-7f9c4-q9zt4`]: 20 },
  ...more,
});
/** Incidents: hours with a high share of server errors (and slower answers). */
const PROFILES: Readonly<Record<Service, ServiceProfile>> = {
  checkout: profile('checkout', 600, { incidents: [{ day: 5, hour: 10, hours: 2, share: 0.4 }] }),
  'api.gateway': profile('api.gateway', 1500, {
    incidents: [{ day: 20, hour: 14, hours: 1, share: 0.3 }],
  }),
  // Matches `api.gateway` as an unescaped regex: must never be counted with it.
  apiXgateway: profile('apiXgateway', 300),
  search: profile('search', 900, {
    incidents: [{ day: 12, hour: 3, hours: 1, share: 0.25 }],
    counterReset: { status: '200', at: RESET_K },
  }),
  payments: profile('payments', 400, { gap: GAP }),
};

// ---- the oracle: what the adapter must answer, from the generated series ----

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
let history: GeneratedHistory<Service>;
let telemetry: PrometheusTelemetrySource;
const events: PrometheusQueryEvent[] = [];
const timings: Record<string, number> = {};

beforeAll(async () => {
  const started = Date.now();
  history = new GeneratedHistory({
    seed: 'prometheus-telemetry.adapter',
    grid: GRID,
    services: PROFILES,
  });
  timings.generateMs = Date.now() - started;
  prometheus = await startPrometheus({ openMetrics: history.openMetrics() });
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
        history.countsBetween(service, DAY_K + i * PER_HOUR, DAY_K + (i + 1) * PER_HOUR),
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
        history.countsBetween('search', from + i, from + i + 1),
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
        history.histogramBetween('checkout', from + i * PER_HOUR, from + (i + 1) * PER_HOUR),
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
      history.histogramBetween('payments', from + 9 * PER_HOUR, from + 10 * PER_HOUR),
    );
  });
});

describe('requestTotals', () => {
  it('answers every service in one query per metric, regex-escaped, exactly', async () => {
    const before = events.length;
    const totals = await telemetry.requestTotals([...SERVICES, 'not-deployed'], range30);
    expect(totals).toEqual(
      new Map(
        SERVICES.map((service) => [service, history.countsBetween(service, DAY_K, 31 * DAY_K)]),
      ),
    );
    expect(events.length - before).toBe(2);
  });

  it('does not count apiXgateway as api.gateway', async () => {
    const totals = await telemetry.requestTotals(['api.gateway'], range30);
    expect([...totals.keys()]).toEqual(['api.gateway']);
    expect(totals.get('api.gateway')).toEqual(
      history.countsBetween('api.gateway', DAY_K, 31 * DAY_K),
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
      const throttled = history.throttledBetween(service, DAY_K, 31 * DAY_K)!;
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
        const counts = history.countsBetween(service, end - days * DAY_K, end)!;
        expect({ good: aggregate.good, total: aggregate.total }).toEqual(counts);
        const histogram = history.histogramBetween(service, end - days * DAY_K, end)!;
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
