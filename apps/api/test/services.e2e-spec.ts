/**
 * GET /api/v1/services (cursor pagination, filters) and GET /api/v1/services/:id/dependencies
 * (direction, depth, truncation, external services, cycle membership, edge annotations) on a small
 * graph whose every answer is known by hand.
 */
import {
  API,
  type ApiFixture,
  createApiFixture,
  expectJson,
  expectProblem,
  type PageBody,
  problemFields,
  type ServiceBody,
  type SubgraphBody,
  type SubgraphEdgeBody,
  sorted,
} from './api-fixture';

/*
 * web ──► checkout ──► payment ──► stripe (external)
 *             │           ├──► payments-db-a ┐ redundancy group payments-db
 *             │           ├──► payments-db-b ┘
 *             │           └──► legacy-ledger (placeholder: named only by this edge)
 *             ▼
 * admin ──► orders ──► inventory ──► fulfilment ──► shipping ──► carrier-api (external)
 *             ▲                          │
 *             └──────────────────────────┘   (cycle: orders, inventory, fulfilment)
 */
const NOW = new Date().toISOString();
const GRAPH = {
  source: 'manual',
  timestamp: NOW,
  nodes: [
    { service_id: 'web', metadata: { team: 'frontend', criticality: 'critical', tier: 1 } },
    { service_id: 'admin', metadata: { team: 'backoffice', criticality: 'low' } },
    { service_id: 'checkout', metadata: { team: 'payments', criticality: 'high' } },
    { service_id: 'payment', metadata: { team: 'payments', criticality: 'critical' } },
    {
      service_id: 'stripe',
      metadata: { service_type: 'external', published_sla: 0.9999, costCenter: 'cc-42' },
    },
    { service_id: 'payments-db-a', metadata: { team: 'payments', criticality: 'high' } },
    { service_id: 'payments-db-b', metadata: { team: 'payments', criticality: 'high' } },
    { service_id: 'orders', metadata: { team: 'orders', criticality: 'high' } },
    { service_id: 'inventory', metadata: { team: 'orders' } },
    { service_id: 'fulfilment', metadata: { team: 'logistics' } },
    { service_id: 'shipping', metadata: { team: 'logistics', criticality: 'low' } },
    { service_id: 'carrier-api', metadata: { team: 'logistics', service_type: 'external' } },
  ],
  edges: [
    {
      source: 'web',
      target: 'checkout',
      attributes: {
        protocol: 'http',
        timeout_ms: 3000,
        retry_config: { max_retries: 2, backoff_strategy: 'exponential' },
      },
    },
    { source: 'admin', target: 'orders' },
    { source: 'checkout', target: 'payment', attributes: { protocol: 'grpc' } },
    { source: 'checkout', target: 'orders' },
    { source: 'payment', target: 'stripe', attributes: { protocol: 'http', timeout_ms: 10_000 } },
    {
      source: 'payment',
      target: 'payments-db-a',
      attributes: { redundancy_group: 'payments-db' },
      confidence_score: 0.9,
    },
    {
      source: 'payment',
      target: 'payments-db-b',
      attributes: { redundancy_group: 'payments-db' },
      confidence_score: 0.8,
    },
    {
      source: 'payment',
      target: 'legacy-ledger',
      attributes: { communication_mode: 'async', criticality: 'soft', protocol: 'kafka' },
      confidence_score: 0.5,
    },
    { source: 'orders', target: 'inventory' },
    { source: 'inventory', target: 'fulfilment' },
    { source: 'fulfilment', target: 'orders', attributes: { criticality: 'degraded' } },
    { source: 'fulfilment', target: 'shipping' },
    { source: 'shipping', target: 'carrier-api' },
  ],
};
const ALL_IDS = sorted([...GRAPH.nodes.map((n) => n.service_id), 'legacy-ledger']);
const CYCLE = ['fulfilment', 'inventory', 'orders'];

const ids = (nodes: ReadonlyArray<{ service_id: string }>): string[] =>
  sorted(nodes.map((n) => n.service_id));
const pairs = (edges: readonly SubgraphEdgeBody[]): string[] =>
  sorted(edges.map((e) => `${e.source}>${e.target}`));

describe('services and dependency subgraphs (e2e)', () => {
  let api: ApiFixture;

  const get = (url: string) => api.request({ method: 'GET', url });
  const subgraph = async (serviceId: string, query = ''): Promise<SubgraphBody> =>
    expectJson<SubgraphBody>(await get(`${API}/services/${serviceId}/dependencies${query}`));
  const list = async (query = ''): Promise<PageBody<ServiceBody>> =>
    expectJson<PageBody<ServiceBody>>(await get(`${API}/services${query}`));
  /** Every page of a listing, following next_cursor. */
  const listAll = async (query: string, limit: number): Promise<ServiceBody[][]> => {
    const pages: ServiceBody[][] = [];
    let cursor: string | null = null;
    do {
      const params = new URLSearchParams(query);
      params.set('limit', String(limit));
      if (cursor !== null) params.set('cursor', cursor);
      const page = await list(`?${params.toString()}`);
      pages.push([...page.items]);
      cursor = page.next_cursor;
      expect(pages.length).toBeLessThanOrEqual(ALL_IDS.length + 1); // no endless loop
    } while (cursor !== null);
    return pages;
  };

  beforeAll(async () => {
    api = await createApiFixture();
    await api.ingest(GRAPH);
    // A second source observes one edge: sources merge, the best confidence wins.
    await api.ingest({
      source: 'service_mesh',
      timestamp: NOW,
      nodes: [],
      edges: [
        {
          source: 'payment',
          target: 'payments-db-a',
          attributes: { redundancy_group: 'payments-db' },
          confidence_score: 0.95,
        },
      ],
    });
  });
  afterAll(() => api.close());

  describe('GET /services', () => {
    it('pages through every service in id order with limit=2, without duplicates', async () => {
      const pages = await listAll('', 2);
      expect(pages).toHaveLength(Math.ceil(ALL_IDS.length / 2));
      for (const page of pages.slice(0, -1)) expect(page).toHaveLength(2);
      const seen = pages.flat().map((s) => s.service_id);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen).toEqual(ALL_IDS);
    });

    it('exports the graph size for the shrinking-graph alert (spec 004 §11.2)', async () => {
      const metrics = await api.request({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toContain(`slo_engine_dependency_graph_nodes ${ALL_IDS.length}\n`);
      expect(metrics.body).toMatch(/^slo_engine_dependency_graph_edges [1-9]\d*$/m);
    });

    it('answers a full page with next_cursor null when everything fits', async () => {
      const page = await list();
      expect(page.next_cursor).toBeNull();
      expect(page.items.map((s) => s.service_id)).toEqual(ALL_IDS);
    });

    it('presents each service with its metadata, extra keys kept verbatim', async () => {
      const byId = new Map((await list()).items.map((s) => [s.service_id, s]));
      expect(byId.get('stripe')).toEqual({
        service_id: 'stripe',
        team: null,
        criticality: 'medium',
        service_type: 'external',
        discovered: false,
        metadata: { service_type: 'external', published_sla: 0.9999, costCenter: 'cc-42' },
        created_at: expect.any(String) as unknown,
        updated_at: expect.any(String) as unknown,
      });
      expect(byId.get('web')).toMatchObject({
        team: 'frontend',
        criticality: 'critical',
        service_type: 'internal',
        metadata: { team: 'frontend', criticality: 'critical', tier: 1 },
      });
    });

    it.each([
      ['team=payments', ['checkout', 'payment', 'payments-db-a', 'payments-db-b']],
      ['criticality=critical', ['payment', 'web']],
      ['criticality=medium', ['carrier-api', 'fulfilment', 'inventory', 'legacy-ledger', 'stripe']],
      ['team=payments&criticality=high', ['checkout', 'payments-db-a', 'payments-db-b']],
      ['discovered=true', ['legacy-ledger']],
      ['discovered=false', ALL_IDS.filter((id) => id !== 'legacy-ledger')],
      ['team=nobody', []],
    ])('filters by %s', async (query, expected) => {
      const page = await list(`?${query}`);
      expect(page.items.map((s) => s.service_id)).toEqual(expected);
      expect(page.next_cursor).toBeNull();
    });

    it('pages through a filtered listing', async () => {
      const pages = await listAll('team=payments', 3);
      expect(pages.map((page) => page.map((s) => s.service_id))).toEqual([
        ['checkout', 'payment', 'payments-db-a'],
        ['payments-db-b'],
      ]);
    });

    it('rejects a cursor it did not issue with a 400 problem', async () => {
      for (const cursor of ['not-a-cursor', Buffer.from('["a","b"]').toString('base64url')]) {
        expectProblem(
          await get(`${API}/services?cursor=${cursor}`),
          400,
          'VALIDATION.INVALID_CURSOR',
        );
      }
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=501', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=1.5', 'limit'],
      ['criticality=urgent', 'criticality'],
      ['discovered=maybe', 'discovered'],
      [`team=${'t'.repeat(256)}`, 'team'],
      [`cursor=${'c'.repeat(513)}`, 'cursor'],
      ['colour=red', 'colour'],
    ])('?%s → 400 naming %s', async (query, field) => {
      const problem = expectProblem(
        await get(`${API}/services?${query}`),
        400,
        'VALIDATION.INVALID_INPUT',
      );
      expect(problem.instance).toBe(`${API}/services`);
      expect(new Set(problemFields(problem))).toEqual(new Set([field]));
    });

    it('accepts the page-size bounds limit=1 and limit=500', async () => {
      expect((await list('?limit=1')).items).toHaveLength(1);
      expect((await list('?limit=500')).items).toHaveLength(ALL_IDS.length);
    });
  });

  describe('GET /services/:id/dependencies', () => {
    it('defaults to both directions, depth 3, externals included', async () => {
      const g = await subgraph('payment');
      expect(g).toMatchObject({
        direction: 'both',
        depth: 3,
        include_external: true,
        graph_version: expect.any(Number) as unknown,
      });
      expect(g.service).toMatchObject({ service_id: 'payment', team: 'payments' });
      expect(g.nodes[0]).toMatchObject({ service_id: 'payment', depth: 0 });
    });

    it('walks downstream: what the service calls, hop by hop', async () => {
      const g = await subgraph('checkout', '?direction=downstream&depth=1');
      expect(ids(g.nodes)).toEqual(['checkout', 'orders', 'payment']);
      expect(pairs(g.edges)).toEqual(['checkout>orders', 'checkout>payment']);
      expect(g.truncated).toBe(true);
      expect(g.nodes[0]).toMatchObject({ service_id: 'checkout', depth: 0 });
      expect(g.nodes.slice(1).map((n) => n.depth)).toEqual([1, 1]);
    });

    it('depth=3 downstream reaches three hops and says it was cut', async () => {
      const g = await subgraph('checkout', '?direction=downstream&depth=3');
      expect(ids(g.nodes)).toEqual(
        sorted([
          'checkout',
          'payment',
          'orders',
          'stripe',
          'payments-db-a',
          'payments-db-b',
          'legacy-ledger',
          'inventory',
          'fulfilment',
        ]),
      );
      const depthOf = new Map(g.nodes.map((n) => [n.service_id, n.depth]));
      expect(depthOf.get('inventory')).toBe(2);
      expect(depthOf.get('fulfilment')).toBe(3);
      // fulfilment → shipping lies beyond the depth limit.
      expect(g.truncated).toBe(true);
      // Every edge between returned services, the cycle's closing edge included.
      expect(pairs(g.edges)).toEqual(
        sorted([
          'checkout>payment',
          'checkout>orders',
          'payment>stripe',
          'payment>payments-db-a',
          'payment>payments-db-b',
          'payment>legacy-ledger',
          'orders>inventory',
          'inventory>fulfilment',
          'fulfilment>orders',
        ]),
      );
    });

    it('depth deep enough reaches the end and is not truncated', async () => {
      const g = await subgraph('checkout', '?direction=downstream&depth=5');
      expect(ids(g.nodes)).toContain('carrier-api');
      expect(g.nodes.find((n) => n.service_id === 'carrier-api')?.depth).toBe(5);
      expect(g.truncated).toBe(false);
      const max = await subgraph('checkout', '?direction=downstream&depth=10');
      expect(ids(max.nodes)).toEqual(ids(g.nodes));
      expect(max.truncated).toBe(false);
    });

    it('walks upstream: who calls the service', async () => {
      const one = await subgraph('orders', '?direction=upstream&depth=1');
      expect(ids(one.nodes)).toEqual(['admin', 'checkout', 'fulfilment', 'orders']);
      expect(one.truncated).toBe(true);

      const three = await subgraph('orders', '?direction=upstream&depth=3');
      expect(ids(three.nodes)).toEqual(
        sorted(['orders', 'admin', 'checkout', 'fulfilment', 'web', 'inventory']),
      );
      expect(three.truncated).toBe(false);
      expect(three.direction).toBe('upstream');
    });

    it('walks both ways at once', async () => {
      const g = await subgraph('payment', '?direction=both&depth=1');
      expect(ids(g.nodes)).toEqual(
        sorted([
          'payment',
          'checkout',
          'stripe',
          'payments-db-a',
          'payments-db-b',
          'legacy-ledger',
        ]),
      );
      expect(pairs(g.edges)).toEqual(
        sorted([
          'checkout>payment',
          'payment>stripe',
          'payment>payments-db-a',
          'payment>payments-db-b',
          'payment>legacy-ledger',
        ]),
      );
    });

    it('include_external=false leaves external services and their edges out', async () => {
      const withExternal = await subgraph('checkout', '?direction=downstream&depth=10');
      expect(ids(withExternal.nodes)).toEqual(expect.arrayContaining(['stripe', 'carrier-api']));

      const g = await subgraph('checkout', '?direction=downstream&depth=10&include_external=false');
      expect(g.include_external).toBe(false);
      expect(ids(g.nodes)).toEqual(
        ids(withExternal.nodes).filter((id) => id !== 'stripe' && id !== 'carrier-api'),
      );
      expect(g.edges.every((e) => e.target !== 'stripe' && e.target !== 'carrier-api')).toBe(true);
      expect(g.nodes.every((n) => n.service_type === 'internal')).toBe(true);
    });

    it('an external root with include_external=false answers just the service', async () => {
      const g = await subgraph('stripe', '?include_external=false');
      expect(ids(g.nodes)).toEqual(['stripe']);
      expect(g.edges).toEqual([]);
      expect(g.truncated).toBe(false);
    });

    it('marks cycle membership on nodes and edges and lists the cycle with its path', async () => {
      const g = await subgraph('checkout', '?direction=downstream&depth=4');
      const cycleId = 'cycle:fulfilment';
      for (const n of g.nodes) {
        expect([n.service_id, n.cycle_id]).toEqual([
          n.service_id,
          CYCLE.includes(n.service_id) ? cycleId : null,
        ]);
      }
      for (const e of g.edges) {
        const inside = CYCLE.includes(e.source) && CYCLE.includes(e.target);
        expect([e.source, e.target, e.in_cycle]).toEqual([e.source, e.target, inside]);
      }
      expect(g.cycles).toHaveLength(1);
      const [cycle] = g.cycles;
      expect(cycle.cycle_id).toBe(cycleId);
      expect(cycle.members).toEqual(CYCLE);
      // e.g. ["fulfilment", "orders", "inventory", "fulfilment"]: closed, along real edges.
      expect(cycle.path).toHaveLength(4);
      expect(cycle.path[0]).toBe(cycle.path[3]);
      expect(sorted(cycle.path.slice(0, 3))).toEqual(CYCLE);
      const edgeSet = new Set(GRAPH.edges.map((e) => `${e.source}>${e.target}`));
      for (let i = 0; i < 3; i++)
        expect(edgeSet).toContain(`${cycle.path[i]}>${cycle.path[i + 1]}`);
    });

    it('lists a cycle when only part of it is returned', async () => {
      const g = await subgraph('admin', '?direction=downstream&depth=1');
      expect(ids(g.nodes)).toEqual(['admin', 'orders']);
      expect(g.cycles.map((c) => c.members)).toEqual([CYCLE]);
      expect(g.edges).toEqual([expect.objectContaining({ source: 'admin', in_cycle: false })]);
    });

    it('a service outside any cycle has no cycle', async () => {
      const g = await subgraph('web', '?direction=downstream&depth=1');
      expect(g.cycles).toEqual([]);
      expect(g.nodes.every((n) => n.cycle_id === null)).toBe(true);
    });

    it('annotates edges: attributes, defaults, redundancy group, sources and confidence', async () => {
      const g = await subgraph('web', '?direction=downstream&depth=3');
      const edge = (source: string, target: string): SubgraphEdgeBody | undefined =>
        g.edges.find((e) => e.source === source && e.target === target);

      expect(edge('web', 'checkout')).toEqual({
        source: 'web',
        target: 'checkout',
        communication_mode: 'sync',
        criticality: 'hard',
        protocol: 'http',
        timeout_ms: 3000,
        retry_config: { max_retries: 2, backoff_strategy: 'exponential' },
        redundancy_group: null,
        discovery_sources: ['manual'],
        confidence_score: 1,
        last_observed_at: expect.stringMatching(/Z$/) as unknown,
        in_cycle: false,
      });
      expect(edge('checkout', 'orders')).toMatchObject({
        communication_mode: 'sync',
        criticality: 'hard',
        protocol: null,
        timeout_ms: null,
        retry_config: null,
        redundancy_group: null,
      });
      expect(edge('payment', 'payments-db-a')).toMatchObject({
        redundancy_group: 'payments-db',
        discovery_sources: ['manual', 'service_mesh'],
        confidence_score: 0.95,
      });
      expect(edge('payment', 'payments-db-b')).toMatchObject({
        redundancy_group: 'payments-db',
        discovery_sources: ['manual'],
        confidence_score: 0.8,
      });
      expect(edge('payment', 'legacy-ledger')).toMatchObject({
        communication_mode: 'async',
        criticality: 'soft',
        protocol: 'kafka',
        confidence_score: 0.5,
      });
      const ledger = g.nodes.find((n) => n.service_id === 'legacy-ledger');
      expect(ledger).toMatchObject({ discovered: true, depth: 3, metadata: {} });
    });

    it('answers 404 for an unknown service', async () => {
      const problem = expectProblem(
        await get(`${API}/services/no-such-service/dependencies`),
        404,
        'GRAPH.SERVICE_NOT_FOUND',
      );
      expect(problem).toMatchObject({
        type: 'https://slo-engine.dev/problems/graph-service-not-found',
        title: 'Service not found',
        instance: `${API}/services/no-such-service/dependencies`,
      });
      expect(problem.detail).toContain('no-such-service');
    });

    it.each([
      ['depth=0', 'depth'],
      ['depth=11', 'depth'],
      ['depth=abc', 'depth'],
      ['depth=2.5', 'depth'],
      ['depth=-1', 'depth'],
      ['direction=sideways', 'direction'],
      ['direction=', 'direction'],
      ['include_external=maybe', 'include_external'],
      ['include_external=1', 'include_external'],
      ['hops=2', 'hops'],
    ])('?%s → 400 naming %s', async (query, field) => {
      const problem = expectProblem(
        await get(`${API}/services/payment/dependencies?${query}`),
        400,
        'VALIDATION.INVALID_INPUT',
      );
      expect(new Set(problemFields(problem))).toEqual(new Set([field]));
    });

    it('validates the query before looking the service up', async () => {
      expectProblem(
        await get(`${API}/services/no-such-service/dependencies?depth=0`),
        400,
        'VALIDATION.INVALID_INPUT',
      );
    });
  });
});
