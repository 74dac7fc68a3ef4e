/**
 * Writes docs/benchmarks.md from bench/results/*.json: one table of metric, requirement, our
 * figure and the ratio to the peer or ceiling measured in the same run. `pnpm bench` runs it last.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { machine } from './harness';

type Json = Record<string, unknown>;

interface Row {
  readonly bench: string;
  readonly metric: string;
  readonly requirement: string;
  /** Dotted path of our figure in the result JSON. */
  readonly path: string;
  readonly unit: 'ms' | 'µs' | 'M/s';
  /** Our figure must be ≤ this (or ≥ for throughput). */
  readonly goal?: number;
  readonly peer?: (result: Json) => string;
}

const num = (result: Json, path: string): number | undefined => {
  let value: unknown = result;
  for (const key of path.split('.')) value = (value as Json | undefined)?.[key];
  return typeof value === 'number' ? value : undefined;
};

/** A figure of the result rounded for a sentence (`?` when missing). */
const fixed = (result: Json, path: string, digits = 1): string =>
  num(result, path)?.toFixed(digits) ?? '?';

const ROWS: readonly Row[] = [
  {
    bench: 'ingest-http',
    metric: 'ingest 5k services + 50k edges over HTTP until completed, fresh (p50)',
    requirement: '≤1.5 s (spec: 1,000 services <30 s)',
    path: 'fresh.p50Ms',
    unit: 'ms',
    goal: 1500,
    peer: (r) => `spec ceiling 30 s → ratio ${num(r, 'ratioToSpecCeiling')}`,
  },
  {
    bench: 'ingest-http',
    metric: 'same graph again, unchanged re-sync over HTTP (p50)',
    requirement: '≤0.5 s',
    path: 'unchangedResync.p50Ms',
    unit: 'ms',
    goal: 500,
  },
  {
    bench: 'ingest-db',
    metric: 'applySubmission alone (PostgreSQL), fresh 5k / 50k (p50)',
    requirement: '—',
    path: 'freshApply.p50Ms',
    unit: 'ms',
  },
  {
    bench: 'traversal-http',
    metric: '3-hop downstream query over HTTP, 5k / 50k with hubs (p95)',
    requirement: 'p95 ≤20 ms (spec: <100 ms)',
    path: 'downstream.p95Ms',
    unit: 'ms',
    goal: 20,
    peer: (r) => `hubs p95 ${num(r, 'downstream.hubsP95Ms')} ms`,
  },
  {
    bench: 'traversal-http',
    metric: '3-hop query, both directions (p95)',
    requirement: 'p95 ≤20 ms',
    path: 'both.p95Ms',
    unit: 'ms',
    goal: 20,
  },
  {
    bench: 'recommendations',
    metric:
      'cached GET /slo-recommendations over HTTP, one client, API-key authentication on (p95)',
    requirement: 'p95 ≤20 ms',
    path: 'cached.p95Ms',
    unit: 'ms',
    goal: 20,
    peer: (r) =>
      `p50 ${fixed(r, 'cached.p50Ms')} ms, p99 ${fixed(r, 'cached.p99Ms')} ms; one raw Prometheus query_range p50 ${fixed(r, 'prometheusRoundTrip.p50Ms')} ms`,
  },
  {
    bench: 'recommendations',
    metric: 'force_regenerate=true, 50 hard dependencies, real Prometheus (p95)',
    requirement: 'p95 ≤250 ms (seed: <5 s)',
    path: 'forceRegenerate.p95Ms',
    unit: 'ms',
    goal: 250,
    peer: (r) =>
      `p50 ${fixed(r, 'forceRegenerate.p50Ms')} ms; one raw query_range of the service p50 ${fixed(r, 'prometheusRoundTrip.p50Ms')} ms → regenerate is **${fixed(r, 'forceP50ToRoundTripP50')}×** it (6 queries + recommenders + store); seed ceiling ratio ${num(r, 'forceRegenerate.ratioToSeedCeiling')}`,
  },
  {
    bench: 'aggregation',
    metric: 'hourly SLI aggregation, 5,000 services, windows 1h–90d, real Prometheus + PostgreSQL',
    requirement: '≤60 s (seed: <30 min)',
    path: 'totalMs',
    unit: 'ms',
    goal: 60_000,
    peer: (r) =>
      `seed ceiling 30 min → ratio ${num(r, 'ratioToSpecCeiling')}; ${num(r, 'history.days')} days of history at 1 h: window 28d ${fixed(r, 'run.windows.28d.ms', 0)} ms, 90d ${fixed(r, 'run.windows.90d.ms', 0)} ms (history covers ${fixed(r, 'run.windows.90d.historyCovered', 2)} of it), upsert of ${num(r, 'run.rowsWritten')} rows ${fixed(r, 'run.upsertMs', 0)} ms; Prometheus peak RSS ${num(r, 'prometheusPeakRssMiB')} MiB`,
  },
  {
    bench: 'aggregation',
    metric: 'same, the 90d window estimated at a full 90-day history',
    requirement: '≤60 s',
    path: 'ninetyDayAtFullHistory.totalMs',
    unit: 'ms',
    goal: 60_000,
    peer: (r) =>
      `estimate (least squares of window time on samples scanned): 90d window ${fixed(r, 'ninetyDayAtFullHistory.ms', 0)} ms, above the 10 s default query timeout: ${(r.ninetyDayAtFullHistory as Json | undefined)?.likelyAboveDefaultQueryTimeout === true ? '**likely**' : 'no'}`,
  },
  {
    bench: 'graph-scc',
    metric: 'SCC + condensation, random 5k nodes / 50k edges (p50)',
    requirement: '≤5 ms; ≥10× graphology-components',
    path: 'small.sccAndCondense.p50Ms',
    unit: 'ms',
    goal: 5,
    peer: (r) =>
      `graphology-components (SCC only) ${num(r, 'small.peer.p50Ms')} ms: **${num(r, 'small.peerRatioVsSccOnly')}×** our SCC alone (${num(r, 'small.sccOnly.p50Ms')} ms), ${num(r, 'small.peerRatioVsSccAndCondense')}× our SCC + condensation`,
  },
  {
    bench: 'graph-scc',
    metric: 'SCC + condensation, random 100k / 1M (p50)',
    requirement: '≤150 ms',
    path: 'large.sccAndCondense.p50Ms',
    unit: 'ms',
    goal: 150,
    peer: (r) =>
      ((r.large as Json)?.peerOnce as Json)?.stackOverflow
        ? 'graphology: stack overflow (RangeError)'
        : 'graphology completed',
  },
  {
    bench: 'graph-scc',
    metric: 'SCC + condensation, 100k-node chain (p50)',
    requirement: 'no stack overflow',
    path: 'chain100k.oursSccAndCondense.p50Ms',
    unit: 'ms',
    peer: (r) =>
      ((r.chain100k as Json)?.peerOnce as Json)?.stackOverflow
        ? 'graphology: stack overflow (RangeError)'
        : 'graphology completed',
  },
  {
    bench: 'graph-scc',
    metric: '3-hop downstream traversal, 5k / 50k (p95)',
    requirement: '3-hop query <100 ms (spec, in SQL)',
    path: 'small.traversal3HopDownstream.p95Ms',
    unit: 'ms',
  },
  {
    bench: 'reliability-composite',
    metric: 'composite availability of every node, 5k / 50k DAG (p50)',
    requirement: '≤20 ms, one pass',
    path: 'p50Ms',
    unit: 'ms',
    goal: 20,
    peer: (r) =>
      `a traversal per service: ${num(r, 'perServiceTraversalP50Ms')} ms → **${num(r, 'speedupVsPerServiceTraversal')}×**`,
  },
  {
    bench: 'reliability-composite',
    metric: 'composite availability of every node, 100k / 1M DAG (p50)',
    requirement: '— (exact distinct counting is ~C²/32 word operations)',
    path: 'large.p50Ms',
    unit: 'ms',
  },
  {
    bench: 'reliability-composite',
    metric: 'availability tiers + 1,000-resample bootstrap, 720 windows (p50)',
    requirement: '—',
    path: 'tiers.availabilityP50Ms',
    unit: 'ms',
  },
  {
    bench: 'impact-analysis',
    metric: 'FR-4 impact analysis of a hub, 5k / 50k with hubs, ~4.9k upstream (p95)',
    requirement: 'p95 ≤100 ms (seed: <10 s)',
    path: 'p95Ms',
    unit: 'ms',
    goal: 100,
    peer: (r) =>
      `p50 ${fixed(r, 'p50Ms')} ms; naive compositeAvailabilityOf per upstream ≈ ${fixed(r, 'peer.extrapolatedAllMs', 0)} ms → **${num(r, 'speedupVsNaive')}×**; one giant cycle p95 ${fixed(r, 'cyclic.p95Ms')} ms`,
  },
  {
    bench: 'impact-analysis-http',
    metric:
      'POST /slos/impact-analysis over HTTP + PostgreSQL, biggest hub, 5k / 50k with hubs (p95)',
    requirement: 'p95 ≤100 ms (seed: <10 s)',
    path: 'hub.p95Ms',
    unit: 'ms',
    goal: 100,
    peer: (r) =>
      `p50 ${fixed(r, 'hub.p50Ms')} ms, p95/goal ${num(r, 'hub.p95ToGoal')}; ${num(r, 'hub.impacted')} impacted, ${fixed(r, 'hub.responseBytes', 0)} B; median service p95 ${fixed(r, 'median.p95Ms')} ms (${num(r, 'median.impacted')} impacted), leaf p95 ${fixed(r, 'leaf.p95Ms')} ms (${num(r, 'leaf.impacted')}); seed ceiling ratio ${num(r, 'ratioToSeedCeiling')}`,
  },
  {
    bench: 'idempotency',
    metric: 'in-memory store begin + complete at capacity 10k, evicting (p99)',
    requirement: 'get+set p99 ≤10 µs',
    path: 'beginComplete.single.p99Us',
    unit: 'µs',
    goal: 10,
  },
  {
    bench: 'idempotency',
    metric: 'in-memory store replay lookup (p99)',
    requirement: '—',
    path: 'replay.single.p99Us',
    unit: 'µs',
  },
  {
    bench: 'idempotency',
    metric: 'fingerprint of a 1 KB JSON body (p50)',
    requirement: '—',
    path: 'fingerprint1KB.fingerprint.p50Us',
    unit: 'µs',
    peer: (r) => `JSON.stringify alone ${num(r, 'fingerprint1KB.jsonStringifyBatchP50Us')} µs`,
  },
  {
    bench: 'idempotency-redis',
    metric: 'Redis store: replay check of a completed key, one EVALSHA (p99)',
    requirement: '≤0.3 ms per check',
    path: 'replay.p99Ms',
    unit: 'ms',
    goal: 0.3,
    peer: (r) => `raw GET p99 ${num(r, 'get.p99Ms')} ms → ratio ${num(r, 'replay.p99ToGet')}`,
  },
  {
    bench: 'idempotency-redis',
    metric: 'Redis store: begin of a new key at capacity 10k, evicting (p99)',
    requirement: '≤0.3 ms per check',
    path: 'freshBegin.p99Ms',
    unit: 'ms',
    goal: 0.3,
    peer: (r) => `raw GET p99 ${num(r, 'get.p99Ms')} ms → ratio ${num(r, 'freshBegin.p99ToGet')}`,
  },
  {
    bench: 'controller-route',
    metric:
      'controller route decision in process, 5k workers / 500 capabilities, worst of plain, canary, filtered (p99)',
    requirement: '≤0.5 ms (spec: <10 ms)',
    path: 'inProcessWorstP99Ms',
    unit: 'ms',
    goal: 0.5,
    peer: (r) =>
      `plain p50 ${num(r, 'inProcess.plain.p50Ms')} ms; ratio to goal ${num(r, 'inProcessP99ToGoal')}`,
  },
  {
    bench: 'controller-route',
    metric: 'POST /route over loopback, one keep-alive client (p99)',
    requirement: '≤2 ms (spec: <5 ms)',
    path: 'endToEnd.controller.p99Ms',
    unit: 'ms',
    goal: 2,
    peer: (r) =>
      `p50 ${num(r, 'endToEnd.controller.p50Ms')} ms; bare Fastify p99 in the same run → ratio ${num(r, 'httpP99ToBareFastify')}`,
  },
  {
    bench: 'drift',
    metric: 'evaluateDrift for 5,000 services, 168 h baseline + 4 points (p50)',
    requirement: 'every 15 min per service',
    path: 'evaluateDrift.baseline168Recent4.fleet.p50Ms',
    unit: 'ms',
    goal: 2000,
  },
  {
    bench: 'drift',
    metric: 'ADWIN updates per second',
    requirement: '—',
    path: 'detectors.adwin.updatesPerSecond',
    unit: 'M/s',
  },
  {
    bench: 'slo-schema',
    metric: 'parse + validate 1,000 SLO YAML files (p50)',
    requirement: '—',
    path: 'parseAndValidate.p50Ms',
    unit: 'ms',
    goal: 500,
  },
  {
    bench: 'slo-schema',
    metric: 'compliance of 10,000 capabilities (p50)',
    requirement: '—',
    path: 'fleetCompliance.p50Ms',
    unit: 'ms',
  },
];

function format(value: number, unit: Row['unit']): string {
  if (unit === 'M/s') return `${(value / 1e6).toFixed(1)} M/s`;
  if (unit === 'ms' && value >= 10_000) return `${(value / 1000).toFixed(1)} s`;
  return `${value < 10 ? value.toFixed(2) : value.toFixed(1)} ${unit}`;
}

export function summarize(resultsDir = join(__dirname, 'results')): string {
  const results = new Map<string, Json>();
  const at = new Set<string>();
  for (const name of new Set(ROWS.map((r) => r.bench))) {
    const file = join(resultsDir, `${name}.json`);
    if (!existsSync(file)) continue;
    const json = JSON.parse(readFileSync(file, 'utf8')) as Json;
    results.set(name, json);
    at.add(String(json.at).slice(0, 10));
  }
  const m = machine();
  const lines = [
    '# Benchmarks',
    '',
    'Generated by `pnpm bench` (bench/summarize.ts) from `bench/results/*.json`; do not edit by hand.',
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}. Run on ${[...at].sort().join(', ')}.`,
    'Figures are from one run on a shared 2-core machine; peers are measured in the same run.',
    '',
    '| metric | requirement | ours | meets | peer / ceiling in the same run |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const row of ROWS) {
    const result = results.get(row.bench);
    const value = result ? num(result, row.path) : undefined;
    if (result === undefined || value === undefined) {
      lines.push(`| ${row.metric} | ${row.requirement} | not run | | |`);
      continue;
    }
    const meets =
      row.goal === undefined
        ? ''
        : (row.unit === 'M/s' ? value >= row.goal : value <= row.goal)
          ? 'yes'
          : '**no**';
    lines.push(
      `| ${row.metric} | ${row.requirement} | ${format(value, row.unit)} | ${meets} | ${row.peer ? row.peer(result) : ''} |`,
    );
  }
  lines.push(
    '',
    'Each benchmark prints its full result as the final line `BENCH <name> <json>`.',
    '',
  );
  return lines.join('\n');
}

if (require.main === module) {
  const out = join(__dirname, '..', 'docs', 'benchmarks.md');
  writeFileSync(out, summarize());
  console.log(`wrote ${out}`);
}
