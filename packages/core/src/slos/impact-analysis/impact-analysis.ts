/**
 * FR-4 impact analysis (`POST /api/v1/slos/impact-analysis`): what a proposed availability target
 * of one service does to the composite availability of every service that depends on it, and
 * which of their active SLOs it puts at risk. Pure: reads a graph snapshot and two lookups.
 *
 * Composites follow FR-3 exactly as `analyseComposite` computes them for one service (serial hard
 * edges, redundancy groups as one parallel factor, soft and degraded edges left out, circular
 * groups as one supernode at their weakest member), but for every impacted service in one pass of
 * `compositeAvailability` over the part of the graph they reach — never one closure per service.
 */
import {
  buildAvailabilityModel,
  compositeAvailability,
  type DependencyInput,
  type ServiceComposite,
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
  readonly riskDetail: string;
  /** Set when the changed service or this one lies in a circular dependency group. */
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
  /** The changed service's own composite bound, before and after, percent. */
  readonly currentCompositeAvailability: number;
  readonly projectedCompositeAvailability: number;
  /** The changed service's circular dependency group (hard edges), itself included; [] if none. */
  readonly cycleMembers: readonly string[];
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
 * O(V + E) over the graph plus one `compositeAvailability` pass (twice: current and projected)
 * over the services the impacted ones reach.
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
  const hard = hardEdgeMask(snapshot);
  const planned = (index: number): number => {
    const id = graph.idAt(index);
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

  // 2. One composite pass over everything the impacted services reach, current and projected.
  const { currentComposites, projectedComposites } = composites(
    snapshot,
    hard,
    [changed, ...upstream],
    planned,
    changed,
    current,
    proposed,
  );
  const self = currentComposites.get(serviceId)!;
  const selfProjected = projectedComposites.get(serviceId)!;
  const cycleMembers = self.cycleMembers.length > 1 ? sorted(self.cycleMembers) : [];
  const supernode =
    cycleMembers.length > 0
      ? supernodeNote(serviceId, cycleMembers, currentComposites, projectedComposites)
      : null;

  // 3. One entry per impacted internal service.
  const impacted: ImpactedService[] = [];
  const externals: string[] = [];
  for (const node of upstream) {
    const id = graph.idAt(node);
    if (snapshot.service(id)?.serviceType === 'external') {
      externals.push(id);
      continue;
    }
    const before = currentComposites.get(id)!;
    const after = projectedComposites.get(id)!;
    const target = activeSloTargetOf(id);
    const currentPercent = before.composite * 100;
    const projectedPercent = after.composite * 100;
    impacted.push({
      serviceId: id,
      relationship: distance[node] === 1 ? 'upstream' : 'upstream (transitive)',
      distance: distance[node],
      currentCompositeAvailability: currentPercent,
      projectedCompositeAvailability: projectedPercent,
      delta: projectedPercent - currentPercent,
      currentSloTarget: target === undefined ? null : target * 100,
      sloAtRisk: target === undefined ? null : after.composite < target,
      riskDetail: riskDetail(before.composite, after.composite, target),
      cycleNote: cycleNote(id, before, cycleMembers, supernode),
    });
  }
  impacted.sort(
    (a, b) => Math.abs(b.delta) - Math.abs(a.delta) || compareStrings(a.serviceId, b.serviceId),
  );

  const notes: string[] = [];
  if (softOnly.length > 0) {
    notes.push(
      `${count(softOnly.length, 'service')} (${names(softOnly)}) ${softOnly.length === 1 ? 'reaches' : 'reach'} ${serviceId} only through soft or degraded dependencies; composite availability leaves soft dependencies out, so the change does not propagate to ${softOnly.length === 1 ? 'it' : 'them'}.`,
    );
  }
  if (supernode !== null) notes.push(supernode.text);
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
    currentCompositeAvailability: self.composite * 100,
    projectedCompositeAvailability: selfProjected.composite * 100,
    cycleMembers,
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

/** 1 per edge id whose failure propagates (criticality `hard`); soft and degraded edges are 0. */
function hardEdgeMask(snapshot: GraphSnapshot): Uint8Array {
  const { edges } = snapshot.active;
  const mask = new Uint8Array(edges.length);
  for (let id = 0; id < edges.length; id++) mask[id] = edges[id].criticality === 'hard' ? 1 : 0;
  return mask;
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

/**
 * Composites of every service reachable over hard edges from `roots` (the changed service and its
 * upstream), with the changed service at `current`, then at `proposed`. Services outside that
 * closure cannot influence the roots' composites, so the model leaves them out.
 */
function composites(
  snapshot: GraphSnapshot,
  hard: Uint8Array,
  roots: readonly number[],
  planned: (index: number) => number,
  changed: number,
  current: number,
  proposed: number,
): {
  currentComposites: ReadonlyMap<string, ServiceComposite>;
  projectedComposites: ReadonlyMap<string, ServiceComposite>;
} {
  const { graph } = snapshot;
  const { outOffsets, outTargets, outEdgeIds } = graph;
  const inClosure = new Uint8Array(graph.nodeCount);
  const order: number[] = [];
  for (const root of roots) {
    if (inClosure[root] === 0) {
      inClosure[root] = 1;
      order.push(root);
    }
  }
  const dependencies: DependencyInput[] = [];
  for (let head = 0; head < order.length; head++) {
    const node = order[head];
    for (let k = outOffsets[node]; k < outOffsets[node + 1]; k++) {
      if (hard[outEdgeIds[k]] === 0) continue;
      const edge = snapshot.edge(outEdgeIds[k]);
      dependencies.push(
        edge.redundancyGroup !== null
          ? { from: edge.source, to: edge.target, redundancyGroup: edge.redundancyGroup }
          : { from: edge.source, to: edge.target },
      );
      const target = outTargets[k];
      if (inClosure[target] === 0) {
        inClosure[target] = 1;
        order.push(target);
      }
    }
  }
  const model = buildAvailabilityModel({
    services: order.map((index) => ({
      id: graph.idAt(index),
      availability: index === changed ? current : planned(index),
    })),
    dependencies,
  });
  // The model is read-only plain data: the projected one shares everything but the availability
  // array, which differs in the changed service alone (a ratio, validated above). One O(V + E)
  // build instead of two.
  const availability = Float64Array.from(model.availability);
  availability[model.graph.requireIndex(graph.idAt(changed))] = proposed;
  return {
    currentComposites: compositeAvailability(model),
    projectedComposites: compositeAvailability({ ...model, availability }),
  };
}

interface Supernode {
  readonly members: readonly string[];
  readonly text: string;
}

/** The changed service's circular group: one supernode at its weakest member, before and after. */
function supernodeNote(
  serviceId: string,
  members: readonly string[],
  before: ReadonlyMap<string, ServiceComposite>,
  after: ReadonlyMap<string, ServiceComposite>,
): Supernode {
  const weakest = (composites: ReadonlyMap<string, ServiceComposite>) =>
    members
      .map((id) => ({ id, availability: composites.get(id)!.availability }))
      .reduce((low, member) => (member.availability < low.availability ? member : low));
  const was = weakest(before);
  const will = weakest(after);
  const moves = was.availability !== will.availability;
  const group = `${serviceId} is in a circular dependency group (${names(members)}) counted as one supernode at its weakest member`;
  const change = moves
    ? `${percent(was.availability)} (${was.id}) → ${percent(will.availability)} (${will.id})`
    : `${percent(was.availability)} (${was.id}) either way: changing ${serviceId} does not change the supernode's availability, so no composite through it changes`;
  const text = `${group}: ${change}.`;
  return { members, text };
}

function cycleNote(
  serviceId: string,
  composite: ServiceComposite,
  changedCycle: readonly string[],
  supernode: Supernode | null,
): string | null {
  const parts: string[] = [];
  if (supernode !== null) parts.push(supernode.text);
  const own = composite.cycleMembers;
  if (own.length > 1 && !own.some((member) => changedCycle.includes(member))) {
    parts.push(
      `${serviceId} is in a circular dependency group (${names(sorted(own))}) counted as one supernode at its weakest member.`,
    );
  }
  return parts.length > 0 ? parts.join(' ') : null;
}

function riskDetail(before: number, after: number, target: number | undefined): string {
  if (target === undefined) return 'No active SLO: nothing to compare against';
  const goal = formatTarget(target);
  if (after < target) {
    return before < target
      ? `Composite already below SLO target before the change, and stays below it (${goal} > ${formatComposite(after, target)})`
      : `Composite drops below SLO target (${goal} > ${formatComposite(after, target)})`;
  }
  return `Composite stays at or above SLO target (${formatComposite(after, target)} ≥ ${goal})`;
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

function sorted(ids: readonly string[]): string[] {
  return [...ids].sort(compareStrings);
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
