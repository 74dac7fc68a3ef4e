/**
 * Per-test-file isolation on shared servers, so Jest can run test files in parallel:
 * each file gets its own PostgreSQL database and its own Redis key prefix.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import Redis from 'ioredis';
import { resolvePostgres, resolveRedis } from './servers';

export interface TestDatabase {
  /** URL of a fresh, empty database that only this test file uses. */
  readonly url: string;
  readonly name: string;
  /** Drops the database (terminating leftover connections). */
  drop(): Promise<void>;
}

export interface TestRedis {
  readonly url: string;
  /** A key prefix (`t:<random>:`) that only this test file uses; pass it to clients and BullMQ. */
  readonly keyPrefix: string;
  /** A connected client whose keys are all prefixed. */
  client(): Redis;
  /** Deletes every key under the prefix and closes the clients made here. */
  cleanup(): Promise<void>;
}

function uniqueSuffix(): string {
  const worker = process.env.JEST_WORKER_ID ?? '0';
  return `w${worker}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

async function adminPostgresUrl(): Promise<string> {
  if (process.env.TEST_DATABASE_URL) return process.env.TEST_DATABASE_URL;
  if (process.env.TEST_DATABASE_ERROR) throw new Error(process.env.TEST_DATABASE_ERROR);
  // Outside Jest's global setup (e.g. a script): resolve on demand. The server outlives the call.
  const server = await resolvePostgres();
  process.env.TEST_DATABASE_URL = server.url;
  return server.url;
}

async function adminRedisUrl(): Promise<string> {
  if (process.env.TEST_REDIS_URL) return process.env.TEST_REDIS_URL;
  if (process.env.TEST_REDIS_ERROR) throw new Error(process.env.TEST_REDIS_ERROR);
  const server = await resolveRedis();
  process.env.TEST_REDIS_URL = server.url;
  return server.url;
}

/** Creates an empty database for the calling test file. */
export async function createTestDatabase(label = 'slo_test'): Promise<TestDatabase> {
  const adminUrl = await adminPostgresUrl();
  const name = `${label}_${uniqueSuffix()}`.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${admin.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    drop: async () => {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Returns a Redis URL and a key prefix no other test file uses. */
export async function createTestRedis(): Promise<TestRedis> {
  const url = await adminRedisUrl();
  const keyPrefix = `t:${uniqueSuffix()}:`;
  const clients: Redis[] = [];
  return {
    url,
    keyPrefix,
    client: () => {
      const client = new Redis(url, { keyPrefix, maxRetriesPerRequest: 3 });
      clients.push(client);
      return client;
    },
    cleanup: async () => {
      const raw = new Redis(url);
      try {
        let cursor = '0';
        do {
          const [next, keys] = await raw.scan(cursor, 'MATCH', `${keyPrefix}*`, 'COUNT', 500);
          cursor = next;
          if (keys.length > 0) await raw.unlink(...keys);
        } while (cursor !== '0');
      } finally {
        raw.disconnect();
        for (const client of clients) client.disconnect();
      }
    },
  };
}
