/**
 * POST /api/v1/services/dependencies → 202, then GET /api/v1/ingestions/:id until done (spec 004
 * FR-1): services and edges created, placeholders for unknown endpoints, cycles with their path,
 * conflicts between sources resolved by priority, divergences, warnings, idempotent re-sync.
 */
import {
  API,
  type AcceptedBody,
  type ApiFixture,
  createApiFixture,
  expectJson,
  expectProblem,
  type IngestionBody,
  type PageBody,
  type ServiceBody,
  type SubgraphBody,
  sorted,
  SUBMIT_URL,
} from './api-fixture';
import { loadApiConfig } from '../src/config';
import { createApiApp } from '../src/create-api-app';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** An e-commerce slice: a cycle orders → inventory → fulfilment → orders, and fraud-api unknown. */
const SHOP = {
  source: 'manual',
  timestamp: new Date().toISOString(),
  nodes: [
    {
      service_id: 'checkout',
      metadata: {
        team: 'payments',
        criticality: 'high',
        tier: 1,
        namespace: 'production',
        runtime: 'python3.12',
      },
    },
    { service_id: 'payment', metadata: { team: 'payments', criticality: 'critical', tier: 0 } },
    { service_id: 'orders', metadata: { team: 'orders', criticality: 'high' } },
    { service_id: 'inventory', metadata: { team: 'orders' } },
    { service_id: 'fulfilment', metadata: { team: 'logistics', criticality: 'low' } },
  ],
  edges: [
    {
      source: 'checkout',
      target: 'payment',
      attributes: {
        communication_mode: 'sync',
        criticality: 'hard',
        protocol: 'grpc',
        timeout_ms: 5000,
        retry_config: { max_retries: 3, backoff_strategy: 'exponential' },
      },
    },
    { source: 'checkout', target: 'orders', attributes: { protocol: 'http' } },
    { source: 'payment', target: 'fraud-api', confidence_score: 0.8 },
    { source: 'orders', target: 'inventory' },
    { source: 'inventory', target: 'fulfilment', attributes: { communication_mode: 'async' } },
    { source: 'fulfilment', target: 'orders', attributes: { criticality: 'soft' } },
  ],
};
const CYCLE_MEMBERS = ['fulfilment', 'inventory', 'orders'];
const SHOP_EDGES = new Set(SHOP.edges.map((e) => `${e.source}>${e.target}`));

describe('dependency graph ingestion (e2e)', () => {
  let api: ApiFixture;
  let first: IngestionBody;

  beforeAll(async () => {
    api = await createApiFixture();
  });
  afterAll(() => api.close());

  it('accepts a graph with 202 and a status URL, then completes with the result', async () => {
    const response = await api.request({ method: 'POST', url: SUBMIT_URL, payload: SHOP });

    const accepted = expectJson<AcceptedBody>(response, 202);
    expect(accepted).toEqual({
      ingestion_id: expect.stringMatching(UUID) as unknown,
      status: 'queued',
      nodes_received: 5,
      edges_received: 6,
      estimated_completion_seconds: 2,
      status_url: `${API}/ingestions/${accepted.ingestion_id}`,
    });

    first = await api.waitForIngestion(accepted.ingestion_id);
    expect(first).toMatchObject({
      ingestion_id: accepted.ingestion_id,
      source: 'manual',
      status: 'completed',
      nodes_received: 5,
      edges_received: 6,
      error: null,
    });
    expect(first.submitted_at).toMatch(ISO_TIME);
    expect(first.started_at).toMatch(ISO_TIME);
    expect(first.completed_at).toMatch(ISO_TIME);
    expect(Date.parse(first.completed_at ?? '')).toBeGreaterThanOrEqual(
      Date.parse(first.started_at ?? ''),
    );

    // The status URL answers the same as the id route.
    const viaStatusUrl = expectJson<IngestionBody>(
      await api.request({ method: 'GET', url: accepted.status_url }),
    );
    expect(viaStatusUrl).toEqual(first);
  });

  it('reports the services and edges created and the placeholder for the unknown endpoint', () => {
    expect(first.result).toMatchObject({
      services_created: 5,
      services_updated: 0,
      placeholders_created: ['fraud-api'],
      edges_created: 6,
      edges_updated: 0,
      edges_unchanged: 0,
      edges_marked_stale: 0,
      conflicts: [],
      divergences: [],
    });
    expect(first.result?.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Circular dependency among 3 services: .*async/) as unknown,
        expect.stringMatching(/placeholders \(discovered: true\).*fraud-api/) as unknown,
      ]),
    );
  });

  it('reports the cycle with a closed path along real edges and an alert id', async () => {
    const cycles = first.result?.cycles ?? [];
    expect(cycles).toHaveLength(1);
    const [cycle] = cycles;
    expect(cycle).toMatchObject({
      members: CYCLE_MEMBERS,
      new_alert: true,
      alert_id: expect.stringMatching(UUID) as unknown,
    });
    expect(cycle.path).toHaveLength(4);
    expect(cycle.path[0]).toBe(cycle.path[3]);
    expect(sorted(cycle.path.slice(0, 3))).toEqual(CYCLE_MEMBERS);
    for (let i = 0; i < 3; i++) {
      expect(SHOP_EDGES).toContain(`${cycle.path[i]}>${cycle.path[i + 1]}`);
    }

    const alerts = expectJson<PageBody<{ id: string; members: string[]; status: string }>>(
      await api.request({ method: 'GET', url: `${API}/graph/cycles` }),
    );
    expect(alerts.items).toEqual([
      expect.objectContaining({ id: cycle.alert_id, members: CYCLE_MEMBERS, status: 'open' }),
    ]);
  });

  it('stores the services, with the placeholder marked discovered', async () => {
    const page = expectJson<PageBody<ServiceBody>>(
      await api.request({ method: 'GET', url: `${API}/services` }),
    );
    expect(page.next_cursor).toBeNull();
    expect(page.items.map((s) => s.service_id)).toEqual([
      'checkout',
      'fraud-api',
      'fulfilment',
      'inventory',
      'orders',
      'payment',
    ]);
    const byId = new Map(page.items.map((s) => [s.service_id, s]));
    expect(byId.get('checkout')).toMatchObject({
      team: 'payments',
      criticality: 'high',
      service_type: 'internal',
      discovered: false,
      metadata: {
        team: 'payments',
        criticality: 'high',
        tier: 1,
        namespace: 'production',
        runtime: 'python3.12',
      },
    });
    expect(byId.get('inventory')).toMatchObject({ team: 'orders', criticality: 'medium' });
    expect(byId.get('fraud-api')).toMatchObject({
      team: null,
      criticality: 'medium',
      service_type: 'internal',
      discovered: true,
      metadata: {},
    });
  });

  it('stores every edge with its attributes and source', async () => {
    const rows = await api.dataSource.query<
      Array<{
        source: string;
        target: string;
        communication_mode: string;
        criticality: string;
        protocol: string | null;
        timeout_ms: number | null;
        retry_config: unknown;
        discovery_source: string;
        confidence_score: number;
        is_stale: boolean;
      }>
    >(
      `SELECT s.service_id AS source, t.service_id AS target, d.communication_mode, d.criticality,
              d.protocol, d.timeout_ms, d.retry_config, d.discovery_source, d.confidence_score,
              d.is_stale
       FROM service_dependencies d
       JOIN services s ON s.id = d.source_service_id
       JOIN services t ON t.id = d.target_service_id
       ORDER BY 1, 2`,
    );
    expect(rows).toEqual([
      {
        source: 'checkout',
        target: 'orders',
        communication_mode: 'sync',
        criticality: 'hard',
        protocol: 'http',
        timeout_ms: null,
        retry_config: null,
        discovery_source: 'manual',
        confidence_score: 1,
        is_stale: false,
      },
      {
        source: 'checkout',
        target: 'payment',
        communication_mode: 'sync',
        criticality: 'hard',
        protocol: 'grpc',
        timeout_ms: 5000,
        retry_config: { maxRetries: 3, backoffStrategy: 'exponential' },
        discovery_source: 'manual',
        confidence_score: 1,
        is_stale: false,
      },
      expect.objectContaining({ source: 'fulfilment', target: 'orders', criticality: 'soft' }),
      expect.objectContaining({
        source: 'inventory',
        target: 'fulfilment',
        communication_mode: 'async',
      }),
      expect.objectContaining({ source: 'orders', target: 'inventory' }),
      expect.objectContaining({ source: 'payment', target: 'fraud-api', confidence_score: 0.8 }),
    ]);
  });

  it('re-submitting the same graph changes nothing and does not duplicate the cycle alert', async () => {
    const before = await api.counts();
    const again = await api.ingest(SHOP);
    expect(again.result).toMatchObject({
      services_created: 0,
      services_updated: 0,
      placeholders_created: [],
      edges_created: 0,
      edges_updated: 0,
      edges_unchanged: 6,
      edges_marked_stale: 0,
      conflicts: [],
    });
    expect(again.result?.cycles).toEqual([
      expect.objectContaining({
        members: CYCLE_MEMBERS,
        new_alert: false,
        alert_id: first.result?.cycles[0].alert_id,
      }),
    ]);
    const after = await api.counts();
    expect(after).toEqual({ ...before, ingestion_jobs: before.ingestion_jobs + 1 });
  });

  it('gives a placeholder its metadata when a later submission declares it', async () => {
    const done = await api.ingest({
      source: 'manual',
      nodes: [{ service_id: 'fraud-api', metadata: { team: 'risk', service_type: 'external' } }],
      edges: [],
    });
    expect(done.result).toMatchObject({ services_created: 0, services_updated: 1 });
    const page = expectJson<PageBody<ServiceBody>>(
      await api.request({ method: 'GET', url: `${API}/services?discovered=true` }),
    );
    expect(page.items).toEqual([]);
    const subgraph = expectJson<SubgraphBody>(
      await api.request({ method: 'GET', url: `${API}/services/fraud-api/dependencies?depth=1` }),
    );
    expect(subgraph.service).toMatchObject({
      service_id: 'fraud-api',
      team: 'risk',
      service_type: 'external',
      discovered: false,
    });
  });

  it('keeps the manual attributes when kubernetes disagrees, and reports the conflict', async () => {
    const done = await api.ingest({
      source: 'kubernetes',
      nodes: [],
      edges: [
        {
          source: 'checkout',
          target: 'payment',
          attributes: {
            communication_mode: 'sync',
            criticality: 'soft',
            protocol: 'grpc',
            timeout_ms: 5000,
            retry_config: { max_retries: 3, backoff_strategy: 'exponential' },
          },
        },
      ],
    });
    expect(done.source).toBe('kubernetes');
    expect(done.result).toMatchObject({ edges_created: 1, placeholders_created: [] });
    expect(done.result?.conflicts).toEqual([
      {
        source: 'checkout',
        target: 'payment',
        attribute: 'criticality',
        kept: { discovery_source: 'manual', value: 'hard' },
        overridden: [{ discovery_source: 'kubernetes', value: 'soft' }],
      },
    ]);
    expect(done.result?.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /1 attribute conflict\(s\).*manual > service_mesh > otel_service_graph > kubernetes/,
        ) as unknown,
      ]),
    );
    // Manual and kubernetes both declare: nothing observed at run time to diverge from.
    expect(done.result?.divergences).toEqual([]);

    const subgraph = expectJson<SubgraphBody>(
      await api.request({
        method: 'GET',
        url: `${API}/services/checkout/dependencies?direction=downstream&depth=1`,
      }),
    );
    expect(subgraph.edges.find((e) => e.target === 'payment')).toMatchObject({
      criticality: 'hard',
      discovery_sources: ['manual', 'kubernetes'],
    });
  });

  it('reports divergences between declared and observed edges', async () => {
    const done = await api.ingest({
      source: 'otel_service_graph',
      nodes: [],
      edges: [
        { source: 'checkout', target: 'orders', attributes: { protocol: 'http' } },
        { source: 'orders', target: 'payment', confidence_score: 0.6 },
      ],
    });
    expect(done.result).toMatchObject({ edges_created: 2, conflicts: [] });
    expect(done.result?.divergences).toEqual([
      {
        source: 'orders',
        target: 'payment',
        kind: 'observed_not_declared',
        declared_by: [],
        observed_by: ['otel_service_graph'],
      },
    ]);
  });

  it('rolls a failing ingestion back completely and reports it failed without internals', async () => {
    // Sabotage the table so the edge upsert fails after the services were written.
    await api.dataSource.query(
      `ALTER TABLE service_dependencies ADD CONSTRAINT e2e_no_boom CHECK (protocol <> 'boom')`,
    );
    try {
      const before = await api.counts();
      const accepted = await api.submit({
        source: 'manual',
        nodes: [{ service_id: 'ledger' }, { service_id: 'audit' }],
        edges: [
          { source: 'ledger', target: 'audit' },
          { source: 'audit', target: 'ledger', attributes: { protocol: 'boom' } },
          { source: 'ledger', target: 'brand-new-placeholder' },
        ],
      });
      const failed = await api.waitForIngestion(accepted.ingestion_id);
      expect(failed).toMatchObject({ status: 'failed', result: null });
      expect(failed.error).toMatch(/graph was not changed/);
      expect(failed.error).not.toMatch(/e2e_no_boom|constraint|violates/i);
      expect(await api.counts()).toEqual({ ...before, ingestion_jobs: before.ingestion_jobs + 1 });
      expectProblem(
        await api.request({ method: 'GET', url: `${API}/services/ledger/dependencies` }),
        404,
        'GRAPH.SERVICE_NOT_FOUND',
      );
    } finally {
      await api.dataSource.query('ALTER TABLE service_dependencies DROP CONSTRAINT e2e_no_boom');
    }
  });

  it('answers 404 problems for an unknown ingestion id and for an id that is no uuid', async () => {
    const unknown = '00000000-0000-4000-8000-000000000000';
    const missing = expectProblem(
      await api.request({ method: 'GET', url: `${API}/ingestions/${unknown}` }),
      404,
      'GRAPH.INGESTION_NOT_FOUND',
    );
    expect(missing).toMatchObject({
      type: 'https://slo-engine.dev/problems/graph-ingestion-not-found',
      title: 'Ingestion not found',
      instance: `${API}/ingestions/${unknown}`,
    });
    expect(missing.detail).toContain(unknown);

    expectProblem(
      await api.request({ method: 'GET', url: `${API}/ingestions/not-a-uuid` }),
      404,
      'GRAPH.INGESTION_NOT_FOUND',
    );
  });

  it('keeps the submission in memory only: nothing but counts is stored for a queued ingestion', async () => {
    const accepted = await api.submit(SHOP);
    await api.waitForIngestion(accepted.ingestion_id);
    const [row] = await api.dataSource.query<Array<{ stored: boolean }>>(
      'SELECT submission IS NOT NULL AS stored FROM ingestion_jobs WHERE id = $1',
      [accepted.ingestion_id],
    );
    expect(row).toEqual({ stored: false });
  });

  it('fails, at start-up, the ingestions a dead process left unfinished', async () => {
    const insert = (status: string, minutesAgo: number) =>
      api.dataSource.query<Array<{ id: string }>>(
        `INSERT INTO ingestion_jobs (source, status, nodes_received, edges_received, submitted_at)
         VALUES ('manual', $1::ingestion_status, 3, 2, now() - make_interval(mins => $2))
         RETURNING id`,
        [status, minutesAgo],
      );
    const [lostQueued] = await insert('queued', 30);
    const [lostProcessing] = await insert('processing', 11);
    const [recent] = await insert('queued', 1);

    // A second API on the same database, as after a restart: its start-up sweep fails the lost ones.
    const restarted = await createApiApp(
      {
        config: loadApiConfig({
          LOG_LEVEL: 'silent',
          NODE_ENV: 'test',
          AUTH_BOOTSTRAP_API_KEY: api.adminApiKey,
        }),
        dataSource: api.dataSource,
      },
      { abortOnError: false },
    );
    try {
      await restarted.init();
      const statusOf = async (id: string) =>
        (
          await restarted.inject({
            method: 'GET',
            url: `${API}/ingestions/${id}`,
            headers: { 'x-api-key': api.adminApiKey },
          })
        ).json<IngestionBody>();
      for (const { id } of [lostQueued, lostProcessing]) {
        const ingestion = await statusOf(id);
        expect(ingestion.status).toBe('failed');
        expect(ingestion.error).toMatch(/did not finish within 10 minute\(s\).*Submit it again/);
      }
      expect((await statusOf(recent.id)).status).toBe('queued');
    } finally {
      await restarted.close();
      await api.dataSource.query('DELETE FROM ingestion_jobs WHERE id = $1', [recent.id]);
    }
  });
});
