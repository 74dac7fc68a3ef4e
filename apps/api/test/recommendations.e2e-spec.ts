/**
 * GET /api/v1/services/:id/slo-recommendations over HTTP: the FR-2 shape from the synthetic
 * telemetry of the stored graph (embedded mode), the cache, bad input, and REL-005 against a
 * Prometheus that goes down (stored answer served stale; nothing stored → 503 with Retry-After).
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import {
  API,
  type ApiFixture,
  createApiFixture,
  expectJson,
  expectProblem,
  problemFields,
} from './api-fixture';

interface AvailabilityTierBody {
  target: number;
  error_budget_monthly_minutes: number;
  estimated_breach_probability: number | null;
  confidence_interval: [number, number] | null;
}
interface LatencyTierBody {
  target_ms: number;
  percentile: string;
  estimated_breach_probability: number | null;
}
interface RecommendationBody<T> {
  recommendation_id: string;
  sli_type: 'availability' | 'latency';
  metric: string;
  tiers: { conservative: T; balanced: T; aggressive: T };
  explanation: {
    summary: string;
    feature_attribution: Array<{ feature: string; contribution: number }>;
    baseline: { description: string; target: number };
    counterfactuals: Array<{ condition: string; result: string }>;
    dependency_impact?: {
      composite_availability_bound: number;
      hard_dependency_count: number;
      bottleneck_service: string | null;
      soft_dependencies: string[];
      external_dependencies: Array<{ service_id: string }>;
      cycle_members: string[];
    };
    warnings: string[];
    note?: string;
    provenance: { dependency_graph_snapshot_id: string; data_completeness: number };
  };
}
interface RecommendationsBody {
  service_id: string;
  generated_at: string;
  expires_at: string;
  lookback_window: { start: string; end: string };
  data_quality: {
    data_completeness: number;
    telemetry_gaps: unknown[];
    confidence_note: string;
    cold_start: boolean;
  };
  recommendations: Array<
    RecommendationBody<AvailabilityTierBody> | RecommendationBody<LatencyTierBody>
  >;
  source: 'cache' | 'generated' | 'stale';
  stale: boolean;
  stale_reason: string | null;
}

const GRAPH = {
  source: 'manual',
  timestamp: new Date().toISOString(),
  nodes: [
    { service_id: 'web-gateway', metadata: { team: 'edge', criticality: 'critical' } },
    { service_id: 'checkout', metadata: { team: 'payments', criticality: 'high' } },
    { service_id: 'inventory', metadata: { team: 'stock' } },
    { service_id: 'card-network', metadata: { service_type: 'external', published_sla: 0.9995 } },
    { service_id: 'reviews', metadata: { team: 'social' } },
  ],
  edges: [
    { source: 'web-gateway', target: 'checkout', attributes: { criticality: 'hard' } },
    { source: 'checkout', target: 'inventory', attributes: { criticality: 'hard' } },
    { source: 'checkout', target: 'card-network', attributes: { criticality: 'hard' } },
    { source: 'checkout', target: 'reviews', attributes: { criticality: 'soft' } },
  ],
};

const url = (serviceId: string, query = ''): string =>
  `${API}/services/${serviceId}/slo-recommendations${query}`;

describe('GET /services/:id/slo-recommendations (synthetic telemetry)', () => {
  let api: ApiFixture;
  beforeAll(async () => {
    api = await createApiFixture();
    await api.ingest(GRAPH);
  });
  afterAll(() => api.close());

  it('answers the FR-2 shape: three availability and three latency tiers with explanations', async () => {
    const body = expectJson<RecommendationsBody>(
      await api.request({ method: 'GET', url: url('checkout') }),
    );
    expect(body).toMatchObject({ service_id: 'checkout', source: 'generated', stale: false });
    expect(body.data_quality).toMatchObject({ data_completeness: 1, cold_start: false });
    expect(Date.parse(body.expires_at) - Date.parse(body.generated_at)).toBe(24 * 3_600_000);
    expect(Date.parse(body.lookback_window.end) - Date.parse(body.lookback_window.start)).toBe(
      30 * 86_400_000,
    );

    const [availability, latency] = body.recommendations as [
      RecommendationBody<AvailabilityTierBody>,
      RecommendationBody<LatencyTierBody>,
    ];
    expect(availability).toMatchObject({ sli_type: 'availability', metric: 'error_rate' });
    const { conservative, balanced, aggressive } = availability.tiers;
    expect(conservative.target).toBeLessThanOrEqual(balanced.target);
    expect(balanced.target).toBeLessThanOrEqual(aggressive.target);
    expect(balanced.error_budget_monthly_minutes).toBeCloseTo(
      ((100 - balanced.target) / 100) * 43_800,
      1,
    );
    expect(balanced.confidence_interval).toHaveLength(2);
    const impact = availability.explanation.dependency_impact!;
    expect(impact.hard_dependency_count).toBe(2);
    expect(impact.soft_dependencies).toEqual(['reviews']);
    expect(impact.external_dependencies.map((d) => d.service_id)).toEqual(['card-network']);
    const sum = availability.explanation.feature_attribution.reduce(
      (a, f) => a + f.contribution,
      0,
    );
    expect(sum).toBeCloseTo(balanced.target - availability.explanation.baseline.target, 4);
    expect(availability.explanation.summary).toMatch(/^checkout achieved/);
    expect(availability.explanation.counterfactuals.length).toBeGreaterThan(0);

    expect(latency).toMatchObject({ sli_type: 'latency', metric: 'p99_response_time_ms' });
    expect(latency.tiers.conservative.percentile).toBe('p99.9');
    expect(latency.tiers.conservative.target_ms).toBeGreaterThanOrEqual(
      latency.tiers.balanced.target_ms,
    );
    expect(latency.tiers.balanced.target_ms).toBeGreaterThanOrEqual(
      latency.tiers.aggressive.target_ms,
    );
    expect(latency.explanation.note).toMatch(/non-additive/);
  });

  it('serves the stored answer until force_regenerate, and counts answers in /metrics', async () => {
    const first = expectJson<RecommendationsBody>(
      await api.request({ method: 'GET', url: url('web-gateway', '?sli_type=availability') }),
    );
    const cached = expectJson<RecommendationsBody>(
      await api.request({ method: 'GET', url: url('web-gateway', '?sli_type=availability') }),
    );
    expect(cached.source).toBe('cache');
    expect(cached.recommendations).toEqual(first.recommendations);
    const forced = expectJson<RecommendationsBody>(
      await api.request({
        method: 'GET',
        url: url('web-gateway', '?sli_type=availability&force_regenerate=true'),
      }),
    );
    expect(forced.source).toBe('generated');
    expect(forced.recommendations[0].recommendation_id).not.toBe(
      first.recommendations[0].recommendation_id,
    );
    const metrics = await api.request({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(
      /slo_engine_recommendations_generated_total\{sli_type="availability",source="cache"\} [1-9]/,
    );
  });

  it('rejects malformed parameters with a problem naming the field, and unknown services with 404', async () => {
    for (const [query, field] of [
      ['?lookback_days=6', 'lookback_days'],
      ['?lookback_days=366', 'lookback_days'],
      ['?lookback_days=thirty', 'lookback_days'],
      ['?sli_type=errors', 'sli_type'],
      ['?force_regenerate=maybe', 'force_regenerate'],
    ] as const) {
      const problem = expectProblem(
        await api.request({ method: 'GET', url: url('checkout', query) }),
        400,
      );
      expect([...new Set(problemFields(problem))]).toEqual([field]);
    }
    expectProblem(
      await api.request({ method: 'GET', url: url('nobody') }),
      404,
      'GRAPH.SERVICE_NOT_FOUND',
    );
  });

  it('reports the telemetry source in readiness', async () => {
    const body = expectJson<{ checks: Array<{ name: string; status: string }> }>(
      await api.request({ method: 'GET', url: `${API}/health/ready` }),
    );
    expect(body.checks).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'telemetry', status: 'up' })]),
    );
  });
});

/** A Prometheus stand-in: answers empty results while up, 503 while down. */
function fakePrometheus(): Promise<{
  url: string;
  setUp(up: boolean): void;
  close(): Promise<void>;
}> {
  let up = true;
  const server: Server = createServer((request, response) => {
    if (!up) {
      response.writeHead(503, { 'content-type': 'text/plain' }).end('down');
      return;
    }
    const path = request.url ?? '';
    if (path.startsWith('/-/ready')) {
      response.writeHead(200).end('Prometheus Server is Ready.');
      return;
    }
    const resultType = path.startsWith('/api/v1/query_range') ? 'matrix' : 'vector';
    response
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 'success', data: { resultType, result: [] } }));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        setUp: (value) => {
          up = value;
        },
        close: () => new Promise((done) => server.close(() => done())),
      });
    });
  });
}

describe('GET /services/:id/slo-recommendations when Prometheus goes down (REL-005)', () => {
  let api: ApiFixture;
  let prometheus: Awaited<ReturnType<typeof fakePrometheus>>;
  beforeAll(async () => {
    prometheus = await fakePrometheus();
    api = await createApiFixture({ PROMETHEUS_URL: prometheus.url, PROMETHEUS_RETRIES: '0' });
    await api.ingest(GRAPH);
  });
  afterAll(async () => {
    await api.close();
    await prometheus.close();
  });

  it('serves the stored recommendation marked stale, and 503 with Retry-After when none is stored', async () => {
    // Prometheus up but without data for the service: a cold-start answer, stored.
    const stored = expectJson<RecommendationsBody>(
      await api.request({ method: 'GET', url: url('checkout') }),
    );
    expect(stored.data_quality.cold_start).toBe(true);

    prometheus.setUp(false);
    const stale = expectJson<RecommendationsBody>(
      await api.request({ method: 'GET', url: url('checkout', '?force_regenerate=true') }),
    );
    expect(stale).toMatchObject({ source: 'stale', stale: true });
    expect(stale.stale_reason).toMatch(/telemetry source is unavailable/);
    expect(stale.recommendations.map((r) => r.recommendation_id)).toEqual(
      stored.recommendations.map((r) => r.recommendation_id),
    );

    const response = await api.request({ method: 'GET', url: url('inventory') });
    expectProblem(response, 503, 'TELEMETRY.UNAVAILABLE');
    expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);

    const ready = await api.request({ method: 'GET', url: `${API}/health/ready` });
    expect(ready.statusCode).toBe(503);
    expect(ready.body).toMatch(/"name":"telemetry","status":"down"/);
  });
});
