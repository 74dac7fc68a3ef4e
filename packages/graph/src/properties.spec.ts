import fc from 'fast-check';
import {
  condense,
  DirectedGraph,
  downstreamClosure,
  GraphError,
  stronglyConnectedComponents,
  topologicalSort,
  traverse,
  type TraversalDirection,
  upstreamClosure,
} from '@slo-engine/graph';
import {
  naiveDistances,
  naiveGraph,
  naiveReach,
  naiveReachNonEmpty,
  type NaiveGraph,
} from './__fixtures__/reference';

interface Case {
  readonly nodes: string[];
  readonly edges: Array<[string, string]>;
}

/** Small random multigraphs: up to 9 nodes, self-loops and duplicate edges included. */
const graphCase: fc.Arbitrary<Case> = fc.integer({ min: 1, max: 9 }).chain((nodeCount) =>
  fc.record({
    nodes: fc.shuffledSubarray(
      Array.from({ length: nodeCount }, (_, i) => `v${i}`),
      { minLength: 0 },
    ),
    edges: fc.array(
      fc
        .tuple(fc.nat(nodeCount - 1), fc.nat(nodeCount - 1))
        .map(([s, t]): [string, string] => [`v${s}`, `v${t}`]),
      { maxLength: nodeCount * 3 },
    ),
  }),
);

const RUNS = { numRuns: 250 };

function build(testCase: Case): { graph: DirectedGraph; naive: NaiveGraph } {
  return {
    graph: DirectedGraph.fromEdges(testCase.edges, { nodes: testCase.nodes }),
    naive: naiveGraph(testCase.nodes, testCase.edges),
  };
}

function reaches(naive: NaiveGraph, from: string, to: string): boolean {
  return naiveReach([from], naive.successors).has(to);
}

describe('properties against a naive reference', () => {
  it('graph structure matches the input: ids, CSR rows and edge endpoints', () => {
    fc.assert(
      fc.property(graphCase, (testCase) => {
        const { graph, naive } = build(testCase);
        expect(graph.nodeIds).toEqual(naive.ids);
        expect(graph.edgeCount).toBe(testCase.edges.length);
        for (let node = 0; node < graph.nodeCount; node++) {
          const outIds = [];
          for (let p = graph.outOffsets[node]; p < graph.outOffsets[node + 1]; p++) {
            expect(graph.edgeSource(graph.outEdgeIds[p])).toBe(node);
            expect(graph.edgeTarget(graph.outEdgeIds[p])).toBe(graph.outTargets[p]);
            outIds.push(graph.outEdgeIds[p]);
          }
          const expectedOut = testCase.edges
            .map((edge, edgeId) => ({ edge, edgeId }))
            .filter(({ edge }) => edge[0] === graph.idAt(node))
            .map(({ edgeId }) => edgeId);
          expect(outIds).toEqual(expectedOut);
          for (let p = graph.inOffsets[node]; p < graph.inOffsets[node + 1]; p++) {
            expect(graph.edgeTarget(graph.inEdgeIds[p])).toBe(node);
            expect(graph.edgeSource(graph.inEdgeIds[p])).toBe(graph.inSources[p]);
          }
        }
      }),
      RUNS,
    );
  });

  it('SCCs are exactly the classes of mutual reachability, numbered reverse-topologically', () => {
    fc.assert(
      fc.property(graphCase, (testCase) => {
        const { graph, naive } = build(testCase);
        const scc = stronglyConnectedComponents(graph);
        const { componentOf, memberOffsets, memberNodes } = scc;
        // Strongly connected and maximal at once: same component ⇔ reach each other both ways.
        for (let u = 0; u < graph.nodeCount; u++) {
          for (let v = 0; v < graph.nodeCount; v++) {
            const mutual =
              reaches(naive, graph.idAt(u), graph.idAt(v)) &&
              reaches(naive, graph.idAt(v), graph.idAt(u));
            expect(componentOf[u] === componentOf[v]).toBe(mutual);
          }
        }
        for (const [source, target] of testCase.edges) {
          const from = componentOf[graph.indexOf(source)];
          const to = componentOf[graph.indexOf(target)];
          if (from !== to) expect(from).toBeGreaterThan(to);
        }
        // Member lists partition the nodes, ascending within each component.
        expect(memberOffsets[0]).toBe(0);
        expect(memberOffsets[scc.count]).toBe(graph.nodeCount);
        for (let c = 0; c < scc.count; c++) {
          expect(memberOffsets[c + 1]).toBeGreaterThan(memberOffsets[c]);
          for (let k = memberOffsets[c]; k < memberOffsets[c + 1]; k++) {
            expect(componentOf[memberNodes[k]]).toBe(c);
            if (k > memberOffsets[c]) expect(memberNodes[k]).toBeGreaterThan(memberNodes[k - 1]);
          }
        }
      }),
      RUNS,
    );
  });

  it('the condensation is an acyclic, duplicate-free DAG with a valid topological order', () => {
    fc.assert(
      fc.property(graphCase, (testCase) => {
        const { graph } = build(testCase);
        const condensation = condense(graph);
        const { dag, componentOf, count, topologicalOrder } = condensation;
        expect(dag.nodeCount).toBe(count);
        const expectedEdges = new Set<string>();
        for (let e = 0; e < graph.edgeCount; e++) {
          const from = componentOf[graph.edgeSource(e)];
          const to = componentOf[graph.edgeTarget(e)];
          if (from !== to) expectedEdges.add(`${from}>${to}`);
        }
        const dagPairs: Array<[string, string]> = [];
        for (let e = 0; e < dag.edgeCount; e++) {
          dagPairs.push([dag.idAt(dag.edgeSource(e)), dag.idAt(dag.edgeTarget(e))]);
        }
        const actualEdges = dagPairs.map(([s, t]) => `${s}>${t}`);
        expect(actualEdges.length).toBe(new Set(actualEdges).size);
        expect(new Set(actualEdges)).toEqual(expectedEdges);

        const naiveDag = naiveGraph(dag.nodeIds, dagPairs);
        for (const id of dag.nodeIds) {
          expect(naiveReachNonEmpty(id, naiveDag.successors).has(id)).toBe(false);
        }

        expect(Array.from(topologicalOrder).sort((x, y) => x - y)).toEqual(
          Array.from({ length: count }, (_, c) => c),
        );
        const position = new Int32Array(count);
        topologicalOrder.forEach((component, i) => (position[component] = i));
        for (let e = 0; e < dag.edgeCount; e++) {
          expect(position[dag.edgeSource(e)]).toBeLessThan(position[dag.edgeTarget(e)]);
        }
      }),
      RUNS,
    );
  });

  it('supernodes are the cyclic components, each with a real, shortest cycle through its first member', () => {
    fc.assert(
      fc.property(graphCase, (testCase) => {
        const { graph, naive } = build(testCase);
        const { supernodes, componentOf, memberOffsets, memberNodes, count } = condense(graph);
        const cyclic: number[] = [];
        for (let c = 0; c < count; c++) {
          const first = memberNodes[memberOffsets[c]];
          const size = memberOffsets[c + 1] - memberOffsets[c];
          if (size > 1 || naive.successors.get(graph.idAt(first))?.has(graph.idAt(first))) {
            cyclic.push(c);
          }
        }
        expect(supernodes.map((s) => s.component)).toEqual(cyclic);

        for (const { component, members, cyclePath } of supernodes) {
          const memberIds = Array.from(
            memberNodes.subarray(memberOffsets[component], memberOffsets[component + 1]),
          ).map((node) => graph.idAt(node));
          expect(members).toEqual(memberIds);
          expect(cyclePath[0]).toBe(members[0]);
          expect(cyclePath[cyclePath.length - 1]).toBe(cyclePath[0]);
          // Simple: no node repeats except the closing one.
          const inner = cyclePath.slice(0, -1);
          expect(new Set(inner).size).toBe(inner.length);
          for (let i = 0; i + 1 < cyclePath.length; i++) {
            expect(componentOf[graph.indexOf(cyclePath[i])]).toBe(component);
            expect(naive.successors.get(cyclePath[i])?.has(cyclePath[i + 1])).toBe(true);
          }
          if (members.length === 1) {
            expect(cyclePath).toEqual([members[0], members[0]]);
            continue;
          }
          // Shortest cycle of length ≥ 2 through the first member, by BFS inside the component.
          const start = members[0];
          const inComponent = new Set(members);
          const distance = naiveDistances([start], (id) =>
            [...(naive.successors.get(id) ?? [])].filter((next) => inComponent.has(next)),
          );
          let shortest = Number.POSITIVE_INFINITY;
          for (const id of members) {
            if (id !== start && naive.successors.get(id)?.has(start)) {
              shortest = Math.min(shortest, (distance.get(id) ?? Number.POSITIVE_INFINITY) + 1);
            }
          }
          expect(cyclePath.length - 1).toBe(shortest);
        }
      }),
      RUNS,
    );
  });

  it('traversal visits exactly the nodes within maxDepth at their BFS distance', () => {
    const direction = fc.constantFrom<TraversalDirection>('downstream', 'upstream', 'both');
    fc.assert(
      fc.property(
        graphCase,
        fc.nat(),
        fc.nat(4),
        direction,
        (testCase, startSeed, maxDepth, way) => {
          const { graph, naive } = build(testCase);
          fc.pre(graph.nodeCount > 0);
          const start = graph.idAt(startSeed % graph.nodeCount);
          const neighbours = (id: string): string[] => [
            ...(way !== 'upstream' ? (naive.successors.get(id) ?? []) : []),
            ...(way !== 'downstream' ? (naive.predecessors.get(id) ?? []) : []),
          ];
          const distance = naiveDistances([start], neighbours);
          const result = traverse(graph, start, { direction: way, maxDepth, includeEdges: true });

          const expected = [...distance].filter(([, d]) => d <= maxDepth);
          expect(Object.fromEntries(result.nodes.map((node) => [node.id, node.depth]))).toEqual(
            Object.fromEntries(expected),
          );
          for (let i = 1; i < result.nodes.length; i++) {
            expect(result.nodes[i].depth).toBeGreaterThanOrEqual(result.nodes[i - 1].depth);
          }
          expect(result.truncated).toBe([...distance.values()].includes(maxDepth + 1));

          const shallow = (id: string): boolean => (distance.get(id) ?? Infinity) < maxDepth;
          const expectedEdges = testCase.edges
            .map(([source, target], edgeId) => ({ edgeId, source, target }))
            .filter(
              ({ source, target }) =>
                (way !== 'upstream' && shallow(source)) ||
                (way !== 'downstream' && shallow(target)),
            );
          expect([...(result.edges ?? [])].sort((x, y) => x.edgeId - y.edgeId)).toEqual(
            expectedEdges,
          );
        },
      ),
      RUNS,
    );
  });

  it('closures match naive reachability, reflexive or not', () => {
    fc.assert(
      fc.property(
        graphCase,
        fc.array(fc.nat(), { maxLength: 3 }),
        fc.boolean(),
        (testCase, seeds, reflexive) => {
          const { graph, naive } = build(testCase);
          fc.pre(graph.nodeCount > 0);
          const starts = seeds.map((seed) => graph.idAt(seed % graph.nodeCount));
          const inIndexOrder = (ids: Iterable<string>): string[] =>
            [...ids].sort((x, y) => graph.indexOf(x) - graph.indexOf(y));
          const expected = (next: NaiveGraph['successors']): string[] =>
            inIndexOrder(
              reflexive
                ? naiveReach(starts, next)
                : new Set(starts.flatMap((start) => [...naiveReachNonEmpty(start, next)])),
            );
          expect(upstreamClosure(graph, starts, { reflexive })).toEqual(
            expected(naive.predecessors),
          );
          expect(downstreamClosure(graph, starts, { reflexive })).toEqual(
            expected(naive.successors),
          );
        },
      ),
      RUNS,
    );
  });

  it('topologicalSort orders every acyclic graph and names a real cycle otherwise', () => {
    fc.assert(
      fc.property(graphCase, (testCase) => {
        const { graph, naive } = build(testCase);
        const cyclic = naive.ids.some((id) => naiveReachNonEmpty(id, naive.successors).has(id));
        if (!cyclic) {
          const order = topologicalSort(graph);
          expect([...order].sort()).toEqual([...naive.ids].sort());
          const position = new Map(order.map((id, i) => [id, i]));
          for (const [source, target] of testCase.edges) {
            expect(position.get(source)).toBeLessThan(position.get(target) ?? -1);
          }
          return;
        }
        let error: unknown;
        try {
          topologicalSort(graph);
        } catch (caught) {
          error = caught;
        }
        expect(error).toBeInstanceOf(GraphError);
        const { code, cycle } = error as GraphError;
        expect(code).toBe('GRAPH.NOT_A_DAG');
        expect(cycle?.length).toBeGreaterThanOrEqual(2);
        expect(cycle?.[0]).toBe(cycle?.[cycle.length - 1]);
        for (let i = 0; cycle !== undefined && i + 1 < cycle.length; i++) {
          expect(naive.successors.get(cycle[i])?.has(cycle[i + 1])).toBe(true);
        }
      }),
      RUNS,
    );
  });
});
