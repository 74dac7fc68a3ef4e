import { type DependencySubgraph, type ServiceNode, type SubgraphEdge } from '@slo-engine/core';
import { type DependencySubgraphDto } from './dto/responses.dto';
import { presentEdgeWithoutCycleFlag, presentService } from './graph.presenters';
import { SubgraphJsonWriter } from './subgraph-json';

const T = new Date('2026-02-14T10:00:00.000Z');

/** The response as an object typed by the documented DTO: what the writer must serialise. */
function presentSubgraph(g: DependencySubgraph): DependencySubgraphDto {
  return {
    service: presentService(g.root),
    direction: g.direction,
    depth: g.depth,
    include_external: g.includeExternal,
    graph_version: g.graphVersion,
    nodes: g.nodes.map((n) => ({ ...presentService(n), depth: n.depth, cycle_id: n.cycleId })),
    edges: g.edges.map((e) => ({ ...presentEdgeWithoutCycleFlag(e), in_cycle: e.inCycle })),
    truncated: g.truncated,
    truncated_by: g.truncatedBy,
    max_nodes: g.maxNodes,
    cycles: g.cycles.map((c) => ({
      cycle_id: c.cycleId,
      members: [...c.members],
      path: [...c.path],
    })),
  };
}

function service(serviceId: string, overrides: Partial<ServiceNode> = {}): ServiceNode {
  return {
    serviceId,
    metadata: { team: 'payments', serviceType: 'internal', note: 'quote " and \u2028 and ✓' },
    team: 'payments',
    criticality: 'high',
    serviceType: 'internal',
    discovered: false,
    createdAt: T,
    updatedAt: T,
    ...overrides,
  };
}

function edge(source: string, target: string, overrides: Partial<SubgraphEdge> = {}): SubgraphEdge {
  return {
    source,
    target,
    communicationMode: 'sync',
    criticality: 'hard',
    protocol: 'grpc',
    timeoutMs: 500,
    retryConfig: { maxRetries: 3, backoffStrategy: 'exponential' },
    redundancyGroup: null,
    discoverySources: ['manual', 'otel_service_graph'],
    confidenceScore: 0.9,
    lastObservedAt: T,
    inCycle: false,
    ...overrides,
  };
}

function subgraph(
  version: number,
  checkout: ServiceNode = service('checkout'),
): DependencySubgraph {
  return {
    root: checkout,
    direction: 'downstream',
    depth: 3,
    includeExternal: true,
    graphVersion: version,
    nodes: [
      { ...checkout, depth: 0, cycleId: null },
      { ...service('orders'), depth: 1, cycleId: 'cycle-1' },
      { ...service('stripe', { serviceType: 'external', team: null }), depth: 2, cycleId: null },
    ],
    edges: [
      edge('checkout', 'orders', { retryConfig: null, redundancyGroup: 'psp' }),
      edge('orders', 'checkout', { inCycle: true, protocol: null, timeoutMs: null }),
      edge('orders', 'stripe', { retryConfig: { maxRetries: 1 } }),
    ],
    truncated: true,
    truncatedBy: 'max_nodes',
    maxNodes: 3,
    cycles: [
      {
        cycleId: 'cycle-1',
        members: ['checkout', 'orders'],
        path: ['orders', 'checkout', 'orders'],
      },
    ],
  };
}

describe('SubgraphJsonWriter', () => {
  it('writes exactly JSON.stringify(presentSubgraph(…)), first from scratch and then from its cache', () => {
    const writer = new SubgraphJsonWriter();
    const graph = subgraph(7);
    const expected = JSON.stringify(presentSubgraph(graph));
    expect(writer.write(graph)).toBe(expected);
    expect(writer.write(graph)).toBe(expected);
  });

  it('writes an answer without edges, cycles or truncation', () => {
    const writer = new SubgraphJsonWriter();
    const lone: DependencySubgraph = {
      ...subgraph(1),
      nodes: [{ ...service('checkout'), depth: 0, cycleId: null }],
      edges: [],
      cycles: [],
      truncated: false,
      truncatedBy: null,
    };
    expect(writer.write(lone)).toBe(JSON.stringify(presentSubgraph(lone)));
  });

  it('forgets what it wrote when the graph version changes', () => {
    const writer = new SubgraphJsonWriter();
    writer.write(subgraph(7));
    const renamed = subgraph(8, service('checkout', { team: 'checkout-team' }));
    const written = JSON.parse(writer.write(renamed)) as { service: { team: string } };
    expect(written.service.team).toBe('checkout-team');
    expect(writer.write(renamed)).toBe(JSON.stringify(presentSubgraph(renamed)));
  });
});
