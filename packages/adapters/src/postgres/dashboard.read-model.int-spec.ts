import { type DashboardSources, describeDashboardReadModelContract } from '@slo-engine/core';
import { createTestDatabase } from '@slo-engine/testing';
import { createMigratedDatabase, type MigratedDatabase } from './__fixtures__/migrated-database';
import { createDataSource, MIGRATIONS_TABLE } from './data-source';
import { PostgresDashboardReadModel } from './dashboard.read-model';
import { revertLastMigration, runMigrations } from './migrate';
import { APP_ROLE } from './migrations/1764200000000-slo-lifecycle';

let db: MigratedDatabase;

beforeAll(async () => {
  db = await createMigratedDatabase('adapters_dashboard');
});
afterAll(async () => db.close());

const DIGEST = '0'.repeat(64);

/**
 * Writes `sources` as rows of the real tables. Recommendations get placeholder content (the
 * dashboard reads only their status and expiry) and alternate SLI types per service, as storage
 * allows one active recommendation per (service, SLI type). Audit rows go through the chaining
 * trigger like any other insert.
 */
async function load(sources: DashboardSources): Promise<void> {
  await db.reset();
  const { services, activeSlos, recommendations, aggregates, auditEntries } = sources;
  await db.dataSource.query(
    `INSERT INTO services (service_id, team, criticality, service_type, discovered)
     SELECT * FROM unnest($1::text[], $2::text[], $3::service_criticality[], $4::service_type[],
                          $5::boolean[])`,
    [
      services.map((s) => s.serviceId),
      services.map((s) => s.team),
      services.map((s) => s.criticality),
      services.map((s) => s.serviceType),
      services.map((s) => s.discovered),
    ],
  );
  await db.dataSource.query(
    `INSERT INTO active_slos (service_id, availability_target, latency_p99_target_ms, source,
                              activated_at, activated_by)
     SELECT s.id, i.availability_target, i.latency_p99_target_ms, 'manual', now(), 'contract'
     FROM unnest($1::text[], $2::numeric[], $3::int[])
       AS i(service_id, availability_target, latency_p99_target_ms)
     JOIN services s ON s.service_id = i.service_id`,
    [
      activeSlos.map((slo) => slo.serviceId),
      activeSlos.map((slo) =>
        slo.availabilityTarget === null ? null : String(slo.availabilityTarget),
      ),
      activeSlos.map((slo) => slo.latencyP99TargetMs),
    ],
  );
  const seen = new Map<string, number>();
  const sliTypes = recommendations.map((r) => {
    const index = seen.get(r.serviceId) ?? 0;
    seen.set(r.serviceId, index + 1);
    return index % 2 === 0 ? 'availability' : 'latency';
  });
  await db.dataSource.query(
    `INSERT INTO slo_recommendations (service_id, sli_type, metric, tiers, explanation, data_quality,
       lookback_window_start, lookback_window_end, lookback_days, graph_version, dependency_digest,
       generated_at, expires_at, status)
     SELECT s.id, i.sli_type, 'error_rate', '{}', '{}', '{}', i.expires_at - interval '31 days',
            i.expires_at - interval '1 day', 30, 0, $5, i.expires_at - interval '1 day',
            i.expires_at, i.status
     FROM unnest($1::text[], $2::recommendation_sli_type[], $3::recommendation_status[],
                 $4::timestamptz[]) AS i(service_id, sli_type, status, expires_at)
     JOIN services s ON s.service_id = i.service_id`,
    [
      recommendations.map((r) => r.serviceId),
      sliTypes,
      recommendations.map((r) => r.status),
      recommendations.map((r) => r.expiresAt),
      DIGEST,
    ],
  );
  await db.dataSource.query(
    `INSERT INTO sli_aggregates (service_id, sli_type, time_window, value, sample_count, computed_at)
     SELECT s.id, i.sli_type, i.time_window, i.value, 1000, i.computed_at
     FROM unnest($1::text[], $2::aggregate_sli_type[], $3::aggregate_window[], $4::float8[],
                 $5::timestamptz[]) AS i(service_id, sli_type, time_window, value, computed_at)
     JOIN services s ON s.service_id = i.service_id`,
    [
      aggregates.map((a) => a.serviceId),
      aggregates.map((a) => a.sliType),
      aggregates.map((a) => a.window),
      aggregates.map((a) => a.value),
      aggregates.map((a) => a.computedAt),
    ],
  );
  await db.dataSource.query(
    `INSERT INTO slo_audit_log (service_id, action, actor, "timestamp")
     SELECT s.id, i.action, 'contract', i.at
     FROM unnest($1::text[], $2::audit_action[], $3::timestamptz[]) AS i(service_id, action, at)
     JOIN services s ON s.service_id = i.service_id`,
    [
      auditEntries.map((e) => e.serviceId),
      auditEntries.map((e) => e.action),
      auditEntries.map((e) => e.timestamp),
    ],
  );
}

describeDashboardReadModelContract('PostgreSQL', () =>
  Promise.resolve({ readModel: new PostgresDashboardReadModel(db.dataSource.manager), load }),
);

describe('PostgresDashboardReadModel (storage)', () => {
  it('lets the application role refresh through dashboard_refresh() but not the views directly', async () => {
    const readModel = new PostgresDashboardReadModel(db.dataSource.manager);
    await db.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL ROLE ${APP_ROLE}`);
      const { refreshedAt } = await new PostgresDashboardReadModel(manager).refresh();
      expect(refreshedAt).toBeInstanceOf(Date);
      await manager.query('SAVEPOINT direct');
      await expect(
        manager.query('REFRESH MATERIALIZED VIEW dashboard_coverage'),
      ).rejects.toMatchObject({ message: expect.stringMatching(/must be owner/) as unknown });
      await manager.query('ROLLBACK TO SAVEPOINT direct');
    });
    expect(await readModel.lastRefreshedAt()).toBeInstanceOf(Date);
  });

  it('keeps serving the previous figures while a refresh is under way', async () => {
    await load({
      services: [
        {
          serviceId: 'a',
          team: 't',
          criticality: 'low',
          serviceType: 'internal',
          discovered: false,
        },
      ],
      activeSlos: [],
      recommendations: [],
      aggregates: [],
      auditEntries: [],
    });
    const readModel = new PostgresDashboardReadModel(db.dataSource.manager);
    await readModel.refresh();
    await db.dataSource.query(`INSERT INTO services (service_id, team) VALUES ('b', 't')`);

    // A refresh left open in another transaction; CONCURRENTLY keeps readers unblocked.
    const runner = db.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query('SELECT dashboard_refresh()');

      expect((await readModel.coverage()).totals.services).toBe(1);

      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
    expect((await readModel.coverage()).totals.services).toBe(2);
  });
});

describe('Dashboard1764400000000', () => {
  it('fills the views when it runs, and reverts its views, table and function', async () => {
    const database = await createTestDatabase('adapters_dashboard_migration');
    const dataSource = createDataSource({ url: database.url, poolSize: 2 });
    await dataSource.initialize();
    try {
      await runMigrations(dataSource);
      const [{ migrated_by }] = await dataSource.query<Array<{ migrated_by: Date }>>(
        'SELECT now() AS migrated_by',
      );
      const readModel = new PostgresDashboardReadModel(dataSource.manager);
      const coverage = await readModel.coverage();
      expect(coverage.refreshedAt.getTime()).toBeLessThanOrEqual(migrated_by.getTime());
      expect(coverage.totals.services).toBe(0);
      expect(await readModel.lastRefreshedAt()).toEqual(coverage.refreshedAt);

      const objects = async (): Promise<string[]> =>
        (
          await dataSource.query<Array<{ name: string }>>(
            `SELECT matviewname AS name FROM pg_matviews WHERE schemaname = 'public'
             UNION ALL SELECT tablename FROM pg_tables WHERE tablename LIKE 'dashboard%'
             UNION ALL SELECT proname FROM pg_proc WHERE proname LIKE 'dashboard%'
             ORDER BY 1`,
          )
        ).map((row) => row.name);
      const applied = async (): Promise<string[]> =>
        (
          await dataSource.query<Array<{ name: string }>>(`SELECT name FROM ${MIGRATIONS_TABLE}`)
        ).map((row) => row.name);
      expect(await objects()).toEqual([
        'dashboard_coverage',
        'dashboard_error_budget',
        'dashboard_recommendation_quality',
        'dashboard_refresh',
        'dashboard_refreshes',
      ]);

      while ((await applied()).includes('Dashboard1764400000000')) {
        await revertLastMigration(dataSource);
      }

      expect(await objects()).toEqual([]);
      expect(await runMigrations(dataSource)).toContain('Dashboard1764400000000');
      expect(await objects()).toHaveLength(5);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  }, 60_000);
});
