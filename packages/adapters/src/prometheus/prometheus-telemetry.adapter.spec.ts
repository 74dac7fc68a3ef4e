import {
  type DomainError,
  DomainErrorCodes,
  TelemetryErrorCodes,
  TelemetrySource,
} from '@slo-engine/core';
import {
  type FakePrometheus,
  type RecordedRequest,
  matrix,
  startFakePrometheus,
  vector,
} from './__fixtures__/fake-prometheus';
import { type PrometheusQueryEvent } from './prometheus-http';
import {
  PrometheusTelemetrySource,
  type PrometheusTelemetrySourceOptions,
} from './prometheus-telemetry.adapter';

const HOUR = 3_600;
const START = Date.UTC(2025, 0, 1) / 1000; // seconds
const range = (hours: number, from = START): { start: Date; end: Date } => ({
  start: new Date(from * 1000),
  end: new Date((from + hours * HOUR) * 1000),
});

let fake: FakePrometheus;
let events: PrometheusQueryEvent[];

beforeEach(async () => {
  fake = await startFakePrometheus(() => vector([]));
  events = [];
});
afterEach(() => fake.close());

function source(
  overrides: Partial<PrometheusTelemetrySourceOptions> = {},
): PrometheusTelemetrySource {
  return new PrometheusTelemetrySource({
    url: fake.url,
    retry: { maxRetries: 0 },
    observer: { onQuery: (event) => events.push(event) },
    ...overrides,
  });
}

const query = (request: RecordedRequest): string => request.params.get('query') ?? '';
const isErrors = (request: RecordedRequest): boolean => query(request).includes('status=~');

/** Points at t = START + k·HOUR for each [k, value]. */
const points = (...pairs: [number, string][]): [number, string][] =>
  pairs.map(([k, value]) => [START + k * HOUR, value]);

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected a rejection');
}

it('is a TelemetrySource', () => {
  expect(source()).toBeInstanceOf(TelemetrySource);
  expect(source().templates.requestsMetric).toBe('http_requests_total');
  expect(() => source({ maxPointsPerQuery: 0 })).toThrow('maxPointsPerQuery');
  expect(() => source({ templates: { serviceLabel: 'a-b' } })).toThrow('serviceLabel');
});

describe('requestCounts', () => {
  it('evaluates increase over each step at the step’s end and maps t to bucket [t − step, t)', async () => {
    fake.handle((request) =>
      isErrors(request)
        ? matrix([{ values: points([2, '1'], [3, '7.5']) }])
        : matrix([{ values: points([1, '100'], [2, '50'], [3, '7.2'], [5, '0']) }]),
    );
    const series = await source().requestCounts('checkout', range(5), HOUR);
    expect(series).toEqual({
      start: new Date(START * 1000),
      stepSeconds: HOUR,
      buckets: [
        { good: 100, total: 100 }, // no errors series at t = 1h: none
        { good: 49, total: 50 },
        { good: 0, total: 7.2 }, // errors > total (extrapolation): clamped
        null, // no sample: a gap
        { good: 0, total: 0 }, // a sample of no traffic
      ],
    });
    expect(fake.requests).toHaveLength(2);
    for (const request of fake.requests) {
      expect(request.path).toBe('/api/v1/query_range');
      expect(Object.fromEntries(request.params)).toMatchObject({
        start: (START + HOUR).toFixed(3),
        end: (START + 5 * HOUR).toFixed(3),
        step: '3600',
      });
    }
    expect(fake.requests.map(query).sort()).toEqual([
      'sum(increase(http_requests_total{service="checkout",status=~"5.."}[1h]))',
      'sum(increase(http_requests_total{service="checkout"}[1h]))',
    ]);
    expect(events.map((e) => [e.purpose, e.endpoint])).toEqual([
      ['request_counts', 'query_range'],
      ['request_counts', 'query_range'],
    ]);
  });

  it('splits long ranges to respect the points-per-series limit, and merges the parts', async () => {
    fake.handle((request) => {
      const from = Number(request.params.get('start'));
      const to = Number(request.params.get('end'));
      const values: [number, string][] = [];
      for (let t = from; t <= to; t += HOUR) values.push([t, String((t - START) / HOUR)]);
      return matrix([{ values: isErrors(request) ? [] : values }]);
    });
    const series = await source({ maxPointsPerQuery: 10 }).requestCounts(
      'checkout',
      range(25),
      HOUR,
    );
    expect(series.buckets.map((b) => b?.total)).toEqual(
      Array.from({ length: 25 }, (_, i) => i + 1),
    );
    const totals = fake.requests.filter((r) => !isErrors(r));
    expect(totals.map((r) => [r.params.get('start'), r.params.get('end')]).sort()).toEqual(
      [
        [1, 10],
        [11, 20],
        [21, 25],
      ].map(([a, b]) => [(START + a * HOUR).toFixed(3), (START + b * HOUR).toFixed(3)]),
    );
    for (const r of totals) {
      const count = (Number(r.params.get('end')) - Number(r.params.get('start'))) / HOUR + 1;
      expect(count).toBeLessThanOrEqual(10);
    }
  });

  it('runs at most maxConcurrentQueries range queries at once', async () => {
    let inFlight = 0;
    let most = 0;
    fake.handle(async () => {
      most = Math.max(most, ++inFlight);
      await new Promise((resolve) => setTimeout(resolve, 15));
      inFlight -= 1;
      return matrix([]);
    });
    await source({ maxPointsPerQuery: 5, maxConcurrentQueries: 2 }).requestCounts(
      'checkout',
      range(25),
      HOUR,
    );
    expect(fake.requests).toHaveLength(10); // 5 parts × (total, errors)
    expect(most).toBe(2);
  });

  it('covers a range that is not a whole number of steps with a last partial bucket', async () => {
    fake.handle(() => matrix([]));
    const series = await source().requestCounts('checkout', range(2.5), HOUR);
    expect(series.buckets).toEqual([null, null, null]);
    expect(fake.requests[0].params.get('end')).toBe((START + 3 * HOUR).toFixed(3));
  });

  it('asks nothing for an empty range', async () => {
    const series = await source().requestCounts('checkout', range(0), HOUR);
    expect(series.buckets).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('rejects invalid steps, dates and PII-like ids before any query', async () => {
    expect((await rejection(source().requestCounts('checkout', range(1), 0))).code).toBe(
      DomainErrorCodes.INVALID_INPUT,
    );
    expect(
      (
        await rejection(
          source().requestCounts('checkout', { start: new Date(NaN), end: new Date() }, HOUR),
        )
      ).code,
    ).toBe(DomainErrorCodes.INVALID_INPUT);
    const error = await rejection(source().requestCounts('jane@example.com', range(1), HOUR));
    expect(error.code).toBe(TelemetryErrorCodes.INVALID_LABEL);
    expect(fake.requests).toHaveLength(0);
  });

  it('treats NaN and negative samples as gaps', async () => {
    fake.handle((request) =>
      isErrors(request) ? matrix([]) : matrix([{ values: points([1, 'NaN'], [2, '-1']) }]),
    );
    expect((await source().requestCounts('checkout', range(2), HOUR)).buckets).toEqual([
      null,
      null,
    ]);
  });
});

describe('latencyHistograms', () => {
  it('turns le (seconds) into ascending boundsMs ending with Infinity, cumulative per step', async () => {
    fake.handle(() =>
      matrix([
        { metric: { le: '+Inf' }, values: points([1, '10'], [2, '4']) },
        { metric: { le: '0.1' }, values: points([1, '6'], [2, '3.9']) },
        { metric: { le: '0.10' }, values: points([1, '1']) }, // the same bound, written differently
        { metric: { le: '0.025' }, values: points([1, '2'], [2, '4.2']) }, // above 0.1's: not cumulative
        { metric: { le: '1' }, values: points([1, '9']) }, // missing at t = 2h
      ]),
    );
    const series = await source().latencyHistograms('checkout', range(3), HOUR);
    expect(series.boundsMs).toEqual([25, 100, 1000, Infinity]);
    expect(series.buckets).toEqual([[2, 7, 9, 10], [4.2, 4.2, 4.2, 4.2], null]);
    expect(query(fake.requests[0])).toBe(
      'sum by (le) (increase(http_request_duration_seconds_bucket{service="checkout"}[1h]))',
    );
  });

  it('keeps millisecond histograms as they are', async () => {
    fake.handle(() =>
      matrix([
        { metric: { le: '250' }, values: points([1, '3']) },
        { metric: { le: '+Inf' }, values: points([1, '5']) },
      ]),
    );
    const series = await source({
      templates: { latencyBucketMetric: 'latency_ms_bucket', latencyUnitMs: 1 },
    }).latencyHistograms('checkout', range(1), HOUR);
    expect(series.boundsMs).toEqual([250, Infinity]);
    expect(series.buckets).toEqual([[3, 5]]);
  });

  it('answers only gaps, still ending with Infinity, when there is no histogram', async () => {
    fake.handle(() => matrix([]));
    const series = await source().latencyHistograms('checkout', range(2), HOUR);
    expect(series.boundsMs).toEqual([Infinity]);
    expect(series.buckets).toEqual([null, null]);
  });
});

describe('requestTotals', () => {
  const answer = (request: RecordedRequest): ReturnType<typeof vector> => {
    const all = { a: '100', 'api.gateway': '50', b: '0' } as Record<string, string>;
    const errors = { a: '10', 'api.gateway': '60' } as Record<string, string>;
    const values = isErrors(request) ? errors : all;
    const t = Number(request.params.get('time'));
    return vector(
      Object.entries(values)
        .filter(([service]) => query(request).includes(service.replace('.', '\\\\.')))
        .map(([service, value]) => ({ metric: { service }, value: [t, value] })),
    );
  };

  it('asks one query per metric for all services, evaluated at the range end', async () => {
    fake.handle(answer);
    const totals = await source().requestTotals(
      ['a', 'api.gateway', 'b', 'unknown', 'a'],
      range(720),
    );
    expect(totals).toEqual(
      new Map([
        ['a', { good: 90, total: 100 }],
        ['api.gateway', { good: 0, total: 50 }],
        ['b', { good: 0, total: 0 }],
      ]),
    );
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests.map(query).sort()).toEqual([
      'sum by (service) (increase(http_requests_total{service=~"^(a|api\\\\.gateway|b|unknown)$",status=~"5.."}[30d]))',
      'sum by (service) (increase(http_requests_total{service=~"^(a|api\\\\.gateway|b|unknown)$"}[30d]))',
    ]);
    expect(fake.requests[0].params.get('time')).toBe((START + 720 * HOUR).toFixed(3));
  });

  it('splits the service regex into chunks when it would exceed the byte budget', async () => {
    fake.handle(answer);
    const totals = await source({ maxServiceRegexBytes: 16 }).requestTotals(
      ['a', 'api.gateway', 'b'],
      range(24),
    );
    expect([...totals.keys()].sort()).toEqual(['a', 'api.gateway', 'b']);
    expect(fake.requests.length).toBeGreaterThan(2);
    expect(fake.requests.length % 2).toBe(0);
  });

  it('asks nothing for no services or an empty range', async () => {
    expect((await source().requestTotals([], range(24))).size).toBe(0);
    expect((await source().requestTotals(['a'], range(0))).size).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it('leaves PII-like ids out of the query (SEC-008) as if they had no samples', async () => {
    fake.handle(() => vector([{ metric: { service: 'a' }, value: [1, '5'] }]));
    const totals = await source().requestTotals(['a', '10.1.2.3'], range(24));
    expect([...totals.keys()]).toEqual(['a']);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests.map(query).join('\n')).not.toContain('10');
  });

  it('asks nothing when every id is PII-like', async () => {
    expect((await source().requestTotals(['jane@example.com'], range(24))).size).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it('ignores series of services it did not ask for', async () => {
    fake.handle(() =>
      vector([
        { metric: { service: 'a' }, value: [1, '5'] },
        { metric: { service: 'intruder' }, value: [1, '5'] },
        { metric: {}, value: [1, '5'] },
      ]),
    );
    expect([...(await source().requestTotals(['a'], range(1))).keys()]).toEqual(['a']);
  });
});

describe('cpuThrottling', () => {
  it('averages summed throttled seconds per second over the range', async () => {
    fake.handle(() => vector([{ value: [1, '0.125'] }]));
    expect(await source().cpuThrottling('api.gateway', range(24))).toBe(0.125);
    expect(query(fake.requests[0])).toBe(
      'sum(rate(container_cpu_cfs_throttled_seconds_total{pod=~"api\\\\.gateway-.*"}[1d]))',
    );
    expect(fake.requests[0].params.get('time')).toBe((START + 24 * HOUR).toFixed(3));
  });

  it('is null without the metric', async () => {
    expect(await source().cpuThrottling('checkout', range(24))).toBeNull();
  });

  it('uses the organisation’s selector', async () => {
    await source({
      templates: { throttlingSelector: 'container="{{service}}",namespace="prod"' },
    }).cpuThrottling('checkout', range(1));
    expect(query(fake.requests[0])).toBe(
      'sum(rate(container_cpu_cfs_throttled_seconds_total{container="checkout",namespace="prod"}[1h]))',
    );
  });
});

describe('fleetAggregates', () => {
  const at = new Date((START + 28 * 24 * HOUR) * 1000);

  it('answers the whole fleet with five queries at `at`', async () => {
    fake.handle((request) => {
      const q = query(request);
      if (q.startsWith('histogram_quantile(0.5,'))
        return vector([
          { metric: { service: 'a' }, value: [1, '0.05'] },
          { metric: { service: 'b' }, value: [1, 'NaN'] },
        ]);
      if (q.startsWith('histogram_quantile(0.95,'))
        return vector([{ metric: { service: 'a' }, value: [1, '0.2'] }]);
      if (q.startsWith('histogram_quantile(0.99,'))
        return vector([{ metric: { service: 'a' }, value: [1, '1.1'] }]);
      if (isErrors(request)) return vector([{ metric: { service: 'a' }, value: [1, '2.5'] }]);
      return vector([
        { metric: { service: 'a' }, value: [1, '1000'] },
        { metric: { service: 'b' }, value: [1, '0'] },
        { metric: { service: 'c' }, value: [1, '10'] },
      ]);
    });
    const fleet = await source().fleetAggregates('28d', at);
    expect(fleet).toEqual(
      new Map([
        ['a', { good: 997.5, total: 1000, latencyMs: { p50: 50, p95: 200, p99: 1100 } }],
        ['b', { good: 0, total: 0, latencyMs: null }],
        ['c', { good: 10, total: 10, latencyMs: null }],
      ]),
    );
    expect(fake.requests).toHaveLength(5);
    expect(
      fake.requests.every((r) => r.params.get('time') === (at.getTime() / 1000).toFixed(3)),
    ).toBe(true);
    expect(fake.requests.map(query).sort()).toEqual([
      'histogram_quantile(0.5, sum by (service, le) (increase(http_request_duration_seconds_bucket{service!=""}[28d])))',
      'histogram_quantile(0.95, sum by (service, le) (increase(http_request_duration_seconds_bucket{service!=""}[28d])))',
      'histogram_quantile(0.99, sum by (service, le) (increase(http_request_duration_seconds_bucket{service!=""}[28d])))',
      'sum by (service) (increase(http_requests_total{service!="",status=~"5.."}[28d]))',
      'sum by (service) (increase(http_requests_total{service!=""}[28d]))',
    ]);
    expect(new Set(events.map((e) => e.purpose))).toEqual(new Set(['fleet_aggregates']));
  });

  it('asks the same five queries whatever the fleet size', async () => {
    fake.handle(() =>
      vector(
        Array.from({ length: 5_000 }, (_, i) => ({
          metric: { service: `svc-${i}` },
          value: [1, '1'],
        })),
      ),
    );
    const fleet = await source().fleetAggregates('1h', at);
    expect(fleet.size).toBe(5_000);
    expect(fake.requests).toHaveLength(5);
    expect(query(fake.requests[0])).toContain('[1h]');
  });

  it('rejects an unknown window', async () => {
    const error = await rejection(source().fleetAggregates('2w' as never, at));
    expect(error.code).toBe(DomainErrorCodes.INVALID_INPUT);
  });
});

it('reports health through the client', async () => {
  fake.handle(() => ({ body: { status: 'success', data: { version: '2.42.0' } } }));
  const health = await source().checkHealth();
  expect(health.ok).toBe(true);
  expect(health.detail).toContain('2.42.0');
});
