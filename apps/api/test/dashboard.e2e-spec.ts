/**
 * FR-12 over HTTP: the three dashboard reads answer from the precomputed figures (unchanged until
 * a refresh), `POST /dashboard/refresh` recomputes them, and the numbers match a small fleet worked
 * out by hand. Active SLOs, aggregates, recommendations and audit rows are inserted directly, as
 * the lifecycle and the aggregation jobs would have written them.
 */
import {
  API,
  type ApiFixture,
  createApiFixture,
  expectJson,
  expectProblem,
  problemFields,
} from './api-fixture';

const DASHBOARD = `${API}/dashboard`;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

interface CoverageFiguresBody {
  readonly services: number;
  readonly with_active_slo: number;
  readonly pending_recommendation: number;
  readonly without_slo: number;
  readonly coverage_ratio: number | null;
}

interface CoverageBody {
  readonly refreshed_at: string;
  readonly totals: CoverageFiguresBody;
  readonly by_criticality: ReadonlyArray<CoverageFiguresBody & { readonly criticality: string }>;
  readonly teams: ReadonlyArray<
    CoverageFiguresBody & {
      readonly team: string;
      readonly by_criticality: ReadonlyArray<
        CoverageFiguresBody & { readonly criticality: string }
      >;
    }
  >;
}

type BucketsBody = Readonly<
  Record<'under_25' | '25_to_50' | '50_to_75' | '75_to_100' | 'exhausted', number>
>;

interface ErrorBudgetHealthBody {
  readonly refreshed_at: string;
  readonly totals: { readonly services: number; readonly buckets: BucketsBody };
  readonly teams: ReadonlyArray<{
    readonly team: string;
    readonly services: number;
    readonly buckets: BucketsBody;
  }>;
  readonly most_consumed: ReadonlyArray<{
    readonly service_id: string;
    readonly team: string;
    readonly criticality: string;
    readonly availability_target: number;
    readonly observed_availability: number;
    readonly budget_consumed: number;
    readonly bucket: string;
    readonly observed_at: string;
  }>;
}

interface BreachBody {
  readonly evaluated: number;
  readonly breached: number;
  readonly breach_rate: number | null;
}

interface QualityFiguresBody {
  readonly decisions: Readonly<
    Record<'accept' | 'modify' | 'reject' | 'auto_approve' | 'total', number>
  >;
  readonly acceptance_rate: number | null;
  readonly modification_rate: number | null;
  readonly availability_breaches: BreachBody;
  readonly latency_p99_breaches: BreachBody;
}

interface RecommendationQualityBody {
  readonly refreshed_at: string;
  readonly window_days: number;
  readonly totals: QualityFiguresBody;
  readonly by_criticality: ReadonlyArray<QualityFiguresBody & { readonly criticality: string }>;
  readonly teams: ReadonlyArray<QualityFiguresBody & { readonly team: string }>;
}

/*
 * Counted: checkout, payment, cart (payments); search, ranker (discovery); misc (no team).
 * Not counted: stripe (external) and legacy-ledger (a placeholder named only by an edge).
 */
const GRAPH = {
  source: 'manual',
  timestamp: new Date().toISOString(),
  nodes: [
    { service_id: 'checkout', metadata: { team: 'payments', criticality: 'critical' } },
    { service_id: 'payment', metadata: { team: 'payments', criticality: 'critical' } },
    { service_id: 'cart', metadata: { team: 'payments', criticality: 'high' } },
    { service_id: 'search', metadata: { team: 'discovery', criticality: 'medium' } },
    { service_id: 'ranker', metadata: { team: 'discovery', criticality: 'low' } },
    { service_id: 'misc', metadata: { criticality: 'medium' } },
    { service_id: 'stripe', metadata: { service_type: 'external', published_sla: 0.9999 } },
  ],
  edges: [
    { source: 'checkout', target: 'payment' },
    { source: 'checkout', target: 'cart' },
    { source: 'payment', target: 'stripe' },
    { source: 'payment', target: 'legacy-ledger' },
    { source: 'search', target: 'ranker' },
  ],
};

async function seedLifecycle(fixture: ApiFixture): Promise<void> {
  const ago = (ms: number): Date => new Date(Date.now() - ms);
  const query = (sql: string, parameters: unknown[]): Promise<unknown> =>
    fixture.dataSource.query(sql, parameters);
  const id = `(SELECT id FROM services WHERE service_id = $1)`;

  for (const [serviceId, availability, p99] of [
    ['checkout', '99.9', 300],
    ['payment', '99.95', null],
    ['search', '99.5', 200],
    ['stripe', '99.99', null],
  ] as const) {
    await query(
      `INSERT INTO active_slos (service_id, availability_target, latency_p99_target_ms, source,
                                activated_at, activated_by)
       VALUES (${id}, $2, $3, 'manual', now(), 'e2e')`,
      [serviceId, availability, p99],
    );
  }
  for (const [serviceId, sliType, value] of [
    // (1 − 0.9996) / (1 − 0.999) = 0.4 of the budget.
    ['checkout', 'availability', 0.9996],
    ['checkout', 'latency_p99', 250],
    // 0.0001 / 0.0005 = 0.2.
    ['payment', 'availability', 0.9999],
    // 0.01 / 0.005 = 2: exhausted, and the target is breached; so is the p99 target.
    ['search', 'availability', 0.99],
    ['search', 'latency_p99', 260],
    ['stripe', 'availability', 0.9],
  ] as const) {
    await query(
      `INSERT INTO sli_aggregates (service_id, sli_type, time_window, value, sample_count, computed_at)
       VALUES (${id}, $2, '28d', $3, 100000, $4)`,
      [serviceId, sliType, value, ago(HOUR)],
    );
  }
  for (const [serviceId, expiresInMs] of [
    ['cart', DAY],
    ['misc', -HOUR],
  ] as const) {
    await query(
      `INSERT INTO slo_recommendations (service_id, sli_type, metric, tiers, explanation,
         data_quality, lookback_window_start, lookback_window_end, lookback_days, graph_version,
         dependency_digest, expires_at)
       VALUES (${id}, 'availability', 'error_rate', '{}', '{}', '{}', now() - interval '30 days',
               now(), 30, 1, repeat('a', 64), $2)`,
      [serviceId, ago(-expiresInMs)],
    );
  }
  for (const [serviceId, action, agoMs] of [
    ['checkout', 'accept', 10 * DAY],
    ['payment', 'modify', 20 * DAY],
    ['search', 'auto_approve', 2 * DAY],
    ['cart', 'reject', DAY],
    // Outside the 90-day window, and not a decision.
    ['search', 'accept', 100 * DAY],
    ['search', 'drift_triggered', DAY],
  ] as const) {
    await query(
      `INSERT INTO slo_audit_log (service_id, action, actor, "timestamp") VALUES (${id}, $2, 'e2e', $3)`,
      [serviceId, action, ago(agoMs)],
    );
  }
}

describe('organisational dashboard (FR-12)', () => {
  let fixture: ApiFixture;
  let refreshedAt: string;

  beforeAll(async () => {
    fixture = await createApiFixture();
    await fixture.ingest(GRAPH);
    await seedLifecycle(fixture);
  });
  afterAll(async () => fixture.close());

  it('answers from the precomputed figures until a refresh, then recomputes them', async () => {
    const before = expectJson<CoverageBody>(
      await fixture.request({ method: 'GET', url: `${DASHBOARD}/coverage` }),
    );
    // The views were filled by the migration, before the fleet existed; start-up found them fresh.
    expect(before.totals.services).toBe(0);

    const refreshed = expectJson<{ refreshed_at: string }>(
      await fixture.request({ method: 'POST', url: `${DASHBOARD}/refresh` }),
    );
    refreshedAt = refreshed.refreshed_at;

    expect(Date.parse(refreshedAt)).toBeGreaterThanOrEqual(Date.parse(before.refreshed_at));
    const after = expectJson<CoverageBody>(
      await fixture.request({ method: 'GET', url: `${DASHBOARD}/coverage` }),
    );
    expect(after.refreshed_at).toBe(refreshedAt);
    expect(after.totals.services).toBe(6);
  });

  it('reports coverage by team and criticality', async () => {
    const body = expectJson<CoverageBody>(
      await fixture.request({ method: 'GET', url: `${DASHBOARD}/coverage` }),
    );

    expect(body.totals).toEqual({
      services: 6,
      with_active_slo: 3,
      pending_recommendation: 1,
      without_slo: 3,
      coverage_ratio: 0.5,
    });
    expect(body.by_criticality.map((c) => [c.criticality, c.services, c.with_active_slo])).toEqual([
      ['critical', 2, 2],
      ['high', 1, 0],
      ['medium', 2, 1],
      ['low', 1, 0],
    ]);
    expect(
      body.teams.map((t) => [
        t.team,
        t.services,
        t.with_active_slo,
        t.pending_recommendation,
        t.coverage_ratio,
      ]),
    ).toEqual([
      ['discovery', 2, 1, 0, 0.5],
      ['payments', 3, 2, 1, 2 / 3],
      ['unassigned', 1, 0, 0, 0],
    ]);
    expect(body.teams[1].by_criticality.map((c) => c.coverage_ratio)).toEqual([1, 0, null, null]);

    const payments = expectJson<CoverageBody>(
      await fixture.request({ method: 'GET', url: `${DASHBOARD}/coverage?team=payments` }),
    );
    expect(payments.teams.map((t) => t.team)).toEqual(['payments']);
    expect(payments.totals.services).toBe(3);
  });

  it('reports the error-budget distribution and the most consumed services', async () => {
    const body = expectJson<ErrorBudgetHealthBody>(
      await fixture.request({ method: 'GET', url: `${DASHBOARD}/error-budget-health?top=2` }),
    );

    expect(body.refreshed_at).toBe(refreshedAt);
    expect(body.totals).toEqual({
      services: 3,
      buckets: { under_25: 1, '25_to_50': 1, '50_to_75': 0, '75_to_100': 0, exhausted: 1 },
    });
    expect(body.teams.map((t) => [t.team, t.services, t.buckets.exhausted])).toEqual([
      ['discovery', 1, 1],
      ['payments', 2, 0],
    ]);
    expect(body.most_consumed).toEqual([
      {
        service_id: 'search',
        team: 'discovery',
        criticality: 'medium',
        availability_target: 99.5,
        observed_availability: 0.99,
        budget_consumed: expect.closeTo(2, 9) as unknown,
        bucket: 'exhausted',
        observed_at: expect.stringMatching(/Z$/) as unknown,
      },
      expect.objectContaining({
        service_id: 'checkout',
        budget_consumed: expect.closeTo(0.4, 9) as unknown,
        bucket: '25_to_50',
      }) as unknown,
    ]);

    const payments = expectJson<ErrorBudgetHealthBody>(
      await fixture.request({
        method: 'GET',
        url: `${DASHBOARD}/error-budget-health?team=payments`,
      }),
    );
    expect(payments.most_consumed.map((s) => s.service_id)).toEqual(['checkout', 'payment']);
  });

  it('reports acceptance, modification and breach rates', async () => {
    const body = expectJson<RecommendationQualityBody>(
      await fixture.request({ method: 'GET', url: `${DASHBOARD}/recommendation-quality` }),
    );

    expect(body.refreshed_at).toBe(refreshedAt);
    expect(body.window_days).toBe(90);
    expect(body.totals).toEqual({
      decisions: { accept: 1, modify: 1, reject: 1, auto_approve: 1, total: 4 },
      acceptance_rate: 0.75,
      modification_rate: 0.25,
      availability_breaches: { evaluated: 3, breached: 1, breach_rate: 1 / 3 },
      latency_p99_breaches: { evaluated: 2, breached: 1, breach_rate: 0.5 },
    });
    expect(body.teams.map((t) => [t.team, t.decisions.total, t.acceptance_rate])).toEqual([
      ['discovery', 1, 1],
      ['payments', 3, 2 / 3],
      ['unassigned', 0, null],
    ]);
  });

  it('lets a viewer read and only an sre_admin refresh', async () => {
    const viewer = await fixture.asUser({
      sub: 'vera',
      email: 'vera@example.com',
      roles: ['viewer'],
    });

    for (const path of ['coverage', 'error-budget-health', 'recommendation-quality']) {
      expectJson(
        await fixture.request({ method: 'GET', url: `${DASHBOARD}/${path}`, headers: viewer }),
      );
    }
    expectProblem(
      await fixture.request({ method: 'POST', url: `${DASHBOARD}/refresh`, headers: viewer }),
      403,
    );
    expectProblem(
      await fixture.request({
        method: 'GET',
        url: `${DASHBOARD}/coverage`,
        headers: { 'x-api-key': undefined },
      }),
      401,
    );
  });

  it.each([
    ['coverage?unknown=1', ['unknown']],
    ['coverage?team=', ['team']],
    ['coverage?team=a&team=b', ['team']],
    ['error-budget-health?top=0', ['top']],
    ['error-budget-health?top=101', ['top']],
    ['error-budget-health?top=ten', ['top']],
    ['error-budget-health?top=2.5&limit=3', ['top', 'limit']],
    ['recommendation-quality?team=' + 'x'.repeat(256), ['team']],
    ['recommendation-quality?window_days=30', ['window_days']],
  ])('answers 400 naming the field for %s', async (path, fields) => {
    const problem = expectProblem(
      await fixture.request({ method: 'GET', url: `${DASHBOARD}/${path}` }),
      400,
    );

    expect(new Set(problemFields(problem))).toEqual(new Set(fields));
  });
});
