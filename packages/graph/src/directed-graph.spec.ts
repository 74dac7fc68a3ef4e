import { DirectedGraph, GraphError } from '@slo-engine/graph';
import { errorCodeOf } from './__fixtures__/errors';

function outTargetsOf(graph: DirectedGraph, id: string): string[] {
  const node = graph.requireIndex(id);
  return Array.from(
    graph.outTargets.subarray(graph.outOffsets[node], graph.outOffsets[node + 1]),
  ).map((index) => graph.idAt(index));
}

function inSourcesOf(graph: DirectedGraph, id: string): string[] {
  const node = graph.requireIndex(id);
  return Array.from(graph.inSources.subarray(graph.inOffsets[node], graph.inOffsets[node + 1])).map(
    (index) => graph.idAt(index),
  );
}

describe('DirectedGraph.fromEdges', () => {
  it('builds an empty graph', () => {
    const graph = DirectedGraph.fromEdges([]);
    expect(graph.nodeCount).toBe(0);
    expect(graph.edgeCount).toBe(0);
    expect(Array.from(graph.outOffsets)).toEqual([0]);
    expect(Array.from(graph.inOffsets)).toEqual([0]);
    expect(graph.outTargets).toHaveLength(0);
    expect(graph.indexOf('a')).toBe(-1);
    expect(graph.hasNode('a')).toBe(false);
    expect(errorCodeOf(() => graph.idAt(0))).toBe('GRAPH.INDEX_OUT_OF_RANGE');
  });

  it('keeps isolated nodes named only in options.nodes, ignoring repeats', () => {
    const graph = DirectedGraph.fromEdges([], { nodes: ['solo', 'solo'] });
    expect(graph.nodeCount).toBe(1);
    expect(graph.idAt(0)).toBe('solo');
    expect(graph.outDegree(0)).toBe(0);
    expect(graph.inDegree(0)).toBe(0);
  });

  it('numbers nodes by first appearance: options.nodes first, then edge endpoints', () => {
    const graph = DirectedGraph.fromEdges(
      [
        ['c', 'd'],
        ['a', 'c'],
        ['e', 'b'],
      ],
      { nodes: new Set(['b', 'a']) },
    );
    expect(graph.nodeIds).toEqual(['b', 'a', 'c', 'd', 'e']);
    expect(['b', 'a', 'c', 'd', 'e'].map((id) => graph.indexOf(id))).toEqual([0, 1, 2, 3, 4]);
  });

  it('stores out- and in-edges as CSR rows in input order, with input edge ids', () => {
    const edges: Array<[string, string]> = [
      ['a', 'b'],
      ['b', 'c'],
      ['a', 'c'],
      ['c', 'a'],
      ['a', 'b'],
    ];
    const graph = DirectedGraph.fromEdges(edges);
    expect(graph.edgeCount).toBe(5);
    expect(outTargetsOf(graph, 'a')).toEqual(['b', 'c', 'b']);
    const a = graph.indexOf('a');
    expect(
      Array.from(graph.outEdgeIds.subarray(graph.outOffsets[a], graph.outOffsets[a + 1])),
    ).toEqual([0, 2, 4]);
    expect(inSourcesOf(graph, 'c')).toEqual(['b', 'a']);
    expect(inSourcesOf(graph, 'b')).toEqual(['a', 'a']);
    const b = graph.indexOf('b');
    expect(
      Array.from(graph.inEdgeIds.subarray(graph.inOffsets[b], graph.inOffsets[b + 1])),
    ).toEqual([0, 4]);
    edges.forEach(([source, target], edgeId) => {
      expect(graph.idAt(graph.edgeSource(edgeId))).toBe(source);
      expect(graph.idAt(graph.edgeTarget(edgeId))).toBe(target);
    });
  });

  it('keeps duplicate edges as separate edge ids', () => {
    const graph = DirectedGraph.fromEdges([
      ['a', 'b'],
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(graph.edgeCount).toBe(3);
    expect(graph.outDegree(graph.indexOf('a'))).toBe(3);
    expect(graph.inDegree(graph.indexOf('b'))).toBe(3);
    expect([0, 1, 2].map((e) => graph.edgeSource(e))).toEqual([0, 0, 0]);
  });

  it('lists a self-loop once among out-edges and once among in-edges', () => {
    const graph = DirectedGraph.fromEdges([['a', 'a']]);
    expect(graph.nodeCount).toBe(1);
    expect(outTargetsOf(graph, 'a')).toEqual(['a']);
    expect(inSourcesOf(graph, 'a')).toEqual(['a']);
  });

  it('rejects malformed input with precise messages', () => {
    const bad = [
      () => DirectedGraph.fromEdges('a->b' as never),
      () => DirectedGraph.fromEdges([['a']] as never),
      () => DirectedGraph.fromEdges([['a', 'b', 'c']] as never),
      () => DirectedGraph.fromEdges([['a', 2]] as never),
      () => DirectedGraph.fromEdges([null] as never),
      () => DirectedGraph.fromEdges([], { nodes: ['a', 3] as never }),
    ];
    for (const action of bad) expect(errorCodeOf(action)).toBe('GRAPH.INVALID_ARGUMENT');
    expect(() => DirectedGraph.fromEdges([['a', 'b'], ['c']] as never)).toThrow(
      '@slo-engine/graph: edges[1] must be a [source, target] pair of strings, got an array of length 1',
    );
    expect(() => DirectedGraph.fromEdges([], { nodes: ['a', 3] as never })).toThrow(
      'options.nodes[1] must be a string node id, got 3',
    );
  });
});

describe('DirectedGraph lookups', () => {
  const graph = DirectedGraph.fromEdges([
    ['a', 'b'],
    ['b', 'c'],
  ]);

  it('maps ids and indexes both ways', () => {
    expect(graph.indexOf('c')).toBe(2);
    expect(graph.requireIndex('c')).toBe(2);
    expect(graph.idAt(2)).toBe('c');
    expect(graph.hasNode('b')).toBe(true);
    expect(graph.hasNode('z')).toBe(false);
    expect(graph.indexOf('z')).toBe(-1);
  });

  it('throws GraphError for unknown ids and bad indexes', () => {
    expect(errorCodeOf(() => graph.requireIndex('z'))).toBe('GRAPH.UNKNOWN_NODE');
    expect(() => graph.requireIndex('z')).toThrow('@slo-engine/graph: unknown node "z"');
    for (const index of [-1, 3, 1.5, Number.NaN]) {
      expect(errorCodeOf(() => graph.idAt(index))).toBe('GRAPH.INDEX_OUT_OF_RANGE');
      expect(errorCodeOf(() => graph.outDegree(index))).toBe('GRAPH.INDEX_OUT_OF_RANGE');
      expect(errorCodeOf(() => graph.inDegree(index))).toBe('GRAPH.INDEX_OUT_OF_RANGE');
    }
    expect(() => graph.idAt(3)).toThrow(
      'node index 3 is out of range (expected an integer in 0..2)',
    );
    expect(errorCodeOf(() => graph.edgeSource(2))).toBe('GRAPH.INDEX_OUT_OF_RANGE');
    expect(errorCodeOf(() => graph.edgeTarget(-1))).toBe('GRAPH.INDEX_OUT_OF_RANGE');
  });

  it('throws errors that are Errors with a stable name and code', () => {
    let caught: unknown;
    try {
      graph.requireIndex('nope');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(caught).toBeInstanceOf(GraphError);
    expect((caught as GraphError).name).toBe('GraphError');
    expect((caught as GraphError).code).toBe('GRAPH.UNKNOWN_NODE');
    expect((caught as GraphError).cycle).toBeUndefined();
  });
});

describe('DirectedGraph.fromIndexedEdges', () => {
  it('builds the same graph as fromEdges', () => {
    const fromIds = DirectedGraph.fromEdges([
      ['x', 'y'],
      ['y', 'x'],
      ['y', 'z'],
    ]);
    const fromIndexes = DirectedGraph.fromIndexedEdges(
      ['x', 'y', 'z'],
      [0, 1, 1],
      new Int32Array([1, 0, 2]),
    );
    expect(fromIndexes.nodeIds).toEqual(fromIds.nodeIds);
    expect(fromIndexes.outOffsets).toEqual(fromIds.outOffsets);
    expect(fromIndexes.outTargets).toEqual(fromIds.outTargets);
    expect(fromIndexes.outEdgeIds).toEqual(fromIds.outEdgeIds);
    expect(fromIndexes.inOffsets).toEqual(fromIds.inOffsets);
    expect(fromIndexes.inSources).toEqual(fromIds.inSources);
    expect(fromIndexes.inEdgeIds).toEqual(fromIds.inEdgeIds);
    expect(fromIndexes.indexOf('z')).toBe(2);
  });

  it('copies its inputs, so later changes do not leak into the graph', () => {
    const ids = ['a', 'b'];
    const sources = [0];
    const graph = DirectedGraph.fromIndexedEdges(ids, sources, [1]);
    ids[0] = 'changed';
    sources[0] = 1;
    expect(graph.idAt(0)).toBe('a');
    expect(graph.edgeSource(0)).toBe(0);
  });

  it('rejects duplicate ids, mismatched lengths and bad endpoints', () => {
    expect(errorCodeOf(() => DirectedGraph.fromIndexedEdges(['a', 'a'], [], []))).toBe(
      'GRAPH.INVALID_ARGUMENT',
    );
    expect(() => DirectedGraph.fromIndexedEdges(['a', 'a'], [], [])).toThrow(
      'ids[1] duplicates ids[0] ("a")',
    );
    expect(errorCodeOf(() => DirectedGraph.fromIndexedEdges(['a', 1] as never, [], []))).toBe(
      'GRAPH.INVALID_ARGUMENT',
    );
    expect(errorCodeOf(() => DirectedGraph.fromIndexedEdges(['a'], [0], []))).toBe(
      'GRAPH.INVALID_ARGUMENT',
    );
    expect(errorCodeOf(() => DirectedGraph.fromIndexedEdges(['a'], [0], [1]))).toBe(
      'GRAPH.INVALID_ARGUMENT',
    );
    expect(errorCodeOf(() => DirectedGraph.fromIndexedEdges(['a'], [0.5], [0]))).toBe(
      'GRAPH.INVALID_ARGUMENT',
    );
    expect(errorCodeOf(() => DirectedGraph.fromIndexedEdges('ab' as never, [], []))).toBe(
      'GRAPH.INVALID_ARGUMENT',
    );
  });
});
