import { type DirectedGraph, isIndex } from './directed-graph';
import { describeValue, GraphError } from './errors';

/** Node indexes of `ids` (one id or any iterable of ids), in the order given. */
export function resolveNodeIds(
  graph: DirectedGraph,
  ids: string | Iterable<string>,
  what: string,
): number[] {
  if (typeof ids === 'string') return [graph.requireIndex(ids)];
  if (ids === null || typeof ids !== 'object' || typeof ids[Symbol.iterator] !== 'function') {
    throw new GraphError(
      'GRAPH.INVALID_ARGUMENT',
      `${what} must be a node id or an iterable of node ids, got ${describeValue(ids)}`,
    );
  }
  const indexes: number[] = [];
  let position = 0;
  for (const id of ids) {
    if (typeof id !== 'string') {
      throw new GraphError(
        'GRAPH.INVALID_ARGUMENT',
        `${what}[${position}] must be a string node id, got ${describeValue(id)}`,
      );
    }
    indexes.push(graph.requireIndex(id));
    position++;
  }
  return indexes;
}

/** Checks that every entry of `indexes` is a node index of `graph`. */
export function assertNodeIndexes(
  graph: DirectedGraph,
  indexes: ArrayLike<number>,
  what: string,
): void {
  if (indexes === null || typeof indexes !== 'object' || typeof indexes.length !== 'number') {
    throw new GraphError(
      'GRAPH.INVALID_ARGUMENT',
      `${what} must be an array of node indexes, got ${describeValue(indexes)}`,
    );
  }
  for (let i = 0; i < indexes.length; i++) {
    if (!isIndex(indexes[i], graph.nodeCount)) {
      throw new GraphError(
        'GRAPH.INDEX_OUT_OF_RANGE',
        `${what}[${i}] = ${describeValue(indexes[i])} is not a node index ` +
          (graph.nodeCount === 0 ? '(the graph has no nodes)' : `(0..${graph.nodeCount - 1})`),
      );
    }
  }
}
