import { type DirectedGraph } from './directed-graph';
import { describeValue, GraphError } from './errors';
import { assertNodeIndexes, resolveNodeIds } from './resolve';

export interface ClosureOptions {
  /**
   * `true` (default): every start node is in the result (it reaches itself by the empty path).
   * `false`: only nodes joined to a start node by a path of at least one edge, so a start node
   * appears only when it lies on a cycle or is connected to another start node.
   */
  readonly reflexive?: boolean;
}

/**
 * Every node that can reach at least one of `targets` (the upstream closure: all transitive
 * callers of the targets). Ids in ascending node index order. O(V + E).
 *
 * @throws GraphError `GRAPH.UNKNOWN_NODE` for a target not in the graph;
 *   `GRAPH.INVALID_ARGUMENT` for malformed targets or options.
 */
export function upstreamClosure(
  graph: DirectedGraph,
  targets: string | Iterable<string>,
  options: ClosureOptions = {},
): string[] {
  const starts = resolveNodeIds(graph, targets, 'targets');
  return toIds(graph, closure(graph, starts, false, reflexiveOption(options)));
}

/**
 * {@link upstreamClosure} over node indexes: ascending indexes of every node that can reach one
 * of `targetIndexes`.
 *
 * @throws GraphError `GRAPH.INDEX_OUT_OF_RANGE` for an entry that is not a node index.
 */
export function upstreamClosureIndexes(
  graph: DirectedGraph,
  targetIndexes: ArrayLike<number>,
  options: ClosureOptions = {},
): Int32Array {
  assertNodeIndexes(graph, targetIndexes, 'targetIndexes');
  return closure(graph, targetIndexes, false, reflexiveOption(options));
}

/**
 * Every node reachable from at least one of `sources` (the downstream closure: all transitive
 * dependencies). Ids in ascending node index order. O(V + E).
 *
 * @throws GraphError `GRAPH.UNKNOWN_NODE` for a source not in the graph;
 *   `GRAPH.INVALID_ARGUMENT` for malformed sources or options.
 */
export function downstreamClosure(
  graph: DirectedGraph,
  sources: string | Iterable<string>,
  options: ClosureOptions = {},
): string[] {
  const starts = resolveNodeIds(graph, sources, 'sources');
  return toIds(graph, closure(graph, starts, true, reflexiveOption(options)));
}

/**
 * {@link downstreamClosure} over node indexes: ascending indexes of every node reachable from
 * one of `sourceIndexes`.
 *
 * @throws GraphError `GRAPH.INDEX_OUT_OF_RANGE` for an entry that is not a node index.
 */
export function downstreamClosureIndexes(
  graph: DirectedGraph,
  sourceIndexes: ArrayLike<number>,
  options: ClosureOptions = {},
): Int32Array {
  assertNodeIndexes(graph, sourceIndexes, 'sourceIndexes');
  return closure(graph, sourceIndexes, true, reflexiveOption(options));
}

const UNSEEN = 0;
/** A start node already expanded but not (yet) known to be reached by a non-empty path. */
const EXPANDED_ONLY = 1;
const IN_RESULT = 2;

function closure(
  graph: DirectedGraph,
  starts: ArrayLike<number>,
  forward: boolean,
  reflexive: boolean,
): Int32Array {
  const offsets = forward ? graph.outOffsets : graph.inOffsets;
  const neighbours = forward ? graph.outTargets : graph.inSources;
  const state = new Uint8Array(graph.nodeCount);
  const queue = new Int32Array(graph.nodeCount);
  let tail = 0;
  let resultSize = 0;
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i];
    if (state[start] !== UNSEEN) continue;
    state[start] = reflexive ? IN_RESULT : EXPANDED_ONLY;
    if (reflexive) resultSize++;
    queue[tail++] = start;
  }
  for (let head = 0; head < tail; head++) {
    const node = queue[head];
    const rowEnd = offsets[node + 1];
    for (let position = offsets[node]; position < rowEnd; position++) {
      const next = neighbours[position];
      const seen = state[next];
      if (seen === IN_RESULT) continue;
      state[next] = IN_RESULT;
      resultSize++;
      if (seen === UNSEEN) queue[tail++] = next;
    }
  }
  const result = new Int32Array(resultSize);
  for (let node = 0, k = 0; k < resultSize; node++) {
    if (state[node] === IN_RESULT) result[k++] = node;
  }
  return result;
}

function toIds(graph: DirectedGraph, indexes: Int32Array): string[] {
  const ids = new Array<string>(indexes.length);
  for (let i = 0; i < indexes.length; i++) ids[i] = graph.nodeIds[indexes[i]];
  return ids;
}

function reflexiveOption(options: ClosureOptions): boolean {
  if (options === null || typeof options !== 'object') {
    throw new GraphError(
      'GRAPH.INVALID_ARGUMENT',
      `options must be an object, got ${describeValue(options)}`,
    );
  }
  const { reflexive = true } = options;
  if (typeof reflexive !== 'boolean') {
    throw new GraphError(
      'GRAPH.INVALID_ARGUMENT',
      `options.reflexive must be a boolean, got ${describeValue(reflexive)}`,
    );
  }
  return reflexive;
}
