/**
 * FR-3 dependency-aware constraint propagation for one service: its downstream closure in the
 * current graph snapshot, the availability each member is planned with, and the composite bound
 * from `@slo-engine/reliability` (serial hard edges, parallel redundancy groups, soft edges left
 * out, circular groups as supernodes at their weakest member).
 */
import {
  type AvailabilityModelInput,
  type CompositeBottleneck,
  buildAvailabilityModel,
  compositeAvailabilityOf,
  errorBudgetShare,
  externalAvailability,
  HIGH_DEPENDENCY_RISK_SHARE,
} from '@slo-engine/reliability';
import { createHash } from 'node:crypto';
import { type GraphSnapshot } from '../graph/graph-snapshot/graph-snapshot';
import { type ServiceNode } from '../graph/graph.types';
import { ARCHETYPE_BASELINES, archetypeOf } from './archetypes';
import { type ExternalDependencyRisk } from './recommendation.types';

/** One service of the closure. */
export interface ClosureService {
  readonly serviceId: string;
  readonly external: boolean;
  /** The vendor's published SLA (metadata `publishedSla`, a ratio), if declared. */
  readonly publishedSla: number | null;
  /** Availability assumed when nothing was observed and no SLA is published: its archetype's. */
  readonly assumedAvailability: number;
  /** Reachable from the service over hard edges (false for the service and soft-only members). */
  readonly hardReachable: boolean;
}

export interface ClosureEdge {
  readonly from: string;
  readonly to: string;
  readonly kind: 'hard' | 'soft';
  readonly redundancyGroup: string | null;
}

/** What the composite of one service depends on; equal digests mean equal composites inputs. */
export interface DependencyClosure {
  readonly serviceId: string;
  /** The service first, then everything reachable over hard edges, then direct soft dependencies. */
  readonly services: readonly ClosureService[];
  readonly edges: readonly ClosureEdge[];
  readonly hardDependencyCount: number;
  readonly softDependencies: readonly string[];
  /** sha256 of the closure's structure: a graph change elsewhere leaves it unchanged. */
  readonly digest: string;
  readonly graphVersion: number;
}

/**
 * The service's downstream closure over hard (and redundant) edges; `degraded` edges count as
 * soft (the caller keeps working, degraded). Direct soft dependencies are included so they can be
 * named as degraded-mode risks; their own dependencies are not followed.
 */
export function dependencyClosure(snapshot: GraphSnapshot, serviceId: string): DependencyClosure {
  const { graph } = snapshot;
  const start = graph.requireIndex(serviceId);
  const visited = new Set<number>([start]);
  const order: number[] = [start];
  const edges: ClosureEdge[] = [];
  const softDependencies: string[] = [];
  for (let head = 0; head < order.length; head++) {
    const node = order[head];
    for (let k = graph.outOffsets[node]; k < graph.outOffsets[node + 1]; k++) {
      const edge = snapshot.edge(graph.outEdgeIds[k]);
      const target = graph.outTargets[k];
      const hard = edge.criticality === 'hard';
      if (!hard) {
        if (node !== start) continue;
        softDependencies.push(edge.target);
      }
      edges.push({
        from: edge.source,
        to: edge.target,
        kind: hard ? 'hard' : 'soft',
        redundancyGroup: hard ? (edge.redundancyGroup ?? null) : null,
      });
      if (hard && !visited.has(target)) {
        visited.add(target);
        order.push(target);
      }
    }
  }
  const hardDependencyCount = order.length - 1;
  for (const soft of softDependencies) {
    const index = graph.indexOf(soft);
    if (!visited.has(index)) {
      visited.add(index);
      order.push(index);
    }
  }
  const services = order.map((index, position) => ({
    ...closureService(snapshot.service(graph.idAt(index))!),
    hardReachable: position > 0 && position <= hardDependencyCount,
  }));
  const digest = createHash('sha256')
    .update(JSON.stringify(services))
    .update(JSON.stringify(edges))
    .digest('hex');
  return {
    serviceId,
    services,
    edges,
    hardDependencyCount,
    softDependencies: [...new Set(softDependencies)].sort(),
    digest,
    graphVersion: snapshot.version,
  };
}

function closureService(node: ServiceNode): Omit<ClosureService, 'hardReachable'> {
  return {
    serviceId: node.serviceId,
    external: node.serviceType === 'external',
    publishedSla: publishedSlaOf(node.metadata.publishedSla),
    assumedAvailability: ARCHETYPE_BASELINES[archetypeOf(node)].availability,
  };
}

/** `publishedSla` (a ratio, as the ingestion API validates it), when declared. */
function publishedSlaOf(value: unknown): number | null {
  return typeof value === 'number' && value > 0 && value <= 1 ? value : null;
}

export type PlannedSource = 'observed' | 'published-sla' | 'assumed';

export interface CompositeAnalysis {
  /** The composite availability bound, ratio. */
  readonly composite: number;
  /** The same with every external dependency taken as perfect: the internal part alone. */
  readonly compositeInternal: number;
  readonly bottleneck: CompositeBottleneck | null;
  readonly cycleMembers: readonly string[];
  readonly softDependencies: readonly string[];
  readonly planned: ReadonlyMap<string, { availability: number; source: PlannedSource }>;
  readonly externals: readonly string[];
}

/**
 * The composite bound of the closure's service given its own availability and each member's
 * observed availability (absent: published SLA less the FR-3 penalty, else the archetype's).
 */
export function analyseComposite(
  closure: DependencyClosure,
  selfAvailability: number,
  observed: ReadonlyMap<string, number>,
  overrides: ReadonlyMap<string, number> = new Map(),
): CompositeAnalysis {
  const planned = new Map<string, { availability: number; source: PlannedSource }>();
  const input = (externalsPerfect: boolean): AvailabilityModelInput => ({
    services: closure.services.map((service) => {
      let entry = planned.get(service.serviceId);
      if (entry === undefined) {
        entry = plannedAvailability(closure, service, selfAvailability, observed, overrides);
        planned.set(service.serviceId, entry);
      }
      const perfect = externalsPerfect && service.external && service.hardReachable;
      return { id: service.serviceId, availability: perfect ? 1 : entry.availability };
    }),
    dependencies: closure.edges.map((edge) => ({
      from: edge.from,
      to: edge.to,
      kind: edge.kind,
      ...(edge.redundancyGroup !== null ? { redundancyGroup: edge.redundancyGroup } : {}),
    })),
  });
  const full = compositeAvailabilityOf(buildAvailabilityModel(input(false)), closure.serviceId);
  const internal = compositeAvailabilityOf(buildAvailabilityModel(input(true)), closure.serviceId);
  return {
    composite: full.composite,
    compositeInternal: internal.composite,
    bottleneck: full.bottleneck,
    cycleMembers: full.cycleMembers,
    softDependencies: full.excludedSoftDependencies,
    planned,
    externals: closure.services
      .filter((service) => service.external && service.hardReachable)
      .map((service) => service.serviceId),
  };
}

function plannedAvailability(
  closure: DependencyClosure,
  service: ClosureService,
  selfAvailability: number,
  observed: ReadonlyMap<string, number>,
  overrides: ReadonlyMap<string, number>,
): { availability: number; source: PlannedSource } {
  const override = overrides.get(service.serviceId);
  if (override !== undefined) return { availability: override, source: 'observed' };
  if (service.serviceId === closure.serviceId) {
    return { availability: selfAvailability, source: 'observed' };
  }
  const seen = observed.get(service.serviceId);
  if (seen !== undefined) return { availability: seen, source: 'observed' };
  return unobservedAvailability(service);
}

// FR-3: a published SLA is planned with pessimistically (99.99% → 99.89%), as
// `externalAvailability` of @slo-engine/reliability does.
function unobservedAvailability(
  service: Pick<ClosureService, 'publishedSla' | 'assumedAvailability'>,
): { availability: number; source: 'published-sla' | 'assumed' } {
  if (service.publishedSla !== null) {
    const { availability } = externalAvailability({ publishedSla: service.publishedSla });
    return { availability, source: 'published-sla' };
  }
  return { availability: service.assumedAvailability, source: 'assumed' };
}

/**
 * The availability a service is planned with when nothing was observed for it (the FR-3 rule
 * `analyseComposite` applies): its published SLA less the 0.1% penalty when declared, else its
 * archetype's baseline. Ratio.
 */
export function unobservedPlannedAvailability(node: ServiceNode): {
  availability: number;
  source: 'published-sla' | 'assumed';
} {
  return unobservedAvailability(closureService(node));
}

/** FR-3 external-dependency risk at a target: budget share and the >30% "high risk" flag. */
export function externalRisks(
  analysis: CompositeAnalysis,
  target: number,
): ExternalDependencyRisk[] {
  return analysis.externals
    .map((serviceId) => {
      const { availability, source } = analysis.planned.get(serviceId)!;
      const share = errorBudgetShare(availability, target);
      return {
        serviceId,
        availability: availability * 100,
        availabilitySource: source,
        errorBudgetShare: share,
        highDependencyRisk: share > HIGH_DEPENDENCY_RISK_SHARE,
      };
    })
    .sort(
      (a, b) => b.errorBudgetShare - a.errorBudgetShare || (a.serviceId < b.serviceId ? -1 : 1),
    );
}
