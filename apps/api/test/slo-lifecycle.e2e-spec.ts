/**
 * The SLO lifecycle over HTTP (spec 004 FR-5): accepting, modifying and rejecting recommendations
 * as an authenticated service owner (AC-005, AC-006), the active SLO, the audit history with its
 * hash chain, and the chain verification finding a row changed behind the database's back.
 */
import {
  API,
  type ApiFixture,
  createApiFixture,
  expectJson,
  expectProblem,
  type PageBody,
  problemFields,
} from './api-fixture';

interface TargetsBody {
  availability: number | null;
  latency_p95_ms: number | null;
  latency_p99_ms: number | null;
  latency_p999_ms: number | null;
}
interface ActiveSloBody {
  slo_id: string;
  service_id: string;
  status: 'active';
  targets: TargetsBody;
  source: string;
  recommendation_id: string | null;
  activated_at: string;
  activated_by: string;
}
interface DecisionBody extends ActiveSloBody {
  modification_delta: Record<string, string> | null;
  warnings: string[];
  audit_entry_id: string;
}
interface RejectionBody {
  action: 'rejected';
  recommendation_id: string;
  audit_entry_id: string;
  active_slo: ActiveSloBody | null;
}
interface SnapshotBody {
  slo_id: string;
  targets: TargetsBody;
  source: string;
  recommendation_id: string | null;
  activated_at: string;
  activated_by: string;
}
interface AuditEntryBody {
  id: string;
  sequence: number;
  service_id: string;
  action: string;
  actor: string;
  recommendation_id: string | null;
  previous_slo: SnapshotBody | null;
  new_slo: SnapshotBody | null;
  selected_tier: string | null;
  rationale: string | null;
  modification_delta: Record<string, string> | null;
  warnings: string[];
  timestamp: string;
  hash: string;
  prev_hash: string;
}
interface VerificationBody {
  ok: boolean;
  rows_checked: number;
  head_hash: string;
  head_sequence: number;
  first_broken_link: {
    sequence: number;
    id: string;
    reason: string;
    expected: string;
    actual: string;
  } | null;
  verified_at: string;
}
interface RecommendationsBody {
  recommendations: Array<{
    recommendation_id: string;
    sli_type: 'availability' | 'latency';
    tiers: Record<
      'conservative' | 'balanced' | 'aggressive',
      { target?: number; target_ms?: number; percentile?: string }
    >;
    explanation: { dependency_impact?: { composite_availability_bound: number } };
  }>;
}

const GRAPH = {
  source: 'manual',
  nodes: [
    { service_id: 'checkout', metadata: { team: 'payments', criticality: 'high' } },
    { service_id: 'inventory', metadata: { team: 'stock' } },
    { service_id: 'card-network', metadata: { service_type: 'external', published_sla: 0.9995 } },
  ],
  edges: [
    { source: 'checkout', target: 'inventory', attributes: { criticality: 'hard' } },
    { source: 'checkout', target: 'card-network', attributes: { criticality: 'hard' } },
  ],
};

const JANE = {
  sub: 'jane',
  email: 'jane.doe@example.com',
  roles: ['service_owner'],
  groups: ['payments'],
};
const SLOS = (serviceId: string): string => `${API}/services/${serviceId}/slos`;
const HISTORY = (serviceId: string): string => `${API}/services/${serviceId}/slo-history`;

describe('SLO lifecycle (FR-5)', () => {
  let api: ApiFixture;
  let jane: { authorization: string };

  beforeAll(async () => {
    api = await createApiFixture();
    await api.ingest({ ...GRAPH, timestamp: new Date().toISOString() });
    jane = await api.asUser(JANE);
  });
  afterAll(() => api.close());

  /** The service's current recommendations (generated when none is stored or valid). */
  async function current(serviceId = 'checkout') {
    const body = expectJson<RecommendationsBody>(
      await api.request({ method: 'GET', url: `${API}/services/${serviceId}/slo-recommendations` }),
    );
    const availability = body.recommendations.find((r) => r.sli_type === 'availability');
    const latency = body.recommendations.find((r) => r.sli_type === 'latency');
    if (!availability || !latency) throw new Error('expected both recommendations');
    return { availability, latency };
  }

  const decide = (payload: Record<string, unknown>, serviceId = 'checkout', headers = jane) =>
    api.request({ method: 'POST', url: SLOS(serviceId), headers, payload });

  const history = async (serviceId = 'checkout', query = '') =>
    expectJson<PageBody<AuditEntryBody>>(
      await api.request({ method: 'GET', url: `${HISTORY(serviceId)}${query}`, headers: jane }),
    );

  const stored = async () => {
    const [row] = await api.dataSource.query<
      Array<{ audit: number; slos: number; active_recommendations: number }>
    >(`SELECT (SELECT count(*)::int FROM slo_audit_log) AS audit,
              (SELECT count(*)::int FROM active_slos) AS slos,
              (SELECT count(*)::int FROM slo_recommendations WHERE status = 'active') AS active_recommendations`);
    return row;
  };

  const recommendationStatus = async (id: string): Promise<string> => {
    const [row] = await api.dataSource.query<Array<{ status: string }>>(
      'SELECT status FROM slo_recommendations WHERE id = $1',
      [id],
    );
    return row.status;
  };

  it('AC-005: accepting updates the active SLO and audits the actor from the token, the rationale and the previous SLO', async () => {
    const first = await current();
    const balanced = first.availability.tiers.balanced.target;

    const accepted = expectJson<DecisionBody>(
      await decide({
        recommendation_id: first.availability.recommendation_id,
        action: 'accept',
        selected_tier: 'balanced',
        rationale: 'matches our error budget policy',
      }),
      201,
    );

    expect(accepted).toEqual({
      slo_id: expect.any(String) as unknown,
      service_id: 'checkout',
      status: 'active',
      targets: {
        availability: balanced,
        latency_p95_ms: null,
        latency_p99_ms: null,
        latency_p999_ms: null,
      },
      source: 'recommendation_accepted',
      recommendation_id: first.availability.recommendation_id,
      modification_delta: null,
      activated_at: expect.any(String) as unknown,
      activated_by: 'jane.doe@example.com',
      warnings: [],
      audit_entry_id: expect.any(String) as unknown,
    });
    const { modification_delta: _d, warnings: _w, audit_entry_id: _a, ...activeSlo } = accepted;
    expect(
      expectJson<ActiveSloBody>(await api.request({ method: 'GET', url: SLOS('checkout') })),
    ).toEqual(activeSlo);
    expect(await recommendationStatus(first.availability.recommendation_id)).toBe('accepted');

    // Accepting invalidated the cached recommendation: the next read regenerates.
    const second = await current();
    expect(second.availability.recommendation_id).not.toBe(first.availability.recommendation_id);
    const latencyTier = second.latency.tiers.aggressive;
    const again = expectJson<DecisionBody>(
      await decide({
        recommendation_id: second.latency.recommendation_id,
        action: 'accept',
        selected_tier: 'aggressive',
        rationale: 'latency matters more than cost here',
      }),
      201,
    );
    expect(again.slo_id).toBe(accepted.slo_id);
    expect(again.targets.availability).toBe(balanced);
    expect(latencyTier.percentile).toBe('p95');
    expect(again.targets.latency_p95_ms).toBe(Math.ceil(latencyTier.target_ms ?? NaN));

    const [newest, oldest] = (await history()).items;
    expect(oldest).toMatchObject({
      id: accepted.audit_entry_id,
      action: 'accept',
      actor: 'jane.doe@example.com',
      rationale: 'matches our error budget policy',
      selected_tier: 'balanced',
      previous_slo: null,
      new_slo: { slo_id: accepted.slo_id, targets: accepted.targets },
      prev_hash: '0'.repeat(64),
    });
    expect(newest).toMatchObject({
      id: again.audit_entry_id,
      actor: 'jane.doe@example.com',
      rationale: 'latency matters more than cost here',
      previous_slo: {
        slo_id: accepted.slo_id,
        targets: accepted.targets,
        recommendation_id: first.availability.recommendation_id,
        activated_by: 'jane.doe@example.com',
      },
      new_slo: { targets: again.targets },
      prev_hash: oldest.hash,
    });
    expect(newest.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('AC-006: rejecting stores the rationale, marks the recommendation rejected and leaves the active SLO', async () => {
    const { availability } = await current();
    const before = expectJson<ActiveSloBody>(
      await api.request({ method: 'GET', url: SLOS('checkout') }),
    );

    const rejected = expectJson<RejectionBody>(
      await decide({
        recommendation_id: availability.recommendation_id,
        action: 'reject',
        rationale: 'target too aggressive for upcoming holiday traffic',
      }),
      200,
    );

    expect(rejected).toEqual({
      action: 'rejected',
      recommendation_id: availability.recommendation_id,
      audit_entry_id: expect.any(String) as unknown,
      active_slo: before,
    });
    expect(await recommendationStatus(availability.recommendation_id)).toBe('rejected');
    expect(
      expectJson<ActiveSloBody>(await api.request({ method: 'GET', url: SLOS('checkout') })),
    ).toEqual(before);
    const [entry] = (await history('checkout', '?limit=1')).items;
    expect(entry).toMatchObject({
      id: rejected.audit_entry_id,
      action: 'reject',
      actor: 'jane.doe@example.com',
      recommendation_id: availability.recommendation_id,
      rationale: 'target too aggressive for upcoming holiday traffic',
      previous_slo: { slo_id: before.slo_id },
      new_slo: null,
    });
  });

  it('modifies with a delta per target, and accepts a target above the composite bound with a recorded warning', async () => {
    const { availability } = await current();
    const recommended = availability.tiers.balanced.target ?? NaN;
    const bound = availability.explanation.dependency_impact?.composite_availability_bound ?? NaN;
    const aboveBound = Math.min(99.9999, Math.round((bound + 0.01) * 10_000) / 10_000);
    expect(aboveBound).toBeGreaterThan(bound);

    const modified = expectJson<DecisionBody>(
      await decide({
        recommendation_id: availability.recommendation_id,
        action: 'modify',
        selected_tier: 'balanced',
        modifications: { availability_target: aboveBound, latency_p99_target_ms: 600 },
        rationale: 'adding a payment fallback provider next sprint',
      }),
      201,
    );

    expect(modified).toMatchObject({
      source: 'recommendation_modified',
      targets: { availability: aboveBound, latency_p99_ms: 600 },
    });
    const difference = Math.round((aboveBound - recommended) * 10_000) / 10_000;
    expect(modified.modification_delta).toEqual({
      availability: `+${difference} from recommended ${recommended}`,
      latency_p99_ms: 'set to 600 (no recommended or previous target)',
    });
    expect(modified.warnings).toEqual([
      expect.stringContaining(`above the composite availability bound ${bound}`) as unknown,
    ]);
    const [entry] = (await history('checkout', '?limit=1')).items;
    expect(entry).toMatchObject({
      action: 'modify',
      modification_delta: modified.modification_delta,
      warnings: modified.warnings,
    });
  });

  it('answers 409 for a recommendation that is no longer current, and stores nothing', async () => {
    const { availability } = await current();
    const accept = {
      recommendation_id: availability.recommendation_id,
      action: 'accept',
      selected_tier: 'conservative',
    };
    expectJson(await decide(accept), 201);
    const before = await stored();

    const problem = expectProblem(await decide(accept), 409, 'SLO.RECOMMENDATION_NOT_CURRENT');

    expect(problem.detail).toContain('already accepted');
    expect(await stored()).toEqual(before);
  });

  it('answers 404 for an unknown recommendation, an unknown service and a service without SLO', async () => {
    const admin = await api.asUser({ sub: 'ada', email: 'ada@example.com', roles: ['sre_admin'] });
    expectProblem(
      await decide({
        recommendation_id: '00000000-0000-4000-8000-00000000abcd',
        action: 'accept',
        selected_tier: 'balanced',
      }),
      404,
      'SLO.RECOMMENDATION_NOT_FOUND',
    );
    const { availability } = await current();
    expectProblem(
      await decide(
        { recommendation_id: availability.recommendation_id, action: 'reject' },
        'inventory',
        admin,
      ),
      404,
      'SLO.RECOMMENDATION_NOT_FOUND',
    );
    expectProblem(
      await decide(
        { recommendation_id: availability.recommendation_id, action: 'reject' },
        'no-such-service',
        admin,
      ),
      404,
      'GRAPH.SERVICE_NOT_FOUND',
    );
    expectProblem(
      await api.request({ method: 'GET', url: SLOS('inventory') }),
      404,
      'SLO.NOT_FOUND',
    );
    expectProblem(
      await api.request({ method: 'GET', url: SLOS('no-such-service') }),
      404,
      'GRAPH.SERVICE_NOT_FOUND',
    );
    expectProblem(
      await api.request({ method: 'GET', url: HISTORY('no-such-service'), headers: admin }),
      404,
      'GRAPH.SERVICE_NOT_FOUND',
    );
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'an actor in the body',
      { action: 'accept', selected_tier: 'balanced', actor: 'mallory' },
      ['actor'],
    ],
    ['accept without a tier', { action: 'accept' }, ['selected_tier']],
    ['an unknown action', { action: 'approve', selected_tier: 'balanced' }, ['action']],
    [
      'modify without modifications',
      { action: 'modify', selected_tier: 'balanced' },
      ['modifications'],
    ],
    [
      'modifications on an accept',
      { action: 'accept', selected_tier: 'balanced', modifications: { availability_target: 99.9 } },
      ['modifications'],
    ],
    [
      'targets out of range and unknown modification fields',
      {
        action: 'modify',
        selected_tier: 'balanced',
        modifications: {
          availability_target: 100,
          latency_p99_target_ms: 0.5,
          latency_p50_target_ms: 10,
        },
      },
      [
        'modifications.availability_target',
        'modifications.latency_p99_target_ms',
        'modifications.latency_p50_target_ms',
      ],
    ],
    ['a rationale too long', { action: 'reject', rationale: 'x'.repeat(4001) }, ['rationale']],
  ])(
    'refuses %s with 400, errors[] naming the field, and stores nothing',
    async (_, body, fields) => {
      const { availability } = await current();
      const before = await stored();

      const problem = expectProblem(
        await decide({ recommendation_id: availability.recommendation_id, ...body }),
        400,
      );

      expect(problem.errors).toBeDefined();
      for (const field of fields) expect(problemFields(problem)).toContain(field);
      expect(await stored()).toEqual(before);
      expect(await recommendationStatus(availability.recommendation_id)).toBe('active');
    },
  );

  it('refuses a malformed recommendation id with 400', async () => {
    const problem = expectProblem(
      await decide({ recommendation_id: 'abc', action: 'reject' }),
      400,
    );
    expect(problemFields(problem)).toEqual(['recommendation_id']);
  });

  it('lets only people decide: an API key is refused even with the admin role', async () => {
    const { availability } = await current();
    expectProblem(
      await api.request({
        method: 'POST',
        url: SLOS('checkout'),
        payload: { recommendation_id: availability.recommendation_id, action: 'reject' },
      }),
      403,
      'AUTH.FORBIDDEN',
    );
  });

  it('pages the history newest first with an opaque cursor, refusing one it did not issue', async () => {
    const all = (await history()).items;
    expect(all.length).toBeGreaterThanOrEqual(4);
    const seen: AuditEntryBody[] = [];
    let cursor: string | null = null;
    do {
      const page: PageBody<AuditEntryBody> = await history(
        'checkout',
        `?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      seen.push(...page.items);
      cursor = page.next_cursor;
    } while (cursor !== null);
    expect(seen).toEqual(all);
    expect(all.map((entry) => entry.sequence)).toEqual(
      [...all.map((entry) => entry.sequence)].sort((a, b) => b - a),
    );

    expectProblem(
      await api.request({
        method: 'GET',
        url: `${HISTORY('checkout')}?cursor=bogus`,
        headers: jane,
      }),
      400,
      'VALIDATION.INVALID_CURSOR',
    );
  });

  it('verifies the audit chain, then reports the first broken link after a row is changed behind the triggers', async () => {
    const intact = expectJson<VerificationBody>(
      await api.request({ method: 'GET', url: `${API}/audit/verify` }),
    );
    const { audit } = await stored();
    expect(intact).toMatchObject({
      ok: true,
      rows_checked: audit,
      head_sequence: audit,
      first_broken_link: null,
    });

    // A superuser can switch the triggers off for a session; the chain still tells.
    await api.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL session_replication_role = replica');
      await manager.query(
        `UPDATE slo_audit_log SET rationale = 'nothing to see' WHERE sequence = 2`,
      );
    });
    const [tampered] = await api.dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM slo_audit_log WHERE sequence = 2',
    );

    const broken = expectJson<VerificationBody>(
      await api.request({ method: 'GET', url: `${API}/audit/verify` }),
    );
    expect(broken).toMatchObject({
      ok: false,
      rows_checked: 2,
      head_sequence: 1,
      first_broken_link: { sequence: 2, id: tampered.id, reason: 'hash_mismatch' },
    });
    expectProblem(
      await api.request({ method: 'GET', url: `${API}/audit/verify`, headers: jane }),
      403,
      'AUTH.FORBIDDEN',
    );
  });
});
