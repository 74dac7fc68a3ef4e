import { describeValue, GraphError } from './errors';

/** Options of {@link DirectedGraph.fromEdges}. */
export interface FromEdgesOptions {
  /** Extra node ids; ids that no edge names become isolated nodes. Listed first in index order. */
  readonly nodes?: Iterable<string>;
}

let constructGraph: (
  ids: readonly string[],
  edgeSources: Int32Array,
  edgeTargets: Int32Array,
  indexById: Map<string, number> | undefined,
) => DirectedGraph;

/**
 * An immutable directed multigraph over string ids, stored as compressed sparse rows (CSR) in
 * both directions. Node `i` is the `i`-th distinct id seen; edge `e` is the `e`-th input edge.
 *
 * The typed arrays are exposed for fast read-only iteration. They are live views of the
 * graph's storage: never write to them.
 */
export class DirectedGraph {
  readonly nodeCount: number;
  readonly edgeCount: number;
  /** Node ids in index order: `nodeIds[i] === idAt(i)`. */
  readonly nodeIds: readonly string[];
  /** Out-edges of node `i` occupy positions `outOffsets[i] .. outOffsets[i + 1] - 1`. */
  readonly outOffsets: Int32Array;
  /** Target node index of each out-edge position. */
  readonly outTargets: Int32Array;
  /** Input edge id of each out-edge position. */
  readonly outEdgeIds: Int32Array;
  /** In-edges of node `i` occupy positions `inOffsets[i] .. inOffsets[i + 1] - 1`. */
  readonly inOffsets: Int32Array;
  /** Source node index of each in-edge position. */
  readonly inSources: Int32Array;
  /** Input edge id of each in-edge position. */
  readonly inEdgeIds: Int32Array;

  private readonly edgeSources: Int32Array;
  private readonly edgeTargets: Int32Array;
  // Built on first lookup: graphs made by `condense` are often only iterated by index.
  private indexById: Map<string, number> | undefined;

  static {
    constructGraph = (ids, edgeSources, edgeTargets, indexById) =>
      new DirectedGraph(ids, edgeSources, edgeTargets, indexById);
  }

  private constructor(
    ids: readonly string[],
    edgeSources: Int32Array,
    edgeTargets: Int32Array,
    indexById: Map<string, number> | undefined,
  ) {
    this.nodeIds = ids;
    this.nodeCount = ids.length;
    this.edgeCount = edgeSources.length;
    this.edgeSources = edgeSources;
    this.edgeTargets = edgeTargets;
    this.indexById = indexById;
    const out = compressRows(ids.length, edgeSources, edgeTargets);
    this.outOffsets = out.offsets;
    this.outTargets = out.neighbours;
    this.outEdgeIds = out.edgeIds;
    const into = compressRows(ids.length, edgeTargets, edgeSources);
    this.inOffsets = into.offsets;
    this.inSources = into.neighbours;
    this.inEdgeIds = into.edgeIds;
  }

  /**
   * Builds a graph from `[source, target]` pairs. Node index order is first appearance: the
   * `nodes` option first, then edge endpoints in input order. Duplicate edges are kept (edge id
   * = position in `edges`); self-loops are allowed.
   *
   * @throws GraphError `GRAPH.INVALID_ARGUMENT` when an edge is not a pair of strings or a node
   *   id is not a string.
   */
  static fromEdges(
    edges: ReadonlyArray<readonly [source: string, target: string]>,
    options: FromEdgesOptions = {},
  ): DirectedGraph {
    if (!Array.isArray(edges)) {
      throw new GraphError(
        'GRAPH.INVALID_ARGUMENT',
        `edges must be an array of [source, target] pairs, got ${describeValue(edges)}`,
      );
    }
    const ids: string[] = [];
    const indexById = new Map<string, number>();
    const intern = (id: string): number => {
      let index = indexById.get(id);
      if (index === undefined) {
        index = ids.length;
        indexById.set(id, index);
        ids.push(id);
      }
      return index;
    };

    if (options.nodes !== undefined) {
      let position = 0;
      for (const id of options.nodes) {
        if (typeof id !== 'string') {
          throw new GraphError(
            'GRAPH.INVALID_ARGUMENT',
            `options.nodes[${position}] must be a string node id, got ${describeValue(id)}`,
          );
        }
        intern(id);
        position++;
      }
    }

    const edgeSources = new Int32Array(edges.length);
    const edgeTargets = new Int32Array(edges.length);
    for (let e = 0; e < edges.length; e++) {
      const edge: unknown = edges[e];
      if (
        !Array.isArray(edge) ||
        edge.length !== 2 ||
        typeof edge[0] !== 'string' ||
        typeof edge[1] !== 'string'
      ) {
        throw new GraphError(
          'GRAPH.INVALID_ARGUMENT',
          `edges[${e}] must be a [source, target] pair of strings, got ${describeValue(edge)}`,
        );
      }
      edgeSources[e] = intern(edge[0]);
      edgeTargets[e] = intern(edge[1]);
    }
    return new DirectedGraph(ids, edgeSources, edgeTargets, indexById);
  }

  /**
   * Builds a graph from node ids and integer endpoints: edge `e` goes from node `sources[e]` to
   * node `targets[e]`, both indexes into `ids`. Skips all string lookups, so it is the fast path
   * when the caller already numbered its nodes.
   *
   * @throws GraphError `GRAPH.INVALID_ARGUMENT` for duplicate or non-string ids, arrays of
   *   different lengths, or an endpoint that is not an index into `ids`.
   */
  static fromIndexedEdges(
    ids: readonly string[],
    sources: ArrayLike<number>,
    targets: ArrayLike<number>,
  ): DirectedGraph {
    if (!Array.isArray(ids)) {
      throw new GraphError(
        'GRAPH.INVALID_ARGUMENT',
        `ids must be an array of strings, got ${describeValue(ids)}`,
      );
    }
    const indexById = new Map<string, number>();
    for (let i = 0; i < ids.length; i++) {
      const id: unknown = ids[i];
      if (typeof id !== 'string') {
        throw new GraphError(
          'GRAPH.INVALID_ARGUMENT',
          `ids[${i}] must be a string, got ${describeValue(id)}`,
        );
      }
      if (indexById.has(id)) {
        throw new GraphError(
          'GRAPH.INVALID_ARGUMENT',
          `ids[${i}] duplicates ids[${indexById.get(id)}] (${JSON.stringify(id)})`,
        );
      }
      indexById.set(id, i);
    }
    if (sources.length !== targets.length) {
      throw new GraphError(
        'GRAPH.INVALID_ARGUMENT',
        `sources and targets must have the same length, got ${sources.length} and ${targets.length}`,
      );
    }
    const edgeSources = Int32Array.from(sources);
    const edgeTargets = Int32Array.from(targets);
    for (let e = 0; e < edgeSources.length; e++) {
      if (!isIndex(sources[e], ids.length) || !isIndex(targets[e], ids.length)) {
        throw new GraphError(
          'GRAPH.INVALID_ARGUMENT',
          `edge ${e} (${describeValue(sources[e])} -> ${describeValue(targets[e])}) ` +
            `must join two node indexes in 0..${ids.length - 1}`,
        );
      }
    }
    return new DirectedGraph(ids.slice(), edgeSources, edgeTargets, indexById);
  }

  /** Index of node `id`, or -1 when the graph has no such node. */
  indexOf(id: string): number {
    return this.lookup().get(id) ?? -1;
  }

  /**
   * Index of node `id`.
   * @throws GraphError `GRAPH.UNKNOWN_NODE` when the graph has no such node.
   */
  requireIndex(id: string): number {
    const index = this.lookup().get(id);
    if (index === undefined) {
      throw new GraphError('GRAPH.UNKNOWN_NODE', `unknown node ${describeValue(id)}`);
    }
    return index;
  }

  /**
   * Id of the node at `index`.
   * @throws GraphError `GRAPH.INDEX_OUT_OF_RANGE` unless `0 <= index < nodeCount` (integer).
   */
  idAt(index: number): string {
    if (!isIndex(index, this.nodeCount)) {
      throw outOfRange('node index', index, this.nodeCount);
    }
    return this.nodeIds[index];
  }

  hasNode(id: string): boolean {
    return this.lookup().has(id);
  }

  /**
   * Source node index of input edge `edgeId`.
   * @throws GraphError `GRAPH.INDEX_OUT_OF_RANGE` unless `0 <= edgeId < edgeCount` (integer).
   */
  edgeSource(edgeId: number): number {
    if (!isIndex(edgeId, this.edgeCount)) throw outOfRange('edge id', edgeId, this.edgeCount);
    return this.edgeSources[edgeId];
  }

  /**
   * Target node index of input edge `edgeId`.
   * @throws GraphError `GRAPH.INDEX_OUT_OF_RANGE` unless `0 <= edgeId < edgeCount` (integer).
   */
  edgeTarget(edgeId: number): number {
    if (!isIndex(edgeId, this.edgeCount)) throw outOfRange('edge id', edgeId, this.edgeCount);
    return this.edgeTargets[edgeId];
  }

  /**
   * Number of out-edges of node `index` (self-loops and duplicates counted).
   * @throws GraphError `GRAPH.INDEX_OUT_OF_RANGE` for an invalid index.
   */
  outDegree(index: number): number {
    if (!isIndex(index, this.nodeCount)) throw outOfRange('node index', index, this.nodeCount);
    return this.outOffsets[index + 1] - this.outOffsets[index];
  }

  /**
   * Number of in-edges of node `index` (self-loops and duplicates counted).
   * @throws GraphError `GRAPH.INDEX_OUT_OF_RANGE` for an invalid index.
   */
  inDegree(index: number): number {
    if (!isIndex(index, this.nodeCount)) throw outOfRange('node index', index, this.nodeCount);
    return this.inOffsets[index + 1] - this.inOffsets[index];
  }

  private lookup(): Map<string, number> {
    if (this.indexById === undefined) {
      const map = new Map<string, number>();
      for (let i = 0; i < this.nodeIds.length; i++) map.set(this.nodeIds[i], i);
      this.indexById = map;
    }
    return this.indexById;
  }
}

/**
 * Package-internal constructor without validation or copying, for graphs whose inputs this
 * package derived itself (e.g. the condensation DAG). Not exported from the package entry.
 */
export function graphFromTrustedParts(
  ids: readonly string[],
  edgeSources: Int32Array,
  edgeTargets: Int32Array,
): DirectedGraph {
  return constructGraph(ids, edgeSources, edgeTargets, undefined);
}

/** True when `value` is an integer in `0 .. length - 1`. */
export function isIndex(value: unknown, length: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < length;
}

function outOfRange(what: string, value: unknown, length: number): GraphError {
  const range = length === 0 ? 'the graph has none' : `expected an integer in 0..${length - 1}`;
  return new GraphError(
    'GRAPH.INDEX_OUT_OF_RANGE',
    `${what} ${describeValue(value)} is out of range (${range})`,
  );
}

/** Counting sort of edges by `from`; keeps input order within each row. */
function compressRows(
  nodeCount: number,
  from: Int32Array,
  to: Int32Array,
): { offsets: Int32Array; neighbours: Int32Array; edgeIds: Int32Array } {
  const edgeCount = from.length;
  const offsets = new Int32Array(nodeCount + 1);
  for (let e = 0; e < edgeCount; e++) offsets[from[e] + 1]++;
  for (let i = 0; i < nodeCount; i++) offsets[i + 1] += offsets[i];
  const cursor = offsets.slice(0, nodeCount);
  const neighbours = new Int32Array(edgeCount);
  const edgeIds = new Int32Array(edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    const position = cursor[from[e]]++;
    neighbours[position] = to[e];
    edgeIds[position] = e;
  }
  return { offsets, neighbours, edgeIds };
}
