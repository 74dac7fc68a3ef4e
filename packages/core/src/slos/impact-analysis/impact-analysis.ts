/**
 * FR-4 impact analysis (`POST /api/v1/slos/impact-analysis`): what a proposed availability target
 * of one service does to the composite availability of every service that depends on it, and
 * which of their active SLOs it puts at risk. Pure: reads a graph snapshot and two lookups.
 *
 * Composites follow FR-3 exactly as `analyseComposite` computes them for one service (serial hard
 * edges, redundancy groups as one parallel factor, soft and degraded edges left out, circular
 * groups as one supernode at their weakest member), but for every impacted service in one pass of
 * `compositeValues` over the part of the graph they reach — never one closure per service.
 */
import {
  buildIndexedAvailabilityModel,
  type CompositeValues,
  compositeValues,
} from '@slo-engine/reliability';
import { type GraphSnapshot } from '../../graph/graph-snapshot/graph-snapshot';
import { unobservedPlannedAvailability } from '../../recommendations/dependency-analysis';
import { DomainError, DomainErrorCodes } from '../../shared/domain-error';

export interface ImpactAnalysisInput {
  readonly snapshot: GraphSnapshot;
  /** The service whose availability target would change. */
  readonly serviceId: string;
  /** The proposed availability target, ratio (0.995, not 99.5). */
  readonly proposedAvailability: number;
  /** The service's availability today, ratio; default: its planned availability. */
  readonly currentAvailability?: number;
  /**
   * Planned availability of a service, ratio (e.g. observed); undefined → the FR-3 fallback:
   * published SLA less 0.1%, else the archetype's baseline.
   */
  readonly availabilityOf: (serviceId: string) => number | undefined;
  /** Target of the service's active availability SLO, ratio; undefined when it has none. */
  readonly activeSloTargetOf: (serviceId: string) => number | undefined;
}

export type ImpactRelationship = 'upstream' | 'upstream (transitive)';

/** One service whose composite availability depends on the changed service. Percentages. */
export interface ImpactedService {
  readonly serviceId: string;
  /** `upstream`: calls the changed service over a hard edge; otherwise transitive. */
  readonly relationship: ImpactRelationship;
  /** Fewest hard edges from this service to the changed one (1 for a direct caller). */
  readonly distance: number;
  readonly currentCompositeAvailability: number;
  readonly projectedCompositeAvailability: number;
  /** `projected − current`, percentage points. */
  readonly delta: number;
  /** The active SLO's target, percent; null without an active SLO. */
  readonly currentSloTarget: number | null;
  /** `projected < target`; null without an active SLO (nothing to compare against). */
  readonly sloAtRisk: boolean | null;
  /** Short and ASCII, e.g. `projected 99.35% < target 99.9%`. */
  readonly riskDetail: string;
  /**
   * Set when this service lies in a circular dependency group other than the changed service's;
   * the changed service's own group is {@link ImpactAnalysis.cycleNote}, which holds for every row.
   */
  readonly cycleNote: string | null;
}

export interface ImpactAnalysisSummary {
  readonly totalImpacted: number;
  readonly slosAtRisk: number;
  readonly recommendation: string;
}

export interface ImpactAnalysis {
  readonly serviceId: string;
  /** The snapshot's graph version the analysis read. */
  readonly graphVersion: number;
  /** Percent. */
  readonly currentAvailability: number;
  /** Percent. */
  readonly proposedAvailability: number;
  /** The changed service's circular dependency group (hard edges), itself included; [] if none. */
  readonly cycleMembers: readonly string[];
  /**
   * Set when the changed service is in a circular dependency group: the group counts as one
   * supernode at its weakest member, before and after. Every impacted service reaches the changed
   * one, so through that supernode: the note holds for every row, and is given once.
   */
  readonly cycleNote: string | null;
  /** Sorted by impact magnitude (|delta| descending: most negative first for a reduction), then id. */
  readonly impactedServices: readonly ImpactedService[];
  /**
   * Services that reach the changed one only through a soft or degraded dependency: their
   * composites leave soft dependencies out, so the change does not propagate to them. Sorted.
   */
  readonly softOnlyDependents: readonly string[];
  /** Explanations for the caller: soft-only dependents, the supernode, unlisted externals. */
  readonly notes: readonly string[];
  readonly summary: ImpactAnalysisSummary;
}

const PROPOSED_FIELD = 'proposed_change.proposed_target';
const CURRENT_FIELD = 'proposed_change.current_target';
/** Names listed in a note before "and N more". */
const MAX_NAMES = 10;

/**
 * Analyses the impact of changing one service's availability to `proposedAvailability`.
 * O(V + E) over the graph plus one `compositeValues` pass (twice: current and projected) over
 * the services the impacted ones reach; nothing but the traversal when nobody calls the service.
 *
 * @throws DomainError `VALIDATION.INVALID_INPUT` (availability not a ratio in [0, 1]),
 *   `GRAPH.SERVICE_NOT_FOUND`.
 */
export function analyseImpact(input: ImpactAnalysisInput): ImpactAnalysis {
  const { snapshot, serviceId, availabilityOf, activeSloTargetOf } = input;
  requireRatio(input.proposedAvailability, PROPOSED_FIELD, 'proposed target');
  if (input.currentAvailability !== undefined) {
    requireRatio(input.currentAvailability, CURRENT_FIELD, 'current target');
  }
  const { graph } = snapshot;
  const changed = graph.indexOf(serviceId);
  const changedNode = snapshot.service(serviceId);
  if (changed < 0 || changedNode === undefined) {
    throw new DomainError(
      DomainErrorCodes.SERVICE_NOT_FOUND,
      `Service ${JSON.stringify(serviceId)} not found`,
      { serviceId },
    );
  }
  const { hard } = hardEdgesOf(snapshot);
  const planned = (index: number): number => {
    const id = graph.nodeIds[index];
    return availabilityOf(id) ?? unobservedPlannedAvailability(snapshot.service(id)!).availability;
  };
  const current = input.currentAvailability ?? planned(changed);
  const proposed = input.proposedAvailability;

  // 1. Reverse traversal over hard edges: every service whose composite reaches the changed one.
  const distance = reverseDistances(snapshot, changed, hard);
  const anyPath = reverseDistances(snapshot, changed, null);
  const upstream: number[] = [];
  const softOnly: string[] = [];
  for (let node = 0; node < graph.nodeCount; node++) {
    if (node === changed) continue;
    if (distance[node] > 0) upstream.push(node);
    else if (anyPath[node] > 0) softOnly.push(graph.idAt(node));
  }
  softOnly.sort(compareStrings);
  const softOnlyNotes =
    softOnly.length === 0
      ? []
      : [
          `${count(softOnly.length, 'service')} (${names(softOnly)}) ${softOnly.length === 1 ? 'reaches' : 'reach'} ${serviceId} only through soft or degraded dependencies; composite availability leaves soft dependencies out, so the change does not propagate to ${softOnly.length === 1 ? 'it' : 'them'}.`,
        ];
  if (upstream.length === 0) {
    // Nothing to project: no composite depends on the service. Nor can it be in a circular group,
    // whose members all call one another over hard edges — so its downstream closure, which the
    // composites would model, changes nothing in the answer.
    return {
      serviceId,
      graphVersion: snapshot.version,
      currentAvailability: current * 100,
      proposedAvailability: proposed * 100,
      cycleMembers: [],
      cycleNote: null,
      impactedServices: [],
      softOnlyDependents: softOnly,
      notes: softOnlyNotes,
      summary: {
        totalImpacted: 0,
        slosAtRisk: 0,
        recommendation: recommendation(serviceId, current, proposed, [], 0),
      },
    };
  }

  // 2. One composite pass over everything the impacted services reach, current and projected.
  const closure = composites(snapshot, [changed, ...upstream], planned, changed, current, proposed);
  const { local, before, after } = closure;
  const changedComponent = before.componentOf[local[changed]];
  const cycleMembers = cycleMembersOf(closure, changedComponent);
  const supernode =
    cycleMembers.length > 0 ? supernodeNote(serviceId, closure, changedComponent) : null;

  // 3. One entry per impacted internal service.
  const groupNames = new Map<number, string>();
  const impacted: ImpactedService[] = [];
  const externals: string[] = [];
  for (const node of upstream) {
    const id = graph.nodeIds[node];
    if (snapshot.service(id)?.serviceType === 'external') {
      externals.push(id);
      continue;
    }
    const m = local[node];
    const currentRatio = before.composite[m];
    const projectedRatio = after.composite[m];
    const target = activeSloTargetOf(id);
    const currentPercent = currentRatio * 100;
    const projectedPercent = projectedRatio * 100;
    // Circular groups are disjoint: another group than the changed service's is the row's own.
    const component = before.componentOf[m];
    let cycleNote: string | null = null;
    if (component !== changedComponent && componentSize(before, component) > 1) {
      let group = groupNames.get(component);
      if (group === undefined) {
        group = names(cycleMembersOf(closure, component));
        groupNames.set(component, group);
      }
      cycleNote = `${id} is in a circular dependency group (${group}) counted as one supernode at its weakest member.`;
    }
    impacted.push({
      serviceId: id,
      relationship: distance[node] === 1 ? 'upstream' : 'upstream (transitive)',
      distance: distance[node],
      currentCompositeAvailability: currentPercent,
      projectedCompositeAvailability: projectedPercent,
      delta: projectedPercent - currentPercent,
      currentSloTarget: target === undefined ? null : target * 100,
      sloAtRisk: target === undefined ? null : projectedRatio < target,
      riskDetail: riskDetail(currentRatio, projectedRatio, target),
      cycleNote,
    });
  }
  impacted.sort(
    (a, b) => Math.abs(b.delta) - Math.abs(a.delta) || compareStrings(a.serviceId, b.serviceId),
  );

  const notes = [...softOnlyNotes];
  if (supernode !== null) notes.push(supernode);
  if (externals.length > 0) {
    externals.sort(compareStrings);
    notes.push(
      `${count(externals.length, 'external service')} upstream (${names(externals)}) ${externals.length === 1 ? 'is' : 'are'} not listed: no SLO of ours applies to ${externals.length === 1 ? 'it' : 'them'}.`,
    );
  }
  const slosAtRisk = impacted.filter((service) => service.sloAtRisk === true).length;
  return {
    serviceId,
    graphVersion: snapshot.version,
    currentAvailability: current * 100,
    proposedAvailability: proposed * 100,
    cycleMembers,
    cycleNote: supernode,
    impactedServices: impacted,
    softOnlyDependents: softOnly,
    notes,
    summary: {
      totalImpacted: impacted.length,
      slosAtRisk,
      recommendation: recommendation(serviceId, current, proposed, impacted, slosAtRisk),
    },
  };
}

/**
 * True when another service calls `serviceId` over a hard edge, i.e. when {@link analyseImpact}
 * has composites to project and reads the active SLO targets; false for an unknown service.
 * O(in-degree).
 */
export function hasHardCallers(snapshot: GraphSnapshot, serviceId: string): boolean {
  const { graph } = snapshot;
  const node = graph.indexOf(serviceId);
  if (node < 0) return false;
  const { inOffsets, inSources, inEdgeIds } = graph;
  const { hard } = hardEdgesOf(snapshot);
  for (let k = inOffsets[node]; k < inOffsets[node + 1]; k++) {
    if (inSources[k] !== node && hard[inEdgeIds[k]] === 1) return true;
  }
  return false;
}

function requireRatio(value: unknown, field: string, label: string): void {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1) return;
  throw new DomainError(DomainErrorCodes.INVALID_INPUT, `Invalid ${label}`, {
    fieldErrors: [
      {
        field,
        message: `must be an availability ratio in [0, 1] (e.g. 0.995 for 99.5%), got ${String(value)}`,
      },
    ],
  });
}

/** What the composites read of each edge, by edge id: dense arrays instead of edge objects. */
interface HardEdges {
  /** 1 where the edge's failure propagates (criticality `hard`); soft and degraded edges are 0. */
  readonly hard: Uint8Array;
  /** The edge's redundancy group label, null for a plain serial edge. */
  readonly redundancyGroup: readonly (string | null)[];
}

/** Per snapshot, which is immutable: built on a version's first analysis, dropped with it. */
const hardEdgesBySnapshot = new WeakMap<GraphSnapshot, HardEdges>();

function hardEdgesOf(snapshot: GraphSnapshot): HardEdges {
  let cached = hardEdgesBySnapshot.get(snapshot);
  if (cached === undefined) {
    const { edges } = snapshot.active;
    const hard = new Uint8Array(edges.length);
    const redundancyGroup = new Array<string | null>(edges.length);
    for (let id = 0; id < edges.length; id++) {
      hard[id] = edges[id].criticality === 'hard' ? 1 : 0;
      redundancyGroup[id] = edges[id].redundancyGroup;
    }
    cached = { hard, redundancyGroup };
    hardEdgesBySnapshot.set(snapshot, cached);
  }
  return cached;
}

/**
 * Fewest edges from each node to `target` over in-edges (all, or only those set in `mask`);
 * 0 for the target, -1 when it cannot reach it. One BFS, O(V + E).
 */
function reverseDistances(
  snapshot: GraphSnapshot,
  target: number,
  mask: Uint8Array | null,
): Int32Array {
  const { inOffsets, inSources, inEdgeIds, nodeCount } = snapshot.graph;
  const distance = new Int32Array(nodeCount).fill(-1);
  const queue = new Int32Array(nodeCount);
  distance[target] = 0;
  queue[0] = target;
  let tail = 1;
  for (let head = 0; head < tail; head++) {
    const node = queue[head];
    for (let k = inOffsets[node]; k < inOffsets[node + 1]; k++) {
      if (mask !== null && mask[inEdgeIds[k]] === 0) continue;
      const source = inSources[k];
      if (distance[source] >= 0) continue;
      distance[source] = distance[node] + 1;
      queue[tail++] = source;
    }
  }
  return distance;
}

/** The part of the graph the impacted services reach, modelled; model index = visiting order. */
interface ClosureComposites {
  /** Model index of each snapshot node, -1 outside the closure. */
  readonly local: Int32Array;
  readonly serviceIds: readonly string[];
  /** Planned availability per model index with the changed service at its current value… */
  readonly currentAvailability: Float64Array;
  /** …and at the proposed one. */
  readonly projectedAvailability: Float64Array;
  readonly before: CompositeValues;
  /** The same components as `before` (the graph is the same), other composites. */
  readonly after: CompositeValues;
}

/**
 * Composites of every service reachable over hard edges from `roots` (the changed service and its
 * upstream), with the changed service at `current`, then at `proposed`. Services outside that
 * closure cannot influence the roots' composites, so the model leaves them out. Built straight
 * from the snapshot's CSR arrays — the closure's services numbered in visiting order, its hard
 * edges in out-edge order — so no dependency object, id lookup or per-service result is made.
 */
function composites(
  snapshot: GraphSnapshot,
  roots: readonly number[],
  planned: (index: number) => number,
  changed: number,
  current: number,
  proposed: number,
): ClosureComposites {
  const { graph } = snapshot;
  const { hard, redundancyGroup } = hardEdgesOf(snapshot);
  const { outOffsets, outTargets, outEdgeIds, nodeIds } = graph;
  const local = new Int32Array(graph.nodeCount).fill(-1);
  const order = new Int32Array(graph.nodeCount);
  let size = 0;
  for (const root of roots) {
    if (local[root] < 0) {
      local[root] = size;
      order[size++] = root;
    }
  }
  const sources = new Int32Array(graph.edgeCount);
  const targets = new Int32Array(graph.edgeCount);
  // Labels per model edge, made on the first redundant edge only: many graphs have none.
  let groups: (string | null)[] | undefined;
  let edges = 0;
  for (let head = 0; head < size; head++) {
    const node = order[head];
    for (let k = outOffsets[node]; k < outOffsets[node + 1]; k++) {
      const edgeId = outEdgeIds[k];
      if (hard[edgeId] === 0) continue;
      const target = outTargets[k];
      if (local[target] < 0) {
        local[target] = size;
        order[size++] = target;
      }
      const group = redundancyGroup[edgeId];
      if (group !== null) {
        groups ??= new Array<string | null>(graph.edgeCount).fill(null);
        groups[edges] = group;
      }
      sources[edges] = head;
      targets[edges++] = local[target];
    }
  }
  const serviceIds = new Array<string>(size);
  const currentAvailability = new Float64Array(size);
  for (let i = 0; i < size; i++) {
    const node = order[i];
    serviceIds[i] = nodeIds[node];
    currentAvailability[i] = node === changed ? current : planned(node);
  }
  const model = buildIndexedAvailabilityModel({
    serviceIds,
    availability: currentAvailability,
    sources: sources.subarray(0, edges),
    targets: targets.subarray(0, edges),
    ...(groups !== undefined ? { redundancyGroups: groups.slice(0, edges) } : {}),
  });
  // The model is read-only plain data: the projected one shares everything but the availability
  // array, which differs in the changed service alone (a ratio, validated above). One O(V + E)
  // build instead of two.
  const projectedAvailability = Float64Array.from(model.availability);
  projectedAvailability[local[changed]] = proposed;
  return {
    local,
    serviceIds,
    currentAvailability: model.availability,
    projectedAvailability,
    before: compositeValues(model),
    after: compositeValues({ ...model, availability: projectedAvailability }),
  };
}

function componentSize(values: CompositeValues, component: number): number {
  return values.memberOffsets[component + 1] - values.memberOffsets[component];
}

/** A circular group's member ids, sorted; [] for a component of one service. */
function cycleMembersOf(closure: ClosureComposites, component: number): string[] {
  const { memberOffsets, memberNodes } = closure.before;
  if (memberOffsets[component + 1] - memberOffsets[component] <= 1) return [];
  const ids: string[] = [];
  for (let k = memberOffsets[component]; k < memberOffsets[component + 1]; k++) {
    ids.push(closure.serviceIds[memberNodes[k]]);
  }
  return ids.sort(compareStrings);
}

/**
 * The changed service's circular group: one supernode at its weakest member, before and after.
 * ASCII like every text the answer repeats: one non-ASCII character makes the whole JSON body
 * slower to measure, encode and decode.
 */
function supernodeNote(serviceId: string, closure: ClosureComposites, component: number): string {
  const { memberOffsets, memberNodes } = closure.before;
  const members: number[] = [];
  for (let k = memberOffsets[component]; k < memberOffsets[component + 1]; k++) {
    members.push(memberNodes[k]);
  }
  members.sort((a, b) => compareStrings(closure.serviceIds[a], closure.serviceIds[b]));
  // The first weakest in id order, so ties name the same member every time.
  const weakest = (availability: Float64Array) => {
    let low = members[0];
    for (const member of members) if (availability[member] < availability[low]) low = member;
    return { id: closure.serviceIds[low], availability: availability[low] };
  };
  const was = weakest(closure.currentAvailability);
  const will = weakest(closure.projectedAvailability);
  const moves = was.availability !== will.availability;
  const group = `${serviceId} is in a circular dependency group (${names(members.map((m) => closure.serviceIds[m]))}) counted as one supernode at its weakest member`;
  const change = moves
    ? `${percent(was.availability)} (${was.id}) -> ${percent(will.availability)} (${will.id})`
    : `${percent(was.availability)} (${was.id}) either way: changing ${serviceId} does not change the supernode's availability, so no composite through it changes`;
  return `${group}: ${change}.`;
}

/**
 * Short and ASCII: repeated on thousands of rows, where length and multi-byte characters cost
 * the answer's size and decoding time. `already below` when the current composite missed too.
 */
function riskDetail(before: number, after: number, target: number | undefined): string {
  if (target === undefined) return 'no active SLO';
  const comparison = `projected ${formatComposite(after, target)}`;
  const goal = `target ${formatTarget(target)}`;
  if (after >= target) return `${comparison} >= ${goal}`;
  return before < target ? `${comparison} < ${goal} (already below)` : `${comparison} < ${goal}`;
}

function recommendation(
  serviceId: string,
  current: number,
  proposed: number,
  impacted: readonly ImpactedService[],
  atRisk: number,
): string {
  const verb = proposed < current ? 'Reducing' : proposed > current ? 'Raising' : 'Keeping';
  const change = `${verb} ${serviceId} to ${formatTarget(proposed)}`;
  if (impacted.length === 0) {
    return `${change} affects no upstream service: none depends on it over hard dependencies.`;
  }
  const risk =
    atRisk === 0
      ? `${change} puts no upstream service at risk of SLO breach.`
      : `${change} puts ${count(atRisk, 'upstream service')} at risk of SLO breach.`;
  const unchecked = impacted.filter((service) => service.sloAtRisk === null).length;
  return unchecked === 0
    ? risk
    : `${risk} ${count(unchecked, 'impacted service')} without an active SLO could not be checked.`;
}

/** A target as the specification writes it: 99.5%, 99.95%, 100%. */
function formatTarget(ratio: number): string {
  return `${Number((ratio * 100).toFixed(6))}%`;
}

function percent(ratio: number): string {
  return `${(ratio * 100).toFixed(2)}%`;
}

/** A composite with two decimals, more when two would make it read as high as the target. */
function formatComposite(ratio: number, target: number): string {
  for (let digits = 2; digits < 8; digits++) {
    const text = (ratio * 100).toFixed(digits);
    if (ratio >= target || Number(text) < target * 100) return `${text}%`;
  }
  return `${(ratio * 100).toFixed(8)}%`;
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

function names(ids: readonly string[]): string {
  if (ids.length <= MAX_NAMES) return ids.join(', ');
  return `${ids.slice(0, MAX_NAMES).join(', ')} and ${ids.length - MAX_NAMES} more`;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
