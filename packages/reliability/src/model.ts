import { DirectedGraph, GraphError } from '@slo-engine/graph';
import { type DependencyKind } from './algebra';
import { ReliabilityError } from './errors';
import {
  type AvailabilitySource,
  type ExternalAvailabilityOptions,
  externalAvailability,
} from './external';
import { assertRatio, dependencyKindOf, describeValue } from './validation';

/** A service of the dependency graph and what is known about its own availability. */
export interface ServiceAvailabilityInput {
  readonly id: string;
  /** Observed availability as a ratio in [0, 1]; preferred when present. */
  readonly availability?: number;
  /**
   * Published SLA as a ratio, used (with the pessimistic penalty) when nothing was observed:
   * the FR-3 rule for external dependencies without monitoring.
   */
  readonly publishedSla?: number;
}

/** One edge of the dependency graph: `from` (the caller) depends on `to` (the callee). */
export interface DependencyInput {
  readonly from: string;
  readonly to: string;
  /** Defaults to `'hard'`. Soft dependencies are left out of every composite. */
  readonly kind?: DependencyKind;
  /**
   * Hard dependencies of the same caller sharing this label are redundant replicas and form
   * one parallel factor `1 − Π (1 − R_branch)`.
   */
  readonly redundancyGroup?: string;
}

export interface AvailabilityModelInput {
  readonly services: readonly ServiceAvailabilityInput[];
  readonly dependencies: readonly DependencyInput[];
}

/** One redundancy group instance: the replicas one caller can use interchangeably. */
export interface RedundancyGroup {
  /** Caller that owns the group. */
  readonly source: string;
  readonly label: string;
  /** Distinct replica services, in first-declared order. */
  readonly members: readonly string[];
}

/**
 * The dependency graph prepared for {@link compositeAvailability}: validated, with planned
 * availabilities and the soft edges set aside. Build it with {@link buildAvailabilityModel} and
 * treat every field as read-only; node index `i` is the same in every array and in `graph`.
 */
export interface AvailabilityModel {
  /** Service id of each node index. */
  readonly serviceIds: readonly string[];
  /** Availability planned with, per node index (observed, or adjusted published SLA). */
  readonly availability: Float64Array;
  readonly availabilitySource: readonly AvailabilitySource[];
  /** Hard and redundant dependencies only; soft edges are not in the graph. */
  readonly graph: DirectedGraph;
  /** Per edge id of `graph`: index into `groups`, or -1 for a plain serial hard edge. */
  readonly edgeGroup: Int32Array;
  readonly groups: readonly RedundancyGroup[];
  /** Source node index of each group. */
  readonly groupSource: Int32Array;
  /** Distinct member node indexes of group g: `groupMemberNodes[groupMemberOffsets[g] .. groupMemberOffsets[g + 1] - 1]`. */
  readonly groupMemberOffsets: Int32Array;
  readonly groupMemberNodes: Int32Array;
  /** Direct soft dependencies per node index (distinct, not also hard), in declared order. */
  readonly softDependencies: readonly (readonly string[])[];
}

const NO_SOFT_DEPENDENCIES: readonly string[] = Object.freeze([]);

/**
 * Validates a dependency graph and prepares it for composite computations: resolves every
 * service's planned availability (observed, else published SLA × (1 − slaPenalty)), builds the
 * graph of hard and redundant edges, and indexes redundancy groups and soft dependencies.
 * O(V + E).
 *
 * @throws ReliabilityError `RELIABILITY.DUPLICATE_SERVICE`, `RELIABILITY.MISSING_AVAILABILITY`,
 *   `RELIABILITY.UNKNOWN_SERVICE` (an edge names an undeclared service),
 *   `RELIABILITY.INVALID_RATIO`, `RELIABILITY.INVALID_ARGUMENT`.
 */
export function buildAvailabilityModel(
  input: AvailabilityModelInput,
  options: ExternalAvailabilityOptions = {},
): AvailabilityModel {
  // Checked through `unknown` so the narrowing does not turn the typed arrays into any[].
  const raw: { readonly services?: unknown; readonly dependencies?: unknown } = input;
  if (!Array.isArray(raw.services) || !Array.isArray(raw.dependencies)) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      'input must have arrays "services" and "dependencies"',
    );
  }
  const { services, dependencies } = input;
  const declared = new Map<string, number>();
  const planned = new Float64Array(services.length);
  const sources: AvailabilitySource[] = [];
  services.forEach((service, i) => {
    if (typeof service.id !== 'string') {
      throw new ReliabilityError(
        'RELIABILITY.INVALID_ARGUMENT',
        `services[${i}].id must be a string, got ${describeValue(service.id)}`,
      );
    }
    if (declared.has(service.id)) {
      throw new ReliabilityError(
        'RELIABILITY.DUPLICATE_SERVICE',
        `service ${describeValue(service.id)} is declared twice (services[${declared.get(service.id)}] and services[${i}])`,
      );
    }
    declared.set(service.id, i);
    if (service.availability === undefined && service.publishedSla === undefined) {
      throw new ReliabilityError(
        'RELIABILITY.MISSING_AVAILABILITY',
        `service ${describeValue(service.id)} needs an observed availability or a published SLA`,
      );
    }
    const resolved = externalAvailability(
      { observed: service.availability, publishedSla: service.publishedSla },
      options,
    );
    planned[i] = resolved.availability;
    sources.push(resolved.source);
  });

  const edges: [string, string][] = [];
  const edgeGroupKeys: (string | undefined)[] = [];
  const softByService = new Map<number, string[]>();
  dependencies.forEach((dependency, i) => {
    for (const end of ['from', 'to'] as const) {
      const id: unknown = dependency[end];
      if (typeof id !== 'string') {
        throw new ReliabilityError(
          'RELIABILITY.INVALID_ARGUMENT',
          `dependencies[${i}].${end} must be a string, got ${describeValue(id)}`,
        );
      }
      if (!declared.has(id)) {
        throw new ReliabilityError(
          'RELIABILITY.UNKNOWN_SERVICE',
          `dependencies[${i}].${end} names service ${describeValue(id)}, which is not in services`,
        );
      }
    }
    const kind = dependencyKindOf(dependency.kind, `dependencies[${i}]`);
    const group = dependency.redundancyGroup;
    if (group !== undefined && (typeof group !== 'string' || group === '')) {
      throw new ReliabilityError(
        'RELIABILITY.INVALID_ARGUMENT',
        `dependencies[${i}].redundancyGroup must be a non-empty string, got ${describeValue(group)}`,
      );
    }
    if (kind === 'soft') {
      if (group !== undefined) {
        throw new ReliabilityError(
          'RELIABILITY.INVALID_ARGUMENT',
          `dependencies[${i}] is soft but has redundancyGroup ${describeValue(group)}; only hard dependencies can be redundant`,
        );
      }
      const caller = declared.get(dependency.from)!;
      const list = softByService.get(caller);
      if (list === undefined) softByService.set(caller, [dependency.to]);
      else list.push(dependency.to);
      return;
    }
    edges.push([dependency.from, dependency.to]);
    edgeGroupKeys.push(group);
  });

  const graph = DirectedGraph.fromEdges(edges, { nodes: services.map((s) => s.id) });
  const n = graph.nodeCount;
  const serviceIds: string[] = [];
  const availability = new Float64Array(n);
  const availabilitySource: AvailabilitySource[] = [];
  for (let node = 0; node < n; node++) {
    const id = graph.idAt(node);
    const declaredAt = declared.get(id)!;
    serviceIds.push(id);
    availability[node] = planned[declaredAt];
    availabilitySource.push(sources[declaredAt]);
  }

  const redundancy = indexRedundancyGroups(graph, serviceIds, edgeGroupKeys);

  const softDependencies: (readonly string[])[] = [];
  for (let node = 0; node < n; node++) {
    const soft = softByService.get(declared.get(serviceIds[node])!);
    if (soft === undefined) {
      softDependencies.push(NO_SOFT_DEPENDENCIES);
      continue;
    }
    const hardTargets = new Set<string>();
    for (let p = graph.outOffsets[node]; p < graph.outOffsets[node + 1]; p++) {
      hardTargets.add(serviceIds[graph.outTargets[p]]);
    }
    const distinct = [...new Set(soft)].filter((id) => !hardTargets.has(id));
    softDependencies.push(distinct.length === 0 ? NO_SOFT_DEPENDENCIES : Object.freeze(distinct));
  }

  return { serviceIds, availability, availabilitySource, graph, ...redundancy, softDependencies };
}

/** Input of {@link buildIndexedAvailabilityModel}: services and hard dependencies by index. */
export interface IndexedAvailabilityModelInput {
  /** Service id of each node index; distinct. */
  readonly serviceIds: readonly string[];
  /** Planned availability of each node index, a ratio in [0, 1] (already resolved). */
  readonly availability: ArrayLike<number>;
  /** Hard dependency `e`: node `sources[e]` (the caller) depends on node `targets[e]`. */
  readonly sources: ArrayLike<number>;
  readonly targets: ArrayLike<number>;
  /**
   * Redundancy group label of each hard dependency (same meaning as
   * {@link DependencyInput.redundancyGroup}); null or undefined for a plain serial dependency.
   * Omitted: none is redundant.
   */
  readonly redundancyGroups?: ArrayLike<string | null | undefined>;
}

/**
 * {@link buildAvailabilityModel} for a caller that has already numbered its services and
 * resolved their availabilities (e.g. a graph held as integer adjacency): no string lookups, one
 * object per redundancy group at most. Takes hard dependencies only — leave soft ones out, as a
 * composite does — so `excludedSoftDependencies` is empty, and every availability counts as
 * `observed`. Node `i` of the model is `serviceIds[i]`, edge `e` is dependency `e`: for the same
 * services, dependencies and order, the model (and so every composite) is exactly the one
 * {@link buildAvailabilityModel} builds. O(V + E).
 *
 * @throws ReliabilityError `RELIABILITY.DUPLICATE_SERVICE`, `RELIABILITY.INVALID_RATIO`,
 *   `RELIABILITY.INVALID_ARGUMENT` (arrays of different lengths, an endpoint that is not a node
 *   index, a redundancy group label that is not a non-empty string).
 */
export function buildIndexedAvailabilityModel(
  input: IndexedAvailabilityModelInput,
): AvailabilityModel {
  const { serviceIds, availability: planned, sources, targets, redundancyGroups } = input;
  if (!Array.isArray(serviceIds)) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      `serviceIds must be an array of strings, got ${describeValue(serviceIds)}`,
    );
  }
  const n = serviceIds.length;
  for (let i = 0; i < n; i++) {
    const id: unknown = serviceIds[i];
    if (typeof id !== 'string') {
      throw new ReliabilityError(
        'RELIABILITY.INVALID_ARGUMENT',
        `serviceIds[${i}] must be a string, got ${describeValue(id)}`,
      );
    }
  }
  requireArray(planned, 'availability', { length: n, of: 'serviceIds' });
  const availability = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    assertRatio(planned[i], `availability[${i}]`);
    availability[i] = planned[i];
  }
  requireArray(sources, 'sources');
  const edgeCount = sources.length;
  requireArray(targets, 'targets', { length: edgeCount, of: 'sources' });
  if (redundancyGroups !== undefined) {
    requireArray(redundancyGroups, 'redundancyGroups', { length: edgeCount, of: 'sources' });
  }
  const edgeSources = new Int32Array(edgeCount);
  const edgeTargets = new Int32Array(edgeCount);
  // Only when some dependency is redundant: most graphs have few groups, many have none.
  let labels: (string | undefined)[] | undefined;
  for (let e = 0; e < edgeCount; e++) {
    const from = sources[e];
    const to = targets[e];
    if (!isNodeIndex(from, n) || !isNodeIndex(to, n)) {
      throw new ReliabilityError(
        'RELIABILITY.INVALID_ARGUMENT',
        `dependency ${e} (${describeValue(from)} -> ${describeValue(to)}) must join two node indexes in 0..${n - 1}`,
      );
    }
    edgeSources[e] = from;
    edgeTargets[e] = to;
    const label: unknown = redundancyGroups?.[e] ?? undefined;
    if (label === undefined) continue;
    if (typeof label !== 'string' || label === '') {
      throw new ReliabilityError(
        'RELIABILITY.INVALID_ARGUMENT',
        `redundancyGroups[${e}] must be a non-empty string, null or undefined, got ${describeValue(label)}`,
      );
    }
    labels ??= new Array<string | undefined>(edgeCount).fill(undefined);
    labels[e] = label;
  }

  let graph: DirectedGraph;
  try {
    graph = DirectedGraph.fromIndexedEdges(serviceIds, edgeSources, edgeTargets);
  } catch (error) {
    // Ids and endpoints are checked above: what the graph can still refuse is a repeated id.
    if (!(error instanceof GraphError)) throw error;
    throw new ReliabilityError(
      'RELIABILITY.DUPLICATE_SERVICE',
      duplicateServiceMessage(serviceIds),
    );
  }
  const ids = graph.nodeIds;
  return {
    serviceIds: ids,
    availability,
    availabilitySource: new Array<AvailabilitySource>(n).fill('observed'),
    graph,
    ...indexRedundancyGroups(graph, ids, labels),
    softDependencies: new Array<readonly string[]>(n).fill(NO_SOFT_DEPENDENCIES),
  };
}

/** Throws unless `values` is array-like (and, if given, of the same length as `like.of`). */
function duplicateServiceMessage(serviceIds: readonly string[]): string {
  const first = new Map<string, number>();
  for (let i = 0; i < serviceIds.length; i++) {
    const seen = first.get(serviceIds[i]);
    if (seen !== undefined) {
      return `service ${describeValue(serviceIds[i])} is declared twice (serviceIds[${seen}] and serviceIds[${i}])`;
    }
    first.set(serviceIds[i], i);
  }
  return 'serviceIds must be distinct';
}

function requireArray(
  values: unknown,
  name: string,
  like?: { readonly length: number; readonly of: string },
): void {
  const length: unknown = (values as { length?: unknown } | null | undefined)?.length;
  if (typeof length !== 'number') {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      `${name} must be an array, got ${describeValue(values)}`,
    );
  }
  if (like !== undefined && length !== like.length) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      `${name} must have one entry per entry of ${like.of} (${like.length}), got ${length}`,
    );
  }
}

function isNodeIndex(value: unknown, n: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < n;
}

/**
 * Redundancy groups from each hard edge's label: the edges of one caller sharing a label form
 * one group (one parallel factor) of the distinct replicas they reach, in first-declared order.
 */
function indexRedundancyGroups(
  graph: DirectedGraph,
  serviceIds: readonly string[],
  labelOfEdge: readonly (string | undefined)[] | undefined,
): Pick<
  AvailabilityModel,
  'edgeGroup' | 'groups' | 'groupSource' | 'groupMemberOffsets' | 'groupMemberNodes'
> {
  const edgeCount = graph.edgeCount;
  const edgeGroup = new Int32Array(edgeCount).fill(-1);
  const groupIndex = new Map<string, number>();
  const groups: RedundancyGroup[] = [];
  const groupSources: number[] = [];
  const groupLabels: string[] = [];
  const groupMembers: number[][] = [];
  for (let e = 0; labelOfEdge !== undefined && e < edgeCount; e++) {
    const label = labelOfEdge[e];
    if (label === undefined) continue;
    const source = graph.edgeSource(e);
    // NUL cannot occur in a node index, so the key is unambiguous whatever the label holds.
    const key = `${source}\u0000${label}`;
    let g = groupIndex.get(key);
    if (g === undefined) {
      g = groupMembers.length;
      groupIndex.set(key, g);
      groupSources.push(source);
      groupLabels.push(label);
      groupMembers.push([]);
    }
    edgeGroup[e] = g;
    const member = graph.edgeTarget(e);
    // The same replica listed twice is still one replica, not extra redundancy.
    if (!groupMembers[g].includes(member)) groupMembers[g].push(member);
  }
  const groupMemberOffsets = new Int32Array(groupMembers.length + 1);
  groupMembers.forEach((members, g) => {
    groupMemberOffsets[g + 1] = groupMemberOffsets[g] + members.length;
    groups.push({
      source: serviceIds[groupSources[g]],
      label: groupLabels[g],
      members: Object.freeze(members.map((m) => serviceIds[m])),
    });
  });
  return {
    edgeGroup,
    groups,
    groupSource: Int32Array.from(groupSources),
    groupMemberOffsets,
    groupMemberNodes: Int32Array.from(groupMembers.flat()),
  };
}
