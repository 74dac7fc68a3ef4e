import { type DataSource } from 'typeorm';
import { createDataSource, MIGRATIONS_TABLE } from './data-source';

/**
 * Key of the session-level advisory lock that serialises migrations across processes
 * (an arbitrary fixed bigint: the ASCII bytes of "slo-eng").
 */
export const MIGRATION_LOCK_KEY = '32488847080517223';

async function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  // The lock lives on one dedicated connection; the migrations run on others from the pool.
  const lockHolder = dataSource.createQueryRunner();
  await lockHolder.connect();
  try {
    await lockHolder.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      return await work();
    } finally {
      await lockHolder.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await lockHolder.release();
  }
}

/**
 * Applies every pending migration, each in its own transaction, under a PostgreSQL advisory lock:
 * apps starting at once wait for each other and the schema is migrated exactly once.
 * Returns the names of the migrations this call applied.
 */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  return withMigrationLock(dataSource, async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  });
}

/** Reverts the most recently applied migration (under the lock); returns false when none was. */
export async function revertLastMigration(dataSource: DataSource): Promise<boolean> {
  return withMigrationLock(dataSource, async () => {
    if ((await appliedMigrationCount(dataSource)) === 0) return false;
    await dataSource.undoLastMigration({ transaction: 'each' });
    return true;
  });
}

/** Reverts every applied migration, newest first (tests and `migrate down --all`). */
export async function revertAllMigrations(dataSource: DataSource): Promise<number> {
  let reverted = 0;
  while (await revertLastMigration(dataSource)) reverted++;
  return reverted;
}

async function appliedMigrationCount(dataSource: DataSource): Promise<number> {
  const [{ exists }] = await dataSource.query<Array<{ exists: boolean }>>(
    'SELECT to_regclass($1) IS NOT NULL AS exists',
    [MIGRATIONS_TABLE],
  );
  if (!exists) return 0;
  const [{ count }] = await dataSource.query<Array<{ count: number }>>(
    `SELECT count(*)::int AS count FROM ${MIGRATIONS_TABLE}`,
  );
  return count;
}

const USAGE = 'usage: migrate up | down [--all]   (reads DATABASE_URL)';

/** Command-line entry: `node dist/postgres/migrate.js up|down [--all]`. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, flag] = argv;
  const url = env.DATABASE_URL;
  if (!url || (command !== 'up' && command !== 'down')) {
    process.stderr.write(`${url ? '' : 'DATABASE_URL is not set\n'}${USAGE}\n`);
    return 2;
  }
  const dataSource = createDataSource({ url, poolSize: 2 });
  await dataSource.initialize();
  try {
    if (command === 'up') {
      const applied = await runMigrations(dataSource);
      process.stdout.write(
        applied.length > 0 ? `applied: ${applied.join(', ')}\n` : 'schema is up to date\n',
      );
    } else if (flag === '--all') {
      process.stdout.write(`reverted ${await revertAllMigrations(dataSource)} migration(s)\n`);
    } else {
      const reverted = await revertLastMigration(dataSource);
      process.stdout.write(reverted ? 'reverted the last migration\n' : 'nothing to revert\n');
    }
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `migration failed: ${error instanceof Error ? error.stack : String(error)}\n`,
      );
      process.exitCode = 1;
    },
  );
}
