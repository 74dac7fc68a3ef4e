import { graphSubmission } from '../testing/graph-submission.builder';
import { InMemoryGraphStores } from '../testing/in-memory-graph-stores';
import { GraphSnapshotCache } from './graph-snapshot-cache';

const OPTIONS = { now: new Date('2026-02-14T10:00:00.000Z'), stalenessWindowMs: 7 * 86_400_000 };

describe('GraphSnapshotCache', () => {
  it('reloads only when the graph version changed', async () => {
    const stores = new InMemoryGraphStores();
    await stores.graph.applySubmission(graphSubmission('manual', { edges: [['a', 'b']] }), OPTIONS);
    const load = jest.spyOn(stores.graph, 'loadActiveGraph');
    const cache = new GraphSnapshotCache(stores.graph);

    const first = await cache.get();
    expect(await cache.get()).toBe(first);
    expect(load).toHaveBeenCalledTimes(1);

    await stores.graph.applySubmission(graphSubmission('manual', { edges: [['b', 'c']] }), OPTIONS);
    const second = await cache.get();
    expect(load).toHaveBeenCalledTimes(2);
    expect(second.version).toBe(first.version + 1);
    expect(second.graph.edgeCount).toBe(2);
  });

  it('lets concurrent callers share one load', async () => {
    const stores = new InMemoryGraphStores();
    await stores.graph.applySubmission(graphSubmission('manual', { edges: [['a', 'b']] }), OPTIONS);
    const load = jest.spyOn(stores.graph, 'loadActiveGraph');
    const cache = new GraphSnapshotCache(stores.graph);

    const snapshots = await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(load).toHaveBeenCalledTimes(1);
    expect(new Set(snapshots).size).toBe(1);
  });

  it('never hands a caller a graph older than the version it saw, even when joining a load', async () => {
    const stores = new InMemoryGraphStores();
    await stores.graph.applySubmission(graphSubmission('manual', { edges: [['a', 'b']] }), OPTIONS);
    const realLoad = stores.graph.loadActiveGraph.bind(stores.graph);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const load = jest.spyOn(stores.graph, 'loadActiveGraph').mockImplementationOnce(async () => {
      const version1 = await realLoad(); // read before the next write commits
      await gate;
      return version1;
    });
    const cache = new GraphSnapshotCache(stores.graph);

    const first = cache.get();
    await new Promise((resolve) => setImmediate(resolve));
    await stores.graph.applySubmission(graphSubmission('manual', { edges: [['b', 'c']] }), OPTIONS);
    const second = cache.get();
    await new Promise((resolve) => setImmediate(resolve));
    release();

    expect((await first).version).toBe(1);
    expect((await second).version).toBe(2);
    expect(load).toHaveBeenCalledTimes(2);
  });

  it('loads again after a failed load', async () => {
    const stores = new InMemoryGraphStores();
    const cache = new GraphSnapshotCache(stores.graph);
    jest.spyOn(stores.graph, 'loadActiveGraph').mockRejectedValueOnce(new Error('db down'));
    await expect(cache.get()).rejects.toThrow('db down');
    expect((await cache.get()).version).toBe(0);
  });

  it('precomputes cycles, membership and the view without external services', async () => {
    const stores = new InMemoryGraphStores();
    await stores.graph.applySubmission(
      graphSubmission('manual', {
        nodes: [['pay', { serviceType: 'external' }]],
        edges: [
          ['b', 'a'],
          ['a', 'b'],
          ['a', 'pay'],
          ['c', 'a'],
        ],
      }),
      OPTIONS,
    );
    const snapshot = await new GraphSnapshotCache(stores.graph).get();
    expect(snapshot.cycles).toEqual([
      expect.objectContaining({ cycleId: 'cycle:a', members: ['a', 'b'] }),
    ]);
    expect(snapshot.cycleOf('b')?.cycleId).toBe('cycle:a');
    expect(snapshot.cycleOf('c')).toBeUndefined();
    const edgeIds = snapshot.active.edges.map((_, edgeId) => edgeId);
    expect(edgeIds.filter((edgeId) => snapshot.edgeInCycle(edgeId))).toHaveLength(2);
    const internal = snapshot.view(false);
    expect(internal.graph.hasNode('pay')).toBe(false);
    expect(internal.graph.edgeCount).toBe(3);
    expect(snapshot.view(false)).toBe(internal);
  });
});
