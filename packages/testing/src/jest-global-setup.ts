/**
 * Jest global setup: resolves PostgreSQL and Redis once for the whole run and exports their
 * admin URLs as TEST_DATABASE_URL / TEST_REDIS_URL, which the test workers inherit.
 * A server that cannot be found is not an error here; the test that needs it fails with the reason.
 */
import { resolvePostgres, resolveRedis, type ResolvedServer } from './servers';

const started: ResolvedServer[] = [];
(globalThis as { __sloEngineTestServers?: ResolvedServer[] }).__sloEngineTestServers = started;

export default async function globalSetup(): Promise<void> {
  const [pg, redis] = await Promise.allSettled([resolvePostgres(), resolveRedis()]);
  if (pg.status === 'fulfilled') {
    started.push(pg.value);
    process.env.TEST_DATABASE_URL = pg.value.url;
    process.env.TEST_DATABASE_SOURCE = pg.value.source;
  } else {
    process.env.TEST_DATABASE_ERROR = String(pg.reason);
  }
  if (redis.status === 'fulfilled') {
    started.push(redis.value);
    process.env.TEST_REDIS_URL = redis.value.url;
    process.env.TEST_REDIS_SOURCE = redis.value.source;
  } else {
    process.env.TEST_REDIS_ERROR = String(redis.reason);
  }
}
