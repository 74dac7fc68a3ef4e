import { type EffectiveEdge } from '../graph.ports';
import { type ServiceNode } from '../graph.types';

export const SUBGRAPH_DIRECTIONS = ['upstream', 'downstream', 'both'] as const;
/** downstream: what the service calls (dependencies); upstream: who calls it (dependents). */
export type SubgraphDirection = (typeof SUBGRAPH_DIRECTIONS)[number];

export const DEFAULT_SUBGRAPH_DEPTH = 3;
export const MAX_SUBGRAPH_DEPTH = 10;
/**
 * Responses are bounded: in a dense fleet three hops can reach most services, and a response
 * holding the whole graph helps no one (and costs megabytes). The nearest services are kept.
 */
export const DEFAULT_SUBGRAPH_MAX_NODES = 250;
export const MAX_SUBGRAPH_MAX_NODES = 5000;

export interface GetDependencySubgraphInput {
  readonly serviceId: string;
  /** Default `both`. */
  readonly direction?: SubgraphDirection;
  /** Hops from the service, 1..10; default 3. */
  readonly depth?: number;
  /** Default true; false leaves external services (serviceType `external`) out of the walk. */
  readonly includeExternal?: boolean;
  /** Most services returned, 1..5000; default 250. The nearest ones (by depth) are kept. */
  readonly maxNodes?: number;
}

export interface SubgraphNode extends ServiceNode {
  /** Hops from the requested service along the walked direction (shortest). */
  readonly depth: number;
  /** The cycle the service is part of, or null. */
  readonly cycleId: string | null;
}

export interface SubgraphEdge extends EffectiveEdge {
  /** Both ends lie in the same cycle. */
  readonly inCycle: boolean;
}

export interface SubgraphCycle {
  readonly cycleId: string;
  /** Every member of the cycle, sorted (some may lie beyond the returned depth). */
  readonly members: readonly string[];
  readonly path: readonly string[];
}

export interface DependencySubgraph {
  readonly root: ServiceNode;
  readonly direction: SubgraphDirection;
  readonly depth: number;
  readonly includeExternal: boolean;
  /** The graph version the answer was computed from. */
  readonly graphVersion: number;
  /** The root first (depth 0), then breadth-first by depth. */
  readonly nodes: readonly SubgraphNode[];
  /** Every effective edge between two returned nodes. */
  readonly edges: readonly SubgraphEdge[];
  /** True when a larger depth or a larger maxNodes would return more services. */
  readonly truncated: boolean;
  /** What cut the answer short: the depth limit, the node limit, or nothing. */
  readonly truncatedBy: 'depth' | 'max_nodes' | null;
  readonly maxNodes: number;
  /** The cycles with at least one member among the returned nodes. */
  readonly cycles: readonly SubgraphCycle[];
}
