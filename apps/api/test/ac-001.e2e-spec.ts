/**
 * Spec 004 AC-001: "Given a dependency graph of 500 services is submitted via API, When ingestion
 * completes, Then all nodes and edges are stored with correct annotations, and circular
 * dependencies are detected and reported."
 *
 * The graph is generated from a seed: 500 services, 1,500 edges, acyclic except for three planted
 * cycles (3, 4 and 5 services). Acyclic by construction: every random edge goes from a lower rank
 * to a higher one, and the members of a planted cycle share one rank, so the only strongly
 * connected components are the planted rings.
 */
import {
  API,
  type ApiFixture,
  type CycleAlertBody,
  createApiFixture,
  expectJson,
  type IngestionBody,
  type PageBody,
  seededRandom,
  sorted,
  type SubgraphBody,
  SUBMIT_URL,
} from './api-fixture';

const SERVICES = 500;
const EDGES = 1_500;
const SEED = 20_260_214;

const TEAMS = ['payments', 'checkout', 'search', 'identity', 'catalog', 'platform', 'logistics'];
const CRITICALITIES = ['critical', 'high', 'medium', 'low'] as const;
const PROTOCOLS = ['grpc', 'http', 'kafka'] as const;

interface GeneratedNode {
  service_id: string;
  metadata: {
    team: string;
    criticality: (typeof CRITICALITIES)[number];
    tier: number;
    namespace: string;
    service_type?: 'external';
    published_sla?: number;
  };
}

interface GeneratedEdge {
  source: string;
  target: string;
  attributes: {
    communication_mode: 'sync' | 'async';
    criticality: 'hard' | 'soft' | 'degraded';
    protocol: string;
    timeout_ms: number;
    retry_config?: { max_retries: number; backoff_strategy: string };
    redundancy_group?: string;
  };
  confidence_score: number;
}

const id = (i: number): string => `svc-${String(i).padStart(3, '0')}`;

/** Planted cycles: consecutive indices, each ring sharing the rank of its first member. */
const PLANTED = [
  [100, 101, 102],
  [250, 251, 252, 253],
  [400, 401, 402, 403, 404],
].map((ring) => ring.map(id));

function generateGraph(): { nodes: GeneratedNode[]; edges: GeneratedEdge[] } {
  const random = seededRandom(SEED);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];

  const nodes: GeneratedNode[] = Array.from({ length: SERVICES }, (_, i) => {
    const external = i % 50 === 49; // svc-049, svc-099, …: third-party APIs
    return {
      service_id: id(i),
      metadata: {
        team: pick(TEAMS),
        criticality: pick(CRITICALITIES),
        tier: Math.floor(random() * 4),
        namespace: i % 2 === 0 ? 'production' : 'shared',
        ...(external
          ? { service_type: 'external' as const, published_sla: pick([0.999, 0.9995, 0.9999]) }
          : {}),
      },
    };
  });

  const rank = new Map<string, number>();
  for (let i = 0; i < SERVICES; i++) rank.set(id(i), i);
  for (const ring of PLANTED) for (const member of ring) rank.set(member, rank.get(ring[0]) ?? 0);

  const annotate = (): GeneratedEdge['attributes'] => {
    const roll = random();
    return {
      communication_mode: roll < 0.8 ? 'sync' : 'async',
      criticality: pick(['hard', 'hard', 'hard', 'soft', 'degraded'] as const),
      protocol: pick(PROTOCOLS),
      timeout_ms: 100 * (1 + Math.floor(random() * 100)),
      ...(random() < 0.5
        ? {
            retry_config: {
              max_retries: Math.floor(random() * 5),
              backoff_strategy: 'exponential',
            },
          }
        : {}),
      ...(random() < 0.1 ? { redundancy_group: `group-${Math.floor(random() * 20)}` } : {}),
    };
  };
  const confidence = (): number => Math.round((0.5 + random() / 2) * 100) / 100;

  const edges: GeneratedEdge[] = [];
  const seen = new Set<string>();
  for (const ring of PLANTED) {
    ring.forEach((source, k) => {
      const target = ring[(k + 1) % ring.length];
      seen.add(`${source}>${target}`);
      edges.push({ source, target, attributes: annotate(), confidence_score: confidence() });
    });
  }
  while (edges.length < EDGES) {
    const a = id(Math.floor(random() * SERVICES));
    const b = id(Math.floor(random() * SERVICES));
    const [source, target] = (rank.get(a) ?? 0) < (rank.get(b) ?? 0) ? [a, b] : [b, a];
    if (rank.get(source) === rank.get(target)) continue; // same service or same ring
    const key = `${source}>${target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    edges.push({ source, target, attributes: annotate(), confidence_score: confidence() });
  }
  return { nodes, edges };
}

/** The wire form of an edge as the API answers it (defaults filled in). */
function expectedWireEdge(edge: GeneratedEdge): Record<string, unknown> {
  const a = edge.attributes;
  return {
    source: edge.source,
    target: edge.target,
    communication_mode: a.communication_mode,
    criticality: a.criticality,
    protocol: a.protocol,
    timeout_ms: a.timeout_ms,
    retry_config: a.retry_config ?? null,
    redundancy_group: a.redundancy_group ?? null,
    discovery_sources: ['manual'],
    confidence_score: edge.confidence_score,
  };
}

describe('AC-001: a 500-service graph with cycles, submitted over HTTP (e2e)', () => {
  const graph = generateGraph();
  const ringOf = new Map(PLANTED.flatMap((ring) => ring.map((member) => [member, sorted(ring)])));
  let api: ApiFixture;
  let done: IngestionBody;

  beforeAll(async () => {
    api = await createApiFixture();
    const response = await api.request({
      method: 'POST',
      url: SUBMIT_URL,
      payload: { source: 'manual', timestamp: new Date().toISOString(), ...graph },
    });
    expect(response.statusCode).toBe(202);
    const accepted = response.json<{ ingestion_id: string; nodes_received: number }>();
    expect(accepted).toMatchObject({ nodes_received: SERVICES, edges_received: EDGES });
    done = await api.waitForIngestion(accepted.ingestion_id);
  });
  afterAll(() => api.close());

  it('generates what it claims: 500 services, 1,500 distinct edges, no self-loops', () => {
    expect(graph.nodes).toHaveLength(SERVICES);
    expect(graph.edges).toHaveLength(EDGES);
    expect(new Set(graph.edges.map((e) => `${e.source}>${e.target}`)).size).toBe(EDGES);
    expect(graph.edges.every((e) => e.source !== e.target)).toBe(true);
  });

  it('completes and reports every service and edge created', () => {
    expect(done.status).toBe('completed');
    expect(done.error).toBeNull();
    expect(done.result).toMatchObject({
      services_created: SERVICES,
      services_updated: 0,
      placeholders_created: [],
      edges_created: EDGES,
      edges_updated: 0,
      edges_unchanged: 0,
      edges_marked_stale: 0,
      conflicts: [],
    });
  });

  it('stores all 500 services with their metadata', async () => {
    const rows = await api.dataSource.query<
      Array<{
        service_id: string;
        team: string;
        criticality: string;
        service_type: string;
        discovered: boolean;
        metadata: Record<string, unknown>;
      }>
    >(
      'SELECT service_id, team, criticality, service_type, discovered, metadata FROM services ORDER BY service_id',
    );
    expect(rows).toHaveLength(SERVICES);
    const expected = graph.nodes.map((n) => ({
      service_id: n.service_id,
      team: n.metadata.team,
      criticality: n.metadata.criticality,
      service_type: n.metadata.service_type ?? 'internal',
      discovered: false,
      tier: n.metadata.tier,
      namespace: n.metadata.namespace,
      publishedSla: n.metadata.published_sla,
    }));
    expect(
      rows.map((r) => ({
        service_id: r.service_id,
        team: r.team,
        criticality: r.criticality,
        service_type: r.service_type,
        discovered: r.discovered,
        tier: r.metadata.tier,
        namespace: r.metadata.namespace,
        publishedSla: r.metadata.publishedSla,
      })),
    ).toEqual(expected);
  });

  it('stores all 1,500 edges with their annotations', async () => {
    const rows = await api.dataSource.query<
      Array<{
        source: string;
        target: string;
        communication_mode: string;
        criticality: string;
        protocol: string;
        timeout_ms: number;
        retry_config: { maxRetries: number; backoffStrategy: string } | null;
        redundancy_group: string | null;
        confidence_score: number;
        discovery_source: string;
        is_stale: boolean;
      }>
    >(
      `SELECT s.service_id AS source, t.service_id AS target, d.communication_mode, d.criticality,
              d.protocol, d.timeout_ms, d.retry_config, d.redundancy_group, d.confidence_score,
              d.discovery_source, d.is_stale
       FROM service_dependencies d
       JOIN services s ON s.id = d.source_service_id
       JOIN services t ON t.id = d.target_service_id`,
    );
    expect(rows).toHaveLength(EDGES);
    const stored = new Map(rows.map((r) => [`${r.source}>${r.target}`, r]));
    for (const edge of graph.edges) {
      const row = stored.get(`${edge.source}>${edge.target}`);
      const a = edge.attributes;
      expect(row).toEqual({
        source: edge.source,
        target: edge.target,
        communication_mode: a.communication_mode,
        criticality: a.criticality,
        protocol: a.protocol,
        timeout_ms: a.timeout_ms,
        retry_config: a.retry_config
          ? {
              maxRetries: a.retry_config.max_retries,
              backoffStrategy: a.retry_config.backoff_strategy,
            }
          : null,
        redundancy_group: a.redundancy_group ?? null,
        confidence_score: edge.confidence_score,
        discovery_source: 'manual',
        is_stale: false,
      });
    }
  });

  it('answers each sampled service’s outgoing edges, annotated, through the subgraph endpoint', async () => {
    const random = seededRandom(SEED + 1);
    const sample = new Set<string>(PLANTED.flat());
    while (sample.size < PLANTED.flat().length + 30) {
      sample.add(id(Math.floor(random() * SERVICES)));
    }
    const outgoing = new Map<string, GeneratedEdge[]>();
    for (const edge of graph.edges) {
      outgoing.set(edge.source, [...(outgoing.get(edge.source) ?? []), edge]);
    }
    for (const serviceId of sample) {
      const response = await api.request({
        method: 'GET',
        url: `${API}/services/${serviceId}/dependencies?direction=downstream&depth=1`,
      });
      const g = expectJson<SubgraphBody>(response);
      const expectedEdges = (outgoing.get(serviceId) ?? []).map(expectedWireEdge);
      const answered = g.edges.filter((e) => e.source === serviceId);
      expect(sorted(answered.map((e) => e.target))).toEqual(
        sorted(expectedEdges.map((e) => e.target as string)),
      );
      for (const expected of expectedEdges) {
        expect(answered.find((e) => e.target === expected.target)).toMatchObject(expected);
      }
      const node = graph.nodes.find((n) => n.service_id === serviceId);
      expect(g.service).toMatchObject({
        service_id: serviceId,
        team: node?.metadata.team,
        criticality: node?.metadata.criticality,
        service_type: node?.metadata.service_type ?? 'internal',
      });
      // Cycle membership: exactly the planted rings.
      const ring = ringOf.get(serviceId);
      expect(g.nodes[0].cycle_id).toBe(ring ? `cycle:${ring[0]}` : null);
    }
  });

  it('detects every planted cycle, and only those, in the ingestion result', () => {
    const cycles = done.result?.cycles ?? [];
    expect(sorted(cycles.map((c) => c.members.join(',')))).toEqual(
      sorted(PLANTED.map((ring) => sorted(ring).join(','))),
    );
    const edgeSet = new Set(graph.edges.map((e) => `${e.source}>${e.target}`));
    for (const cycle of cycles) {
      expect(cycle.new_alert).toBe(true);
      expect(cycle.path).toHaveLength(cycle.members.length + 1);
      expect(cycle.path[0]).toBe(cycle.path[cycle.path.length - 1]);
      expect(sorted(cycle.path.slice(0, -1))).toEqual(cycle.members);
      for (let i = 0; i + 1 < cycle.path.length; i++) {
        expect(edgeSet).toContain(`${cycle.path[i]}>${cycle.path[i + 1]}`);
      }
    }
    const warnings = (done.result?.warnings ?? []).filter((w) =>
      w.startsWith('Circular dependency'),
    );
    expect(warnings).toHaveLength(3);
  });

  it('reports every planted cycle as an open alert', async () => {
    const alerts = expectJson<PageBody<CycleAlertBody>>(
      await api.request({ method: 'GET', url: `${API}/graph/cycles?status=open` }),
    );
    expect(alerts.next_cursor).toBeNull();
    expect(sorted(alerts.items.map((a) => a.members.join(',')))).toEqual(
      sorted(PLANTED.map((ring) => sorted(ring).join(','))),
    );
    const byAlertId = new Map((done.result?.cycles ?? []).map((c) => [c.alert_id, c]));
    for (const alert of alerts.items) {
      expect(byAlertId.get(alert.id)?.path).toEqual(alert.cycle_path);
    }
  });

  it('the subgraph of a cycle member carries the cycle, its path and in-cycle edges', async () => {
    const ring = PLANTED[1];
    const g = expectJson<SubgraphBody>(
      await api.request({
        method: 'GET',
        url: `${API}/services/${ring[0]}/dependencies?direction=both&depth=4`,
      }),
    );
    const cycle = g.cycles.find((c) => c.members.join(',') === sorted(ring).join(','));
    expect(cycle).toBeDefined();
    expect(cycle?.cycle_id).toBe(`cycle:${sorted(ring)[0]}`);
    for (const member of ring) {
      expect(g.nodes.find((n) => n.service_id === member)?.cycle_id).toBe(cycle?.cycle_id);
    }
    const ringEdges = g.edges.filter((e) => ring.includes(e.source) && ring.includes(e.target));
    expect(ringEdges).toHaveLength(ring.length);
    // in_cycle exactly when both ends lie in the same planted ring.
    for (const e of g.edges) {
      const sameRing = ringOf.get(e.source)?.join(',') === ringOf.get(e.target)?.join(',');
      expect([e.source, e.target, e.in_cycle]).toEqual([
        e.source,
        e.target,
        ringOf.has(e.source) && sameRing,
      ]);
    }
  });

  it('lists all 500 services through the paginated endpoint', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: PageBody<{ service_id: string }> = expectJson(
        await api.request({
          method: 'GET',
          url: `${API}/services?limit=200${cursor === null ? '' : `&cursor=${cursor}`}`,
        }),
      );
      seen.push(...page.items.map((s) => s.service_id));
      cursor = page.next_cursor;
    } while (cursor !== null && seen.length <= SERVICES);
    expect(seen).toEqual(graph.nodes.map((n) => n.service_id));
  });
});
