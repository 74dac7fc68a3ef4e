import { DataSource } from 'typeorm';
import { GraphSchema1763900000000 } from './migrations/1763900000000-graph-schema';
import { SourceDigests1764000000000 } from './migrations/1764000000000-source-digests';
import { Recommendations1764100000000 } from './migrations/1764100000000-recommendations';
import { SloLifecycle1764200000000 } from './migrations/1764200000000-slo-lifecycle';
import { AutoApproval1764300000000 } from './migrations/1764300000000-auto-approval';
import { Dashboard1764400000000 } from './migrations/1764400000000-dashboard';
import { ApiKeys1764500000000 } from './migrations/1764500000000-api-keys';
import { ControllerRegistry1764600000000 } from './migrations/1764600000000-controller-registry';

export interface DataSourceSettings {
  /** `postgres://user:password@host:port/database`. */
  readonly url: string;
  /** Connections in the pool (default 10). Migrations need at least 2: one holds the lock. */
  readonly poolSize?: number;
  /** Log every SQL statement (development only). */
  readonly logging?: boolean;
}

/** Every migration, oldest first. Listed as classes so bundling and `dist/` layout never matter. */
export const MIGRATIONS = [
  GraphSchema1763900000000,
  SourceDigests1764000000000,
  Recommendations1764100000000,
  SloLifecycle1764200000000,
  AutoApproval1764300000000,
  Dashboard1764400000000,
  ApiKeys1764500000000,
  ControllerRegistry1764600000000,
];

/** The table TypeORM records applied migrations in. */
export const MIGRATIONS_TABLE = 'typeorm_migrations';

/**
 * A TypeORM DataSource for PostgreSQL 15+. The schema comes only from migrations (never
 * `synchronize`), and migrations run only through {@link runMigrations}, under an advisory lock.
 * Not initialized: call `initialize()` (and `destroy()` on shutdown).
 */
export function createDataSource(settings: DataSourceSettings): DataSource {
  return new DataSource({
    type: 'postgres',
    url: settings.url,
    poolSize: settings.poolSize ?? 10,
    logging: settings.logging ?? false,
    synchronize: false,
    migrationsRun: false,
    migrations: MIGRATIONS,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    entities: [],
    applicationName: 'slo-engine',
  });
}
