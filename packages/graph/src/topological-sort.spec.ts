import {
  DirectedGraph,
  GraphError,
  topologicalSort,
  topologicalSortIndexes,
} from '@slo-engine/graph';

function thrown(action: () => unknown): GraphError {
  try {
    action();
  } catch (error) {
    if (error instanceof GraphError) return error;
    throw error;
  }
  throw new Error('expected a GraphError');
}

describe('topologicalSort', () => {
  it('orders a DAG so that every edge points forward, deterministically', () => {
    const graph = DirectedGraph.fromEdges(
      [
        ['web', 'api'],
        ['api', 'db'],
        ['api', 'cache'],
        ['cache', 'db'],
      ],
      { nodes: ['db', 'solo'] },
    );
    expect(topologicalSort(graph)).toEqual(['solo', 'web', 'api', 'cache', 'db']);
    expect(Array.from(topologicalSortIndexes(graph))).toEqual(
      ['solo', 'web', 'api', 'cache', 'db'].map((id) => graph.indexOf(id)),
    );
  });

  it('accepts duplicate edges and the empty graph', () => {
    expect(
      topologicalSort(
        DirectedGraph.fromEdges([
          ['a', 'b'],
          ['a', 'b'],
        ]),
      ),
    ).toEqual(['a', 'b']);
    expect(topologicalSort(DirectedGraph.fromEdges([]))).toEqual([]);
  });

  it('throws GRAPH.NOT_A_DAG naming a cycle', () => {
    const graph = DirectedGraph.fromEdges([
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'b'],
    ]);
    const error = thrown(() => topologicalSort(graph));
    expect(error.code).toBe('GRAPH.NOT_A_DAG');
    expect(error.cycle).toEqual(['b', 'c', 'b']);
    expect(error.message).toBe('@slo-engine/graph: graph is not a DAG; cycle: "b" -> "c" -> "b"');
  });

  it('treats a self-loop as a cycle', () => {
    const error = thrown(() => topologicalSortIndexes(DirectedGraph.fromEdges([['a', 'a']])));
    expect(error.code).toBe('GRAPH.NOT_A_DAG');
    expect(error.cycle).toEqual(['a', 'a']);
  });

  it('shortens the message of a long cycle but keeps it whole on the error', () => {
    const size = 100;
    const edges: Array<[string, string]> = [];
    for (let i = 0; i < size; i++) edges.push([`n${i}`, `n${(i + 1) % size}`]);
    const error = thrown(() => topologicalSort(DirectedGraph.fromEdges(edges)));
    expect(error.cycle).toHaveLength(size + 1);
    expect(error.message).toContain('"n11" -> … (100 nodes in all) -> "n0"');
    expect(error.message.length).toBeLessThan(300);
  });
});
