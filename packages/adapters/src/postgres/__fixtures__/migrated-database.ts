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
      await dataSource.query(
        `TRUNCATE service_dependencies, services, circular_dependency_alerts, ingestion_jobs,
                  graph_source_digests, slo_recommendations, sli_aggregates;
         UPDATE graph_state SET version = 0`,
      );
    },
    async close() {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
