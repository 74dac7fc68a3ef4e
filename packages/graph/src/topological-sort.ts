import { findCycle } from './condense';
import { type DirectedGraph } from './directed-graph';
import { GraphError } from './errors';

/**
 * Topological order of an acyclic graph as node indexes: every edge u→v has u before v.
 * Kahn's algorithm with a FIFO queue seeded in ascending index order, so the result is
 * deterministic. O(V + E).
 *
 * @throws GraphError `GRAPH.NOT_A_DAG` when the graph has a cycle (self-loops included); the
 *   error's `cycle` holds one, first id repeated at the end.
 */
export function topologicalSortIndexes(graph: DirectedGraph): Int32Array {
  const { nodeCount, outOffsets, outTargets, inOffsets } = graph;
  const pendingInDegree = new Int32Array(nodeCount);
  const order = new Int32Array(nodeCount);
  let tail = 0;
  for (let node = 0; node < nodeCount; node++) {
    pendingInDegree[node] = inOffsets[node + 1] - inOffsets[node];
    if (pendingInDegree[node] === 0) order[tail++] = node;
  }
  for (let head = 0; head < tail; head++) {
    const node = order[head];
    const rowEnd = outOffsets[node + 1];
    for (let position = outOffsets[node]; position < rowEnd; position++) {
      if (--pendingInDegree[outTargets[position]] === 0) order[tail++] = outTargets[position];
    }
  }
  if (tail < nodeCount) {
    const cycle = findCycle(graph) ?? [];
    throw new GraphError('GRAPH.NOT_A_DAG', `graph is not a DAG; cycle: ${formatCycle(cycle)}`, {
      cycle,
    });
  }
  return order;
}

/** {@link topologicalSortIndexes} as node ids. */
export function topologicalSort(graph: DirectedGraph): string[] {
  const order = topologicalSortIndexes(graph);
  const ids = new Array<string>(order.length);
  for (let i = 0; i < order.length; i++) ids[i] = graph.nodeIds[order[i]];
  return ids;
}

const CYCLE_IDS_IN_MESSAGE = 12;

function formatCycle(cycle: readonly string[]): string {
  const shown = cycle.slice(0, CYCLE_IDS_IN_MESSAGE).map((id) => JSON.stringify(id));
  if (cycle.length > CYCLE_IDS_IN_MESSAGE) {
    shown.push(`… (${cycle.length - 1} nodes in all) -> ${JSON.stringify(cycle[0])}`);
  }
  return shown.join(' -> ');
}
