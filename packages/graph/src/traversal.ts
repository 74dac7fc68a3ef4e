import { type DirectedGraph } from './directed-graph';
import { describeValue, GraphError } from './errors';
import { resolveNodeIds } from './resolve';

/** `downstream` follows out-edges (callees), `upstream` in-edges (callers), `both` either. */
export type TraversalDirection = 'downstream' | 'upstream' | 'both';

export interface TraversalOptions {
  /** Default `'downstream'`. */
  readonly direction?: TraversalDirection;
  /** Largest depth visited, a non-negative integer; 0 visits only the start nodes. Default 3. */
  readonly maxDepth?: number;
  /** Also return the edges walked. Default `false`. */
  readonly includeEdges?: boolean;
}

export interface VisitedNode {
  readonly id: string;
  readonly index: number;
  /** Length of the shortest walk from any start node (starts have depth 0). */
  readonly depth: number;
}

export interface WalkedEdge {
  /** Input edge id (position in the edge list the graph was built from). */
  readonly edgeId: number;
  /** Source and target in the graph's own orientation, whichever way the edge was walked. */
  readonly source: string;
  readonly target: string;
}

export interface Traversal {
  /** Visited nodes in breadth-first order, so by depth ascending; each node once. */
  readonly nodes: readonly VisitedNode[];
  /** Only with `includeEdges: true`: every edge followed from a node shallower than `maxDepth`. */
  readonly edges?: readonly WalkedEdge[];
  /** True when a node at `maxDepth` has a neighbour (in the walked direction) left unvisited. */
  readonly truncated: boolean;
}

export const DEFAULT_MAX_DEPTH = 3;

const DIRECTIONS: readonly string[] = ['downstream', 'upstream', 'both'];

/**
 * Breadth-first traversal from one or more start nodes, at most `maxDepth` edges deep. Each
 * node is visited once, at its shortest depth, so cycles are harmless. O(nodes visited + edges
 * scanned), plus an O(V) visited array.
 *
 * @throws GraphError `GRAPH.UNKNOWN_NODE` for a start id not in the graph;
 *   `GRAPH.INVALID_ARGUMENT` for malformed start ids or options.
 */
export function traverse(
  graph: DirectedGraph,
  from: string | Iterable<string>,
  options: TraversalOptions = {},
): Traversal {
  const { direction, maxDepth, includeEdges } = validateOptions(options);
  const starts = resolveNodeIds(graph, from, 'from');
  const forward = direction !== 'upstream';
  const backward = direction !== 'downstream';
  const { outOffsets, outTargets, outEdgeIds, inOffsets, inSources, inEdgeIds, nodeIds } = graph;

  // depthPlusOne[node] = 0 means unvisited, which saves an O(V) fill(-1).
  const depthPlusOne = new Int32Array(graph.nodeCount);
  const queue: number[] = [];
  for (const start of starts) {
    if (depthPlusOne[start] !== 0) continue;
    depthPlusOne[start] = 1;
    queue.push(start);
  }

  const edges: WalkedEdge[] | undefined = includeEdges ? [] : undefined;
  // Walking both ways meets an edge from each end (a self-loop from the same node twice).
  const walked: Set<number> | undefined =
    includeEdges && forward && backward ? new Set() : undefined;
  let truncated = false;

  for (let head = 0; head < queue.length; head++) {
    const node = queue[head];
    const depth = depthPlusOne[node] - 1;
    if (depth === maxDepth) {
      // Breadth-first order: every node of depth ≤ maxDepth is already queued, so an unvisited
      // neighbour now can only lie beyond the limit.
      if (hasUnvisitedNeighbour(graph, node, forward, backward, depthPlusOne)) {
        truncated = true;
        break;
      }
      continue;
    }
    if (forward) {
      const rowEnd = outOffsets[node + 1];
      for (let position = outOffsets[node]; position < rowEnd; position++) {
        const next = outTargets[position];
        if (edges !== undefined) {
          const edgeId = outEdgeIds[position];
          if (walked === undefined || !walked.has(edgeId)) {
            walked?.add(edgeId);
            edges.push({ edgeId, source: nodeIds[node], target: nodeIds[next] });
          }
        }
        if (depthPlusOne[next] === 0) {
          depthPlusOne[next] = depth + 2;
          queue.push(next);
        }
      }
    }
    if (backward) {
      const rowEnd = inOffsets[node + 1];
      for (let position = inOffsets[node]; position < rowEnd; position++) {
        const next = inSources[position];
        if (edges !== undefined) {
          const edgeId = inEdgeIds[position];
          if (walked === undefined || !walked.has(edgeId)) {
            walked?.add(edgeId);
            edges.push({ edgeId, source: nodeIds[next], target: nodeIds[node] });
          }
        }
        if (depthPlusOne[next] === 0) {
          depthPlusOne[next] = depth + 2;
          queue.push(next);
        }
      }
    }
  }

  const nodes = new Array<VisitedNode>(queue.length);
  for (let i = 0; i < queue.length; i++) {
    const index = queue[i];
    nodes[i] = { id: nodeIds[index], index, depth: depthPlusOne[index] - 1 };
  }
  return edges === undefined ? { nodes, truncated } : { nodes, edges, truncated };
}

function hasUnvisitedNeighbour(
  graph: DirectedGraph,
  node: number,
  forward: boolean,
  backward: boolean,
  depthPlusOne: Int32Array,
): boolean {
  if (forward) {
    const { outOffsets, outTargets } = graph;
    const rowEnd = outOffsets[node + 1];
    for (let position = outOffsets[node]; position < rowEnd; position++) {
      if (depthPlusOne[outTargets[position]] === 0) return true;
    }
  }
  if (backward) {
    const { inOffsets, inSources } = graph;
    const rowEnd = inOffsets[node + 1];
    for (let position = inOffsets[node]; position < rowEnd; position++) {
      if (depthPlusOne[inSources[position]] === 0) return true;
    }
  }
  return false;
}

function validateOptions(options: TraversalOptions): Required<TraversalOptions> {
  if (options === null || typeof options !== 'object') {
    throw new GraphError(
      'GRAPH.INVALID_ARGUMENT',
      `options must be an object, got ${describeValue(options)}`,
    );
  }
  const { direction = 'downstream', maxDepth = DEFAULT_MAX_DEPTH, includeEdges = false } = options;
  if (!DIRECTIONS.includes(direction)) {
    throw new GraphError(
      'GRAPH.INVALID_ARGUMENT',
      `options.direction must be "downstream", "upstream" or "both", got ${describeValue(direction)}`,
    );
  }
  if (typeof maxDepth !== 'number' || !Number.isInteger(maxDepth) || maxDepth < 0) {
    throw new GraphError(
      'GRAPH.INVALID_ARGUMENT',
      `options.maxDepth must be a non-negative integer, got ${describeValue(maxDepth)}`,
    );
  }
  if (typeof includeEdges !== 'boolean') {
    throw new GraphError(
      'GRAPH.INVALID_ARGUMENT',
      `options.includeEdges must be a boolean, got ${describeValue(includeEdges)}`,
    );
  }
  return { direction, maxDepth, includeEdges };
}
