/**
 * Auto-approval rules over HTTP (spec 004 FR-11, AC-011): CRUD by sre_admin, dry runs without side
 * effects, and rules applied to recommendations as GET slo-recommendations generates them, with
 * the decision in the audit log as `auto_approve` by `system:auto-approval:<rule>`.
 */
import {
  API,
  type ApiFixture,
  createApiFixture,
  expectJson,
  expectProblem,
  type InjectResponse,
  problemFields,
} from './api-fixture';

const RULES = `${API}/auto-approval-rules`;

interface ConditionsBody {
  criticality: string[];
  confidence_min: number;
  tier: string;
  teams: string[] | null;
  sli_types: string[];
}
interface RuleBody {
  id: string;
  name: string;
  conditions: ConditionsBody;
  enabled: boolean;
  actor: string;
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}
interface DryRunMatchBody {
  service_id: string;
  recommendation_id: string;
  sli_type: 'availability' | 'latency';
  criticality: string;
  team: string | null;
  confidence: number;
  tier: string;
  target: number;
  unit: 'percent' | 'ms';
  percentile: string | null;
  active_slo_set_by: string | null;
  reason?: string;
}
interface DryRunBody {
  rule: {
    id: string | null;
    name: string | null;
    enabled: boolean | null;
    conditions: ConditionsBody;
  };
  evaluated_at: string;
  recommendations_evaluated: number;
  would_approve: DryRunMatchBody[];
  held: DryRunMatchBody[];
}
interface RecommendationsBody {
  source: 'cache' | 'generated' | 'stale';
  recommendations: Array<{
    recommendation_id: string;
    sli_type: 'availability' | 'latency';
    tiers: Record<string, { target?: number; target_ms?: number; percentile?: string }>;
  }>;
}
interface ActiveSloBody {
  service_id: string;
  recommendation_id: string | null;
  targets: {
    availability: number | null;
    latency_p95_ms: number | null;
    latency_p99_ms: number | null;
    latency_p999_ms: number | null;
  };
  activated_by: string;
}
interface AuditEntryBody {
  action: string;
  actor: string;
  recommendation_id: string | null;
  selected_tier: string | null;
  rationale: string | null;
}

// Low-criticality services are what the rule approves; checkout (medium) is not.
const GRAPH = {
  source: 'manual',
  timestamp: new Date().toISOString(),
  nodes: [
    { service_id: 'reviews', metadata: { team: 'social', criticality: 'low' } },
    { service_id: 'wishlist', metadata: { team: 'growth', criticality: 'low' } },
    { service_id: 'ledger', metadata: { team: 'finance', criticality: 'low' } },
    { service_id: 'checkout', metadata: { team: 'payments', criticality: 'medium' } },
  ],
  edges: [
    { source: 'checkout', target: 'reviews', attributes: { criticality: 'soft' } },
    { source: 'checkout', target: 'ledger', attributes: { criticality: 'hard' } },
  ],
};

const LOW_BALANCED = { criticality: ['low'], confidence_min: 0.9, tier: 'balanced' };
const ADMIN_USER = { sub: 'sre-1', email: 'sre.admin@example.com', roles: ['sre_admin'] };

describe('auto-approval rules (FR-11)', () => {
  let api: ApiFixture;
  let admin: { authorization: string };
  let rule: RuleBody;

  beforeAll(async () => {
    api = await createApiFixture();
    await api.ingest(GRAPH);
    admin = await api.asUser(ADMIN_USER);
  });
  afterAll(() => api.close());

  const ruleRows = async (): Promise<number> => {
    const [row] = await api.dataSource.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM auto_approval_rules',
    );
    return row.count;
  };
  const recommend = async (serviceId: string): Promise<RecommendationsBody> =>
    expectJson<RecommendationsBody>(
      await api.request({ method: 'GET', url: `${API}/services/${serviceId}/slo-recommendations` }),
    );
  const activeSlo = (serviceId: string): Promise<InjectResponse> =>
    api.request({ method: 'GET', url: `${API}/services/${serviceId}/slos` });
  const history = async (serviceId: string): Promise<AuditEntryBody[]> =>
    expectJson<{ items: AuditEntryBody[] }>(
      await api.request({
        method: 'GET',
        url: `${API}/services/${serviceId}/slo-history`,
        headers: admin,
      }),
    ).items;

  it('refuses invalid rules with a problem naming each field, and stores nothing', async () => {
    const cases: Array<[unknown, string[]]> = [
      [{ name: 'x', conditions: LOW_BALANCED, owner: 'me' }, ['owner']],
      [{ name: 'x', conditions: { ...LOW_BALANCED, extra: 1 } }, ['conditions.extra']],
      [{ name: 'x' }, ['conditions']],
      [{ name: 'x', conditions: null }, ['conditions']],
      [{ conditions: LOW_BALANCED }, ['name']],
      [{ name: 'has space', conditions: LOW_BALANCED }, ['name']],
      [{ name: 'x', conditions: LOW_BALANCED, enabled: 'yes' }, ['enabled']],
      [{ name: 'x', conditions: LOW_BALANCED, enabled: null }, ['enabled']],
      [
        { name: 'x', conditions: { ...LOW_BALANCED, criticality: ['low', 'tiny'] } },
        ['conditions.criticality[1]'],
      ],
      [{ name: 'x', conditions: { ...LOW_BALANCED, criticality: [] } }, ['conditions.criticality']],
      [
        { name: 'x', conditions: { ...LOW_BALANCED, confidence_min: 1.5 } },
        ['conditions.confidence_min'],
      ],
      [
        { name: 'x', conditions: { ...LOW_BALANCED, confidence_min: '0.9' } },
        ['conditions.confidence_min'],
      ],
      [{ name: 'x', conditions: { ...LOW_BALANCED, tier: 'greedy' } }, ['conditions.tier']],
      [{ name: 'x', conditions: { ...LOW_BALANCED, teams: [] } }, ['conditions.teams']],
      [
        { name: 'x', conditions: { ...LOW_BALANCED, sli_types: ['throughput'] } },
        ['conditions.sli_types[0]'],
      ],
    ];
    for (const [payload, fields] of cases) {
      const problem = expectProblem(
        await api.request({ method: 'POST', url: RULES, payload: payload as object }),
        400,
      );
      expect({ payload, fields: [...new Set(problemFields(problem))] }).toEqual({
        payload,
        fields,
      });
    }
    expect(await ruleRows()).toBe(0);
    expect(
      expectJson<{ items: RuleBody[] }>(await api.request({ method: 'GET', url: RULES })).items,
    ).toEqual([]);
  });

  it('creates a rule disabled, by the caller, and refuses a second one of that name', async () => {
    const response = await api.request({
      method: 'POST',
      url: RULES,
      payload: { name: 'low-crit', conditions: LOW_BALANCED },
    });
    rule = expectJson<RuleBody>(response, 201);

    expect(rule).toMatchObject({
      name: 'low-crit',
      enabled: false,
      actor: 'system:auto-approval:low-crit',
      conditions: {
        criticality: ['low'],
        confidence_min: 0.9,
        tier: 'balanced',
        teams: null,
        sli_types: ['availability', 'latency'],
      },
    });
    expect(rule.created_by).toMatch(/^api-key:/);
    expect(rule.updated_by).toBe(rule.created_by);
    expect(
      expectJson<RuleBody>(await api.request({ method: 'GET', url: `${RULES}/${rule.id}` })),
    ).toEqual(rule);

    expectProblem(
      await api.request({
        method: 'POST',
        url: RULES,
        headers: admin,
        payload: { name: 'low-crit', conditions: LOW_BALANCED, enabled: true },
      }),
      409,
      'AUTO_APPROVAL.NAME_TAKEN',
    );
    expect(await ruleRows()).toBe(1);
  });

  it('lets only sre_admin manage rules', async () => {
    for (const roles of [['viewer'], ['service_owner']]) {
      const headers = await api.asUser({ sub: `u-${roles[0]}`, roles, groups: ['social'] });
      expectProblem(await api.request({ method: 'GET', url: RULES, headers }), 403);
      expectProblem(
        await api.request({
          method: 'POST',
          url: RULES,
          headers,
          payload: { name: 'sneaky', conditions: LOW_BALANCED, enabled: true },
        }),
        403,
      );
    }
    expect(await ruleRows()).toBe(1);
  });

  it('approves nothing while the rule is disabled', async () => {
    const generated = await recommend('wishlist');
    expect(generated.source).toBe('generated');

    expectProblem(await activeSlo('wishlist'), 404, 'SLO.NOT_FOUND');
    expect(await history('wishlist')).toEqual([]);
  });

  it('dry-runs a stored rule and an unsaved body: the matches, without side effects', async () => {
    const current = await recommend('wishlist');
    const [availability, latency] = current.recommendations;

    const stored = expectJson<DryRunBody>(
      await api.request({ method: 'POST', url: `${RULES}/${rule.id}/dry-run` }),
    );

    expect(stored.rule).toMatchObject({ id: rule.id, name: 'low-crit', enabled: false });
    expect(stored.would_approve).toEqual(
      expect.arrayContaining([
        {
          service_id: 'wishlist',
          recommendation_id: availability.recommendation_id,
          sli_type: 'availability',
          criticality: 'low',
          team: 'growth',
          confidence: 1,
          tier: 'balanced',
          target: availability.tiers.balanced.target,
          unit: 'percent',
          percentile: null,
          active_slo_set_by: null,
        },
        expect.objectContaining({
          service_id: 'wishlist',
          recommendation_id: latency.recommendation_id,
          target: latency.tiers.balanced.target_ms,
          unit: 'ms',
          percentile: latency.tiers.balanced.percentile,
        }),
      ]),
    );
    expect(stored.would_approve.every((match) => match.criticality === 'low')).toBe(true);

    const unsaved = expectJson<DryRunBody>(
      await api.request({
        method: 'POST',
        url: `${RULES}/dry-run`,
        payload: {
          name: 'preview',
          conditions: { ...LOW_BALANCED, teams: ['growth'], sli_types: ['availability'] },
        },
      }),
    );
    expect(unsaved.rule).toMatchObject({ id: null, name: 'preview', enabled: null });
    expect(unsaved.would_approve.map((m) => [m.service_id, m.sli_type])).toEqual([
      ['wishlist', 'availability'],
    ]);

    expectProblem(await activeSlo('wishlist'), 404, 'SLO.NOT_FOUND');
    expect(await history('wishlist')).toEqual([]);
    expect(await ruleRows()).toBe(1);
    expect((await recommend('wishlist')).source).toBe('cache');
    const invalid = expectProblem(
      await api.request({
        method: 'POST',
        url: `${RULES}/dry-run`,
        payload: { conditions: { ...LOW_BALANCED, tier: 'greedy' }, enabled: true },
      }),
      400,
    );
    expect(problemFields(invalid)).toEqual(['enabled']);
    expectProblem(
      await api.request({
        method: 'POST',
        url: `${RULES}/7d1c5f9e-0000-4000-8000-00000000abcd/dry-run`,
      }),
      404,
      'AUTO_APPROVAL.RULE_NOT_FOUND',
    );
  });

  it('AC-011: once enabled, a generated low-criticality recommendation is auto-approved and audited', async () => {
    // ledger gets a human SLO first: the rule must leave it alone.
    const ledger = await recommend('ledger');
    expectJson(
      await api.request({
        method: 'POST',
        url: `${API}/services/ledger/slos`,
        headers: admin,
        payload: {
          recommendation_id: ledger.recommendations[0].recommendation_id,
          action: 'accept',
          selected_tier: 'conservative',
        },
      }),
      201,
    );

    const enabled = expectJson<RuleBody>(
      await api.request({
        method: 'PATCH',
        url: `${RULES}/${rule.id}`,
        headers: admin,
        payload: { enabled: true },
      }),
    );
    expect(enabled).toMatchObject({
      enabled: true,
      created_by: rule.created_by,
      updated_by: 'sre.admin@example.com',
    });

    const generated = await recommend('reviews');
    expect(generated.source).toBe('generated');
    const [availability, latency] = generated.recommendations;

    const slo = expectJson<ActiveSloBody>(await activeSlo('reviews'));
    expect(slo.activated_by).toBe('system:auto-approval:low-crit');
    expect(slo.targets.availability).toBe(availability.tiers.balanced.target);
    expect(slo.targets.latency_p99_ms).toBe(Math.ceil(latency.tiers.balanced.target_ms!));
    const entries = await history('reviews');
    expect(entries.map((e) => [e.action, e.actor, e.selected_tier, e.recommendation_id])).toEqual([
      ['auto_approve', 'system:auto-approval:low-crit', 'balanced', latency.recommendation_id],
      ['auto_approve', 'system:auto-approval:low-crit', 'balanced', availability.recommendation_id],
    ]);
    expect(entries[1].rationale).toMatch(
      /^Auto-approved by rule "low-crit" at the balanced tier: criticality in \[low\] \(was low\), confidence >= 0\.9 \(was 1\)/,
    );

    // A medium-criticality service is not approved.
    expect((await recommend('checkout')).source).toBe('generated');
    expectProblem(await activeSlo('checkout'), 404, 'SLO.NOT_FOUND');
    expect(await history('checkout')).toEqual([]);

    // The SLO a person set is never overridden.
    expect((await recommend('ledger')).source).toBe('generated');
    expect(expectJson<ActiveSloBody>(await activeSlo('ledger')).activated_by).toBe(
      'sre.admin@example.com',
    );
    expect((await history('ledger')).map((e) => e.action)).toEqual(['accept']);

    // Regenerating with the same targets does not approve again.
    expect((await recommend('reviews')).source).toBe('generated');
    expect(await history('reviews')).toHaveLength(2);

    const metrics = await api.request({ method: 'GET', url: '/metrics' });
    expect(metrics.body).toMatch(
      /slo_engine_auto_approval_outcomes_total\{status="approved",reason=""\} 2/,
    );
    expect(metrics.body).toMatch(
      /slo_engine_auto_approval_outcomes_total\{status="held",reason="human_slo"\} [1-9]/,
    );
  });

  it('renames, disables and deletes rules; past decisions keep their actor', async () => {
    const invalid = expectProblem(
      await api.request({ method: 'PATCH', url: `${RULES}/${rule.id}`, payload: {} }),
      400,
    );
    expect(problemFields(invalid)).toEqual(['body']);
    expectProblem(
      await api.request({ method: 'PATCH', url: `${RULES}/${rule.id}`, payload: { priority: 1 } }),
      400,
    );
    const other = expectJson<RuleBody>(
      await api.request({
        method: 'POST',
        url: RULES,
        payload: { name: 'b-other', conditions: { ...LOW_BALANCED, tier: 'aggressive' } },
      }),
      201,
    );
    expectProblem(
      await api.request({
        method: 'PATCH',
        url: `${RULES}/${other.id}`,
        payload: { name: 'low-crit' },
      }),
      409,
      'AUTO_APPROVAL.NAME_TAKEN',
    );
    const list = expectJson<{ items: RuleBody[] }>(
      await api.request({ method: 'GET', url: RULES }),
    );
    expect(list.items.map((r) => [r.name, r.enabled])).toEqual([
      ['b-other', false],
      ['low-crit', true],
    ]);

    expect(
      expectJson<RuleBody>(
        await api.request({
          method: 'PATCH',
          url: `${RULES}/${rule.id}`,
          payload: { enabled: false },
        }),
      ).enabled,
    ).toBe(false);
    for (const id of [rule.id, other.id]) {
      const deleted = await api.request({ method: 'DELETE', url: `${RULES}/${id}` });
      expect(deleted.statusCode).toBe(204);
    }
    expectProblem(
      await api.request({ method: 'GET', url: `${RULES}/${rule.id}` }),
      404,
      'AUTO_APPROVAL.RULE_NOT_FOUND',
    );
    expectProblem(await api.request({ method: 'DELETE', url: `${RULES}/not-a-uuid` }), 404);
    expect(await ruleRows()).toBe(0);
    expect((await history('reviews')).map((e) => e.actor)).toEqual([
      'system:auto-approval:low-crit',
      'system:auto-approval:low-crit',
    ]);
  });
});
