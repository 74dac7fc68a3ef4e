/**
 * `graph-scc`: strongly connected components + condensation of seeded uniform random directed
 * graphs (5k nodes / 50k edges and 100k / 1M), against graphology-components on the same
 * 5k/50k graph, plus 3-hop traversal and reverse reachability. Graph construction is not timed.
 *
 * Run: cd bench && node --expose-gc --stack-size=984 --import tsx graph.bench.ts
 */
import { MultiDirectedGraph } from 'graphology';
import { stronglyConnectedComponents as graphologyScc } from 'graphology-components';
import {
  condense,
  DirectedGraph,
  stronglyConnectedComponents,
  traverse,
  upstreamClosure,
  upstreamClosureIndexes,
} from '@slo-engine/graph';
import { blackhole, measure, report, round, seededRandom, type Timing } from './harness';

const SMALL = { nodes: 5_000, edges: 50_000, goalMs: 5, peerRatioGoal: 10 };
const LARGE = { nodes: 100_000, edges: 1_000_000, goalMs: 150 };
const CHAIN_NODES = 100_000;

type EdgePairs = Array<[string, string]>;

function randomEdges(nodeCount: number, edgeCount: number, seed: number): EdgePairs {
  const random = seededRandom(seed);
  const edges: EdgePairs = new Array<[string, string]>(edgeCount);
  for (let e = 0; e < edgeCount; e++) {
    edges[e] = [`s${Math.floor(random() * nodeCount)}`, `s${Math.floor(random() * nodeCount)}`];
  }
  return edges;
}

function chainEdges(nodeCount: number): EdgePairs {
  const edges: EdgePairs = new Array<[string, string]>(nodeCount - 1);
  for (let i = 0; i + 1 < nodeCount; i++) edges[i] = [`s${i}`, `s${i + 1}`];
  return edges;
}

function nodeIds(nodeCount: number): string[] {
  return Array.from({ length: nodeCount }, (_, i) => `s${i}`);
}

function toGraphology(ids: readonly string[], edges: EdgePairs): MultiDirectedGraph {
  const graph = new MultiDirectedGraph();
  for (const id of ids) graph.addNode(id);
  for (const [source, target] of edges) graph.addEdge(source, target);
  return graph;
}

function timeBuild(build: () => DirectedGraph): { graph: DirectedGraph; buildMs: number } {
  const start = process.hrtime.bigint();
  const graph = build();
  return { graph, buildMs: round(Number(process.hrtime.bigint() - start) / 1e6, 1) };
}

/** Runs graphology's (recursive) SCC once, reporting a stack overflow instead of crashing. */
function tryGraphology(
  graph: MultiDirectedGraph,
):
  | { ok: true; components: number; ms: number }
  | { ok: false; stackOverflow: boolean; error: string } {
  try {
    const start = process.hrtime.bigint();
    const components = graphologyScc(graph).length;
    return { ok: true, components, ms: round(Number(process.hrtime.bigint() - start) / 1e6, 2) };
  } catch (error) {
    return {
      ok: false,
      stackOverflow: error instanceof RangeError,
      error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
    };
  }
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

function summary(timing: Timing): Pick<Timing, 'p50Ms' | 'p95Ms' | 'p99Ms' | 'minMs'> {
  return { p50Ms: timing.p50Ms, p95Ms: timing.p95Ms, p99Ms: timing.p99Ms, minMs: timing.minMs };
}

// --- 5k nodes / 50k edges ------------------------------------------------------------------
const smallIds = nodeIds(SMALL.nodes);
const smallEdges = randomEdges(SMALL.nodes, SMALL.edges, 42);
const small = timeBuild(() => DirectedGraph.fromEdges(smallEdges, { nodes: smallIds }));
const smallCondensation = condense(small.graph);

// Same treatment for both sides: full collection first, 30 warm-up runs, 50 timed runs.
const SMALL_RUNS = { warmup: 30, iterations: 50 };
const smallGraphology = toGraphology(smallIds, smallEdges);
const peerComponents = graphologyScc(smallGraphology).length;
gc();
const smallSccOnly = measure(() => stronglyConnectedComponents(small.graph), SMALL_RUNS);
gc();
const smallSccAndCondense = measure(() => condense(small.graph), SMALL_RUNS);
gc();
const peer = measure(() => graphologyScc(smallGraphology), SMALL_RUNS);
gc();

const startRandom = seededRandom(7);
const starts = Array.from({ length: 64 }, () => smallIds[Math.floor(startRandom() * SMALL.nodes)]);
let startCursor = 0;
const nextStart = (): string => starts[startCursor++ % starts.length];
let visitedSum = 0;
let traversals = 0;
const traversal3Hop = measure(
  () => {
    const result = traverse(small.graph, nextStart(), { direction: 'downstream', maxDepth: 3 });
    visitedSum += result.nodes.length;
    traversals++;
    return result;
  },
  { warmup: 20, iterations: 200 },
);
const traversal3HopWithEdges = measure(
  () => traverse(small.graph, nextStart(), { maxDepth: 3, includeEdges: true }),
  { warmup: 20, iterations: 200 },
);
const smallClosureSize = upstreamClosure(small.graph, starts[0]).length;
const smallUpstreamIds = measure(() => upstreamClosure(small.graph, nextStart()), {
  warmup: 20,
  iterations: 200,
});
const smallUpstreamIndexes = measure(
  () => upstreamClosureIndexes(small.graph, [small.graph.indexOf(nextStart())]),
  { warmup: 20, iterations: 200 },
);
blackhole([smallCondensation, smallGraphology]);
gc();

// --- 100k nodes / 1M edges -----------------------------------------------------------------
const largeIds = nodeIds(LARGE.nodes);
let largeEdges: EdgePairs | undefined = randomEdges(LARGE.nodes, LARGE.edges, 4242);
const large = timeBuild(() => DirectedGraph.fromEdges(largeEdges ?? [], { nodes: largeIds }));
const largeCondensation = condense(large.graph);
gc();
const largeSccOnly = measure(() => stronglyConnectedComponents(large.graph), {
  warmup: 5,
  iterations: 20,
});
gc();
const largeSccAndCondense = measure(() => condense(large.graph), { warmup: 5, iterations: 20 });
const largeTarget = large.graph.indexOf(largeIds[12_345]);
const largeUpstream = measure(() => upstreamClosureIndexes(large.graph, [largeTarget]), {
  warmup: 3,
  iterations: 20,
});
// graphology on the same 100k/1M graph: recursion depth follows the DFS path length.
const largePeer = tryGraphology(toGraphology(largeIds, largeEdges));
largeEdges = undefined;
gc();

// --- 100k-node chain: recursion depth = chain length -----------------------------------------
const chainIds = nodeIds(CHAIN_NODES);
const chainEdgeList = chainEdges(CHAIN_NODES);
const chain = DirectedGraph.fromEdges(chainEdgeList);
const chainOurs = measure(() => condense(chain), { warmup: 2, iterations: 10 });
const chainPeer = tryGraphology(toGraphology(chainIds, chainEdgeList));

const smallOursMs = smallSccAndCondense.p50Ms;
const largeOursMs = largeSccAndCondense.p50Ms;
const ratio = round(peer.p50Ms / smallOursMs, 2);
const result = {
  goal: {
    smallSccAndCondenseMs: SMALL.goalMs,
    largeSccAndCondenseMs: LARGE.goalMs,
    peerRatio: SMALL.peerRatioGoal,
  },
  meetsGoal:
    smallOursMs <= SMALL.goalMs && largeOursMs <= LARGE.goalMs && ratio >= SMALL.peerRatioGoal,
  small: {
    nodes: SMALL.nodes,
    edges: SMALL.edges,
    seed: 42,
    components: smallCondensation.count,
    largestComponent: Math.max(...smallCondensation.supernodes.map((s) => s.members.length), 1),
    dagEdges: smallCondensation.dag.edgeCount,
    buildMs: small.buildMs,
    sccOnly: summary(smallSccOnly),
    sccAndCondense: summary(smallSccAndCondense),
    goalMs: SMALL.goalMs,
    meetsGoal: smallOursMs <= SMALL.goalMs,
    peer: {
      library: 'graphology@0.26 + graphology-components@1.5 stronglyConnectedComponents',
      components: peerComponents,
      sameComponentCount: peerComponents === smallCondensation.count,
      ...summary(peer),
    },
    peerRatioVsSccAndCondense: ratio,
    peerRatioVsSccOnly: round(peer.p50Ms / smallSccOnly.p50Ms, 2),
    peerRatioGoal: SMALL.peerRatioGoal,
    meetsPeerRatioGoal: ratio >= SMALL.peerRatioGoal,
    traversal3HopDownstream: {
      ...summary(traversal3Hop),
      meanVisited: round(visitedSum / traversals, 1),
    },
    traversal3HopWithEdges: summary(traversal3HopWithEdges),
    upstreamClosureIds: { ...summary(smallUpstreamIds), exampleSize: smallClosureSize },
    upstreamClosureIndexes: summary(smallUpstreamIndexes),
  },
  large: {
    nodes: LARGE.nodes,
    edges: LARGE.edges,
    seed: 4242,
    components: largeCondensation.count,
    dagEdges: largeCondensation.dag.edgeCount,
    buildMs: large.buildMs,
    sccOnly: summary(largeSccOnly),
    sccAndCondense: summary(largeSccAndCondense),
    goalMs: LARGE.goalMs,
    meetsGoal: largeOursMs <= LARGE.goalMs,
    upstreamClosureIndexes: summary(largeUpstream),
    peerOnce: largePeer,
  },
  chain100k: {
    nodes: CHAIN_NODES,
    oursSccAndCondense: summary(chainOurs),
    peerOnce: chainPeer,
  },
  nodeStackSizeKb: 984,
};
report('graph-scc', result);
