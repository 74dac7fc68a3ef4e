import { DEFAULT_MAX_DEPTH, DirectedGraph, traverse, type Traversal } from '@slo-engine/graph';
import { errorCodeOf } from './__fixtures__/errors';

/** web → api → {auth, orders}; auth → db; orders → db, orders → queue → worker → db; db → api. */
const graph = DirectedGraph.fromEdges(
  [
    ['web', 'api'],
    ['api', 'auth'],
    ['api', 'orders'],
    ['auth', 'db'],
    ['orders', 'db'],
    ['orders', 'queue'],
    ['queue', 'worker'],
    ['worker', 'db'],
    ['db', 'api'],
  ],
  { nodes: ['island'] },
);

function depths(result: Traversal): Record<string, number> {
  return Object.fromEntries(result.nodes.map((node) => [node.id, node.depth]));
}

describe('traverse', () => {
  it('walks downstream three hops by default, each node once at its shortest depth', () => {
    expect(DEFAULT_MAX_DEPTH).toBe(3);
    const result = traverse(graph, 'web');
    expect(result.nodes.map((node) => node.id)).toEqual([
      'web',
      'api',
      'auth',
      'orders',
      'db',
      'queue',
    ]);
    expect(depths(result)).toEqual({ web: 0, api: 1, auth: 2, orders: 2, db: 3, queue: 3 });
    expect(result.nodes[1]).toEqual({ id: 'api', index: graph.indexOf('api'), depth: 1 });
    // queue → worker lies beyond depth 3.
    expect(result.truncated).toBe(true);
    expect(result.edges).toBeUndefined();
  });

  it('flags truncation while an unvisited neighbour lies past the limit, and only then', () => {
    const result = traverse(graph, 'queue', { maxDepth: 3 });
    expect(depths(result)).toEqual({ queue: 0, worker: 1, db: 2, api: 3 });
    // api's callees auth and orders are beyond the limit and unvisited.
    expect(result.truncated).toBe(true);
    const whole = traverse(graph, 'queue', { maxDepth: 5 });
    expect(whole.nodes).toHaveLength(6);
    expect(whole.truncated).toBe(false);
  });

  it('reports truncated false when the reachable part ends before the limit', () => {
    const result = traverse(graph, 'web', { maxDepth: 10 });
    expect(result.nodes).toHaveLength(7);
    expect(result.truncated).toBe(false);
    expect(traverse(graph, 'island', { maxDepth: 0 }).truncated).toBe(false);
  });

  it('checks only genuinely unvisited neighbours at the limit (cycle back to a visited node)', () => {
    const cycle = DirectedGraph.fromEdges([
      ['a', 'b'],
      ['b', 'a'],
    ]);
    const result = traverse(cycle, 'a', { maxDepth: 1 });
    expect(depths(result)).toEqual({ a: 0, b: 1 });
    expect(result.truncated).toBe(false);
  });

  it('visits only the starts at maxDepth 0 and flags their neighbours', () => {
    const result = traverse(graph, ['web', 'db'], { maxDepth: 0 });
    expect(depths(result)).toEqual({ web: 0, db: 0 });
    expect(result.truncated).toBe(true);
  });

  it('walks upstream along in-edges', () => {
    const result = traverse(graph, 'db', { direction: 'upstream', maxDepth: 2 });
    expect(depths(result)).toEqual({ db: 0, auth: 1, orders: 1, worker: 1, api: 2, queue: 2 });
    expect(result.truncated).toBe(true);
    expect(traverse(graph, 'db', { direction: 'upstream', maxDepth: 3 }).truncated).toBe(false);
  });

  it('walks both ways', () => {
    const result = traverse(graph, 'queue', { direction: 'both', maxDepth: 1 });
    expect(depths(result)).toEqual({ queue: 0, worker: 1, orders: 1 });
    expect(result.truncated).toBe(true);
  });

  it('starts from several ids, ignoring repeats, at depth 0 each', () => {
    const result = traverse(graph, new Set(['auth', 'worker']), { maxDepth: 1 });
    expect(depths(result)).toEqual({ auth: 0, worker: 0, db: 1 });
    expect(traverse(graph, ['auth', 'auth'], { maxDepth: 0 }).nodes).toHaveLength(1);
    expect(traverse(graph, [], { maxDepth: 2 })).toEqual({ nodes: [], truncated: false });
  });

  it('returns every edge walked when asked, in the graph orientation', () => {
    const result = traverse(graph, 'orders', { maxDepth: 1, includeEdges: true });
    expect(result.edges).toEqual([
      { edgeId: 4, source: 'orders', target: 'db' },
      { edgeId: 5, source: 'orders', target: 'queue' },
    ]);
    const upstream = traverse(graph, 'auth', {
      direction: 'upstream',
      maxDepth: 2,
      includeEdges: true,
    });
    expect(upstream.edges).toEqual([
      { edgeId: 1, source: 'api', target: 'auth' },
      { edgeId: 0, source: 'web', target: 'api' },
      { edgeId: 8, source: 'db', target: 'api' },
    ]);
  });

  it('lists an edge met from both ends once, self-loops included', () => {
    const small = DirectedGraph.fromEdges([
      ['a', 'b'],
      ['a', 'a'],
    ]);
    const result = traverse(small, 'a', { direction: 'both', maxDepth: 2, includeEdges: true });
    expect(result.edges?.map((edge) => edge.edgeId).sort()).toEqual([0, 1]);
  });

  it('rejects unknown starts and bad options', () => {
    expect(errorCodeOf(() => traverse(graph, 'nope'))).toBe('GRAPH.UNKNOWN_NODE');
    expect(() => traverse(graph, ['web', 'nope'])).toThrow('unknown node "nope"');
    const invalid = [
      () => traverse(graph, 'web', { maxDepth: -1 }),
      () => traverse(graph, 'web', { maxDepth: 1.5 }),
      () => traverse(graph, 'web', { maxDepth: Number.POSITIVE_INFINITY }),
      () => traverse(graph, 'web', { maxDepth: '2' as never }),
      () => traverse(graph, 'web', { direction: 'sideways' as never }),
      () => traverse(graph, 'web', { includeEdges: 'yes' as never }),
      () => traverse(graph, 'web', null as never),
      () => traverse(graph, 42 as never),
      () => traverse(graph, [42] as never),
    ];
    for (const action of invalid) {
      expect(errorCodeOf(action)).toBe('GRAPH.INVALID_ARGUMENT');
    }
    expect(() => traverse(graph, 'web', { maxDepth: -1 })).toThrow(
      '@slo-engine/graph: options.maxDepth must be a non-negative integer, got -1',
    );
  });
});
