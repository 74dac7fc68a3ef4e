/**
 * @slo-engine/reliability benchmarks.
 *
 * 1. Composite availability of every node of a seeded random 5,000-node / 50,000-edge DAG
 *    (edges from lower to higher index, availabilities in [0.99, 0.99999], ~10% soft edges).
 *    Timed: `compositeAvailability(model)` end to end — Tarjan SCC, the single bitset pass over
 *    the condensation and the per-service result map. Untimed: building the model (graph
 *    construction). Goal: p50 ≤ 20 ms over ≥ 30 iterations.
 * 2. The same on a 100,000-node / 1,000,000-edge DAG (fewer iterations; blocked bitsets).
 * 3. Availability tiers with a 1,000-resample bootstrap on 30 days of hourly windows (720).
 * Reference: a breadth-first traversal per service (what the single pass avoids) on the 5k DAG,
 * also used to check the numbers.
 */
import {
  buildAvailabilityModel,
  compositeAvailability,
  deriveAvailabilityTiers,
  deriveLatencyTiers,
  type AvailabilityModel,
  type DependencyInput,
} from '@slo-engine/reliability';
import { blackhole, measure, report, round, seededRandom } from './harness';

interface RandomDag {
  readonly model: AvailabilityModel;
  readonly availability: Float64Array;
  readonly hardTargets: number[][];
}

function randomDag(nodes: number, edges: number, seed: number): RandomDag {
  const random = seededRandom(seed);
  const availability = new Float64Array(nodes);
  for (let i = 0; i < nodes; i++) availability[i] = 0.99 + random() * (0.99999 - 0.99);
  const ids = Array.from({ length: nodes }, (_, i) => `svc-${i}`);
  const seen = new Set<number>();
  const dependencies: DependencyInput[] = [];
  const hardTargets: number[][] = Array.from({ length: nodes }, () => []);
  while (dependencies.length < edges) {
    const a = Math.floor(random() * nodes);
    const b = Math.floor(random() * nodes);
    if (a === b) continue;
    const from = Math.min(a, b);
    const to = Math.max(a, b);
    const key = from * nodes + to;
    if (seen.has(key)) continue;
    seen.add(key);
    const soft = random() < 0.1;
    dependencies.push({ from: ids[from], to: ids[to], kind: soft ? 'soft' : 'hard' });
    if (!soft) hardTargets[from].push(to);
  }
  const model = buildAvailabilityModel({
    services: ids.map((id, i) => ({ id, availability: availability[i] })),
    dependencies,
  });
  return { model, availability, hardTargets };
}

/** What the single pass replaces: one traversal per service, product over its distinct closure. */
function perServiceTraversal(dag: RandomDag): Float64Array {
  const n = dag.availability.length;
  const result = new Float64Array(n);
  const mark = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n);
  for (let s = 0; s < n; s++) {
    let top = 0;
    let product = 1;
    stack[top++] = s;
    mark[s] = s;
    while (top > 0) {
      const u = stack[--top];
      product *= dag.availability[u];
      for (const v of dag.hardTargets[u]) {
        if (mark[v] !== s) {
          mark[v] = s;
          stack[top++] = v;
        }
      }
    }
    result[s] = product;
  }
  return result;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

// 1. 5k / 50k ------------------------------------------------------------------------------
const small = randomDag(5_000, 50_000, 42);
gc();
// 20 warm-up runs: the pass is one large function that V8 optimises only after a few calls.
const smallTiming = measure(() => compositeAvailability(small.model), {
  warmup: 20,
  iterations: 50,
});
const smallResult = compositeAvailability(small.model);
console.log('composite 5k/50k', smallTiming);

const traversalTiming = measure(() => perServiceTraversal(small), { warmup: 1, iterations: 3 });
const reference = perServiceTraversal(small);
let maxRelativeError = 0;
for (let i = 0; i < reference.length; i++) {
  const value = smallResult.get(small.model.serviceIds[i])!.composite;
  const expected = reference[small.model.graph.indexOf(small.model.serviceIds[i])];
  maxRelativeError = Math.max(maxRelativeError, Math.abs(value - expected) / expected);
}
console.log('per-service traversal 5k/50k', traversalTiming, { maxRelativeError });

// 2. 100k / 1M -----------------------------------------------------------------------------
const large = randomDag(100_000, 1_000_000, 7);
gc();
const largeTiming = measure(() => compositeAvailability(large.model), {
  warmup: 1,
  iterations: 5,
});
console.log('composite 100k/1M', largeTiming);

// 3. Tiers + bootstrap ---------------------------------------------------------------------
const windowRandom = seededRandom(3);
const hourly = Array.from({ length: 720 }, () => {
  const u = windowRandom();
  if (u < 0.02) return 0.97 + windowRandom() * 0.02;
  if (u < 0.1) return 0.998 + windowRandom() * 0.0015;
  return 0.9995 + windowRandom() * 0.0005;
});
const latencies = hourly.map((a) => 150 + (1 - a) * 1e5 + windowRandom() * 50);
const tiersTiming = measure(
  () =>
    deriveAvailabilityTiers(hourly, {
      random: seededRandom(1),
      resamples: 1000,
      compositeBound: 0.9985,
    }),
  { warmup: 5, iterations: 50 },
);
const latencyTiming = measure(
  () => deriveLatencyTiers(latencies, { random: seededRandom(1), resamples: 1000 }),
  { warmup: 5, iterations: 50 },
);
blackhole([smallResult, reference]);
console.log('availability tiers (720 windows, 1000 resamples)', tiersTiming);
console.log('latency tiers (720 windows, 1000 resamples)', latencyTiming);

const goalMs = 20;
report('reliability-composite', {
  graph: {
    nodes: 5_000,
    edges: 50_000,
    softEdgeShare: 0.1,
    availabilityRange: [0.99, 0.99999],
    seed: 42,
  },
  timed:
    'compositeAvailability(model): SCC (Tarjan) + bitset pass over the condensation + result map; model/graph construction untimed',
  sccIncluded: true,
  p50Ms: smallTiming.p50Ms,
  p95Ms: smallTiming.p95Ms,
  iterations: smallTiming.iterations,
  goalMs,
  meetsGoal: smallTiming.p50Ms <= goalMs,
  perServiceTraversalP50Ms: traversalTiming.p50Ms,
  speedupVsPerServiceTraversal: round(traversalTiming.p50Ms / smallTiming.p50Ms, 1),
  maxRelativeErrorVsTraversal: maxRelativeError,
  large: {
    nodes: 100_000,
    edges: 1_000_000,
    p50Ms: largeTiming.p50Ms,
    minMs: largeTiming.minMs,
    iterations: largeTiming.iterations,
  },
  tiers: {
    windows: 720,
    resamples: 1000,
    availabilityP50Ms: tiersTiming.p50Ms,
    latencyP50Ms: latencyTiming.p50Ms,
  },
});
