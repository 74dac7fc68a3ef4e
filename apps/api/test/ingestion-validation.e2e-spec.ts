/**
 * Bad input to POST /api/v1/services/dependencies (issue 3, "Bad input"): every field of the
 * payload in a malformed form answers a 400 problem naming the field, and the database is
 * unchanged afterwards. Also malformed JSON (400), an oversized body (413) and a media type the API
 * does not read (415).
 */
import {
  type ApiFixture,
  createApiFixture,
  expectProblem,
  type GraphPayload,
  problemFields,
  type RowCounts,
  SUBMIT_URL,
} from './api-fixture';

/** Small enough that the oversized-body test stays cheap; the valid payloads are far below it. */
const BODY_LIMIT_BYTES = 64 * 1024;

/** A valid submission: two nodes and two edges, so index-1 elements can be broken too. */
function validPayload(): GraphPayload {
  return {
    source: 'manual',
    timestamp: new Date().toISOString(),
    nodes: [
      {
        service_id: 'checkout-service',
        metadata: {
          team: 'payments',
          criticality: 'high',
          tier: 1,
          namespace: 'production',
          runtime: 'python3.12',
        },
      },
      {
        service_id: 'stripe',
        metadata: { service_type: 'external', published_sla: 0.9999, vendor_ticket: 'V-1' },
      },
    ],
    edges: [
      {
        source: 'checkout-service',
        target: 'payment-service',
        attributes: {
          communication_mode: 'sync',
          criticality: 'hard',
          protocol: 'grpc',
          timeout_ms: 5000,
          retry_config: { max_retries: 3, backoff_strategy: 'exponential' },
          redundancy_group: 'payments',
        },
        confidence_score: 0.9,
      },
      { source: 'payment-service', target: 'stripe', attributes: {} },
    ],
  };
}

type Node = { service_id?: unknown; metadata?: unknown; [key: string]: unknown };
type Edge = {
  source?: unknown;
  target?: unknown;
  attributes?: unknown;
  confidence_score?: unknown;
  [key: string]: unknown;
};
type Payload = GraphPayload;

const long = (length: number): string => 'x'.repeat(length);

/** The payload's arrays, typed for the mutators (a case may replace them with anything). */
const nodes = (p: Payload): unknown[] => p.nodes as unknown[];
const edges = (p: Payload): unknown[] => p.edges as unknown[];
const node = (p: Payload, i: number): Node => nodes(p)[i] as Node;
const metadata = (p: Payload, i: number): Record<string, unknown> =>
  node(p, i).metadata as Record<string, unknown>;
const edge = (p: Payload, i: number): Edge => edges(p)[i] as Edge;
const attributes = (p: Payload, i: number): Record<string, unknown> =>
  edge(p, i).attributes as Record<string, unknown>;
const retry = (p: Payload, i: number): Record<string, unknown> =>
  attributes(p, i).retry_config as Record<string, unknown>;

/** [what is broken, how, the one field the problem must name]. */
type Case = [string, (p: Payload) => void, string];

const TRANSPORT_CASES: Case[] = [
  // source
  ['source missing', (p) => delete p.source, 'source'],
  ['source not in the enum', (p) => (p.source = 'guesswork'), 'source'],
  ['source a number', (p) => (p.source = 1), 'source'],
  ['source null', (p) => (p.source = null), 'source'],
  // timestamp
  ['timestamp not a date', (p) => (p.timestamp = 'yesterday'), 'timestamp'],
  ['timestamp month 13', (p) => (p.timestamp = '2026-13-01T10:00:00Z'), 'timestamp'],
  ['timestamp February 30', (p) => (p.timestamp = '2026-02-30T10:00:00Z'), 'timestamp'],
  ['timestamp a number', (p) => (p.timestamp = 1_771_063_200_000), 'timestamp'],
  ['timestamp null', (p) => (p.timestamp = null), 'timestamp'],
  // nodes
  ['nodes missing', (p) => delete p.nodes, 'nodes'],
  ['nodes an object', (p) => (p.nodes = { service_id: 'a' }), 'nodes'],
  ['nodes a string', (p) => (p.nodes = 'checkout'), 'nodes'],
  ['a node not an object', (p) => (nodes(p)[1] = 'stripe'), 'nodes[1]'],
  ['node service_id missing', (p) => delete node(p, 0).service_id, 'nodes[0].service_id'],
  ['node service_id empty', (p) => (node(p, 1).service_id = ''), 'nodes[1].service_id'],
  ['node service_id 256 chars', (p) => (node(p, 0).service_id = long(256)), 'nodes[0].service_id'],
  ['node service_id a number', (p) => (node(p, 0).service_id = 42), 'nodes[0].service_id'],
  ['node unknown key', (p) => (node(p, 0).owner = 'jane'), 'nodes[0].owner'],
  // metadata
  ['metadata a string', (p) => (node(p, 0).metadata = 'prod'), 'nodes[0].metadata'],
  ['metadata an array', (p) => (node(p, 0).metadata = ['prod']), 'nodes[0].metadata'],
  ['metadata null', (p) => (node(p, 0).metadata = null), 'nodes[0].metadata'],
  [
    'metadata.criticality not in the enum',
    (p) => (metadata(p, 0).criticality = 'urgent'),
    'nodes[0].metadata.criticality',
  ],
  ['metadata.tier not an integer', (p) => (metadata(p, 0).tier = 1.5), 'nodes[0].metadata.tier'],
  ['metadata.tier negative', (p) => (metadata(p, 0).tier = -1), 'nodes[0].metadata.tier'],
  ['metadata.tier above 10', (p) => (metadata(p, 0).tier = 11), 'nodes[0].metadata.tier'],
  ['metadata.tier a string', (p) => (metadata(p, 0).tier = '1'), 'nodes[0].metadata.tier'],
  ['metadata.team empty', (p) => (metadata(p, 0).team = ''), 'nodes[0].metadata.team'],
  ['metadata.team 256 chars', (p) => (metadata(p, 0).team = long(256)), 'nodes[0].metadata.team'],
  ['metadata.team a number', (p) => (metadata(p, 0).team = 7), 'nodes[0].metadata.team'],
  ['metadata.team null', (p) => (metadata(p, 0).team = null), 'nodes[0].metadata.team'],
  [
    'metadata.namespace a number',
    (p) => (metadata(p, 0).namespace = 1),
    'nodes[0].metadata.namespace',
  ],
  ['metadata.runtime empty', (p) => (metadata(p, 0).runtime = ''), 'nodes[0].metadata.runtime'],
  [
    'metadata.service_type not in the enum',
    (p) => (metadata(p, 1).service_type = 'saas'),
    'nodes[1].metadata.service_type',
  ],
  [
    'metadata.published_sla above 1',
    (p) => (metadata(p, 1).published_sla = 99.99),
    'nodes[1].metadata.published_sla',
  ],
  [
    'metadata.published_sla negative',
    (p) => (metadata(p, 1).published_sla = -0.1),
    'nodes[1].metadata.published_sla',
  ],
  [
    'metadata.published_sla a string',
    (p) => (metadata(p, 1).published_sla = '0.999'),
    'nodes[1].metadata.published_sla',
  ],
  [
    'metadata extra key holding an object',
    (p) => (metadata(p, 0).labels = { app: 'checkout' }),
    'nodes[0].metadata.labels',
  ],
  [
    'metadata extra key holding an array',
    (p) => (metadata(p, 0).owners = ['jane']),
    'nodes[0].metadata.owners',
  ],
  [
    'metadata extra key holding a string over 1 KiB',
    (p) => (metadata(p, 0).notes = long(1025)),
    'nodes[0].metadata.notes',
  ],
  [
    'metadata with more than 50 extra keys',
    (p) => {
      for (let i = 0; i < 51; i++) metadata(p, 0)[`label_${i}`] = i;
    },
    'nodes[0].metadata',
  ],
  [
    'metadata extra key spelled like service_type (camelCase)',
    (p) => (metadata(p, 0).serviceType = 'saas'),
    'nodes[0].metadata.serviceType',
  ],
  [
    'metadata extra key spelled like published_sla (camelCase)',
    (p) => (metadata(p, 1).publishedSla = 7),
    'nodes[1].metadata.publishedSla',
  ],
  // edges
  ['edges missing', (p) => delete p.edges, 'edges'],
  ['edges an object', (p) => (p.edges = {}), 'edges'],
  ['an edge not an object', (p) => (edges(p)[0] = 'a->b'), 'edges[0]'],
  ['edge source missing', (p) => delete edge(p, 0).source, 'edges[0].source'],
  ['edge source empty', (p) => (edge(p, 1).source = ''), 'edges[1].source'],
  ['edge source 256 chars', (p) => (edge(p, 0).source = long(256)), 'edges[0].source'],
  ['edge source a number', (p) => (edge(p, 0).source = 3), 'edges[0].source'],
  ['edge target missing', (p) => delete edge(p, 1).target, 'edges[1].target'],
  ['edge target empty', (p) => (edge(p, 0).target = ''), 'edges[0].target'],
  ['edge target 256 chars', (p) => (edge(p, 0).target = long(256)), 'edges[0].target'],
  ['edge unknown key', (p) => (edge(p, 0).weight = 3), 'edges[0].weight'],
  ['attributes a string', (p) => (edge(p, 0).attributes = 'sync'), 'edges[0].attributes'],
  ['attributes null', (p) => (edge(p, 0).attributes = null), 'edges[0].attributes'],
  [
    'attributes.communication_mode not in the enum',
    (p) => (attributes(p, 0).communication_mode = 'carrier-pigeon'),
    'edges[0].attributes.communication_mode',
  ],
  [
    'attributes.criticality not in the enum',
    (p) => (attributes(p, 1).criticality = 'fatal'),
    'edges[1].attributes.criticality',
  ],
  [
    'attributes.protocol 51 chars',
    (p) => (attributes(p, 0).protocol = long(51)),
    'edges[0].attributes.protocol',
  ],
  [
    'attributes.protocol empty',
    (p) => (attributes(p, 0).protocol = ''),
    'edges[0].attributes.protocol',
  ],
  [
    'attributes.timeout_ms zero',
    (p) => (attributes(p, 0).timeout_ms = 0),
    'edges[0].attributes.timeout_ms',
  ],
  [
    'attributes.timeout_ms negative',
    (p) => (attributes(p, 0).timeout_ms = -5),
    'edges[0].attributes.timeout_ms',
  ],
  [
    'attributes.timeout_ms not an integer',
    (p) => (attributes(p, 0).timeout_ms = 1.5),
    'edges[0].attributes.timeout_ms',
  ],
  [
    'attributes.timeout_ms a string',
    (p) => (attributes(p, 0).timeout_ms = '5000'),
    'edges[0].attributes.timeout_ms',
  ],
  [
    'attributes.timeout_ms above one hour',
    (p) => (attributes(p, 0).timeout_ms = 3_600_001),
    'edges[0].attributes.timeout_ms',
  ],
  [
    'attributes.retry_config a number',
    (p) => (attributes(p, 0).retry_config = 3),
    'edges[0].attributes.retry_config',
  ],
  [
    'attributes.retry_config null',
    (p) => (attributes(p, 0).retry_config = null),
    'edges[0].attributes.retry_config',
  ],
  [
    'retry_config.max_retries negative',
    (p) => (retry(p, 0).max_retries = -1),
    'edges[0].attributes.retry_config.max_retries',
  ],
  [
    'retry_config.max_retries not an integer',
    (p) => (retry(p, 0).max_retries = 2.5),
    'edges[0].attributes.retry_config.max_retries',
  ],
  [
    'retry_config.max_retries above 100',
    (p) => (retry(p, 0).max_retries = 101),
    'edges[0].attributes.retry_config.max_retries',
  ],
  [
    'retry_config.backoff_strategy empty',
    (p) => (retry(p, 0).backoff_strategy = ''),
    'edges[0].attributes.retry_config.backoff_strategy',
  ],
  [
    'retry_config unknown key',
    (p) => (retry(p, 0).jitter = true),
    'edges[0].attributes.retry_config.jitter',
  ],
  [
    'attributes.redundancy_group empty',
    (p) => (attributes(p, 0).redundancy_group = ''),
    'edges[0].attributes.redundancy_group',
  ],
  [
    'attributes.redundancy_group 256 chars',
    (p) => (attributes(p, 0).redundancy_group = long(256)),
    'edges[0].attributes.redundancy_group',
  ],
  [
    'attributes unknown key',
    (p) => (attributes(p, 1).discovery_source = 'manual'),
    'edges[1].attributes.discovery_source',
  ],
  ['confidence_score 1.5', (p) => (edge(p, 0).confidence_score = 1.5), 'edges[0].confidence_score'],
  [
    'confidence_score negative',
    (p) => (edge(p, 0).confidence_score = -0.1),
    'edges[0].confidence_score',
  ],
  [
    'confidence_score a string',
    (p) => (edge(p, 0).confidence_score = '0.9'),
    'edges[0].confidence_score',
  ],
  [
    'confidence_score null',
    (p) => (edge(p, 0).confidence_score = null),
    'edges[0].confidence_score',
  ],
  // the envelope
  ['unknown top-level key', (p) => (p.graph_id = 'g-1'), 'graph_id'],
];

/** Rules the schema cannot express, checked by the core (still 400 with `errors[]`). */
const DOMAIN_CASES: Array<[string, (p: Payload) => void, string, string]> = [
  [
    'duplicate node ids',
    (p) => (node(p, 1).service_id = 'checkout-service'),
    'nodes[1].service_id',
    'duplicates nodes[0].service_id',
  ],
  [
    'self-loop edge',
    (p) => (edge(p, 1).target = 'payment-service'),
    'edges[1].target',
    'equals the source',
  ],
  [
    'duplicate edge',
    (p) => edges(p).push({ source: 'checkout-service', target: 'payment-service' }),
    'edges[2]',
    'duplicates edges[0]',
  ],
];

describe('ingestion input validation (e2e)', () => {
  let api: ApiFixture;
  let baseline: RowCounts;

  beforeAll(async () => {
    api = await createApiFixture({ BODY_LIMIT_BYTES: String(BODY_LIMIT_BYTES) });
    // Something stored already, so "unchanged" is not trivially "empty".
    const seeded = await api.ingest(validPayload());
    expect(seeded.result?.edges_created).toBe(2);
    baseline = await api.counts();
    expect(baseline).toMatchObject({ services: 3, service_dependencies: 2, ingestion_jobs: 1 });
  });
  afterAll(() => api.close());

  afterEach(async () => {
    expect(await api.counts()).toEqual(baseline);
  });

  it('the valid payload those cases break is accepted (control)', () => {
    // Accepted in beforeAll; a broken fixture would fail there, not hide in the cases below.
    expect(baseline.graph_version).toBe(1);
  });

  it.each(TRANSPORT_CASES)('%s → 400 naming the field', async (_what, breakIt, field) => {
    const payload = validPayload();
    breakIt(payload);
    const response = await api.request({ method: 'POST', url: SUBMIT_URL, payload });

    const problem = expectProblem(response, 400, 'VALIDATION.INVALID_INPUT');
    expect(problem).toMatchObject({
      type: 'https://slo-engine.dev/problems/validation-invalid-input',
      title: 'Invalid input',
      instance: SUBMIT_URL,
    });
    // Only the broken field is reported (one constraint or several), each with a message.
    expect(new Set(problemFields(problem))).toEqual(new Set([field]));
    for (const error of problem.errors ?? []) expect(error.message).not.toBe('');
  });

  it.each(DOMAIN_CASES)('%s → 400 naming the field', async (_what, breakIt, field, messagePart) => {
    const payload = validPayload();
    breakIt(payload);
    const response = await api.request({ method: 'POST', url: SUBMIT_URL, payload });

    const problem = expectProblem(response, 400, 'VALIDATION.INVALID_INPUT');
    expect(problem.errors).toEqual([
      { field, message: expect.stringContaining(messagePart) as unknown },
    ]);
  });

  it('reports every broken field of one payload at once', async () => {
    const payload = validPayload();
    payload.source = 'fax';
    node(payload, 1).service_id = '';
    attributes(payload, 0).timeout_ms = 0;
    edge(payload, 1).confidence_score = 2;
    const problem = expectProblem(
      await api.request({ method: 'POST', url: SUBMIT_URL, payload }),
      400,
      'VALIDATION.INVALID_INPUT',
    );
    expect(new Set(problemFields(problem))).toEqual(
      new Set([
        'source',
        'nodes[1].service_id',
        'edges[0].attributes.timeout_ms',
        'edges[1].confidence_score',
      ]),
    );
    expect(problem.detail).toMatch(/^The request has \d+ invalid fields\.$/);
  });

  it.each([
    ['null', 'null'],
    ['an array', '[]'],
    ['a string', '"graph"'],
    ['a number', '42'],
  ])('a JSON body that is %s → 400 problem', async (_what, body) => {
    const problem = expectProblem(
      await api.request({
        method: 'POST',
        url: SUBMIT_URL,
        headers: { 'content-type': 'application/json' },
        payload: body,
      }),
      400,
      'VALIDATION.INVALID_INPUT',
    );
    expect(problem.errors?.length).toBeGreaterThan(0);
  });

  it('malformed JSON → 400 problem', async () => {
    const problem = expectProblem(
      await api.request({
        method: 'POST',
        url: SUBMIT_URL,
        headers: { 'content-type': 'application/json' },
        payload: '{"source": "manual", "nodes": [',
      }),
      400,
      'HTTP.BAD_REQUEST',
    );
    expect(problem).toMatchObject({ type: 'about:blank', title: 'Bad Request' });
  });

  it('an empty JSON body → 400 problem', async () => {
    expectProblem(
      await api.request({
        method: 'POST',
        url: SUBMIT_URL,
        headers: { 'content-type': 'application/json' },
        payload: '',
      }),
      400,
      'HTTP.BAD_REQUEST',
    );
  });

  it('a body over BODY_LIMIT_BYTES → 413 problem, nothing stored', async () => {
    const payload = validPayload();
    payload.nodes = Array.from({ length: 2_000 }, (_, i) => ({
      service_id: `service-${String(i).padStart(5, '0')}`,
      metadata: { team: 'bulk' },
    }));
    const body = JSON.stringify(payload);
    expect(Buffer.byteLength(body)).toBeGreaterThan(BODY_LIMIT_BYTES);

    const problem = expectProblem(
      await api.request({
        method: 'POST',
        url: SUBMIT_URL,
        headers: { 'content-type': 'application/json' },
        payload: body,
      }),
      413,
      'HTTP.PAYLOAD_TOO_LARGE',
    );
    expect(problem).toMatchObject({
      type: 'about:blank',
      title: 'Payload Too Large',
      instance: SUBMIT_URL,
    });
  });

  it('a body just under BODY_LIMIT_BYTES is accepted (the limit is the configured one)', async () => {
    const payload = validPayload();
    for (let i = 0; Buffer.byteLength(JSON.stringify(payload)) < BODY_LIMIT_BYTES - 2_000; i++) {
      nodes(payload).push({ service_id: `filler-${i}`, metadata: { notes: 'n'.repeat(1_000) } });
    }
    expect(Buffer.byteLength(JSON.stringify(payload))).toBeLessThanOrEqual(BODY_LIMIT_BYTES);

    const response = await api.request({ method: 'POST', url: SUBMIT_URL, payload });
    expect(response.statusCode).toBe(202);
    // This one is meant to be stored: process it and move the baseline.
    const { ingestion_id } = response.json<{ ingestion_id: string }>();
    expect((await api.waitForIngestion(ingestion_id)).status).toBe('completed');
    baseline = await api.counts();
  });

  it('accepts metadata at the limits: 50 extra keys besides the known ones, camelCase extras', async () => {
    const payload = validPayload();
    // 5 known keys + 47 labels + 3 more extras = 50 extras exactly.
    for (let i = 0; i < 47; i++) metadata(payload, 0)[`label_${i}`] = i;
    metadata(payload, 0).costCenter = 'cc-1';
    metadata(payload, 0).owner_slack = null;
    metadata(payload, 0).on_call = true;
    const response = await api.request({ method: 'POST', url: SUBMIT_URL, payload });
    expect({ status: response.statusCode, body: response.body }).toMatchObject({ status: 202 });
    const { ingestion_id } = response.json<{ ingestion_id: string }>();
    expect((await api.waitForIngestion(ingestion_id)).status).toBe('completed');
    baseline = await api.counts();
  });

  it('an XML body → 415 problem', async () => {
    const problem = expectProblem(
      await api.request({
        method: 'POST',
        url: SUBMIT_URL,
        headers: { 'content-type': 'application/xml' },
        payload: '<graph source="manual"/>',
      }),
      415,
      'HTTP.UNSUPPORTED_MEDIA_TYPE',
    );
    expect(problem).toMatchObject({ type: 'about:blank', title: 'Unsupported Media Type' });
  });

  it('a text/plain body is not read as the graph → 400 problem', async () => {
    expectProblem(
      await api.request({
        method: 'POST',
        url: SUBMIT_URL,
        headers: { 'content-type': 'text/plain' },
        payload: JSON.stringify(validPayload()),
      }),
      400,
      'VALIDATION.INVALID_INPUT',
    );
  });
});
