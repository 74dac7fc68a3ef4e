import { type DirectedGraph } from './directed-graph';

/** Strongly connected components of a {@link DirectedGraph}, as flat typed arrays. */
export interface StronglyConnectedComponents {
  readonly count: number;
  /**
   * `componentOf[node]` = component number. Components are numbered in REVERSE topological
   * order of the condensation (Tarjan's natural order): for every edge u→v with different
   * components, `componentOf[u] > componentOf[v]`. So iterating c = 0..count-1 visits every
   * component after all components it reaches.
   */
  readonly componentOf: Int32Array;
  /**
   * Members of component c are `memberNodes[memberOffsets[c] .. memberOffsets[c+1]-1]` (node
   * indexes, ascending).
   */
  readonly memberOffsets: Int32Array;
  readonly memberNodes: Int32Array;
}

/**
 * Strongly connected components by Tarjan's algorithm, run with explicit typed-array stacks so
 * that a path of a million nodes needs no call-stack depth. O(V + E) time, O(V) extra memory.
 */
export function stronglyConnectedComponents(graph: DirectedGraph): StronglyConnectedComponents {
  const nodeCount = graph.nodeCount;
  const { outOffsets, outTargets } = graph;
  // One scratch allocation carved into views: each typed-array buffer is a separate native
  // allocation that the GC must track, which shows on graphs of a few thousand nodes.
  const scratch = new Int32Array(nodeCount * 6);
  const preorder = scratch.subarray(0, nodeCount).fill(-1);
  const lowLink = scratch.subarray(nodeCount, 2 * nodeCount);
  const tarjanStack = scratch.subarray(2 * nodeCount, 3 * nodeCount);
  const callNodes = scratch.subarray(3 * nodeCount, 4 * nodeCount);
  const callCursors = scratch.subarray(4 * nodeCount, 5 * nodeCount);
  const componentSizes = scratch.subarray(5 * nodeCount);
  // A visited node whose component is still -1 is exactly a node on Tarjan's stack, so no
  // separate on-stack flag array is needed.
  const componentOf = new Int32Array(nodeCount).fill(-1);
  let tarjanTop = 0;
  let callTop = 0;
  let preorderCounter = 0;
  let count = 0;

  for (let root = 0; root < nodeCount; root++) {
    if (preorder[root] !== -1) continue;
    preorder[root] = lowLink[root] = preorderCounter++;
    tarjanStack[tarjanTop++] = root;
    callNodes[callTop] = root;
    callCursors[callTop++] = outOffsets[root];

    while (callTop > 0) {
      const node = callNodes[callTop - 1];
      const end = outOffsets[node + 1];
      let cursor = callCursors[callTop - 1];
      let nodeLow = lowLink[node];
      let child = -1;
      // Scan edges in a tight local loop until one leads to an unvisited node; going back to
      // the outer loop for every edge costs more than the scan itself on dense graphs.
      while (cursor < end) {
        const next = outTargets[cursor++];
        const seenAt = preorder[next];
        if (seenAt === -1) {
          child = next;
          break;
        }
        if (seenAt < nodeLow && componentOf[next] === -1) nodeLow = seenAt;
      }
      lowLink[node] = nodeLow;
      if (child !== -1) {
        callCursors[callTop - 1] = cursor;
        preorder[child] = lowLink[child] = preorderCounter++;
        tarjanStack[tarjanTop++] = child;
        callNodes[callTop] = child;
        callCursors[callTop++] = outOffsets[child];
        continue;
      }
      callTop--;
      if (nodeLow === preorder[node]) {
        let member: number;
        let size = 0;
        do {
          member = tarjanStack[--tarjanTop];
          componentOf[member] = count;
          size++;
        } while (member !== node);
        componentSizes[count++] = size;
      }
      if (callTop > 0) {
        const parent = callNodes[callTop - 1];
        if (nodeLow < lowLink[parent]) lowLink[parent] = nodeLow;
      }
    }
  }

  // Bucket nodes by component in ascending node order, so member lists are deterministic and
  // read in input order rather than Tarjan's pop order.
  const memberOffsets = new Int32Array(count + 1);
  for (let c = 0; c < count; c++) memberOffsets[c + 1] = memberOffsets[c] + componentSizes[c];
  const fill = memberOffsets.slice(0, count);
  const memberNodes = new Int32Array(nodeCount);
  for (let node = 0; node < nodeCount; node++) memberNodes[fill[componentOf[node]]++] = node;

  return { count, componentOf, memberOffsets, memberNodes };
}
