import { createTestDatabase, type TestDatabase } from '@slo-engine/testing';
import { type DataSource } from 'typeorm';
import { createDataSource } from '../data-source';
import { runMigrations } from '../migrate';

export interface MigratedDatabase {
  readonly database: TestDatabase;
  readonly dataSource: DataSource;
  /** Empties every table and resets the graph version to 0. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** A fresh database for one test file, migrated, with an initialized DataSource. */
export async function createMigratedDatabase(label: string): Promise<MigratedDatabase> {
  const database = await createTestDatabase(label);
  const dataSource = createDataSource({ url: database.url, poolSize: 4 });
  await dataSource.initialize();
  await runMigrations(dataSource);
  return {
    database,
    dataSource,
    async reset() {
      await dataSource.transaction(async (manager) => {
        // slo_audit_log's triggers forbid TRUNCATE. `session_replication_role = replica` skips
        // ordinary triggers: a superuser-only escape hatch, fine for a test database and never
        // available to the application role. SET LOCAL ends with this transaction, so the
        // pooled connection goes back with triggers on.
        await manager.query('SET LOCAL session_replication_role = replica');
        await manager.query(
          `TRUNCATE service_dependencies, services, circular_dependency_alerts, ingestion_jobs,
                    graph_source_digests, slo_recommendations, sli_aggregates, active_slos,
                    slo_audit_log, auto_approval_rules, api_keys, controller_workers,
                    controller_canary_policies`,
        );
        await manager.query('UPDATE graph_state SET version = 0');
      });
    },
    async close() {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
