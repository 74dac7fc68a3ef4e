import { DomainErrorCodes } from '../../shared/domain-error';
import { graphSubmission } from './graph-submission.builder';
import { InMemoryGraphStores } from './in-memory-graph-stores';

const DAY = 86_400_000;
const NOW = new Date('2026-02-14T10:00:00.000Z');
const OPTIONS = { now: NOW, stalenessWindowMs: 7 * DAY };

describe('InMemoryGraphRepository.applySubmission', () => {
  it('keeps one observation per discovery source and merges them by priority', async () => {
    const stores = new InMemoryGraphStores();
    await stores.graph.applySubmission(
      graphSubmission('kubernetes', {
        edges: [['a', 'b', { communicationMode: 'async', protocol: 'kafka' }, 0.6]],
      }),
      OPTIONS,
    );
    const result = await stores.graph.applySubmission(
      graphSubmission('service_mesh', {
        edges: [['a', 'b', { communicationMode: 'sync', protocol: 'kafka' }, 0.9]],
      }),
      OPTIONS,
    );

    expect(await stores.graph.edgeObservations('a')).toHaveLength(2);
    const { edges } = await stores.graph.loadActiveGraph();
    expect(edges).toEqual([
      expect.objectContaining({
        source: 'a',
        target: 'b',
        communicationMode: 'sync',
        protocol: 'kafka',
        discoverySources: ['service_mesh', 'kubernetes'],
        confidenceScore: 0.9,
      }),
    ]);
    expect(result.conflicts).toEqual([
      {
        source: 'a',
        target: 'b',
        attribute: 'communicationMode',
        kept: { discoverySource: 'service_mesh', value: 'sync' },
        overridden: [{ discoverySource: 'kubernetes', value: 'async' }],
      },
    ]);
  });

  it('creates placeholders for unknown endpoints and registers them once named as nodes', async () => {
    const stores = new InMemoryGraphStores();
    const first = await stores.graph.applySubmission(
      graphSubmission('otel_service_graph', { nodes: ['a'], edges: [['a', 'b']] }),
      OPTIONS,
    );
    expect(first.placeholdersCreated).toEqual(['b']);
    expect(first.servicesCreated).toBe(1);
    expect(await stores.graph.findService('b')).toMatchObject({
      discovered: true,
      criticality: 'medium',
      serviceType: 'internal',
    });

    const second = await stores.graph.applySubmission(
      graphSubmission('manual', { nodes: [['b', { team: 'payments', criticality: 'high' }]] }),
      OPTIONS,
    );
    expect(second.servicesUpdated).toBe(1);
    expect(await stores.graph.findService('b')).toMatchObject({
      discovered: false,
      team: 'payments',
      criticality: 'high',
    });
  });

  it('bumps the version only when something changed', async () => {
    const stores = new InMemoryGraphStores();
    const submission = graphSubmission('manual', {
      nodes: [['a', { team: 't' }]],
      edges: [['a', 'b']],
    });
    expect(await stores.graph.graphVersion()).toBe(0);
    expect((await stores.graph.applySubmission(submission, OPTIONS)).changed).toBe(true);
    expect(await stores.graph.graphVersion()).toBe(1);

    const again = await stores.graph.applySubmission(submission, OPTIONS);
    expect(again).toMatchObject({
      changed: false,
      edgesUnchanged: 1,
      edgesCreated: 0,
      servicesUpdated: 0,
    });
    expect(await stores.graph.graphVersion()).toBe(1);
  });

  it('marks observations stale after the window, keeps them, and revives them when seen again', async () => {
    const stores = new InMemoryGraphStores();
    const old = new Date(NOW.getTime() - 8 * DAY);
    await stores.graph.applySubmission(
      graphSubmission('kubernetes', { edges: [['a', 'b']], observedAt: old }),
      { now: old, stalenessWindowMs: 7 * DAY },
    );
    const marked = await stores.graph.applySubmission(
      graphSubmission('manual', { edges: [['c', 'd']] }),
      OPTIONS,
    );
    expect(marked.edgesMarkedStale).toBe(1);
    expect(await stores.graph.edgeObservations('a')).toEqual([
      expect.objectContaining({ isStale: true }),
    ]);
    expect((await stores.graph.loadActiveGraph()).edges.map((edge) => edge.source)).toEqual(['c']);

    const revived = await stores.graph.applySubmission(
      graphSubmission('kubernetes', { edges: [['a', 'b']] }),
      OPTIONS,
    );
    expect(revived.edgesUpdated).toBe(1);
    expect((await stores.graph.loadActiveGraph()).edges).toHaveLength(2);
  });
});

describe('InMemoryGraphRepository.listServices', () => {
  it('pages by service id with an opaque cursor and rejects foreign cursors', async () => {
    const stores = new InMemoryGraphStores();
    await stores.graph.applySubmission(
      graphSubmission('manual', { nodes: ['e', 'c', 'a', 'd', 'b'] }),
      OPTIONS,
    );
    const first = await stores.graph.listServices({}, { limit: 2 });
    expect(first.items.map((service) => service.serviceId)).toEqual(['a', 'b']);
    expect(first.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await stores.graph.listServices({}, { limit: 2, cursor: first.nextCursor! });
    const third = await stores.graph.listServices({}, { limit: 2, cursor: second.nextCursor! });
    expect(second.items.map((service) => service.serviceId)).toEqual(['c', 'd']);
    expect(third).toEqual({
      items: [expect.objectContaining({ serviceId: 'e' })],
      nextCursor: null,
    });

    for (const cursor of ['not a cursor', Buffer.from('{"after":"a"}').toString('base64url')]) {
      await expect(stores.graph.listServices({}, { limit: 2, cursor })).rejects.toMatchObject({
        code: DomainErrorCodes.INVALID_CURSOR,
      });
    }
  });
});

describe('InMemoryCycleAlertRepository.recordCycles', () => {
  it('does not duplicate an unresolved alert but opens a new one after resolution', async () => {
    const stores = new InMemoryGraphStores();
    const cycle = { path: ['a', 'b', 'a'], members: ['a', 'b'] };
    const [first] = await stores.cycleAlerts.recordCycles([cycle], NOW);
    const [again] = await stores.cycleAlerts.recordCycles([cycle], NOW);
    expect(first.created).toBe(true);
    expect(again).toEqual({ alert: first.alert, created: false });

    await stores.cycleAlerts.update(
      first.alert.id,
      { status: 'resolved', actor: null, notes: null },
      NOW,
      'open',
    );
    const [afterResolution] = await stores.cycleAlerts.recordCycles([cycle], NOW);
    expect(afterResolution.created).toBe(true);
    expect(afterResolution.alert.id).not.toBe(first.alert.id);
  });
});

describe('InMemoryUnitOfWork', () => {
  it('restores everything a failing transaction wrote', async () => {
    const stores = new InMemoryGraphStores();
    await stores.graph.applySubmission(graphSubmission('manual', { edges: [['a', 'b']] }), OPTIONS);
    const before = await stores.graph.loadActiveGraph();

    await expect(
      stores.unitOfWork.transaction(async (tx) => {
        await tx.graph.applySubmission(graphSubmission('manual', { edges: [['b', 'c']] }), OPTIONS);
        await tx.cycleAlerts.recordCycles([{ path: ['x', 'y', 'x'], members: ['x', 'y'] }], NOW);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');

    expect(await stores.graph.loadActiveGraph()).toEqual(before);
    expect((await stores.cycleAlerts.list({}, { limit: 10 })).items).toEqual([]);
  });
});
