/**
 * `pnpm bench ingest`: 5,000 services + 50,000 edges POSTed to the real API over HTTP, timed until
 * the ingestion reports completed (stored and SCC done). Fresh: into an empty database. Re-sync:
 * the same unchanged graph again. Issue goals: ≤1.5 s fresh, ≤0.5 s unchanged (spec: 1,000
 * services in <30 s).
 */
import { performance } from 'node:perf_hooks';
import { hubbyGraph, type RunningApi, startApi, waitForIngestion } from './api-fixture';
import { report, round, seededRandom, summarize } from './harness';

const SERVICES = 5_000;
const EDGES = 50_000;
const FRESH_RUNS = Number(process.env.FRESH_RUNS ?? 3);
const RESYNC_RUNS = 5;

async function ingestOnce(
  api: RunningApi,
  body: string,
): Promise<{ ms: number; result: Record<string, unknown> }> {
  const start = performance.now();
  const response = await api.fetch(`/api/v1/services/dependencies`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  if (response.status !== 202)
    throw new Error(`POST answered ${response.status}: ${await response.text()}`);
  const { ingestion_id } = (await response.json()) as { ingestion_id: string };
  const done = await waitForIngestion(api, ingestion_id);
  const ms = performance.now() - start;
  if (done.status !== 'completed')
    throw new Error(`ingestion failed: ${JSON.stringify(done.error)}`);
  return { ms, result: done.result as Record<string, unknown> };
}

async function main(): Promise<void> {
  const graph = hubbyGraph(SERVICES, EDGES, seededRandom(2026));
  const body = JSON.stringify({ source: 'manual', timestamp: new Date().toISOString(), ...graph });
  const fresh: number[] = [];
  const resync: number[] = [];
  let cycles = 0;
  for (let run = 0; run < FRESH_RUNS; run++) {
    const api = await startApi();
    try {
      const first = await ingestOnce(api, body);
      fresh.push(first.ms);
      cycles = (first.result.cycles as unknown[]).length;
      if (run === FRESH_RUNS - 1) {
        for (let r = 0; r < RESYNC_RUNS; r++) {
          const again = await ingestOnce(api, body);
          if (again.result.edges_unchanged !== EDGES)
            throw new Error(`re-sync changed edges: ${JSON.stringify(again.result)}`);
          resync.push(again.ms);
        }
      }
    } finally {
      await api.close();
    }
  }
  const freshTiming = summarize(fresh);
  const resyncTiming = summarize(resync);
  report('ingest-http', {
    services: SERVICES,
    edges: EDGES,
    bodyBytes: Buffer.byteLength(body),
    cyclesDetected: cycles,
    fresh: { ...freshTiming, goalMs: 1500, meetsGoal: freshTiming.p50Ms <= 1500 },
    unchangedResync: { ...resyncTiming, goalMs: 500, meetsGoal: resyncTiming.p50Ms <= 500 },
    specCeilingMs: 30_000,
    ratioToSpecCeiling: round(freshTiming.p50Ms / 30_000, 4),
  });
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
