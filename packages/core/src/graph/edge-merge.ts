/**
 * How observations of one edge by several discovery sources become the one edge the rest of the
 * system sees, and which attribute disagreements between them are reported (spec 004 FR-1:
 * manual > service_mesh > otel_service_graph > kubernetes). Pure functions, shared by the in-memory
 * stores and usable by any adapter that merges in application code.
 */
import { type EffectiveEdge } from './graph.ports';
import {
  type AttributeConflict,
  type DependencyEdge,
  type DiscoverySource,
  type EdgeAttributes,
  SOURCE_PRIORITY,
} from './graph.types';

/** The attributes compared between sources, in the order conflicts are reported. */
export const EDGE_ATTRIBUTE_KEYS = [
  'communicationMode',
  'criticality',
  'protocol',
  'timeoutMs',
  'retryConfig',
  'redundancyGroup',
] as const satisfies ReadonlyArray<keyof EdgeAttributes>;

/**
 * Values for attributes a submission left out. `sync` + `hard` is the conservative reading: an
 * undeclared call is assumed to propagate failure until a source says otherwise.
 */
export const DEFAULT_EDGE_ATTRIBUTES: EdgeAttributes = {
  communicationMode: 'sync',
  criticality: 'hard',
  protocol: null,
  timeoutMs: null,
  retryConfig: null,
  redundancyGroup: null,
};

/** Negative when `a` outranks `b` (manual first). */
export function compareSourcePriority(a: DiscoverySource, b: DiscoverySource): number {
  return SOURCE_PRIORITY[a] - SOURCE_PRIORITY[b];
}

/** `attributes` completed with {@link DEFAULT_EDGE_ATTRIBUTES}; explicit `undefined` counts as absent. */
export function completeEdgeAttributes(attributes: Partial<EdgeAttributes>): EdgeAttributes {
  const complete: Record<string, unknown> = { ...DEFAULT_EDGE_ATTRIBUTES };
  for (const key of EDGE_ATTRIBUTE_KEYS) {
    const value = attributes[key];
    if (value !== undefined) complete[key] = value;
  }
  return complete as unknown as EdgeAttributes;
}

/**
 * JSON-style structural equality (object key order ignored). Enough for attribute values and
 * service metadata, which are JSON documents.
 */
export function sameJsonValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function canonicalJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, entry]) => entry !== undefined)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
  return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(',')}}`;
}

export function sameEdgeAttributes(a: EdgeAttributes, b: EdgeAttributes): boolean {
  return EDGE_ATTRIBUTE_KEYS.every((key) => sameJsonValue(a[key], b[key]));
}

/**
 * The effective edge of one (source, target): the non-stale observations merged, attributes from
 * the highest-priority source, every observing source (priority order), the highest confidence and
 * the latest observation. Null when every observation is stale (the edge is not active).
 */
export function mergeEdgeObservations(
  observations: readonly DependencyEdge[],
): EffectiveEdge | null {
  const active = observations
    .filter((observation) => !observation.isStale)
    .sort((a, b) => compareSourcePriority(a.discoverySource, b.discoverySource));
  const winner = active[0];
  if (winner === undefined) return null;
  let confidenceScore = winner.confidenceScore;
  let lastObservedAt = winner.lastObservedAt;
  for (const observation of active) {
    if (observation.confidenceScore > confidenceScore)
      confidenceScore = observation.confidenceScore;
    if (observation.lastObservedAt > lastObservedAt) lastObservedAt = observation.lastObservedAt;
  }
  return {
    source: winner.source,
    target: winner.target,
    communicationMode: winner.communicationMode,
    criticality: winner.criticality,
    protocol: winner.protocol,
    timeoutMs: winner.timeoutMs,
    retryConfig: winner.retryConfig,
    redundancyGroup: winner.redundancyGroup,
    discoverySources: active.map((observation) => observation.discoverySource),
    confidenceScore,
    lastObservedAt,
  };
}

/**
 * Attribute disagreements among the non-stale observations of one (source, target): for each
 * attribute where some source differs from the highest-priority one, the kept value and the values
 * it overrode (one entry per overridden source).
 */
export function edgeAttributeConflicts(
  observations: readonly DependencyEdge[],
): AttributeConflict[] {
  const active = observations
    .filter((observation) => !observation.isStale)
    .sort((a, b) => compareSourcePriority(a.discoverySource, b.discoverySource));
  const winner = active[0];
  if (winner === undefined || active.length < 2) return [];
  const conflicts: AttributeConflict[] = [];
  for (const attribute of EDGE_ATTRIBUTE_KEYS) {
    const overridden = active
      .slice(1)
      .filter((observation) => !sameJsonValue(observation[attribute], winner[attribute]))
      .map((observation) => ({
        discoverySource: observation.discoverySource,
        value: observation[attribute],
      }));
    if (overridden.length > 0) {
      conflicts.push({
        source: winner.source,
        target: winner.target,
        attribute,
        kept: { discoverySource: winner.discoverySource, value: winner[attribute] },
        overridden,
      });
    }
  }
  return conflicts;
}
