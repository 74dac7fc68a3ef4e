import { type DependencySubgraph } from '@slo-engine/core';
import { presentEdgeWithoutCycleFlag, presentService } from './graph.presenters';

/** Serialised object without its closing brace, so per-request fields can be appended. */
type OpenJsonObject = string;

/**
 * Writes the subgraph response (`DependencySubgraphDto` as JSON text; the spec checks it byte for
 * byte against `JSON.stringify` of the DTO object)
 * reusing each service's and each edge's serialised form while the graph version stays the same.
 * Services and edges are immutable within a graph version, and the same hubs appear in most
 * answers, so a 250-service, 800-edge answer costs a few string joins instead of presenting and
 * stringifying 1,000 objects (≈6 ms of a ≈15 ms request, measured). The cache holds at most the
 * whole graph (≈15 MB for 5,000 services and 50,000 edges) and is dropped on a version change.
 */
export class SubgraphJsonWriter {
  private version: number | undefined;
  private readonly services = new Map<string, OpenJsonObject>();
  private readonly edges = new Map<string, OpenJsonObject>();

  write(subgraph: DependencySubgraph): string {
    if (subgraph.graphVersion !== this.version) {
      this.version = subgraph.graphVersion;
      this.services.clear();
      this.edges.clear();
    }
    const root = this.service(subgraph.root);
    const nodes = subgraph.nodes.map(
      (node) =>
        `${this.service(node)},"depth":${node.depth},"cycle_id":${JSON.stringify(node.cycleId)}}`,
    );
    const edges = subgraph.edges.map((edge) => {
      const key = `${edge.source}\u0000${edge.target}`;
      let open = this.edges.get(key);
      if (open === undefined) {
        open = withoutClosingBrace(JSON.stringify(presentEdgeWithoutCycleFlag(edge)));
        this.edges.set(key, open);
      }
      return `${open},"in_cycle":${edge.inCycle}}`;
    });
    return (
      `{"service":${root}}` +
      `,"direction":${JSON.stringify(subgraph.direction)}` +
      `,"depth":${subgraph.depth}` +
      `,"include_external":${subgraph.includeExternal}` +
      `,"graph_version":${subgraph.graphVersion}` +
      `,"nodes":[${nodes.join(',')}]` +
      `,"edges":[${edges.join(',')}]` +
      `,"truncated":${subgraph.truncated}` +
      `,"truncated_by":${JSON.stringify(subgraph.truncatedBy)}` +
      `,"max_nodes":${subgraph.maxNodes}` +
      `,"cycles":${JSON.stringify(
        subgraph.cycles.map((c) => ({ cycle_id: c.cycleId, members: c.members, path: c.path })),
      )}}`
    );
  }

  private service(node: DependencySubgraph['root']): OpenJsonObject {
    let open = this.services.get(node.serviceId);
    if (open === undefined) {
      open = withoutClosingBrace(JSON.stringify(presentService(node)));
      this.services.set(node.serviceId, open);
    }
    return open;
  }
}

function withoutClosingBrace(json: string): OpenJsonObject {
  return json.slice(0, -1);
}
