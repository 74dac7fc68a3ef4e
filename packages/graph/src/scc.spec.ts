import {
  condense,
  cyclePath,
  DirectedGraph,
  findCycle,
  stronglyConnectedComponents,
  type StronglyConnectedComponents,
} from '@slo-engine/graph';
import { errorCodeOf } from './__fixtures__/errors';

type Pairs = Array<[string, string]>;

/** Components as sorted id lists, sorted, for order-independent comparison. */
function componentSets(graph: DirectedGraph, scc: StronglyConnectedComponents): string[][] {
  const sets: string[][] = [];
  for (let c = 0; c < scc.count; c++) {
    const members = Array.from(
      scc.memberNodes.subarray(scc.memberOffsets[c], scc.memberOffsets[c + 1]),
    ).map((node) => graph.idAt(node));
    sets.push(members.sort());
  }
  return sets.sort((x, y) => x.join().localeCompare(y.join()));
}

function componentOfId(graph: DirectedGraph, scc: StronglyConnectedComponents, id: string): number {
  return scc.componentOf[graph.requireIndex(id)];
}

function dagEdges(graph: DirectedGraph): Pairs {
  const pairs: Pairs = [];
  for (let e = 0; e < graph.edgeCount; e++) {
    pairs.push([graph.idAt(graph.edgeSource(e)), graph.idAt(graph.edgeTarget(e))]);
  }
  return pairs;
}

describe('stronglyConnectedComponents', () => {
  it('handles the empty graph', () => {
    const scc = stronglyConnectedComponents(DirectedGraph.fromEdges([]));
    expect(scc.count).toBe(0);
    expect(scc.componentOf).toHaveLength(0);
    expect(Array.from(scc.memberOffsets)).toEqual([0]);
    expect(scc.memberNodes).toHaveLength(0);
  });

  it('puts a single node in its own component', () => {
    const scc = stronglyConnectedComponents(DirectedGraph.fromEdges([], { nodes: ['a'] }));
    expect(scc.count).toBe(1);
    expect(Array.from(scc.componentOf)).toEqual([0]);
    expect(Array.from(scc.memberOffsets)).toEqual([0, 1]);
    expect(Array.from(scc.memberNodes)).toEqual([0]);
  });

  it('treats a self-loop as a one-node component', () => {
    const graph = DirectedGraph.fromEdges([
      ['a', 'a'],
      ['a', 'b'],
    ]);
    const scc = stronglyConnectedComponents(graph);
    expect(componentSets(graph, scc)).toEqual([['a'], ['b']]);
    expect(componentOfId(graph, scc, 'a')).toBeGreaterThan(componentOfId(graph, scc, 'b'));
  });

  it('merges a two-node cycle', () => {
    const graph = DirectedGraph.fromEdges([
      ['a', 'b'],
      ['b', 'a'],
    ]);
    const scc = stronglyConnectedComponents(graph);
    expect(scc.count).toBe(1);
    expect(Array.from(scc.memberNodes)).toEqual([0, 1]);
  });

  it('finds one component for one big cycle with chords', () => {
    const size = 1000;
    const edges: Pairs = [];
    for (let i = 0; i < size; i++) edges.push([`n${i}`, `n${(i + 1) % size}`]);
    edges.push(['n10', 'n5'], ['n500', 'n3']);
    const scc = stronglyConnectedComponents(DirectedGraph.fromEdges(edges));
    expect(scc.count).toBe(1);
    expect(Array.from(scc.memberNodes)).toEqual(Array.from({ length: size }, (_, i) => i));
  });

  it('separates disconnected parts', () => {
    const graph = DirectedGraph.fromEdges(
      [
        ['a', 'b'],
        ['b', 'a'],
        ['c', 'd'],
        ['d', 'e'],
        ['e', 'c'],
      ],
      { nodes: ['lonely'] },
    );
    const scc = stronglyConnectedComponents(graph);
    expect(componentSets(graph, scc)).toEqual([['a', 'b'], ['c', 'd', 'e'], ['lonely']]);
  });

  it('is unaffected by duplicate edges', () => {
    const graph = DirectedGraph.fromEdges([
      ['a', 'b'],
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'b'],
      ['c', 'b'],
    ]);
    const scc = stronglyConnectedComponents(graph);
    expect(componentSets(graph, scc)).toEqual([['a'], ['b', 'c']]);
  });

  it('numbers components in reverse topological order', () => {
    // a → {b,c} → d, plus e → a; every edge must go from a higher to a lower component.
    const graph = DirectedGraph.fromEdges([
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'b'],
      ['c', 'd'],
      ['e', 'a'],
      ['a', 'd'],
    ]);
    const scc = stronglyConnectedComponents(graph);
    expect(scc.count).toBe(4);
    for (let e = 0; e < graph.edgeCount; e++) {
      const from = scc.componentOf[graph.edgeSource(e)];
      const to = scc.componentOf[graph.edgeTarget(e)];
      if (from !== to) expect(from).toBeGreaterThan(to);
    }
    expect(componentOfId(graph, scc, 'd')).toBe(0);
    expect(componentOfId(graph, scc, 'e')).toBe(3);
  });
});

describe('condense', () => {
  const graph = DirectedGraph.fromEdges([
    ['api', 'auth'],
    ['auth', 'users'],
    ['users', 'auth'],
    ['users', 'db'],
    ['auth', 'db'],
    ['auth', 'db'],
    ['api', 'cache'],
    ['cache', 'cache'],
    ['cache', 'db'],
  ]);
  const condensation = condense(graph);
  const comp = (id: string): number => componentOfId(graph, condensation, id);

  it('builds a DAG over component numbers without duplicate or self edges', () => {
    const { dag } = condensation;
    expect(dag.nodeCount).toBe(condensation.count);
    expect(dag.nodeIds).toEqual(['0', '1', '2', '3']);
    const expected: Pairs = [
      [comp('auth'), comp('db')],
      [comp('cache'), comp('db')],
      [comp('api'), comp('auth')],
      [comp('api'), comp('cache')],
    ].map(([s, t]) => [String(s), String(t)]);
    expect(dagEdges(dag).sort()).toEqual(expected.sort());
    expect(dag.indexOf(String(comp('db')))).toBe(comp('db'));
  });

  it('lists components in topological order, sources first', () => {
    expect(Array.from(condensation.topologicalOrder)).toEqual([3, 2, 1, 0]);
    expect(condensation.topologicalOrder[0]).toBe(comp('api'));
    expect(condensation.topologicalOrder[3]).toBe(comp('db'));
  });

  it('reports cyclic components as supernodes with a cycle path', () => {
    expect(condensation.supernodes).toEqual(
      [
        { component: comp('cache'), members: ['cache'], cyclePath: ['cache', 'cache'] },
        {
          component: comp('auth'),
          members: ['auth', 'users'],
          cyclePath: ['auth', 'users', 'auth'],
        },
      ].sort((x, y) => x.component - y.component),
    );
  });

  it('reuses a precomputed SCC and rejects one from another graph', () => {
    const scc = stronglyConnectedComponents(graph);
    const again = condense(graph, scc);
    expect(again.componentOf).toBe(scc.componentOf);
    expect(again.supernodes).toEqual(condensation.supernodes);
    const other = stronglyConnectedComponents(DirectedGraph.fromEdges([['x', 'y']]));
    expect(errorCodeOf(() => condense(graph, other))).toBe('GRAPH.INVALID_ARGUMENT');
    expect(() => condense(graph, other)).toThrow(
      '@slo-engine/graph: scc must be the result of stronglyConnectedComponents() for this same graph',
    );
  });

  it('condenses the empty graph', () => {
    const empty = condense(DirectedGraph.fromEdges([]));
    expect(empty.count).toBe(0);
    expect(empty.dag.nodeCount).toBe(0);
    expect(empty.topologicalOrder).toHaveLength(0);
    expect(empty.supernodes).toEqual([]);
  });

  it('keeps an acyclic graph as is, with no supernodes', () => {
    const dagOnly = DirectedGraph.fromEdges([
      ['a', 'b'],
      ['a', 'c'],
      ['b', 'c'],
    ]);
    const result = condense(dagOnly);
    expect(result.count).toBe(3);
    expect(result.dag.edgeCount).toBe(3);
    expect(result.supernodes).toEqual([]);
  });
});

describe('cyclePath and findCycle', () => {
  it('returns the shortest cycle through the lowest-index member', () => {
    // a→b→c→d→a is a long way round; a→e→a is the shortest cycle through a.
    const graph = DirectedGraph.fromEdges([
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'a'],
      ['a', 'e'],
      ['e', 'a'],
    ]);
    const scc = stronglyConnectedComponents(graph);
    expect(cyclePath(graph, scc, 0)).toEqual(['a', 'e', 'a']);
  });

  it('ignores self-loops inside a larger component', () => {
    const graph = DirectedGraph.fromEdges([
      ['a', 'a'],
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'a'],
    ]);
    const scc = stronglyConnectedComponents(graph);
    expect(cyclePath(graph, scc, 0)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('returns undefined for a component without a cycle and a self-loop path for a looped node', () => {
    const graph = DirectedGraph.fromEdges([
      ['a', 'b'],
      ['b', 'b'],
    ]);
    const scc = stronglyConnectedComponents(graph);
    expect(cyclePath(graph, scc, componentOfId(graph, scc, 'a'))).toBeUndefined();
    expect(cyclePath(graph, scc, componentOfId(graph, scc, 'b'))).toEqual(['b', 'b']);
  });

  it('rejects component numbers out of range', () => {
    const graph = DirectedGraph.fromEdges([['a', 'b']]);
    const scc = stronglyConnectedComponents(graph);
    for (const component of [-1, 2, 0.5]) {
      expect(errorCodeOf(() => cyclePath(graph, scc, component))).toBe('GRAPH.INDEX_OUT_OF_RANGE');
    }
  });

  it('finds some cycle, or none in a DAG', () => {
    expect(findCycle(DirectedGraph.fromEdges([['a', 'b']]))).toBeUndefined();
    expect(findCycle(DirectedGraph.fromEdges([]))).toBeUndefined();
    expect(
      findCycle(
        DirectedGraph.fromEdges([
          ['x', 'y'],
          ['y', 'z'],
          ['z', 'y'],
        ]),
      ),
    ).toEqual(['y', 'z', 'y']);
  });
});

describe('a million nodes, without recursion', () => {
  const size = 1_000_000;
  const ids = Array.from({ length: size }, (_, i) => `s${i}`);

  it('handles a 1,000,000-node chain', () => {
    const edges: Pairs = new Array<[string, string]>(size - 1);
    for (let i = 0; i + 1 < size; i++) edges[i] = [ids[i], ids[i + 1]];
    const graph = DirectedGraph.fromEdges(edges);
    const scc = stronglyConnectedComponents(graph);
    expect(scc.count).toBe(size);
    // The chain's end is finished first, so the numbering runs backwards along the chain.
    expect(scc.componentOf[size - 1]).toBe(0);
    expect(scc.componentOf[0]).toBe(size - 1);
    const condensation = condense(graph, scc);
    expect(condensation.dag.edgeCount).toBe(size - 1);
    expect(condensation.supernodes).toHaveLength(0);
    expect(condensation.topologicalOrder[0]).toBe(scc.componentOf[0]);
    expect(findCycle(graph, scc)).toBeUndefined();
  });

  it('handles a 1,000,000-node single cycle', () => {
    const edges: Pairs = new Array<[string, string]>(size);
    for (let i = 0; i < size; i++) edges[i] = [ids[i], ids[(i + 1) % size]];
    const graph = DirectedGraph.fromEdges(edges);
    const condensation = condense(graph);
    expect(condensation.count).toBe(1);
    expect(condensation.dag.nodeCount).toBe(1);
    expect(condensation.dag.edgeCount).toBe(0);
    expect(condensation.supernodes).toHaveLength(1);
    const [supernode] = condensation.supernodes;
    expect(supernode.members).toHaveLength(size);
    expect(supernode.cyclePath).toHaveLength(size + 1);
    expect(supernode.cyclePath[0]).toBe('s0');
    expect(supernode.cyclePath[1]).toBe('s1');
    expect(supernode.cyclePath[size - 1]).toBe(`s${size - 1}`);
    expect(supernode.cyclePath[size]).toBe('s0');
  });
});
