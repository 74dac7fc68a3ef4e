import { type Condensation, condense, DirectedGraph } from '@slo-engine/graph';
import { type ActiveGraph, type EffectiveEdge } from '../graph.ports';
import { cyclesOf, directedGraphOf, type GraphCycle } from '../graph-cycles';
import { type ServiceNode } from '../graph.types';

/** A cycle as queries report it. */
export interface SnapshotCycle extends GraphCycle {
  /**
   * Stable while the cycle's membership is: `cycle:` + its smallest member id (components are
   * disjoint, so no two cycles of one snapshot share it).
   */
  readonly cycleId: string;
}

/** The graph restricted to some services; `edgeIds[i]` is the active edge of its edge `i`. */
export interface GraphView {
  readonly graph: DirectedGraph;
  readonly edgeIds: Int32Array;
}

/**
 * One version of the active graph with everything queries need precomputed: the CSR graph (edge
 * id `i` is `active.edges[i]`), its condensation and cycles, and a lazily built view without
 * external services. Immutable; shared by every concurrent reader.
 */
export class GraphSnapshot {
  readonly version: number;
  readonly graph: DirectedGraph;
  readonly condensation: Condensation;
  readonly cycles: readonly SnapshotCycle[];
  private readonly servicesById: ReadonlyMap<string, ServiceNode>;
  private readonly cycleByComponent: ReadonlyMap<number, SnapshotCycle>;
  private internalOnly: GraphView | undefined;
  private everything: GraphView | undefined;

  constructor(readonly active: ActiveGraph) {
    this.version = active.version;
    this.graph = directedGraphOf(active);
    this.condensation = condense(this.graph);
    this.cycles = cyclesOf(this.condensation).map((cycle) => ({
      ...cycle,
      cycleId: `cycle:${cycle.members[0]}`,
    }));
    this.cycleByComponent = new Map(this.cycles.map((cycle) => [cycle.component, cycle]));
    this.servicesById = new Map(active.services.map((service) => [service.serviceId, service]));
  }

  service(serviceId: string): ServiceNode | undefined {
    return this.servicesById.get(serviceId);
  }

  edge(edgeId: number): EffectiveEdge {
    return this.active.edges[edgeId];
  }

  /** The cycle (non-trivial SCC) the service belongs to, if any. */
  cycleOf(serviceId: string): SnapshotCycle | undefined {
    const index = this.graph.indexOf(serviceId);
    return index < 0 ? undefined : this.cycleByComponent.get(this.condensation.componentOf[index]);
  }

  /** True when both ends of the edge lie in the same cycle. */
  edgeInCycle(edgeId: number): boolean {
    const { componentOf } = this.condensation;
    const component = componentOf[this.graph.edgeSource(edgeId)];
    return (
      component === componentOf[this.graph.edgeTarget(edgeId)] &&
      this.cycleByComponent.has(component)
    );
  }

  /** The whole graph, or the graph without external services; each built once, on first use. */
  view(includeExternal: boolean): GraphView {
    if (includeExternal) {
      this.everything ??= {
        graph: this.graph,
        edgeIds: Int32Array.from({ length: this.graph.edgeCount }, (_, index) => index),
      };
      return this.everything;
    }
    this.internalOnly ??= this.buildInternalView();
    return this.internalOnly;
  }

  private buildInternalView(): GraphView {
    const isInternal = (id: string): boolean => this.service(id)?.serviceType !== 'external';
    const pairs: Array<readonly [string, string]> = [];
    const edgeIds: number[] = [];
    this.active.edges.forEach((edge, edgeId) => {
      if (isInternal(edge.source) && isInternal(edge.target)) {
        pairs.push([edge.source, edge.target]);
        edgeIds.push(edgeId);
      }
    });
    const nodes = this.active.services
      .filter((service) => service.serviceType !== 'external')
      .map((service) => service.serviceId);
    return { graph: DirectedGraph.fromEdges(pairs, { nodes }), edgeIds: Int32Array.from(edgeIds) };
  }
}
