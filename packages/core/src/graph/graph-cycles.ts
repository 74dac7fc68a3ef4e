import { type Condensation, DirectedGraph } from '@slo-engine/graph';
import { type ActiveGraph } from './graph.ports';

/** A circular dependency: a strongly connected component of two or more services. */
export interface GraphCycle {
  /** Sorted ids: the identity of the cycle. */
  readonly members: readonly string[];
  /** One concrete cycle through the component, first id repeated at the end. */
  readonly path: readonly string[];
  /** The component number in the condensation it came from. */
  readonly component: number;
}

/** Code-unit order (PostgreSQL `COLLATE "C"`), so sorted members are the same everywhere. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The dependency graph of every service and effective edge, whatever the edge's criticality (a
 * cycle of soft calls is still a cycle). Edge id `i` is `active.edges[i]`.
 */
export function directedGraphOf(active: ActiveGraph): DirectedGraph {
  return DirectedGraph.fromEdges(
    active.edges.map((edge) => [edge.source, edge.target] as const),
    { nodes: active.services.map((service) => service.serviceId) },
  );
}

/**
 * The cycles of a condensation. Single services are left out even with a self-loop: the
 * submission rules reject self-calls, and the spec records components with |V| > 1 only.
 */
export function cyclesOf(condensation: Condensation): GraphCycle[] {
  return condensation.supernodes
    .filter((supernode) => supernode.members.length > 1)
    .map((supernode) => ({
      members: [...supernode.members].sort(compareIds),
      path: supernode.cyclePath,
      component: supernode.component,
    }));
}
