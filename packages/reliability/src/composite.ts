import { DirectedGraph, stronglyConnectedComponents } from '@slo-engine/graph';
import { ReliabilityError } from './errors';
import { type AvailabilitySource } from './external';
import { type AvailabilityModel, type RedundancyGroup } from './model';
import { assertPositive, describeValue } from './validation';

/**
 * Default memory for the reachability bitsets. The exact distinct count needs one bit per
 * (component, component) pair; above this budget the pairs are processed in column blocks.
 */
export const DEFAULT_COMPOSITE_MEMORY_BYTES = 64 * 1024 * 1024;

export interface CompositeOptions {
  /** Upper bound for the bitset working set in bytes. Default {@link DEFAULT_COMPOSITE_MEMORY_BYTES}. */
  readonly memoryBudgetBytes?: number;
}

/** The weakest factor of a service's composite: a dependency, or a redundancy group as a whole. */
export type CompositeBottleneck =
  | {
      readonly kind: 'service';
      readonly serviceId: string;
      /** Availability of the factor (for a circular group, its weakest member's). */
      readonly availability: number;
      /** Share of the composite's unavailability, `ln R_factor / ln R_composite` (factors sum to 1). */
      readonly errorShare: number;
    }
  | {
      readonly kind: 'redundancy-group';
      /** The caller that owns the group. */
      readonly serviceId: string;
      readonly group: string;
      readonly members: readonly string[];
      /** Parallel availability of the group, `1 − Π (1 − composite(member))`. */
      readonly availability: number;
      readonly errorShare: number;
    };

export interface ServiceComposite {
  readonly serviceId: string;
  /** The service's own planned availability. */
  readonly availability: number;
  readonly availabilitySource: AvailabilitySource;
  /** Composite availability bound over the service's hard downstream dependencies. */
  readonly composite: number;
  /** Lowest-availability factor other than the service itself, or null if none is below 1. */
  readonly bottleneck: CompositeBottleneck | null;
  /** Direct soft dependencies, left out of the composite (degraded-mode risks). */
  readonly excludedSoftDependencies: readonly string[];
  /** Every member of the service's circular-dependency group, itself included; empty if none. */
  readonly cycleMembers: readonly string[];
}

const NONE: readonly string[] = Object.freeze([]);

/**
 * Composite availability of every service, counting each distinct dependency once:
 * `composite(s) = Π_{C ∈ reach(s)} R(C) × Π_{groups G owned in reach(s)} (1 − Π_{m ∈ G} (1 − composite(m)))`
 * where reach(s) is the set of strongly connected components reachable from s over plain hard
 * edges (s's own component included), R(C) is C's weakest member, soft edges are never followed
 * and redundancy-group edges are folded into their group's factor.
 *
 * One pass over the condensation in reverse topological order: each component's set of
 * reachable components is a bitset, the union of its children's; the product over a set is a
 * sum of logarithms read eight components at a time from per-byte tables. O(V + E) for the
 * condensation plus O(E_C × C / 32) word operations (E_C: edges of the condensation's transitive
 * reduction, the only ones merged) and about C² / 16 bytes, processed in column blocks beyond the
 * memory budget. Returns results in `model.serviceIds` order.
 */
export function compositeAvailability(
  model: AvailabilityModel,
  options: CompositeOptions = {},
): ReadonlyMap<string, ServiceComposite> {
  const memoryBudgetBytes = options.memoryBudgetBytes ?? DEFAULT_COMPOSITE_MEMORY_BYTES;
  assertPositive(memoryBudgetBytes, 'memoryBudgetBytes');
  const core = computeComposites(model, memoryBudgetBytes);
  const results = new Map<string, ServiceComposite>();
  for (let node = 0; node < model.serviceIds.length; node++) {
    results.set(model.serviceIds[node], describeService(model, core, node));
  }
  return results;
}

/**
 * The numbers of {@link compositeAvailability} without a result object per service, for callers
 * that read thousands of composites by node index (e.g. impact analysis of a hub). Node `i` is
 * `model.serviceIds[i]`.
 */
export interface CompositeValues {
  /** Composite availability of each node index: exactly `compositeAvailability`'s `composite`. */
  readonly composite: Float64Array;
  /**
   * Strongly connected component of each node index over the model's hard edges: a circular
   * group when it has more than one member (the supernode `cycleMembers` lists).
   */
  readonly componentOf: Int32Array;
  /** Members of component c: `memberNodes[memberOffsets[c] .. memberOffsets[c + 1] - 1]`. */
  readonly memberOffsets: Int32Array;
  readonly memberNodes: Int32Array;
}

/**
 * {@link compositeAvailability} as typed arrays by node index: the same single pass, the same
 * numbers, but no `ServiceComposite`, bottleneck or map entry per service.
 */
export function compositeValues(
  model: AvailabilityModel,
  options: CompositeOptions = {},
): CompositeValues {
  const memoryBudgetBytes = options.memoryBudgetBytes ?? DEFAULT_COMPOSITE_MEMORY_BYTES;
  assertPositive(memoryBudgetBytes, 'memoryBudgetBytes');
  const core = computeComposites(model, memoryBudgetBytes);
  const { componentOf, memberOffsets, memberNodes } = core;
  const composite = new Float64Array(componentOf.length);
  for (let node = 0; node < componentOf.length; node++) {
    composite[node] = core.composite[componentOf[node]];
  }
  return { composite, componentOf, memberOffsets, memberNodes };
}

/**
 * {@link compositeAvailability} of one service, computed over its downstream closure only: the
 * same definition and the same numbers, at the cost of the closure rather than the whole graph.
 *
 * @throws ReliabilityError `RELIABILITY.UNKNOWN_SERVICE` when the service is not in the model.
 */
export function compositeAvailabilityOf(
  model: AvailabilityModel,
  serviceId: string,
  options: CompositeOptions = {},
): ServiceComposite {
  const memoryBudgetBytes = options.memoryBudgetBytes ?? DEFAULT_COMPOSITE_MEMORY_BYTES;
  assertPositive(memoryBudgetBytes, 'memoryBudgetBytes');
  const start = typeof serviceId === 'string' ? model.graph.indexOf(serviceId) : -1;
  if (start < 0) {
    throw new ReliabilityError(
      'RELIABILITY.UNKNOWN_SERVICE',
      `unknown service ${describeValue(serviceId)}`,
    );
  }
  const sub = restrictToClosure(model, start);
  const core = computeComposites(sub, memoryBudgetBytes);
  return describeService(sub, core, sub.graph.indexOf(serviceId));
}

/** Per-component results of the single pass. */
interface CoreResult {
  readonly componentOf: Int32Array;
  readonly memberOffsets: Int32Array;
  readonly memberNodes: Int32Array;
  readonly composite: Float64Array;
  readonly weakestNode: Int32Array;
  readonly baseAvailability: Float64Array;
  readonly groupValue: Float64Array;
  /** Weakest factor among the component's dependencies (its own base excluded), and its value. */
  readonly dependencyMinElement: Int32Array;
  readonly dependencyMinValue: Float64Array;
  /** Member ids of circular components, filled on first use and shared by their members. */
  readonly cycleMembers: (readonly string[] | undefined)[];
  readonly precedes: ReturnType<typeof factorOrder>;
}

// Bottleneck elements: a node index ≥ 0 stands for its component's base factor; a group g is
// encoded as −(g + 2); −1 means none.
const NO_ELEMENT = -1;
const groupElement = (g: number): number => -(g + 2);

function computeComposites(model: AvailabilityModel, memoryBudgetBytes: number): CoreResult {
  const { graph, availability, groupSource, groupMemberOffsets, groupMemberNodes } = model;
  const { count, componentOf, memberOffsets, memberNodes } = stronglyConnectedComponents(graph);
  const groupCount = groupSource.length;

  // An SCC counts once, at its weakest member (FR-3); ties go to the lowest node index.
  const baseAvailability = new Float64Array(count);
  const weakestNode = new Int32Array(count);
  for (let c = 0; c < count; c++) {
    let weakest = memberNodes[memberOffsets[c]];
    for (let m = memberOffsets[c] + 1; m < memberOffsets[c + 1]; m++) {
      const node = memberNodes[m];
      if (availability[node] < availability[weakest]) weakest = node;
    }
    weakestNode[c] = weakest;
    baseAvailability[c] = availability[weakest];
  }

  const { childOffsets, childNodes } = serialChildren(
    model,
    count,
    componentOf,
    memberOffsets,
    memberNodes,
  );

  // Redundancy groups by owning component.
  const groupOffsets = new Int32Array(count + 1);
  for (let g = 0; g < groupCount; g++) groupOffsets[componentOf[groupSource[g]] + 1]++;
  for (let c = 0; c < count; c++) groupOffsets[c + 1] += groupOffsets[c];
  const groupsOf = new Int32Array(groupCount);
  const groupFill = groupOffsets.slice(0, count);
  for (let g = 0; g < groupCount; g++) groupsOf[groupFill[componentOf[groupSource[g]]]++] = g;

  const weight = new Float64Array(count);
  const logSum = new Float64Array(count);
  const composite = new Float64Array(count);
  const groupValue = new Float64Array(groupCount);

  // Column blocks [lo, hi) of components: rows for components ≥ lo, `words` 32-bit words each.
  const wordsPerRow = Math.max(1, Math.floor(memoryBudgetBytes / 4 / Math.max(1, count)));
  const blockWidth = Math.max(32, Math.min(count, wordsPerRow * 32));
  for (let lo = 0; lo < count; lo += blockWidth) {
    const hi = Math.min(count, lo + blockWidth);
    const words = (hi - lo + 31) >>> 5;
    // Rows are stored triangular: a component of the block reaches no component above itself,
    // so its row ends at its own word. Halves the memory the pass streams through.
    const rowStart = new Int32Array(count - lo + 1);
    for (let c = lo; c < count; c++) {
      rowStart[c - lo + 1] = rowStart[c - lo] + (c < hi ? ((c - lo) >>> 5) + 1 : words);
    }
    const rows = new Int32Array(rowStart[count - lo]);
    // Σ weight over row ∩ block, per component ≥ lo.
    const partial = new Float64Array(count - lo);
    // tables[byte * 256 + bits] = Σ weight of the components the bits select in that byte; a
    // byte's table is built once its last component is done and reads as zeros before.
    const tables = new Float64Array(words * 4 * 256);
    for (let c = lo; c < count; c++) {
      const row = rowStart[c - lo];
      const inBlock = c < hi;
      const bit = c - lo;
      const ownWord = bit >>> 5;
      let sum = 0;
      if (inBlock) {
        // Every group member lies in a lower component, whose composite is final by now.
        let w = Math.log(baseAvailability[c]);
        for (let q = groupOffsets[c]; q < groupOffsets[c + 1]; q++) {
          const g = groupsOf[q];
          let allDown = 1;
          for (let m = groupMemberOffsets[g]; m < groupMemberOffsets[g + 1]; m++) {
            const member = componentOf[groupMemberNodes[m]];
            // A replica inside the caller's own cycle is up whenever the cycle is.
            allDown *= member === c ? 0 : 1 - composite[member];
          }
          groupValue[g] = 1 - allDown;
          w += Math.log1p(-allDown);
        }
        weight[c] = w;
        sum = w;
      }
      // Children in descending order: a child already in the set brings nothing new, because
      // its whole closure entered with the ancestor that set it, so only the transitive
      // reduction is merged. Children below lo reach no component of this block. The first
      // child is copied with its known sum; later ones add the weights of the bits they add.
      let copied = false;
      let ownWordAfterCopy = 0;
      for (let p = childOffsets[c + 1] - 1; p >= childOffsets[c]; p--) {
        const d = childNodes[p];
        if (d < lo) break;
        let limit = words;
        if (d < hi) {
          const childBit = d - lo;
          if ((rows[row + (childBit >>> 5)] >>> (childBit & 31)) & 1) continue;
          limit = (childBit >>> 5) + 1;
        }
        const from = rowStart[d - lo];
        if (!copied) {
          rows.copyWithin(row, from, from + limit);
          sum += partial[d - lo];
          copied = true;
          ownWordAfterCopy = rows[row + ownWord];
          continue;
        }
        for (let k = 0; k < limit; k++) {
          const added = rows[from + k] & ~rows[row + k];
          if (added === 0) continue;
          rows[row + k] |= added;
          const t = k << 10;
          sum +=
            tables[t + (added & 255)] +
            tables[t + 256 + ((added >>> 8) & 255)] +
            tables[t + 512 + ((added >>> 16) & 255)] +
            tables[t + 768 + (added >>> 24)];
        }
      }
      if (inBlock) {
        // The table of c's own byte is not built yet: add the bits merged into it directly.
        const byteStart = bit & 24;
        const fresh = (rows[row + ownWord] & ~ownWordAfterCopy) >>> byteStart;
        for (let b = 0; b < 8; b++)
          if ((fresh >>> b) & 1) sum += weight[lo + ownWord * 32 + byteStart + b];
        rows[row + ownWord] |= 1 << (bit & 31);
      }
      partial[c - lo] = sum;
      logSum[c] += sum;
      if (inBlock) {
        composite[c] = Math.exp(logSum[c]);
        if ((bit & 7) === 7 || c === hi - 1) buildByteTable(tables, bit >>> 3, weight, lo, hi);
      }
    }
  }

  // Weakest factor over a closure: min is idempotent, so overlapping children need no care.
  // Ties break canonically (see `precedes`) so a sub-model picks the same factor.
  const precedes = factorOrder(model);
  const closureMinValue = new Float64Array(count);
  const closureMinElement = new Int32Array(count);
  const dependencyMinValue = new Float64Array(count);
  const dependencyMinElement = new Int32Array(count);
  for (let c = 0; c < count; c++) {
    let value = Infinity;
    let element = NO_ELEMENT;
    for (let q = groupOffsets[c]; q < groupOffsets[c + 1]; q++) {
      const g = groupsOf[q];
      if (precedes(groupValue[g], groupElement(g), value, element)) {
        value = groupValue[g];
        element = groupElement(g);
      }
    }
    for (let p = childOffsets[c]; p < childOffsets[c + 1]; p++) {
      const d = childNodes[p];
      if (precedes(closureMinValue[d], closureMinElement[d], value, element)) {
        value = closureMinValue[d];
        element = closureMinElement[d];
      }
    }
    dependencyMinValue[c] = value;
    dependencyMinElement[c] = element;
    if (precedes(baseAvailability[c], weakestNode[c], value, element)) {
      closureMinValue[c] = baseAvailability[c];
      closureMinElement[c] = weakestNode[c];
    } else {
      closureMinValue[c] = value;
      closureMinElement[c] = element;
    }
  }

  return {
    componentOf,
    memberOffsets,
    memberNodes,
    composite,
    weakestNode,
    baseAvailability,
    groupValue,
    dependencyMinElement,
    dependencyMinValue,
    cycleMembers: [],
    precedes,
  };
}

/**
 * Whether factor (value, element) comes before (bestValue, bestElement) as a bottleneck: lower
 * availability first; on a tie services before groups, then model node order, then group label.
 * Depends only on the model's relative node order, which sub-models keep.
 */
function factorOrder(
  model: AvailabilityModel,
): (value: number, element: number, bestValue: number, bestElement: number) => boolean {
  return (value, element, bestValue, bestElement) => {
    if (value !== bestValue) return value < bestValue;
    if (bestElement === NO_ELEMENT) return element !== NO_ELEMENT;
    const isGroup = element < NO_ELEMENT;
    if (isGroup !== bestElement < NO_ELEMENT) return !isGroup;
    if (!isGroup) return element < bestElement;
    const g = -element - 2;
    const best = -bestElement - 2;
    const source = model.groupSource[g];
    const bestSource = model.groupSource[best];
    if (source !== bestSource) return source < bestSource;
    return model.groups[g].label < model.groups[best].label;
  };
}

/**
 * Distinct serial (plain hard) children of each component as CSR, each list ascending so the
 * pass can read it backwards, highest component first. Filled from the child side (components in
 * ascending order, over their members' in-edges), so the lists come out sorted with no sort.
 * Two passes: count, then fill.
 */
function serialChildren(
  model: AvailabilityModel,
  count: number,
  componentOf: Int32Array,
  memberOffsets: Int32Array,
  memberNodes: Int32Array,
): { childOffsets: Int32Array; childNodes: Int32Array } {
  const { inOffsets, inSources, inEdgeIds } = model.graph;
  const edgeGroup = model.edgeGroup;
  const childOffsets = new Int32Array(count + 1);
  let childNodes = new Int32Array(0);
  let fill = new Int32Array(0);
  // seen[c] = the (pass, d) mark of the last child listed under parent c, for de-duplication.
  const seen = new Int32Array(count).fill(-1);
  for (let pass = 0; pass < 2; pass++) {
    if (pass === 1) {
      for (let c = 0; c < count; c++) childOffsets[c + 1] += childOffsets[c];
      childNodes = new Int32Array(childOffsets[count]);
      fill = childOffsets.slice(0, count);
    }
    for (let d = 0; d < count; d++) {
      const mark = pass * count + d;
      for (let m = memberOffsets[d]; m < memberOffsets[d + 1]; m++) {
        const node = memberNodes[m];
        for (let p = inOffsets[node]; p < inOffsets[node + 1]; p++) {
          if (edgeGroup[inEdgeIds[p]] >= 0) continue;
          const c = componentOf[inSources[p]];
          if (c === d || seen[c] === mark) continue;
          seen[c] = mark;
          if (pass === 0) childOffsets[c + 1]++;
          else childNodes[fill[c]++] = d;
        }
      }
    }
  }
  return { childOffsets, childNodes };
}

function buildByteTable(
  tables: Float64Array,
  byte: number,
  weight: Float64Array,
  lo: number,
  hi: number,
): void {
  const base = byte << 8;
  const first = lo + byte * 8;
  tables[base] = 0;
  for (let bits = 1; bits < 256; bits++) {
    const lowest = bits & -bits;
    const component = first + 31 - Math.clz32(lowest);
    tables[base + bits] = tables[base + (bits ^ lowest)] + (component < hi ? weight[component] : 0);
  }
}

function describeService(
  model: AvailabilityModel,
  core: CoreResult,
  node: number,
): ServiceComposite {
  const c = core.componentOf[node];
  const composite = core.composite[c];
  let value = core.dependencyMinValue[c];
  let element = core.dependencyMinElement[c];
  // In a cycle, the component's weakest member is a dependency of every other member.
  if (
    core.weakestNode[c] !== node &&
    core.precedes(core.baseAvailability[c], core.weakestNode[c], value, element)
  ) {
    value = core.baseAvailability[c];
    element = core.weakestNode[c];
  }
  const size = core.memberOffsets[c + 1] - core.memberOffsets[c];
  return {
    serviceId: model.serviceIds[node],
    availability: model.availability[node],
    availabilitySource: model.availabilitySource[node],
    composite,
    bottleneck:
      element === NO_ELEMENT || value >= 1 ? null : bottleneckOf(model, element, value, composite),
    excludedSoftDependencies: model.softDependencies[node],
    cycleMembers: size > 1 ? cycleMembersOf(model, core, c) : NONE,
  };
}

function bottleneckOf(
  model: AvailabilityModel,
  element: number,
  availability: number,
  composite: number,
): CompositeBottleneck {
  const errorShare =
    composite === 0 ? (availability === 0 ? 1 : 0) : Math.log(availability) / Math.log(composite);
  if (element >= 0) {
    return { kind: 'service', serviceId: model.serviceIds[element], availability, errorShare };
  }
  const group: RedundancyGroup = model.groups[-element - 2];
  return {
    kind: 'redundancy-group',
    serviceId: group.source,
    group: group.label,
    members: group.members,
    availability,
    errorShare,
  };
}

function cycleMembersOf(model: AvailabilityModel, core: CoreResult, c: number): readonly string[] {
  let members = core.cycleMembers[c];
  if (members === undefined) {
    const ids: string[] = [];
    for (let m = core.memberOffsets[c]; m < core.memberOffsets[c + 1]; m++) {
      ids.push(model.serviceIds[core.memberNodes[m]]);
    }
    members = Object.freeze(ids);
    core.cycleMembers[c] = members;
  }
  return members;
}

/** The sub-model induced by everything `start` reaches over hard and redundant edges. */
function restrictToClosure(model: AvailabilityModel, start: number): AvailabilityModel {
  const { graph, edgeGroup } = model;
  const n = graph.nodeCount;
  const visited = new Uint8Array(n);
  const queue = new Int32Array(n);
  let head = 0;
  let tail = 0;
  queue[tail++] = start;
  visited[start] = 1;
  while (head < tail) {
    const node = queue[head++];
    for (let p = graph.outOffsets[node]; p < graph.outOffsets[node + 1]; p++) {
      const next = graph.outTargets[p];
      if (visited[next] === 0) {
        visited[next] = 1;
        queue[tail++] = next;
      }
    }
  }
  // Keep the model's node order so ties (weakest member of a cycle) break the same way.
  const nodes = queue.subarray(0, tail).sort();
  const ids = Array.from(nodes, (node) => model.serviceIds[node]);
  const edges: [string, string][] = [];
  const edgeGroupOld: number[] = [];
  for (const node of nodes) {
    for (let p = graph.outOffsets[node]; p < graph.outOffsets[node + 1]; p++) {
      edges.push([model.serviceIds[node], model.serviceIds[graph.outTargets[p]]]);
      edgeGroupOld.push(edgeGroup[graph.outEdgeIds[p]]);
    }
  }
  const sub = DirectedGraph.fromEdges(edges, { nodes: ids });
  const oldNodeOf = Int32Array.from({ length: sub.nodeCount }, (_, i) =>
    graph.indexOf(sub.idAt(i)),
  );

  const newGroupOf = new Map<number, number>();
  const subEdgeGroup = new Int32Array(edges.length).fill(-1);
  const groups: RedundancyGroup[] = [];
  const groupSource: number[] = [];
  const groupMemberOffsets: number[] = [0];
  const groupMemberNodes: number[] = [];
  edgeGroupOld.forEach((oldGroup, e) => {
    if (oldGroup < 0) return;
    let g = newGroupOf.get(oldGroup);
    if (g === undefined) {
      g = groups.length;
      newGroupOf.set(oldGroup, g);
      groups.push(model.groups[oldGroup]);
      groupSource.push(sub.indexOf(model.serviceIds[model.groupSource[oldGroup]]));
      for (
        let m = model.groupMemberOffsets[oldGroup];
        m < model.groupMemberOffsets[oldGroup + 1];
        m++
      ) {
        groupMemberNodes.push(sub.indexOf(model.serviceIds[model.groupMemberNodes[m]]));
      }
      groupMemberOffsets.push(groupMemberNodes.length);
    }
    subEdgeGroup[e] = g;
  });

  return {
    serviceIds: Array.from(oldNodeOf, (old) => model.serviceIds[old]),
    availability: Float64Array.from(oldNodeOf, (old) => model.availability[old]),
    availabilitySource: Array.from(oldNodeOf, (old) => model.availabilitySource[old]),
    graph: sub,
    edgeGroup: subEdgeGroup,
    groups,
    groupSource: Int32Array.from(groupSource),
    groupMemberOffsets: Int32Array.from(groupMemberOffsets),
    groupMemberNodes: Int32Array.from(groupMemberNodes),
    softDependencies: Array.from(oldNodeOf, (old) => model.softDependencies[old]),
  };
}
