import { createTestDatabase, type TestDatabase } from '@slo-engine/testing';
import { type DataSource } from 'typeorm';
import { createDataSource, MIGRATIONS_TABLE } from './data-source';
import { revertAllMigrations, revertLastMigration, runMigrations } from './migrate';

let database: TestDatabase;
const dataSources: DataSource[] = [];

async function connect(): Promise<DataSource> {
  const dataSource = createDataSource({ url: database.url, poolSize: 2 });
  dataSources.push(dataSource);
  return dataSource.initialize();
}

async function schemaObjects(
  dataSource: DataSource,
): Promise<{ tables: string[]; types: string[] }> {
  const tables = await dataSource.query<Array<{ name: string }>>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = 'public' ORDER BY 1`,
  );
  const types = await dataSource.query<Array<{ name: string }>>(
    `SELECT t.typname AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE n.nspname = 'public' AND t.typtype = 'e' ORDER BY 1`,
  );
  return { tables: tables.map((t) => t.name), types: types.map((t) => t.name) };
}

beforeAll(async () => {
  database = await createTestDatabase('adapters_migrate');
});
afterAll(async () => {
  await Promise.all(dataSources.map((dataSource) => dataSource.destroy()));
  await database.drop();
});

const ALL_MIGRATIONS = [
  'GraphSchema1763900000000',
  'SourceDigests1764000000000',
  'Recommendations1764100000000',
  'SloLifecycle1764200000000',
  'AutoApproval1764300000000',
  'Dashboard1764400000000',
  'ApiKeys1764500000000',
  'ControllerRegistry1764600000000',
];

describe('runMigrations', () => {
  it('migrates once when several apps start at the same time', async () => {
    const [first, second, third] = await Promise.all([connect(), connect(), connect()]);

    const applied = await Promise.all([first, second, third].map((ds) => runMigrations(ds)));

    expect(applied.flat()).toEqual(ALL_MIGRATIONS);
    const recorded = await first.query<unknown[]>(`SELECT name FROM ${MIGRATIONS_TABLE}`);
    expect(recorded).toHaveLength(ALL_MIGRATIONS.length);
    expect((await schemaObjects(first)).tables).toEqual([
      'active_slos',
      'api_keys',
      'auto_approval_rules',
      'circular_dependency_alerts',
      'controller_canary_policies',
      'controller_workers',
      'dashboard_refreshes',
      'graph_source_digests',
      'graph_state',
      'ingestion_jobs',
      'service_dependencies',
      'services',
      'sli_aggregates',
      'slo_audit_log',
      'slo_recommendations',
      MIGRATIONS_TABLE,
    ]);
  });

  it('reverts the recommendation tables and their types', async () => {
    const RECOMMENDATIONS = 'Recommendations1764100000000';
    const tables = ['sli_aggregates', 'slo_recommendations'];
    const types = [
      'aggregate_sli_type',
      'aggregate_window',
      'recommendation_sli_type',
      'recommendation_status',
    ];
    const dataSource = await connect();
    await runMigrations(dataSource);
    const applied = async (): Promise<string[]> =>
      (await dataSource.query<Array<{ name: string }>>(`SELECT name FROM ${MIGRATIONS_TABLE}`)).map(
        (row) => row.name,
      );
    const before = await schemaObjects(dataSource);
    expect(before.tables).toEqual(expect.arrayContaining(tables));
    expect(before.types).toEqual(expect.arrayContaining(types));

    // Newer migrations (if any) first, then this one.
    while ((await applied()).includes(RECOMMENDATIONS)) await revertLastMigration(dataSource);

    const after = await schemaObjects(dataSource);
    expect(after.tables).toContain('services');
    expect(after.tables.filter((name) => tables.includes(name))).toEqual([]);
    expect(after.types.filter((name) => types.includes(name))).toEqual([]);
    expect(await runMigrations(dataSource)).toContain(RECOMMENDATIONS);
  });

  it('reverts the SLO lifecycle tables, types and functions, keeping recommendation statuses', async () => {
    const SLO_LIFECYCLE = 'SloLifecycle1764200000000';
    const dataSource = await connect();
    await runMigrations(dataSource);
    const applied = async (): Promise<string[]> =>
      (await dataSource.query<Array<{ name: string }>>(`SELECT name FROM ${MIGRATIONS_TABLE}`)).map(
        (row) => row.name,
      );
    const statuses = async (): Promise<string[]> =>
      (
        await dataSource.query<Array<{ label: string }>>(
          `SELECT e.enumlabel AS label FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
           WHERE t.typname = 'recommendation_status' ORDER BY e.enumsortorder`,
        )
      ).map((row) => row.label);
    const auditFunctions = async (): Promise<string[]> =>
      (
        await dataSource.query<Array<{ name: string }>>(
          `SELECT proname AS name FROM pg_proc WHERE proname LIKE 'slo_audit_log%' ORDER BY 1`,
        )
      ).map((row) => row.name);
    expect(await statuses()).toEqual(['active', 'superseded', 'expired', 'accepted', 'rejected']);
    expect(await auditFunctions()).toHaveLength(4);

    while ((await applied()).includes(SLO_LIFECYCLE)) await revertLastMigration(dataSource);

    const after = await schemaObjects(dataSource);
    expect(after.tables).toContain('slo_recommendations');
    expect(after.tables.filter((name) => ['active_slos', 'slo_audit_log'].includes(name))).toEqual(
      [],
    );
    expect(after.types.filter((name) => ['audit_action', 'slo_source'].includes(name))).toEqual([]);
    expect(await statuses()).toEqual(['active', 'superseded', 'expired']);
    expect(await auditFunctions()).toEqual([]);
    // The shared role stays (other databases of the cluster use it); its grants here are gone.
    const [{ grants }] = await dataSource.query<Array<{ grants: number }>>(
      `SELECT count(*)::int AS grants FROM information_schema.role_table_grants
       WHERE grantee = 'slo_engine_app' AND table_schema = 'public'`,
    );
    expect(grants).toBe(0);
    expect(await runMigrations(dataSource)).toContain(SLO_LIFECYCLE);
  });

  it('reverts to an empty schema and migrates again', async () => {
    const dataSource = await connect();
    await runMigrations(dataSource);

    expect(await revertAllMigrations(dataSource)).toBe(ALL_MIGRATIONS.length);
    expect(await schemaObjects(dataSource)).toEqual({ tables: [MIGRATIONS_TABLE], types: [] });

    expect(await runMigrations(dataSource)).toEqual(ALL_MIGRATIONS);
    const [state] = await dataSource.query<Array<{ version: string }>>(
      'SELECT version FROM graph_state',
    );
    expect(state.version).toBe('0');
  });
});
