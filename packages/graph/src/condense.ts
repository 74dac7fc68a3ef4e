import { type DirectedGraph, graphFromTrustedParts, isIndex } from './directed-graph';
import { describeValue, GraphError } from './errors';
import { stronglyConnectedComponents, type StronglyConnectedComponents } from './scc';

/** A strongly connected component that contains a cycle. */
export interface Supernode {
  /** Component number (index into the condensation DAG). */
  readonly component: number;
  /** Member node ids, in ascending node index order. */
  readonly members: readonly string[];
  /** One concrete simple cycle inside the component, first id repeated at the end. */
  readonly cyclePath: readonly string[];
}

/** Strongly connected components plus the DAG they form. */
export interface Condensation extends StronglyConnectedComponents {
  /**
   * The condensation DAG over component numbers, duplicate component edges removed, self-edges
   * removed. Node index `c` is component `c` and its id is `String(c)`. Edges are listed by
   * source component ascending, then in the order the original edges were first met.
   */
  readonly dag: DirectedGraph;
  /** Topological order of components (sources first): `count - 1, count - 2, …, 0`. */
  readonly topologicalOrder: Int32Array;
  /**
   * Non-trivial SCCs (size > 1, or a single node with a self-loop), by component number
   * ascending: member ids and one concrete cycle path like `["a","b","c","a"]`.
   */
  readonly supernodes: readonly Supernode[];
}

/**
 * Collapses every strongly connected component into one node. Pass `scc` when it is already
 * computed for this graph to skip recomputing it. O(V + E), plus the cycle search of each
 * supernode (each O(edges inside the component)).
 *
 * @throws GraphError `GRAPH.INVALID_ARGUMENT` when `scc` does not belong to `graph`.
 */
export function condense(
  graph: DirectedGraph,
  scc: StronglyConnectedComponents = stronglyConnectedComponents(graph),
): Condensation {
  assertComponentsOf(graph, scc);
  const { count, componentOf, memberOffsets, memberNodes } = scc;
  const { outOffsets, outTargets } = graph;

  // lastSourceOf[d] === c marks that the edge c→d is already in the DAG. Components are scanned
  // one at a time, so one marker per target suffices to drop duplicates without a hash set.
  const lastSourceOf = new Int32Array(count).fill(-1);
  // Plain arrays, not edgeCount-sized typed arrays: the DAG is usually far smaller than the
  // graph, and short-lived heap arrays are cheaper for the GC than large native buffers.
  const dagSources: number[] = [];
  const dagTargets: number[] = [];
  for (let c = 0; c < count; c++) {
    const membersEnd = memberOffsets[c + 1];
    for (let k = memberOffsets[c]; k < membersEnd; k++) {
      const node = memberNodes[k];
      const rowEnd = outOffsets[node + 1];
      for (let position = outOffsets[node]; position < rowEnd; position++) {
        const d = componentOf[outTargets[position]];
        if (d === c || lastSourceOf[d] === c) continue;
        lastSourceOf[d] = c;
        dagSources.push(c);
        dagTargets.push(d);
      }
    }
  }
  const dagIds: string[] = new Array<string>(count);
  for (let c = 0; c < count; c++) dagIds[c] = String(c);
  const dag = graphFromTrustedParts(
    dagIds,
    Int32Array.from(dagSources),
    Int32Array.from(dagTargets),
  );

  // Tarjan numbers components so every edge goes from a higher to a lower number, so the
  // descending sequence is already a topological order; no Kahn pass needed.
  const topologicalOrder = new Int32Array(count);
  for (let i = 0; i < count; i++) topologicalOrder[i] = count - 1 - i;

  const supernodes: Supernode[] = [];
  let scratch: CycleScratch | undefined;
  for (let c = 0; c < count; c++) {
    const first = memberOffsets[c];
    const size = memberOffsets[c + 1] - first;
    if (size === 1 && !hasSelfLoop(graph, memberNodes[first])) continue;
    scratch ??= createCycleScratch(graph.nodeCount);
    const members = new Array<string>(size);
    for (let k = 0; k < size; k++) members[k] = graph.nodeIds[memberNodes[first + k]];
    supernodes.push({
      component: c,
      members,
      cyclePath: cycleThrough(graph, componentOf, memberNodes[first], size, scratch),
    });
  }

  return { count, componentOf, memberOffsets, memberNodes, dag, topologicalOrder, supernodes };
}

/**
 * One concrete simple cycle inside `component` of `scc` (computed for `graph`), as node ids with
 * the first id repeated at the end: the shortest cycle through the component's first member
 * (lowest node index), found by breadth-first search restricted to the component. A lone node
 * with a self-loop gives `["a", "a"]`; a larger component ignores self-loops so the cycle shows
 * how the members depend on each other. Returns `undefined` for a component without a cycle (a
 * single node without a self-loop). O(V) to set up plus O(edges inside the component).
 *
 * @throws GraphError `GRAPH.INDEX_OUT_OF_RANGE` for a component number not in `0 .. count-1`;
 *   `GRAPH.INVALID_ARGUMENT` when `scc` does not belong to `graph`.
 */
export function cyclePath(
  graph: DirectedGraph,
  scc: StronglyConnectedComponents,
  component: number,
): string[] | undefined {
  assertComponentsOf(graph, scc);
  if (!isIndex(component, scc.count)) {
    throw new GraphError(
      'GRAPH.INDEX_OUT_OF_RANGE',
      `component ${describeValue(component)} is out of range (` +
        (scc.count === 0 ? 'there are no components)' : `expected 0..${scc.count - 1})`),
    );
  }
  const first = scc.memberOffsets[component];
  const size = scc.memberOffsets[component + 1] - first;
  const start = scc.memberNodes[first];
  if (size === 1 && !hasSelfLoop(graph, start)) return undefined;
  return cycleThrough(graph, scc.componentOf, start, size, createCycleScratch(graph.nodeCount));
}

/**
 * Any one cycle of `graph` (see {@link cyclePath}: in the lowest-numbered component that has
 * one), or `undefined` when the graph is acyclic. O(V + E).
 */
export function findCycle(
  graph: DirectedGraph,
  scc: StronglyConnectedComponents = stronglyConnectedComponents(graph),
): string[] | undefined {
  assertComponentsOf(graph, scc);
  for (let c = 0; c < scc.count; c++) {
    const first = scc.memberOffsets[c];
    const size = scc.memberOffsets[c + 1] - first;
    const start = scc.memberNodes[first];
    if (size > 1 || hasSelfLoop(graph, start)) {
      return cycleThrough(graph, scc.componentOf, start, size, createCycleScratch(graph.nodeCount));
    }
  }
  return undefined;
}

export function hasSelfLoop(graph: DirectedGraph, node: number): boolean {
  const { outOffsets, outTargets } = graph;
  const rowEnd = outOffsets[node + 1];
  for (let position = outOffsets[node]; position < rowEnd; position++) {
    if (outTargets[position] === node) return true;
  }
  return false;
}

/** BFS parent links and queue, reused across components; every used slot is reset afterwards. */
interface CycleScratch {
  readonly parent: Int32Array;
  readonly queue: Int32Array;
}

function createCycleScratch(nodeCount: number): CycleScratch {
  const buffer = new Int32Array(2 * nodeCount);
  return {
    parent: buffer.subarray(0, nodeCount).fill(-1),
    queue: buffer.subarray(nodeCount),
  };
}

/**
 * Shortest cycle of length ≥ 2 through `start` inside its component (or the self-loop when the
 * component is `start` alone). The first node found to have an edge back to `start` is the
 * closest such node in BFS order, so the cycle it closes is the shortest through `start`.
 */
function cycleThrough(
  graph: DirectedGraph,
  componentOf: Int32Array,
  start: number,
  componentSize: number,
  scratch: CycleScratch,
): string[] {
  const ids = graph.nodeIds;
  if (componentSize === 1) return [ids[start], ids[start]];
  const { outOffsets, outTargets } = graph;
  const { parent, queue } = scratch;
  const component = componentOf[start];
  parent[start] = start;
  queue[0] = start;
  let head = 0;
  let tail = 1;
  let closing = -1;
  search: while (head < tail) {
    const node = queue[head++];
    const rowEnd = outOffsets[node + 1];
    for (let position = outOffsets[node]; position < rowEnd; position++) {
      const next = outTargets[position];
      if (next === start) {
        if (node === start) continue;
        closing = node;
        break search;
      }
      if (parent[next] !== -1 || componentOf[next] !== component) continue;
      parent[next] = node;
      queue[tail++] = next;
    }
  }

  if (closing === -1) {
    for (let i = 0; i < tail; i++) parent[queue[i]] = -1;
    // Only reachable when the caller's component data does not describe this graph.
    throw new GraphError(
      'GRAPH.INVALID_ARGUMENT',
      `component of node ${describeValue(ids[start])} is not strongly connected in this graph`,
    );
  }
  const reversed: string[] = [ids[start]];
  for (let node = closing; node !== start; node = parent[node]) reversed.push(ids[node]);
  reversed.push(ids[start]);
  for (let i = 0; i < tail; i++) parent[queue[i]] = -1;
  return reversed.reverse();
}

export function assertComponentsOf(graph: DirectedGraph, scc: StronglyConnectedComponents): void {
  if (
    scc === null ||
    typeof scc !== 'object' ||
    !(scc.componentOf instanceof Int32Array) ||
    !(scc.memberOffsets instanceof Int32Array) ||
    !(scc.memberNodes instanceof Int32Array) ||
    scc.componentOf.length !== graph.nodeCount ||
    scc.memberNodes.length !== graph.nodeCount ||
    scc.memberOffsets.length !== scc.count + 1
  ) {
    throw new GraphError(
      'GRAPH.INVALID_ARGUMENT',
      'scc must be the result of stronglyConnectedComponents() for this same graph',
    );
  }
}
