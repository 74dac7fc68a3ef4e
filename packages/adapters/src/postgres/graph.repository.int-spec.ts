import {
  DomainError,
  DomainErrorCodes,
  type GraphSubmission,
  type ServiceNode,
} from '@slo-engine/core';
import { EntityManager } from 'typeorm';
import { createMigratedDatabase, type MigratedDatabase } from './__fixtures__/migrated-database';
import { PostgresGraphRepository } from './graph.repository';
import { PostgresUnitOfWork } from './unit-of-work';

const DAY_MS = 86_400_000;
const T0 = new Date('2026-02-14T10:00:00.000Z');
const WINDOW = { stalenessWindowMs: 7 * DAY_MS };

let db: MigratedDatabase;
let graph: PostgresGraphRepository;

beforeAll(async () => {
  db = await createMigratedDatabase('adapters_graph');
  graph = new PostgresGraphRepository(db.dataSource.manager);
});
afterAll(async () => db.close());
beforeEach(async () => db.reset());

function at(offsetMs: number): Date {
  return new Date(T0.getTime() + offsetMs);
}

function submission(overrides: Partial<GraphSubmission>): GraphSubmission {
  return { source: 'manual', observedAt: T0, nodes: [], edges: [], ...overrides };
}

const CHECKOUT: GraphSubmission = submission({
  nodes: [
    { serviceId: 'checkout', metadata: { team: 'payments', criticality: 'high', tier: 1 } },
    { serviceId: 'payment', metadata: { team: 'payments', criticality: 'critical' } },
    { serviceId: 'stripe', metadata: { serviceType: 'external', publishedSla: 0.9999 } },
  ],
  edges: [
    {
      source: 'checkout',
      target: 'payment',
      attributes: {
        communicationMode: 'sync',
        criticality: 'hard',
        protocol: 'grpc',
        timeoutMs: 5000,
        retryConfig: { maxRetries: 3, backoffStrategy: 'exponential' },
      },
    },
    {
      source: 'payment',
      target: 'stripe',
      attributes: { communicationMode: 'sync', protocol: 'http', redundancyGroup: 'psp' },
      confidenceScore: 0.9,
    },
  ],
});

async function apply(
  input: GraphSubmission,
  now: Date = input.observedAt,
): ReturnType<PostgresGraphRepository['applySubmission']> {
  return graph.applySubmission(input, { now, ...WINDOW });
}

describe('PostgresGraphRepository.applySubmission', () => {
  it('stores new services and edges and bumps the version', async () => {
    const result = await apply(CHECKOUT);

    expect(result).toEqual({
      servicesCreated: 3,
      servicesUpdated: 0,
      placeholdersCreated: [],
      edgesCreated: 2,
      edgesUpdated: 0,
      edgesUnchanged: 0,
      edgesMarkedStale: 0,
      conflicts: [],
      changed: true,
    });
    const active = await graph.loadActiveGraph();
    expect(active.version).toBe(1);
    expect(active.services.map((s) => [s.serviceId, s.team, s.criticality, s.serviceType])).toEqual(
      [
        ['checkout', 'payments', 'high', 'internal'],
        ['payment', 'payments', 'critical', 'internal'],
        ['stripe', null, 'medium', 'external'],
      ],
    );
    const byPair = new Map(active.edges.map((e) => [`${e.source}>${e.target}`, e]));
    expect(byPair.get('checkout>payment')).toEqual({
      source: 'checkout',
      target: 'payment',
      communicationMode: 'sync',
      criticality: 'hard',
      protocol: 'grpc',
      timeoutMs: 5000,
      retryConfig: { maxRetries: 3, backoffStrategy: 'exponential' },
      redundancyGroup: null,
      discoverySources: ['manual'],
      confidenceScore: 1,
      lastObservedAt: T0,
    });
    expect(byPair.get('payment>stripe')).toMatchObject({
      criticality: 'hard',
      redundancyGroup: 'psp',
      confidenceScore: 0.9,
    });
  });

  it('reports an unchanged re-sync as unchanged and keeps the version', async () => {
    await apply(CHECKOUT);

    const result = await apply({ ...CHECKOUT, observedAt: at(30 * 60_000) });

    expect(result).toMatchObject({
      servicesCreated: 0,
      servicesUpdated: 0,
      edgesCreated: 0,
      edgesUpdated: 0,
      edgesUnchanged: 2,
      changed: false,
    });
    expect(await graph.graphVersion()).toBe(1);
  });

  it('refreshes the observation time once it moves forward by more than an hour', async () => {
    await apply(CHECKOUT);
    const later = at(2 * 3_600_000);

    const result = await apply({ ...CHECKOUT, observedAt: later });

    expect(result).toMatchObject({ edgesUpdated: 0, edgesUnchanged: 2, changed: true });
    const observations = await graph.edgeObservations('checkout');
    expect(observations.map((o) => o.lastObservedAt)).toEqual([later]);
  });

  it('updates an edge whose attributes changed', async () => {
    await apply(CHECKOUT);
    const changed = submission({
      edges: [
        {
          source: 'checkout',
          target: 'payment',
          attributes: { communicationMode: 'async', protocol: 'kafka' },
        },
      ],
    });

    const result = await apply(changed);

    expect(result).toMatchObject({ edgesCreated: 0, edgesUpdated: 1, changed: true });
    const [edge] = await graph.edgeObservations('checkout');
    expect(edge).toMatchObject({
      communicationMode: 'async',
      protocol: 'kafka',
      timeoutMs: null,
      retryConfig: null,
    });
    expect(await graph.graphVersion()).toBe(2);
  });

  it('stores ids and values that need quoting in an array literal', async () => {
    const awkward = [
      'we"ird',
      'back\\slash',
      'back\\nslash',
      'comma,{brace}',
      'NULL',
      ' spaced ',
      'ünï😀',
      'tab\there',
    ];
    const result = await apply(
      submission({
        nodes: awkward.map((serviceId) => ({ serviceId, metadata: { team: serviceId } })),
        edges: awkward.map((source, i) => ({
          source,
          target: awkward[(i + 1) % awkward.length],
          attributes: { protocol: source.slice(0, 10), retryConfig: { backoffStrategy: source } },
        })),
      }),
    );

    expect(result).toMatchObject({ servicesCreated: 8, edgesCreated: 8, placeholdersCreated: [] });
    const active = await graph.loadActiveGraph();
    expect(active.services.map((s) => [s.serviceId, s.team]).sort()).toEqual(
      awkward.map((id) => [id, id]).sort(),
    );
    expect(active.edges.map((e) => e.retryConfig?.backoffStrategy).sort()).toEqual(
      [...awkward].sort(),
    );
  });

  it('creates placeholders for unknown endpoints once and clears them with real metadata', async () => {
    await apply(CHECKOUT);
    const mentions = submission({
      source: 'otel_service_graph',
      edges: [
        { source: 'checkout', target: 'fraud', attributes: {} },
        { source: 'fraud', target: 'ledger', attributes: {} },
      ],
    });

    const first = await apply(mentions);
    const again = await apply(mentions);

    expect(first.placeholdersCreated).toEqual(['fraud', 'ledger']);
    expect(again.placeholdersCreated).toEqual([]);
    expect(await graph.findService('fraud')).toMatchObject({
      discovered: true,
      metadata: {},
      criticality: 'medium',
    });
    // A placeholder never overwrites a real service named by an edge.
    expect(await graph.findService('checkout')).toMatchObject({
      discovered: false,
      team: 'payments',
    });

    const registered = await apply(
      submission({ nodes: [{ serviceId: 'fraud', metadata: { team: 'risk' } }] }),
    );
    expect(registered).toMatchObject({ servicesCreated: 0, servicesUpdated: 1 });
    expect(await graph.findService('fraud')).toMatchObject({ discovered: false, team: 'risk' });
  });

  it('merges metadata so a source sending some keys keeps the others', async () => {
    await apply(CHECKOUT);

    const result = await apply(
      submission({
        source: 'kubernetes',
        nodes: [{ serviceId: 'checkout', metadata: { namespace: 'prod' } }],
      }),
    );

    expect(result.servicesUpdated).toBe(1);
    expect(await graph.findService('checkout')).toMatchObject({
      team: 'payments',
      criticality: 'high',
      metadata: { team: 'payments', criticality: 'high', tier: 1, namespace: 'prod' },
    });
  });

  it('keeps the highest-priority attributes and reports conflicts', async () => {
    await apply(
      submission({
        source: 'kubernetes',
        edges: [
          {
            source: 'a',
            target: 'b',
            attributes: { protocol: 'http', timeoutMs: 100 },
            confidenceScore: 0.5,
          },
        ],
      }),
    );
    await apply(
      submission({
        source: 'otel_service_graph',
        edges: [
          { source: 'a', target: 'b', attributes: { protocol: 'grpc' }, confidenceScore: 0.8 },
        ],
      }),
    );

    const result = await apply(
      submission({
        source: 'manual',
        edges: [{ source: 'a', target: 'b', attributes: { protocol: 'grpc', timeoutMs: 250 } }],
      }),
    );

    expect(result.conflicts).toEqual([
      {
        source: 'a',
        target: 'b',
        attribute: 'protocol',
        kept: { discoverySource: 'manual', value: 'grpc' },
        overridden: [{ discoverySource: 'kubernetes', value: 'http' }],
      },
      {
        source: 'a',
        target: 'b',
        attribute: 'timeoutMs',
        kept: { discoverySource: 'manual', value: 250 },
        overridden: [
          { discoverySource: 'otel_service_graph', value: null },
          { discoverySource: 'kubernetes', value: 100 },
        ],
      },
    ]);
    const { edges } = await graph.loadActiveGraph();
    expect(edges).toEqual([
      expect.objectContaining({
        source: 'a',
        target: 'b',
        protocol: 'grpc',
        timeoutMs: 250,
        discoverySources: ['manual', 'otel_service_graph', 'kubernetes'],
        confidenceScore: 1,
      }),
    ]);
  });

  it('marks edges stale after the window and un-marks them when observed again', async () => {
    await apply(CHECKOUT);
    const eightDaysLater = at(8 * DAY_MS);

    const sweep = await apply(
      submission({
        source: 'kubernetes',
        observedAt: eightDaysLater,
        edges: [{ source: 'checkout', target: 'stripe', attributes: {} }],
      }),
    );

    expect(sweep.edgesMarkedStale).toBe(2);
    expect((await graph.loadActiveGraph()).edges.map((e) => `${e.source}>${e.target}`)).toEqual([
      'checkout>stripe',
    ]);
    expect((await graph.edgeObservations('payment')).map((e) => e.isStale)).toEqual([true, true]);

    const back = await apply({ ...CHECKOUT, observedAt: eightDaysLater });

    expect(back).toMatchObject({ edgesUpdated: 2, edgesMarkedStale: 0, changed: true });
    expect((await graph.loadActiveGraph()).edges).toHaveLength(3);
  });

  it('changes nothing when the surrounding transaction fails', async () => {
    await apply(CHECKOUT);
    const before = await graph.loadActiveGraph();
    const unitOfWork = new PostgresUnitOfWork(db.dataSource);

    await expect(
      unitOfWork.transaction(async (stores) => {
        const result = await stores.graph.applySubmission(
          submission({
            nodes: [{ serviceId: 'checkout', metadata: { team: 'other' } }],
            edges: [{ source: 'checkout', target: 'new-one', attributes: {} }],
          }),
          { now: at(DAY_MS), ...WINDOW },
        );
        expect(result.changed).toBe(true);
        throw new Error('cycle detection failed');
      }),
    ).rejects.toThrow('cycle detection failed');

    expect(await graph.loadActiveGraph()).toEqual(before);
  });

  it('stores 5,000 services and 50,000 edges in one submission', async () => {
    const services = 5_000;
    const nodes = Array.from({ length: services }, (_, i) => ({
      serviceId: `svc-${i}`,
      metadata: { team: `team-${i % 40}` },
    }));
    // 10 distinct targets per service: (i + k * 37 + 1) mod n for k = 0..9.
    const edges = nodes.flatMap((_, i) =>
      Array.from({ length: 10 }, (__, k) => ({
        source: `svc-${i}`,
        target: `svc-${(i + k * 37 + 1) % services}`,
        attributes: { protocol: 'grpc' },
      })),
    );

    const query = jest.spyOn(EntityManager.prototype, 'query');

    const result = await apply(submission({ nodes, edges }));

    const parameterCounts = query.mock.calls.map(([, parameters]) => parameters?.length ?? 0);
    query.mockRestore();
    expect(Math.max(...parameterCounts)).toBeLessThanOrEqual(13);
    expect(result).toMatchObject({ servicesCreated: 5_000, edgesCreated: 50_000 });
    const active = await graph.loadActiveGraph();
    expect([active.services.length, active.edges.length]).toEqual([5_000, 50_000]);
  });
});

describe('PostgresGraphRepository reads', () => {
  beforeEach(async () => {
    await apply(CHECKOUT);
    await apply(
      submission({
        source: 'kubernetes',
        edges: [{ source: 'checkout', target: 'cart', attributes: {} }],
      }),
    );
  });

  it('finds a service by id, or null', async () => {
    expect(await graph.findService('payment')).toMatchObject<Partial<ServiceNode>>({
      serviceId: 'payment',
      criticality: 'critical',
      discovered: false,
      createdAt: T0,
    });
    expect(await graph.findService('nope')).toBeNull();
  });

  it('pages through services with a keyset cursor and filters', async () => {
    const first = await graph.listServices({}, { limit: 3 });
    expect(first.items.map((s) => s.serviceId)).toEqual(['cart', 'checkout', 'payment']);
    expect(first.nextCursor).not.toBeNull();

    const second = await graph.listServices({}, { limit: 3, cursor: first.nextCursor! });
    expect(second).toEqual({
      items: [expect.objectContaining({ serviceId: 'stripe' })],
      nextCursor: null,
    });

    const payments = await graph.listServices({ team: 'payments' }, { limit: 10 });
    expect(payments.items.map((s) => s.serviceId)).toEqual(['checkout', 'payment']);
    const discovered = await graph.listServices({ discovered: true }, { limit: 10 });
    expect(discovered.items.map((s) => s.serviceId)).toEqual(['cart']);
    const critical = await graph.listServices({ criticality: 'critical' }, { limit: 10 });
    expect(critical.items.map((s) => s.serviceId)).toEqual(['payment']);
  });

  it('rejects a cursor it did not issue', async () => {
    for (const cursor of ['not-a-cursor', Buffer.from('{"a":1}').toString('base64url')]) {
      const listing = graph.listServices({}, { limit: 3, cursor });
      await expect(listing).rejects.toBeInstanceOf(DomainError);
      await expect(listing).rejects.toMatchObject({ code: DomainErrorCodes.INVALID_CURSOR });
    }
  });

  it('returns every observation touching a service', async () => {
    const observations = await graph.edgeObservations('checkout');
    expect(observations.map((o) => [o.source, o.target, o.discoverySource, o.isStale])).toEqual([
      ['checkout', 'cart', 'kubernetes', false],
      ['checkout', 'payment', 'manual', false],
    ]);
    expect(await graph.edgeObservations('nope')).toEqual([]);
  });
});
