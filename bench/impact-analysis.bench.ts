/**
 * FR-4 impact analysis (`analyseImpact` of @slo-engine/core) on a 5,000-service / 50,000-edge
 * fleet with hubs: edge targets drawn with a power law (as `hubbyGraph` in api-fixture.ts), each
 * edge oriented from the higher to the lower index so the fleet is a DAG, 85% hard edges, 1% of
 * the services external with a published SLA, 90% observed, half with an active SLO.
 *
 * Timed: `analyseImpact` end to end for the busiest hub (thousands of upstream services) — both
 * reverse traversals, the closure, the availability model built from the snapshot's indices, the
 * current and projected composite passes (`compositeValues`), the rows, sorting and the summary. Untimed: building the `GraphSnapshot`. Goal: p95 ≤ 100 ms over ≥ 30
 * runs (seed: < 10 s).
 *
 * Also timed: the use case path, `AnalyseImpactUseCase.execute` (what the API calls): request
 * checks, the cached snapshot, the two bulk reads (in-memory stores here: active availability
 * targets in percent, newest 28-day availability aggregates), the percent/ratio conversions and
 * the analysis. The PostgreSQL reads themselves are one statement each; the e2e tests cover them.
 *
 * Peer, measured in the same run: the naive way — `compositeAvailabilityOf` per upstream service,
 * current and projected (models built once, untimed), on a sample; extrapolated to all of them.
 * Also: the same fleet with cycles (edges not oriented), one giant strongly connected component.
 */
import {
  analyseImpact,
  AnalyseImpactUseCase,
  type EffectiveEdge,
  type GraphRepository,
  GraphSnapshot,
  GraphSnapshotCache,
  InMemorySliAggregateRepository,
  type ServiceNode,
} from '@slo-engine/core';
import {
  buildAvailabilityModel,
  compositeAvailabilityOf,
  type DependencyInput,
} from '@slo-engine/reliability';
import { blackhole, measure, report, round, seededRandom, summarize, type Timing } from './harness';

const SERVICES = 5_000;
const EDGES = 50_000;
const ITERATIONS = 40;
const PEER_SAMPLE = 40;
const GOAL_MS = 100;
const AT = new Date('2026-02-14T10:00:00.000Z');

interface Fleet {
  readonly snapshot: GraphSnapshot;
  readonly observed: ReadonlyMap<string, number>;
  readonly slos: ReadonlyMap<string, number>;
}

function fleet(acyclic: boolean, seed: number): Fleet {
  const random = seededRandom(seed);
  const id = (i: number): string => `svc-${i.toString().padStart(5, '0')}`;
  const services: ServiceNode[] = [];
  const observed = new Map<string, number>();
  const slos = new Map<string, number>();
  for (let i = 0; i < SERVICES; i++) {
    const external = i % 100 === 7;
    services.push({
      serviceId: id(i),
      metadata: external ? { publishedSla: 0.9995 } : {},
      team: null,
      criticality: 'medium',
      serviceType: external ? 'external' : 'internal',
      discovered: false,
      createdAt: AT,
      updatedAt: AT,
    });
    if (random() < 0.9) observed.set(id(i), 0.999 + random() * 0.00099);
    if (random() < 0.5) slos.set(id(i), random() < 0.5 ? 0.99 : 0.995);
  }
  const seen = new Set<string>();
  const edges: EffectiveEdge[] = [];
  const powerLaw = (): number => Math.min(SERVICES - 1, Math.floor(SERVICES * random() ** 3));
  while (edges.length < EDGES) {
    let source = Math.floor(random() * SERVICES);
    let target = powerLaw();
    if (source === target) continue;
    if (acyclic && source < target) [source, target] = [target, source];
    const key = `${source}>${target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const hard = random() < 0.85;
    edges.push({
      source: id(source),
      target: id(target),
      communicationMode: 'sync',
      criticality: hard ? 'hard' : 'soft',
      protocol: 'grpc',
      timeoutMs: 1000,
      retryConfig: null,
      redundancyGroup: hard && random() < 0.05 ? 'replicas' : null,
      discoverySources: ['manual'],
      confidenceScore: 1,
      lastObservedAt: AT,
    });
  }
  return { snapshot: new GraphSnapshot({ version: 1, services, edges }), observed, slos };
}

/** The service with the most direct callers. */
function busiestHub(snapshot: GraphSnapshot): string {
  let best = 0;
  for (let node = 1; node < snapshot.graph.nodeCount; node++) {
    if (snapshot.graph.inDegree(node) > snapshot.graph.inDegree(best)) best = node;
  }
  return snapshot.graph.idAt(best);
}

function run(f: Fleet, serviceId: string) {
  return analyseImpact({
    snapshot: f.snapshot,
    serviceId,
    proposedAvailability: 0.995,
    availabilityOf: (id) => f.observed.get(id),
    activeSloTargetOf: (id) => f.slos.get(id),
  });
}

/**
 * The use case over in-memory stores holding the fleet's SLOs (percent) and 28-day aggregates. The
 * snapshot cache is primed with the fleet's snapshot; its repository only answers the version
 * check every `get()` makes, as PostgreSQL's one-row read would.
 */
async function useCaseOf(f: Fleet): Promise<AnalyseImpactUseCase> {
  const { snapshot } = f;
  const versionOnly = { graphVersion: () => Promise.resolve(snapshot.version) };
  const snapshots = new GraphSnapshotCache(versionOnly as unknown as GraphRepository);
  snapshots.offer(snapshot);
  const aggregates = new InMemorySliAggregateRepository(
    new Set(snapshot.active.services.map((s) => s.serviceId)),
  );
  await aggregates.upsert(
    [...f.observed].map(([serviceId, value]) => ({
      serviceId,
      sliType: 'availability' as const,
      window: '28d' as const,
      value,
      sampleCount: 100_000,
      computedAt: AT,
    })),
  );
  const percentTargets = new Map([...f.slos].map(([id, ratio]) => [id, ratio * 100]));
  const activeSlos = { availabilityTargets: () => Promise.resolve(percentTargets) };
  let n = 0;
  return new AnalyseImpactUseCase(snapshots, activeSlos, aggregates, () => `analysis-${++n}`);
}

async function measureAsync(
  fn: () => Promise<unknown>,
  options: { warmup: number; iterations: number },
): Promise<Timing> {
  for (let i = 0; i < options.warmup; i++) blackhole(await fn());
  const samples: number[] = [];
  for (let i = 0; i < options.iterations; i++) {
    const start = process.hrtime.bigint();
    blackhole(await fn());
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return summarize(samples);
}

/** The naive peer: `compositeAvailabilityOf` per upstream service, current and projected. */
function naivePeer(f: Fleet, serviceId: string, upstream: readonly string[]) {
  const { snapshot } = f;
  const dependencies: DependencyInput[] = snapshot.active.edges.map((edge) => ({
    from: edge.source,
    to: edge.target,
    kind: edge.criticality === 'hard' ? 'hard' : 'soft',
    ...(edge.criticality === 'hard' && edge.redundancyGroup !== null
      ? { redundancyGroup: edge.redundancyGroup }
      : {}),
  }));
  const services = (changed: number | null) =>
    snapshot.active.services.map((service) => ({
      id: service.serviceId,
      availability:
        service.serviceId === serviceId && changed !== null
          ? changed
          : (f.observed.get(service.serviceId) ??
            (service.serviceType === 'external' ? 0.9995 * 0.999 : 0.999)),
    }));
  const current = buildAvailabilityModel({ services: services(null), dependencies });
  const projected = buildAvailabilityModel({ services: services(0.995), dependencies });
  const sample = upstream.filter((_, i) => i % Math.ceil(upstream.length / PEER_SAMPLE) === 0);
  const timing = measure(
    () =>
      sample.map(
        (id) =>
          compositeAvailabilityOf(projected, id).composite -
          compositeAvailabilityOf(current, id).composite,
      ),
    { warmup: 1, iterations: 5 },
  );
  return { sample: sample.length, timing };
}

async function main(): Promise<void> {
  const dag = fleet(true, 4);
  const hub = busiestHub(dag.snapshot);
  const result = run(dag, hub);
  const upstream = result.impactedServices.map((service) => service.serviceId);
  console.log(
    `DAG hub ${hub}: ${dag.snapshot.graph.inDegree(dag.snapshot.graph.indexOf(hub))} direct callers, ${result.summary.totalImpacted} impacted, ${result.summary.slosAtRisk} at risk, ${result.softOnlyDependents.length} soft-only`,
  );
  const ours = measure(() => run(dag, hub), { warmup: 3, iterations: ITERATIONS });
  console.log(`ours p50 ${ours.p50Ms} ms, p95 ${ours.p95Ms} ms`);

  const useCase = await useCaseOf(dag);
  const viaUseCase = await useCase.execute({
    serviceId: hub,
    proposedChange: { sliType: 'availability', proposedTarget: 99.5 },
  });
  if (viaUseCase.summary.totalImpacted !== result.summary.totalImpacted) {
    throw new Error('the use case and analyseImpact disagree on the impacted services');
  }
  const useCaseTiming = await measureAsync(
    () =>
      useCase.execute({
        serviceId: hub,
        proposedChange: { sliType: 'availability', proposedTarget: 99.5 },
      }),
    { warmup: 3, iterations: ITERATIONS },
  );
  console.log(`use case path p50 ${useCaseTiming.p50Ms} ms, p95 ${useCaseTiming.p95Ms} ms`);

  const peer = naivePeer(dag, hub, upstream);
  const perUpstreamMs = peer.timing.p50Ms / peer.sample;
  const naiveAllMs = perUpstreamMs * upstream.length;
  console.log(
    `naive compositeAvailabilityOf ×2 per upstream: ${round(perUpstreamMs, 3)} ms each on ${peer.sample} sampled → ≈ ${round(naiveAllMs, 0)} ms for all ${upstream.length}`,
  );

  const cyclic = fleet(false, 5);
  const cyclicHub = busiestHub(cyclic.snapshot);
  const cyclicResult = run(cyclic, cyclicHub);
  const cyclicTiming = measure(() => run(cyclic, cyclicHub), { warmup: 2, iterations: ITERATIONS });
  console.log(
    `cyclic fleet: ${cyclicResult.summary.totalImpacted} impacted, supernode of ${cyclicResult.cycleMembers.length}; p50 ${cyclicTiming.p50Ms} ms, p95 ${cyclicTiming.p95Ms} ms`,
  );
  blackhole(cyclicResult);

  report('impact-analysis', {
    services: SERVICES,
    edges: EDGES,
    hub,
    impacted: result.summary.totalImpacted,
    slosAtRisk: result.summary.slosAtRisk,
    softOnlyDependents: result.softOnlyDependents.length,
    goalP95Ms: GOAL_MS,
    meetsGoal: ours.p95Ms <= GOAL_MS,
    ...ours,
    seedCeilingMs: 10_000,
    ratioToSeedCeiling: round(ours.p95Ms / 10_000, 5),
    useCase: {
      name: 'AnalyseImpactUseCase.execute over in-memory stores (checks, cache, bulk reads, analysis)',
      meetsGoal: useCaseTiming.p95Ms <= GOAL_MS,
      ...useCaseTiming,
    },
    peer: {
      name: 'compositeAvailabilityOf per upstream service, current + projected',
      sample: peer.sample,
      sampleP50Ms: peer.timing.p50Ms,
      perUpstreamMs: round(perUpstreamMs, 4),
      extrapolatedAllMs: round(naiveAllMs, 1),
    },
    speedupVsNaive: round(naiveAllMs / ours.p50Ms, 1),
    cyclic: {
      impacted: cyclicResult.summary.totalImpacted,
      supernodeSize: cyclicResult.cycleMembers.length,
      ...cyclicTiming,
    },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
