/**
 * RedisIdempotencyStore (@slo-engine/adapters): the request-path cost of one idempotency check
 * against a local Redis, one client, sequential awaited calls. Goal: p99 ≤ 0.3 ms per check.
 *
 * Every iteration times, back to back on the same connection: a raw `GET` of a small key (the
 * ceiling: one round trip that does no work), a `begin` answering `replay` for a random completed
 * key, and a `begin` + `complete` of a fresh key on a store at capacity 10,000 (so each fresh
 * `begin` also evicts one completed record). Interleaving the four keeps machine noise from
 * favouring one of them; the ratio to `GET` is the cost of the script over the network floor.
 */
import {
  createRedisClient,
  RedisIdempotencyStore,
  DEFAULT_IDEMPOTENCY_KEY_PREFIX,
} from '@slo-engine/adapters';
import { fingerprint, scopeKey } from '@slo-engine/idempotency';
import { createTestRedis } from '@slo-engine/testing';
import { blackhole, report, round, seededRandom, summarize, type Timing } from './harness';

const CAPACITY = 10_000;
const ITERATIONS = 25_000;
const WARMUP = 3_000;
const GOAL_MS = 0.3;
const LEASE_MS = 60_000;
const TTL_MS = 3_600_000;

interface Response {
  readonly status: number;
  readonly body: { readonly id: string; readonly worker: string };
}

const RESPONSE: Response = { status: 201, body: { id: 'job-1', worker: 'worker-7' } };
const FINGERPRINT = fingerprint({ method: 'POST', route: '/route', body: { verb: 'convert' } });

const random = seededRandom(42);
const hex = (n: number): string =>
  Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');

/** Realistic scoped keys (principal, method, route, UUID-like client key), built up front. */
function makeKeys(count: number, label: string): string[] {
  return Array.from({ length: count }, (_, i) =>
    scopeKey({
      principal: `tenant-${i % 97}`,
      method: 'POST',
      route: `/${label}`,
      idempotencyKey: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
    }),
  );
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

// bench does not depend on ioredis itself: the client type comes from the adapter's factory.
type Redis = ReturnType<typeof createRedisClient>;

interface CommandStats {
  readonly calls: number;
  readonly usec: number;
}

/** Calls and time Redis itself spent per command (INFO commandstats), to split server from trip. */
async function commandStats(redis: Redis): Promise<Map<string, CommandStats>> {
  const stats = new Map<string, CommandStats>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const match = /^cmdstat_(\w+):calls=(\d+),usec=(\d+),/.exec(line.trim());
    if (match) stats.set(match[1], { calls: Number(match[2]), usec: Number(match[3]) });
  }
  return stats;
}

/** Mean µs Redis spent per call of `command` between two snapshots (other clients included). */
function serverMicrosPerCall(
  before: Map<string, CommandStats>,
  after: Map<string, CommandStats>,
  command: string,
): number {
  const calls = (after.get(command)?.calls ?? 0) - (before.get(command)?.calls ?? 0);
  const usec = (after.get(command)?.usec ?? 0) - (before.get(command)?.usec ?? 0);
  return calls > 0 ? round(usec / calls, 2) : Number.NaN;
}

function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const testRedis = await createTestRedis();
  const redis = createRedisClient(testRedis.url, {
    connectionName: 'slo-engine-bench:idempotency',
    keyPrefix: testRedis.keyPrefix,
    lazyConnect: true,
    commandTimeoutMs: 2_000,
  });
  try {
    await redis.connect();
    // Two stores on the one connection, so fresh keys never evict the replay targets.
    const replayStore = new RedisIdempotencyStore<Response>(redis, {
      prefix: `${DEFAULT_IDEMPOTENCY_KEY_PREFIX}replay:`,
      capacity: CAPACITY,
    });
    const writeStore = new RedisIdempotencyStore<Response>(redis, {
      prefix: `${DEFAULT_IDEMPOTENCY_KEY_PREFIX}write:`,
      capacity: CAPACITY,
    });
    let now = 1_700_000_000_000;
    let token = 0;

    const beginComplete = async (
      store: RedisIdempotencyStore<Response>,
      key: string,
    ): Promise<{ beginMs: number; completeMs: number }> => {
      const t = (now += 1);
      const leaseToken = `lease-${++token}`;
      const startBegin = process.hrtime.bigint();
      const begun = await store.begin(key, {
        fingerprint: FINGERPRINT,
        leaseToken,
        now: t,
        leaseMs: LEASE_MS,
      });
      const beginMs = elapsedMs(startBegin);
      if (begun.kind !== 'execute') throw new Error(`expected execute, got ${begun.kind}`);
      const startComplete = process.hrtime.bigint();
      const completed = await store.complete(key, {
        leaseToken,
        response: RESPONSE,
        now: t,
        ttlMs: TTL_MS,
      });
      const completeMs = elapsedMs(startComplete);
      if (completed.kind !== 'completed') throw new Error(`expected completed: ${completed.kind}`);
      return { beginMs, completeMs };
    };

    // Fill both stores to capacity with completed records.
    const completedKeys = makeKeys(CAPACITY, 'filled');
    for (const key of completedKeys) await beginComplete(replayStore, key);
    for (const key of makeKeys(CAPACITY, 'evictable')) await beginComplete(writeStore, key);
    await redis.set('bench:get-probe', JSON.stringify(RESPONSE));

    const freshKeys = makeKeys(WARMUP + ITERATIONS, 'fresh');
    const pick = Array.from(
      { length: 1 << 16 },
      () => completedKeys[Math.floor(random() * CAPACITY)],
    );
    const samples = {
      get: new Array<number>(ITERATIONS),
      replay: new Array<number>(ITERATIONS),
      freshBegin: new Array<number>(ITERATIONS),
      freshComplete: new Array<number>(ITERATIONS),
      freshBeginComplete: new Array<number>(ITERATIONS),
    };
    let serverBefore = await commandStats(redis);
    for (let i = 0; i < WARMUP + ITERATIONS; i++) {
      if (i === WARMUP) {
        gc();
        serverBefore = await commandStats(redis);
      }
      const sample = i - WARMUP;

      const startGet = process.hrtime.bigint();
      blackhole(await redis.get('bench:get-probe'));
      const getMs = elapsedMs(startGet);

      const startReplay = process.hrtime.bigint();
      const replay = await replayStore.begin(pick[i & 0xffff], {
        fingerprint: FINGERPRINT,
        leaseToken: 'unused',
        now: now + 1,
        leaseMs: LEASE_MS,
      });
      const replayMs = elapsedMs(startReplay);

      const fresh = await beginComplete(writeStore, freshKeys[i]);
      if (sample < 0) continue;
      samples.get[sample] = getMs;
      if (replay.kind !== 'replay') throw new Error(`expected replay, got ${replay.kind}`);
      samples.replay[sample] = replayMs;
      samples.freshBegin[sample] = fresh.beginMs;
      samples.freshComplete[sample] = fresh.completeMs;
      samples.freshBeginComplete[sample] = fresh.beginMs + fresh.completeMs;
    }
    const serverAfter = await commandStats(redis);
    const stats = await writeStore.stats();
    if (stats.entries !== CAPACITY || stats.evictions < ITERATIONS) {
      throw new Error(`eviction was not active: ${JSON.stringify(stats)}`);
    }
    const replayStats = await replayStore.stats();

    const get = summarize(samples.get);
    const replay = summarize(samples.replay);
    const freshBegin = summarize(samples.freshBegin);
    const ratio = (timing: Timing): number => round(timing.p99Ms / get.p99Ms, 2);
    report('idempotency-redis', {
      goalMs: GOAL_MS,
      meetsGoal: replay.p99Ms <= GOAL_MS && freshBegin.p99Ms <= GOAL_MS,
      capacity: CAPACITY,
      redisUrl: testRedis.url,
      get: { what: 'raw GET of a small key on the same connection (ceiling)', ...get },
      replay: {
        what: 'store.begin answering replay for a random completed key (one EVALSHA)',
        ...replay,
        p99ToGet: ratio(replay),
      },
      freshBegin: {
        what: 'store.begin of a new key at capacity, evicting one completed record (one EVALSHA)',
        ...freshBegin,
        p99ToGet: ratio(freshBegin),
      },
      freshComplete: {
        what: 'store.complete of that key (one EVALSHA)',
        ...summarize(samples.freshComplete),
      },
      freshBeginComplete: {
        what: 'begin + complete of a new key (two round trips)',
        ...summarize(samples.freshBeginComplete),
      },
      serverSide: {
        what: 'mean µs Redis spent per command in the timed loop (INFO commandstats), no network',
        getUs: serverMicrosPerCall(serverBefore, serverAfter, 'get'),
        evalshaUs: serverMicrosPerCall(serverBefore, serverAfter, 'evalsha'),
      },
      evictions: stats.evictions,
      hits: replayStats.hits,
    });
  } finally {
    redis.disconnect();
    await testRedis.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
