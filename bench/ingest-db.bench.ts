/**
 * `ingest-db`: PostgresGraphRepository against a real PostgreSQL (the one @slo-engine/testing
 * resolves): applySubmission of 5,000 services + 50,000 edges into an empty database (goal
 * ≤1.0 s), a re-sync of the same unchanged data (goal ≤0.4 s), and loadActiveGraph.
 * Each fresh run gets an emptied schema (TRUNCATE: new, empty table files).
 *
 * Run: pnpm exec tsc -b packages/adapters/tsconfig.build.json packages/testing/tsconfig.build.json
 *      cd bench && node --import tsx ingest-db.bench.ts
 */
import {
  createDataSource,
  PostgresGraphRepository,
  PostgresUnitOfWork,
  runMigrations,
} from '@slo-engine/adapters';
import { type GraphSubmission } from '@slo-engine/core';
import { createTestDatabase } from '@slo-engine/testing';
import { report, round, seededRandom, summarize } from './harness';

const SERVICES = 5_000;
const EDGES_PER_SERVICE = 10;
const GOALS = { freshMs: 1_000, resyncMs: 400 };
const FRESH_RUNS = 3;
const RESYNC_RUNS = 5;
const LOAD_RUNS = 5;
const OPTIONS = { stalenessWindowMs: 7 * 86_400_000 };

function buildSubmission(seed: number): GraphSubmission {
  const random = seededRandom(seed);
  const criticalities = ['critical', 'high', 'medium', 'low'] as const;
  const nodes = Array.from({ length: SERVICES }, (_, i) => ({
    serviceId: `service-${i}`,
    metadata: {
      team: `team-${i % 50}`,
      criticality: criticalities[i % 4],
      tier: (i % 3) + 1,
      namespace: 'production',
      runtime: 'python3.12',
    },
  }));
  const edges: Array<GraphSubmission['edges'][number]> = [];
  for (let i = 0; i < SERVICES; i++) {
    const targets = new Set<number>();
    while (targets.size < EDGES_PER_SERVICE) {
      const target = Math.floor(random() * SERVICES);
      if (target !== i) targets.add(target);
    }
    for (const target of targets) {
      edges.push({
        source: `service-${i}`,
        target: `service-${target}`,
        attributes: {
          communicationMode: random() < 0.8 ? 'sync' : 'async',
          criticality: random() < 0.7 ? 'hard' : 'soft',
          protocol: random() < 0.5 ? 'grpc' : 'http',
          timeoutMs: 1_000 + Math.floor(random() * 4) * 1_000,
          retryConfig: random() < 0.3 ? { maxRetries: 3, backoffStrategy: 'exponential' } : null,
        },
        confidenceScore: round(0.5 + random() / 2, 2),
      });
    }
  }
  return { source: 'otel_service_graph', observedAt: new Date(), nodes, edges };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

async function main(): Promise<void> {
  const database = await createTestDatabase('bench_ingest');
  const dataSource = createDataSource({ url: database.url, poolSize: 4 });
  await dataSource.initialize();
  try {
    await runMigrations(dataSource);
    const unitOfWork = new PostgresUnitOfWork(dataSource);
    const graph = new PostgresGraphRepository(dataSource.manager);
    const submission = buildSubmission(42);
    const apply = (): ReturnType<PostgresGraphRepository['applySubmission']> =>
      unitOfWork.transaction((stores) =>
        stores.graph.applySubmission(submission, { now: submission.observedAt, ...OPTIONS }),
      );

    const fresh: number[] = [];
    for (let run = 0; run < FRESH_RUNS; run++) {
      if (run > 0) {
        // slo_audit_log's triggers forbid TRUNCATE; `session_replication_role = replica` (a
        // superuser-only escape hatch) skips them for this transaction only.
        await dataSource.transaction(async (manager) => {
          await manager.query('SET LOCAL session_replication_role = replica');
          await manager.query(
            'TRUNCATE service_dependencies, slo_recommendations, sli_aggregates, services, graph_source_digests, active_slos, slo_audit_log',
          );
          await manager.query('UPDATE graph_state SET version = 0');
        });
      }
      const { ms, value } = await timed(apply);
      if (value.edgesCreated !== submission.edges.length) {
        throw new Error(`expected ${submission.edges.length} edges, got ${value.edgesCreated}`);
      }
      fresh.push(ms);
      console.log(`fresh #${run + 1}: ${round(ms, 1)} ms`);
    }
    await dataSource.query('VACUUM ANALYZE');

    const resync: number[] = [];
    for (let run = 0; run < RESYNC_RUNS; run++) {
      const { ms, value } = await timed(apply);
      if (value.changed || value.edgesUnchanged !== submission.edges.length) {
        throw new Error(`re-sync changed the graph: ${JSON.stringify(value).slice(0, 200)}`);
      }
      resync.push(ms);
      console.log(`re-sync #${run + 1}: ${round(ms, 1)} ms`);
    }

    const load: number[] = [];
    for (let run = 0; run < LOAD_RUNS; run++) {
      const { ms, value } = await timed(() => graph.loadActiveGraph());
      if (value.edges.length !== submission.edges.length) throw new Error('edges missing');
      load.push(ms);
      console.log(`loadActiveGraph #${run + 1}: ${round(ms, 1)} ms`);
    }

    const freshTiming = summarize(fresh);
    const resyncTiming = summarize(resync);
    report('ingest-db', {
      services: SERVICES,
      edges: submission.edges.length,
      bindParametersPerEdgeStatement: 13,
      freshApply: freshTiming,
      resyncApply: resyncTiming,
      loadActiveGraph: summarize(load),
      goals: GOALS,
      meetsGoals: {
        fresh: freshTiming.p50Ms <= GOALS.freshMs,
        resync: resyncTiming.p50Ms <= GOALS.resyncMs,
      },
    });
  } finally {
    await dataSource.destroy();
    await database.drop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
