import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { DirectedGraph, condense, traverse } from '@slo-engine/graph';
import {
  assessExternalDependency,
  buildAvailabilityModel,
  checkTargetAchievability,
  compositeAvailability,
  deriveAvailabilityTiers,
  deriveLatencyTiers,
  formatPercent,
  rollingAvailability,
  type AvailabilityTiers,
  type LatencyTiers,
  type ServiceComposite,
} from '@slo-engine/reliability';
import { evaluateDrift, seededRandom, type DriftEvaluation } from '@slo-engine/drift';
import { parseSloYaml, stringifyOpenSlo, toOpenSlo, type SloFile } from '@slo-engine/slo-schema';
import {
  IdempotencyService,
  InMemoryIdempotencyStore,
  fingerprint,
  scopeKey,
} from '@slo-engine/idempotency';
import { type DemoOptions } from './args';
import { generateFleet, type Fleet, type FleetService } from './fleet';

const HOURS_PER_DAY = 24;

interface Timed<T> {
  readonly value: T;
  readonly ms: number;
}

function timed<T>(fn: () => T): Timed<T> {
  const start = performance.now();
  const value = fn();
  return { value, ms: Math.round((performance.now() - start) * 100) / 100 };
}

export interface DemoReport {
  readonly fleet: {
    services: number;
    edges: number;
    softEdges: number;
    redundancyGroups: number;
    seed: number;
  };
  readonly timingsMs: Record<string, number>;
  readonly cycles: ReadonlyArray<{ members: readonly string[]; path: readonly string[] }>;
  readonly weakestBounds: ReadonlyArray<{
    service: string;
    composite: number;
    bottleneck: string | null;
  }>;
  readonly recommendation: {
    readonly service: string;
    readonly observedAvailability: number;
    readonly dependencies: { downstream: number; truncated: boolean };
    readonly composite: ServiceComposite;
    readonly availability: AvailabilityTiers;
    readonly latency: LatencyTiers;
    readonly desiredTarget: ReturnType<typeof checkTargetAchievability>;
    readonly externalRisks: ReadonlyArray<
      ReturnType<typeof assessExternalDependency> & { id: string }
    >;
  };
  readonly drift: DriftEvaluation & {
    readonly baselineHours: number;
    readonly recentHours: number;
  };
  readonly sloFile: { yaml: string; valid: boolean; issues: readonly string[] };
  readonly openSlo: { documents: number; yaml: string };
  readonly idempotency: readonly string[];
}

/** Runs the whole tour and returns the report as text, or as JSON with `--json`. */
export async function runDemo(options: DemoOptions): Promise<string> {
  const report = await buildReport(options);
  return options.json ? JSON.stringify(report, null, 2) : renderText(report);
}

export async function buildReport(options: DemoOptions): Promise<DemoReport> {
  const timings: Record<string, number> = {};
  const fleetRun = timed(() => generateFleet({ services: options.services, seed: options.seed }));
  timings.generateFleet = fleetRun.ms;
  const fleet = fleetRun.value;
  const byId = new Map(fleet.services.map((s) => [s.id, s]));

  // 1. The dependency graph and its circular dependencies (supernodes).
  const graphRun = timed(() => {
    const graph = DirectedGraph.fromEdges(
      fleet.edges.map((e) => [e.source, e.target] as const),
      { nodes: fleet.services.map((s) => s.id) },
    );
    return { graph, condensation: condense(graph) };
  });
  timings.graphAndCycles = graphRun.ms;
  const { graph, condensation } = graphRun.value;
  const cycles = condensation.supernodes.map((s) => ({ members: s.members, path: s.cyclePath }));

  // 2. Composite availability bound of every service in one pass over the condensation.
  const model = buildAvailabilityModel({
    services: fleet.services.map((s) =>
      s.monitored
        ? { id: s.id, availability: overallAvailability(s) }
        : { id: s.id, publishedSla: s.publishedSla ?? 0.999 },
    ),
    dependencies: fleet.edges.map((e) => ({
      from: e.source,
      to: e.target,
      kind: e.kind,
      ...(e.redundancyGroup ? { redundancyGroup: e.redundancyGroup } : {}),
    })),
  });
  const compositeRun = timed(() => compositeAvailability(model));
  timings.compositeAllServices = compositeRun.ms;
  const composites = compositeRun.value;
  const weakestBounds = [...composites.values()]
    .filter((c) => byId.get(c.serviceId)?.kind !== 'external')
    .sort((a, b) => a.composite - b.composite)
    .slice(0, 5)
    .map((c) => ({
      service: c.serviceId,
      composite: c.composite,
      bottleneck: c.bottleneck?.serviceId ?? null,
    }));

  // 3. Recommendation for one service.
  const target = chooseService(options, fleet, graph);
  const service = byId.get(target);
  if (!service)
    throw new Error(
      `unknown service "${target}"; try one of: ${fleet.services
        .slice(0, 5)
        .map((s) => s.id)
        .join(', ')}`,
    );
  const composite = composites.get(service.id)!;
  const downstream = traverse(graph, service.id, { direction: 'downstream', maxDepth: 3 });
  const recRun = timed(() => {
    const windows = rollingAvailability(
      service.hourly.map(([good, total]) => ({ good, total })),
      HOURS_PER_DAY,
    );
    const random = seededRandom(options.seed);
    const availability = deriveAvailabilityTiers(windows, {
      compositeBound: composite.composite,
      random,
      resamples: 500,
    });
    const latency = deriveLatencyTiers(
      service.hourlyLatencyMs.map((l) => l.p99),
      { random, resamples: 500 },
    );
    return { availability, latency };
  });
  timings.recommendation = recRun.ms;
  const desiredTarget = checkTargetAchievability(options.desiredTarget, composite.composite, {
    dependencies: downstream.nodes
      .filter((n) => n.depth > 0)
      .map((n) => ({ id: n.id, availability: composites.get(n.id)!.availability })),
  });
  const externalRisks = downstream.nodes
    .map((n) => byId.get(n.id)!)
    .filter((s) => s.kind === 'external')
    .map((s) => ({
      id: s.id,
      ...assessExternalDependency(
        s.monitored
          ? { observed: overallAvailability(s) }
          : { publishedSla: s.publishedSla ?? 0.999 },
        recRun.value.availability.balanced.target,
      ),
    }));

  // 4. Drift: the last 24 hourly values against the 7 days before them.
  const hourlyAvailability = service.hourly.map(([good, total]) => good / total);
  const recent = hourlyAvailability.slice(-24);
  const baseline = hourlyAvailability.slice(-24 - 7 * 24, -24);
  const driftRun = timed(() => evaluateDrift(baseline, recent));
  timings.driftCheck = driftRun.ms;

  // 5. The accepted (balanced) recommendation as an SLO file, validated, and as OpenSLO v1.
  const slo = toSloFile(service, recRun.value.availability, recRun.value.latency);
  const yamlText = stringify(slo);
  const checked = parseSloYaml(yamlText, { file: `${service.id}.yml` });
  const openSlo = toOpenSlo(slo);

  // 6. Idempotency: the rules the controller applies when a caller retries.
  const idempotency = await idempotencyTour(service.id);

  return {
    fleet: {
      services: fleet.services.length,
      edges: fleet.edges.length,
      softEdges: fleet.edges.filter((e) => e.kind === 'soft').length,
      redundancyGroups: new Set(
        fleet.edges.flatMap((e) => (e.redundancyGroup ? [e.redundancyGroup] : [])),
      ).size,
      seed: options.seed,
    },
    timingsMs: timings,
    cycles,
    weakestBounds,
    recommendation: {
      service: service.id,
      observedAvailability: overallAvailability(service),
      dependencies: { downstream: downstream.nodes.length - 1, truncated: downstream.truncated },
      composite,
      availability: recRun.value.availability,
      latency: recRun.value.latency,
      desiredTarget,
      externalRisks,
    },
    drift: { ...driftRun.value, baselineHours: baseline.length, recentHours: recent.length },
    sloFile: {
      yaml: yamlText,
      valid: checked.ok,
      issues: checked.ok ? [] : checked.issues.map((i) => `${i.path}: ${i.reason}`),
    },
    openSlo: { documents: openSlo.length, yaml: stringifyOpenSlo(openSlo) },
    idempotency,
  };
}

function overallAvailability(service: FleetService): number {
  let good = 0;
  let total = 0;
  for (const [g, t] of service.hourly) {
    good += g;
    total += t;
  }
  return total === 0 ? 1 : good / total;
}

/** The requested service, or the gateway that reaches the most services. */
function chooseService(options: DemoOptions, fleet: Fleet, graph: DirectedGraph): string {
  if (options.service) return options.service;
  let best = fleet.services[0].id;
  let bestReach = -1;
  for (const s of fleet.services) {
    if (s.kind !== 'gateway') continue;
    const reach = traverse(graph, s.id, { maxDepth: 3 }).nodes.length;
    if (reach > bestReach) {
      best = s.id;
      bestReach = reach;
    }
  }
  return best;
}

function toSloFile(
  service: FleetService,
  availability: AvailabilityTiers,
  latency: LatencyTiers,
): SloFile {
  const sortedP = (pick: 'p50' | 'p95'): number => {
    const values = service.hourlyLatencyMs.map((l) => l[pick]).sort((a, b) => a - b);
    return values[Math.floor(values.length * 0.99)];
  };
  const p99 = Math.ceil(latency.balanced.targetMs);
  const p95 = Math.min(p99, Math.ceil(sortedP('p95') * 1.1));
  const p50 = Math.min(p95, Math.ceil(sortedP('p50') * 1.1));
  const target = Math.round(availability.balanced.target * 1e5) / 1e5;
  return {
    capability: { verb: 'serve', name: service.id.replace(/[^a-z0-9_.-]/gi, '_'), version: '1.0' },
    slo: {
      latency: { p50_ms: p50, p95_ms: p95, p99_ms: p99 },
      availability: { target },
      error_budget: {
        monthly_pct: Math.round((1 - target) * 100 * 1e6) / 1e6,
        alerts: [
          { threshold: 0.5, channel: 'slack' },
          { threshold: 0.9, channel: 'pagerduty' },
        ],
      },
    },
    enforcement: { reject_on_violation: false, grace_period_days: 7 },
    metadata: { owner: `${service.team}-team`, cost_center: 'engineering', tier: 'production' },
  };
}

async function idempotencyTour(serviceId: string): Promise<string[]> {
  let now = Date.parse('2026-11-23T10:00:00Z');
  const service = new IdempotencyService<{ status: number; body: string }>({
    store: new InMemoryIdempotencyStore({ capacity: 1000 }),
    now: () => now,
  });
  const key = scopeKey({
    principal: 'team-checkout',
    method: 'POST',
    route: '/route',
    idempotencyKey: 'order-7731',
  });
  const body = { capability: 'serve:' + serviceId, payload: { order: 7731, amount: 42 } };
  const reordered = { payload: { amount: 42, order: 7731 }, capability: 'serve:' + serviceId };
  const lines: string[] = [];
  const first = await service.begin(key, fingerprint({ method: 'POST', route: '/route', body }));
  lines.push(`first request            → ${first.kind}`);
  if (first.kind === 'execute') {
    const concurrent = await service.begin(
      key,
      fingerprint({ method: 'POST', route: '/route', body }),
    );
    lines.push(`same request, in flight  → ${concurrent.kind} (answer 409)`);
    await service.complete(first.lease, { status: 200, body: 'routed to worker-3' });
  }
  now += 5_000;
  const retry = await service.begin(
    key,
    fingerprint({ method: 'POST', route: '/route', body: reordered }),
  );
  lines.push(
    `retry, keys reordered    → ${retry.kind}${retry.kind === 'replay' ? ` (stored response: ${retry.response.status} "${retry.response.body}")` : ''}`,
  );
  const changed = await service.begin(
    key,
    fingerprint({
      method: 'POST',
      route: '/route',
      body: { ...body, payload: { order: 7731, amount: 43 } },
    }),
  );
  lines.push(`same key, different body → ${changed.kind} (answer 422)`);
  return lines;
}

function pct(x: number, digits = 3): string {
  return formatPercent(x, { maxDecimals: digits });
}

function renderText(r: DemoReport): string {
  const out: string[] = [];
  const rec = r.recommendation;
  out.push(
    `SLO Engine demo: a seeded fleet of ${r.fleet.services} services (seed ${r.fleet.seed}), 30 days of hourly history`,
    '',
    `Dependency graph: ${r.fleet.edges} calls (${r.fleet.softEdges} soft, ${r.fleet.redundancyGroups} redundancy groups)`,
    `  ${r.cycles.length} circular dependency group(s), each treated as one supernode at its weakest member:`,
    ...r.cycles.slice(0, 5).map((c) => `    ${c.path.join(' → ')}`),
    '',
    `Composite availability bound of all ${r.fleet.services} services (each distinct dependency counted once):`,
    ...r.weakestBounds.map(
      (b) =>
        `    ${b.service.padEnd(28)} ${pct(b.composite).padStart(9)}   bottleneck ${b.bottleneck ?? '-'}`,
    ),
    '',
    `Recommendation for ${rec.service}`,
    `  observed 30-day availability ${pct(rec.observedAvailability)}, ${rec.dependencies.downstream} services downstream within 3 hops${rec.dependencies.truncated ? ' (more beyond)' : ''}`,
    `  composite bound ${pct(rec.composite.composite)}${rec.composite.bottleneck ? `, bottleneck ${rec.composite.bottleneck.kind === 'service' ? rec.composite.bottleneck.serviceId : `${rec.composite.bottleneck.group} (redundant)`} (${Math.round(rec.composite.bottleneck.errorShare * 100)}% of the expected unavailability)` : ''}`,
  );
  if (rec.composite.excludedSoftDependencies.length > 0) {
    out.push(
      `  soft dependencies left out (degraded-mode risk): ${rec.composite.excludedSoftDependencies.join(', ')}`,
    );
  }
  out.push('  availability tiers (from daily windows):');
  for (const name of ['conservative', 'balanced', 'aggressive'] as const) {
    const t = rec.availability[name];
    out.push(
      `    ${name.padEnd(13)} ${pct(t.target).padStart(9)}  budget ${t.errorBudget.minutes.toFixed(1).padStart(6)} min/30d  breach ${(t.breachProbability * 100).toFixed(1).padStart(5)}%  95% CI [${pct(t.confidenceInterval[0])}, ${pct(t.confidenceInterval[1])}]${t.cappedByCompositeBound ? '  capped by composite bound' : ''}${t.exceedsCompositeBound ? '  above the composite bound' : ''}`,
    );
  }
  out.push('  latency tiers (p99 per hour, 10% noise margin on conservative and balanced):');
  for (const name of ['conservative', 'balanced', 'aggressive'] as const) {
    const t = rec.latency[name];
    out.push(
      `    ${name.padEnd(13)} ${t.percentile.padEnd(6)} ≤ ${Math.ceil(t.targetMs)} ms  breach ${(t.breachProbability * 100).toFixed(1)}%`,
    );
  }
  out.push(
    `  desired ${pct(rec.desiredTarget.target)}: ${rec.desiredTarget.achievable ? `achievable, headroom ${pct(rec.desiredTarget.headroom)}` : rec.desiredTarget.message}`,
  );
  if (!rec.desiredTarget.achievable) out.push(`    ${rec.desiredTarget.suggestion.message}`);
  for (const e of rec.externalRisks) {
    out.push(
      `  external ${e.id}: ${pct(e.availability)} (${e.source}), consumes ${Math.round(e.errorBudgetShare * 100)}% of the balanced budget${e.highDependencyRisk ? ' → HIGH DEPENDENCY RISK' : ''}`,
    );
  }
  const d = r.drift;
  out.push(
    '',
    `Drift check (last ${d.recentHours} h against the ${d.baselineHours} h before): ${d.confirmed ? 'DRIFT CONFIRMED' : 'no confirmed drift'} ` +
      `(Page-Hinkley ${d.votes.pageHinkley ? 'yes' : 'no'}, ADWIN ${d.votes.adwin ? 'yes' : 'no'}, KS ${d.votes.ks ? 'yes' : 'no'}; 2 of 3 needed)`,
    '',
    `SLO file for the balanced tier (${r.sloFile.valid ? 'valid' : `INVALID: ${r.sloFile.issues.join('; ')}`}):`,
    ...r.sloFile.yaml
      .trimEnd()
      .split('\n')
      .map((l) => `    ${l}`),
    `  also exported as ${r.openSlo.documents} OpenSLO v1 documents (SLI + SLO kinds)`,
    '',
    'Idempotency on a retried /route call:',
    ...r.idempotency.map((l) => `    ${l}`),
    '',
    `Timings (ms): ${Object.entries(r.timingsMs)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
  );
  return out.join('\n');
}
