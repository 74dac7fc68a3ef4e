import { traverse } from '@slo-engine/graph';
import { DomainError, DomainErrorCodes, type FieldError } from '../../shared/domain-error';
import { type GraphSnapshotCache } from '../graph-snapshot/graph-snapshot-cache';
import { checkOneOf, throwIfInvalid } from '../input-validation';
import {
  DEFAULT_SUBGRAPH_DEPTH,
  DEFAULT_SUBGRAPH_MAX_NODES,
  type DependencySubgraph,
  type GetDependencySubgraphInput,
  MAX_SUBGRAPH_DEPTH,
  MAX_SUBGRAPH_MAX_NODES,
  type SubgraphCycle,
  SUBGRAPH_DIRECTIONS,
  type SubgraphEdge,
  type SubgraphNode,
} from './get-dependency-subgraph.types';

/**
 * The dependency subgraph around one service (GET /api/v1/services/{id}/dependencies): a bounded
 * breadth-first walk over the cached in-memory graph, never a database traversal.
 */
export class GetDependencySubgraphUseCase {
  constructor(private readonly snapshots: GraphSnapshotCache) {}

  async execute(input: GetDependencySubgraphInput): Promise<DependencySubgraph> {
    const direction = input.direction ?? 'both';
    const depth = input.depth ?? DEFAULT_SUBGRAPH_DEPTH;
    const includeExternal = input.includeExternal ?? true;
    const maxNodes = input.maxNodes ?? DEFAULT_SUBGRAPH_MAX_NODES;
    const fieldErrors: FieldError[] = [];
    checkOneOf(direction, SUBGRAPH_DIRECTIONS, 'direction', fieldErrors);
    if (!Number.isInteger(depth) || depth < 1 || depth > MAX_SUBGRAPH_DEPTH) {
      fieldErrors.push({
        field: 'depth',
        message: `must be an integer from 1 to ${MAX_SUBGRAPH_DEPTH}, got ${String(depth)}`,
      });
    }
    if (!Number.isInteger(maxNodes) || maxNodes < 1 || maxNodes > MAX_SUBGRAPH_MAX_NODES) {
      fieldErrors.push({
        field: 'maxNodes',
        message: `must be an integer from 1 to ${MAX_SUBGRAPH_MAX_NODES}, got ${String(maxNodes)}`,
      });
    }
    throwIfInvalid(fieldErrors, 'The dependency query');

    const snapshot = await this.snapshots.get();
    const root = snapshot.service(input.serviceId);
    if (root === undefined) {
      throw new DomainError(
        DomainErrorCodes.SERVICE_NOT_FOUND,
        `No service has id "${input.serviceId}".`,
        { serviceId: input.serviceId },
      );
    }
    const base = {
      root,
      direction,
      depth,
      includeExternal,
      graphVersion: snapshot.version,
      maxNodes,
    };
    const view = snapshot.view(includeExternal);
    if (!view.graph.hasNode(root.serviceId)) {
      // An external root with includeExternal = false: the service itself, nothing around it.
      const cycle = snapshot.cycleOf(root.serviceId);
      return {
        ...base,
        nodes: [{ ...root, depth: 0, cycleId: cycle?.cycleId ?? null }],
        edges: [],
        truncated: false,
        truncatedBy: null,
        cycles: [],
      };
    }

    const walk = traverse(view.graph, root.serviceId, { direction, maxDepth: depth });
    // traverse lists nodes breadth-first, so the first maxNodes are the nearest ones.
    const kept = walk.nodes.length > maxNodes ? walk.nodes.slice(0, maxNodes) : walk.nodes;
    const truncatedBy =
      kept.length < walk.nodes.length ? 'max_nodes' : walk.truncated ? 'depth' : null;
    const returned = new Uint8Array(view.graph.nodeCount);
    const nodes: SubgraphNode[] = [];
    const cycles = new Map<string, SubgraphCycle>();
    for (const visited of kept) {
      returned[visited.index] = 1;
      const service = snapshot.service(visited.id);
      if (service === undefined) continue; // every graph node is a service; kept for type safety
      const cycle = snapshot.cycleOf(visited.id);
      if (cycle !== undefined && !cycles.has(cycle.cycleId)) {
        cycles.set(cycle.cycleId, {
          cycleId: cycle.cycleId,
          members: cycle.members,
          path: cycle.path,
        });
      }
      nodes.push({ ...service, depth: visited.depth, cycleId: cycle?.cycleId ?? null });
    }

    const { outOffsets, outTargets, outEdgeIds } = view.graph;
    const edges: SubgraphEdge[] = [];
    for (const visited of kept) {
      for (let p = outOffsets[visited.index]; p < outOffsets[visited.index + 1]; p++) {
        if (returned[outTargets[p]] !== 1) continue;
        const edgeId = view.edgeIds[outEdgeIds[p]];
        edges.push({ ...snapshot.edge(edgeId), inCycle: snapshot.edgeInCycle(edgeId) });
      }
    }

    return {
      ...base,
      nodes,
      edges,
      truncated: truncatedBy !== null,
      truncatedBy,
      cycles: [...cycles.values()],
    };
  }
}
