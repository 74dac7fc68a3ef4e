/**
 * AC-004 over HTTP: `POST /api/v1/slos/impact-analysis` on a known topology with active SLOs and
 * observed 28-day availability stored in PostgreSQL. payment-service is called by
 * checkout-service, which api-gateway calls; payment-service and fraud-service call each other (a
 * cycle); reporting reaches payment-service only over a soft edge.
 */
import {
  API,
  type ApiFixture,
  createApiFixture,
  expectJson,
  expectProblem,
  problemFields,
} from './api-fixture';

const URL = `${API}/slos/impact-analysis`;

interface ImpactedServiceBody {
  service_id: string;
  relationship: string;
  current_composite_availability: number;
  projected_composite_availability: number;
  delta: number;
  current_slo_target: number | null;
  slo_at_risk: boolean | null;
  risk_detail: string;
  cycle_note: string | null;
}

interface ImpactAnalysisBody {
  analysis_id: string;
  proposed_change: { sli_type: string; current_target: number; proposed_target: number };
  cycle_note: string | null;
  impacted_services: ImpactedServiceBody[];
  summary: { total_impacted: number; slos_at_risk: number; recommendation: string };
}

/** Observed 28-day availability (ratios) written to sli_aggregates. */
const OBSERVED: Readonly<Record<string, number>> = {
  'api-gateway': 0.9995,
  'checkout-service': 0.9993,
  'payment-service': 0.999,
  'fraud-service': 0.9996,
  reporting: 0.99,
};

let fixture: ApiFixture;

beforeAll(async () => {
  fixture = await createApiFixture();
  await fixture.ingest({
    source: 'manual',
    nodes: ['api-gateway', 'checkout-service', 'payment-service', 'fraud-service', 'reporting'].map(
      (service_id) => ({ service_id, metadata: { team: 'payments' } }),
    ),
    edges: [
      { source: 'api-gateway', target: 'checkout-service' },
      { source: 'checkout-service', target: 'payment-service' },
      { source: 'payment-service', target: 'fraud-service' },
      { source: 'fraud-service', target: 'payment-service' },
      { source: 'reporting', target: 'payment-service', attributes: { criticality: 'soft' } },
    ],
  });
  await fixture.dataSource.query(
    `INSERT INTO sli_aggregates (service_id, sli_type, time_window, value, sample_count, computed_at)
     SELECT s.id, 'availability', '28d', o.value, 100000, now()
     FROM unnest($1::text[], $2::float8[]) AS o(service_id, value)
     JOIN services s ON s.service_id = o.service_id`,
    [Object.keys(OBSERVED), Object.values(OBSERVED)],
  );
  // The SLO lifecycle endpoint needs recommendations and a person; the analysis only reads the
  // active targets, so they are written directly.
  await fixture.dataSource.query(
    `INSERT INTO active_slos (service_id, availability_target, source, activated_at, activated_by)
     SELECT s.id, t.target, 'manual', now(), 'e2e'
     FROM unnest($1::text[], $2::numeric[]) AS t(service_id, target)
     JOIN services s ON s.service_id = t.service_id`,
    [
      ['checkout-service', 'api-gateway'],
      [99.8, 99],
    ],
  );
}, 120_000);

afterAll(async () => {
  await fixture?.close();
});

async function analyse(body: unknown, headers: Record<string, string> = {}) {
  return fixture.request({ method: 'POST', url: URL, payload: body as object, headers });
}

const reduction = {
  service_id: 'payment-service',
  proposed_change: { sli_type: 'availability', current_target: 99.9, proposed_target: 99.5 },
};

describe('POST /api/v1/slos/impact-analysis (AC-004)', () => {
  it('identifies every upstream service with projected composites, SLO risk, sorted by delta', async () => {
    const body = expectJson<ImpactAnalysisBody>(await analyse(reduction));

    expect(body.analysis_id).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(body.proposed_change).toEqual(reduction.proposed_change);
    // The cycle {payment, fraud} is one supernode at its weakest member: 99.9% before, 99.5% after.
    const supernode = { before: 0.999, after: 0.995 };
    const checkout = { before: 0.9993 * supernode.before, after: 0.9993 * supernode.after };
    const gateway = { before: 0.9995 * checkout.before, after: 0.9995 * checkout.after };
    expect(body.impacted_services.map((s) => [s.service_id, s.relationship])).toEqual([
      ['fraud-service', 'upstream'],
      ['checkout-service', 'upstream'],
      ['api-gateway', 'upstream (transitive)'],
    ]);
    const [fraud, checkoutRow, gatewayRow] = body.impacted_services;
    const expected: Array<[ImpactedServiceBody, { before: number; after: number }]> = [
      [fraud, supernode],
      [checkoutRow, checkout],
      [gatewayRow, gateway],
    ];
    for (const [row, composite] of expected) {
      expect(row.current_composite_availability).toBeCloseTo(composite.before * 100, 5);
      expect(row.projected_composite_availability).toBeCloseTo(composite.after * 100, 5);
      expect(row.delta).toBeCloseTo((composite.after - composite.before) * 100, 5);
      // The changed service's group is noted once, at the top; no row is in another group.
      expect(row.cycle_note).toBeNull();
    }
    expect(body.cycle_note).toBe(
      'payment-service is in a circular dependency group (fraud-service, payment-service) counted as one supernode at its weakest member: 99.90% (payment-service) -> 99.50% (payment-service).',
    );
    const magnitudes = body.impacted_services.map((s) => Math.abs(s.delta));
    expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a));

    expect(checkoutRow).toMatchObject({
      current_slo_target: 99.8,
      slo_at_risk: true,
      risk_detail: 'projected 99.43% < target 99.8%',
    });
    expect(gatewayRow).toMatchObject({
      current_slo_target: 99,
      slo_at_risk: false,
      risk_detail: 'projected 99.38% >= target 99%',
    });
    expect(fraud).toMatchObject({
      current_slo_target: null,
      slo_at_risk: null,
      risk_detail: 'no active SLO',
    });
    expect(body.summary).toEqual({
      total_impacted: 3,
      slos_at_risk: 1,
      recommendation:
        'Reducing payment-service to 99.5% puts 1 upstream service at risk of SLO breach. 1 impacted service without an active SLO could not be checked.',
    });
    expect(Object.keys(body).sort()).toEqual([
      'analysis_id',
      'cycle_note',
      'impacted_services',
      'proposed_change',
      'summary',
    ]);
  });

  it('assumes the observed availability when current_target is left out', async () => {
    const { proposed_change, impacted_services } = expectJson<ImpactAnalysisBody>(
      await analyse({
        service_id: 'checkout-service',
        proposed_change: { sli_type: 'availability', proposed_target: 99.99 },
      }),
    );

    expect(proposed_change).toEqual({
      sli_type: 'availability',
      current_target: 99.93,
      proposed_target: 99.99,
    });
    expect(impacted_services).toHaveLength(1);
    expect(impacted_services[0]).toMatchObject({ service_id: 'api-gateway', slo_at_risk: false });
    expect(impacted_services[0].delta).toBeGreaterThan(0);
  });

  it('answers a service nobody depends on with an empty list and says so', async () => {
    const body = expectJson<ImpactAnalysisBody>(
      await analyse({
        service_id: 'api-gateway',
        proposed_change: { sli_type: 'availability', proposed_target: 99 },
      }),
    );

    expect(body.impacted_services).toEqual([]);
    expect(body.cycle_note).toBeNull();
    expect(body.summary).toMatchObject({ total_impacted: 0, slos_at_risk: 0 });
    expect(body.summary.recommendation).toMatch(/affects no upstream service/);
  });

  it('is open to viewers', async () => {
    const viewer = await fixture.asUser({ sub: 'viewer-1', roles: ['viewer'] });
    expectJson<ImpactAnalysisBody>(await analyse(reduction, viewer));
  });

  it('refuses a latency change with 400 naming proposed_change.sli_type and why', async () => {
    const problem = expectProblem(
      await analyse({
        service_id: 'payment-service',
        proposed_change: { sli_type: 'latency', proposed_target: 99.5 },
      }),
      400,
      'VALIDATION.INVALID_INPUT',
    );

    expect(problem.errors).toEqual([
      {
        field: 'proposed_change.sli_type',
        message: expect.stringMatching(
          /must be "availability": latency targets do not compose along dependencies/,
        ) as unknown,
      },
    ]);
  });

  it.each([
    [
      'a proposed target of 100',
      { ...reduction.proposed_change, proposed_target: 100 },
      ['proposed_change.proposed_target'],
    ],
    [
      'a current target of 0',
      { ...reduction.proposed_change, current_target: 0 },
      ['proposed_change.current_target'],
    ],
    [
      'a negative proposed target',
      { ...reduction.proposed_change, proposed_target: -5 },
      ['proposed_change.proposed_target'],
    ],
  ])('refuses %s with 400 naming the field', async (_label, proposed_change, fields) => {
    const problem = expectProblem(
      await analyse({ service_id: 'payment-service', proposed_change }),
      400,
    );
    expect(problemFields(problem)).toEqual(fields);
  });

  it('refuses malformed bodies with every field named', async () => {
    const cases: Array<[unknown, string[]]> = [
      [{ proposed_change: reduction.proposed_change }, ['service_id']],
      [{ service_id: 'payment-service' }, ['proposed_change']],
      [{ ...reduction, actor: 'mallory' }, ['actor']],
      [
        { ...reduction, proposed_change: { ...reduction.proposed_change, reason: 'x' } },
        ['proposed_change.reason'],
      ],
      [
        {
          service_id: 'payment-service',
          proposed_change: { sli_type: 'availability', proposed_target: '99.5' },
        },
        ['proposed_change.proposed_target'],
      ],
    ];
    const before = await fixture.counts();
    for (const [body, fields] of cases) {
      const problem = expectProblem(await analyse(body), 400);
      expect(new Set(problemFields(problem))).toEqual(new Set(fields));
    }
    expect(await fixture.counts()).toEqual(before);
  });

  it('answers 404 for an unknown service', async () => {
    expectProblem(
      await analyse({ ...reduction, service_id: 'no-such-service' }),
      404,
      'GRAPH.SERVICE_NOT_FOUND',
    );
  });
});
