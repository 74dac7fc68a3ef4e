/**
 * @slo-engine/idempotency: the request-path cost of the in-memory store at capacity 10,000 with
 * LRU eviction running on every new key, and the cost of fingerprinting a 1 KB JSON body.
 *
 * Each store scenario is measured two ways: single-operation samples (hrtime around one awaited
 * call, giving p50/p99) and batches (hrtime around 2,000 sequential awaited calls, giving the
 * mean without timer overhead). Goal: begin+complete p99 ≤ 10 µs.
 */
import {
  IdempotencyService,
  InMemoryIdempotencyStore,
  canonicalJson,
  fingerprint,
  scopeKey,
  type Lease,
} from '@slo-engine/idempotency';
import {
  blackhole,
  measure,
  percentile,
  report,
  round,
  seededRandom,
  type Timing,
} from './harness';

const CAPACITY = 10_000;
const GOAL_US = 10;
const SINGLE_SAMPLES = 100_000;
const BATCHES = 50;
const BATCH_SIZE = 2_000;
const LEASE_MS = 60_000;
const TTL_MS = 3_600_000;

interface Response {
  readonly status: number;
  readonly body: { readonly id: string; readonly worker: string };
}

const random = seededRandom(42);
const hex = (n: number): string =>
  Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');

/** Realistic scoped keys (principal, method, route, UUID-like client key), built up front. */
function makeKeys(count: number): string[] {
  return Array.from({ length: count }, (_, i) =>
    scopeKey({
      principal: `tenant-${i % 97}`,
      method: 'POST',
      route: '/route',
      idempotencyKey: `${hex(8)}-${hex(4)}-${hex(4)}-${hex(4)}-${hex(12)}`,
    }),
  );
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

interface MicroTiming {
  readonly samples: number;
  readonly p50Us: number;
  readonly p95Us: number;
  readonly p99Us: number;
  readonly maxUs: number;
  readonly meanUs: number;
}

/** The harness rounds milliseconds to 4 digits (0.1 µs); sub-µs operations need µs samples. */
function summarizeMicros(samplesUs: number[]): MicroTiming {
  const sorted = samplesUs.sort((a, b) => a - b);
  return {
    samples: sorted.length,
    p50Us: round(percentile(sorted, 50), 3),
    p95Us: round(percentile(sorted, 95), 3),
    p99Us: round(percentile(sorted, 99), 3),
    maxUs: round(sorted[sorted.length - 1] ?? Number.NaN, 1),
    meanUs: round(sorted.reduce((sum, x) => sum + x, 0) / sorted.length, 3),
  };
}

function timingMicros(timing: Timing): Omit<MicroTiming, 'samples'> & { samples: number } {
  return {
    samples: timing.iterations,
    p50Us: round(timing.p50Ms * 1_000, 1),
    p95Us: round(timing.p95Ms * 1_000, 1),
    p99Us: round(timing.p99Ms * 1_000, 1),
    maxUs: round(timing.maxMs * 1_000, 1),
    meanUs: round(timing.meanMs * 1_000, 1),
  };
}

/** Single-operation samples of an async operation, in µs. */
async function sampleAsync(
  iterations: number,
  op: (i: number) => Promise<unknown>,
): Promise<MicroTiming> {
  const samples = new Array<number>(iterations);
  for (let i = 0; i < iterations; i++) {
    const start = process.hrtime.bigint();
    blackhole(await op(i));
    samples[i] = Number(process.hrtime.bigint() - start) / 1e3;
  }
  return summarizeMicros(samples);
}

/** Mean µs per operation over batches of sequential awaited operations. */
async function batchAsync(
  op: (i: number) => Promise<unknown>,
  offset: number,
): Promise<{ meanUs: number; bestBatchUs: number }> {
  const perOp: number[] = [];
  let i = offset;
  for (let b = 0; b < BATCHES; b++) {
    const start = process.hrtime.bigint();
    for (let j = 0; j < BATCH_SIZE; j++) blackhole(await op(i++));
    perOp.push(Number(process.hrtime.bigint() - start) / 1e3 / BATCH_SIZE);
  }
  return {
    meanUs: round(perOp.reduce((s, x) => s + x, 0) / perOp.length, 3),
    bestBatchUs: round(Math.min(...perOp), 3),
  };
}

async function fullStore(): Promise<{
  store: InMemoryIdempotencyStore<Response>;
  keys: string[];
  now: { t: number };
}> {
  const store = new InMemoryIdempotencyStore<Response>({ capacity: CAPACITY });
  const now = { t: 1_700_000_000_000 };
  const keys = makeKeys(CAPACITY);
  for (const key of keys) await beginComplete(store, key, now, `fill-${key}`);
  return { store, keys, now };
}

const RESPONSE: Response = { status: 201, body: { id: 'job-1', worker: 'worker-7' } };
const FINGERPRINT = fingerprint({ method: 'POST', route: '/route', body: { verb: 'convert' } });

async function beginComplete(
  store: InMemoryIdempotencyStore<Response>,
  key: string,
  now: { t: number },
  token: string,
): Promise<void> {
  const t = (now.t += 1);
  const begun = await store.begin(key, {
    fingerprint: FINGERPRINT,
    leaseToken: token,
    now: t,
    leaseMs: LEASE_MS,
  });
  if (begun.kind !== 'execute') throw new Error(`expected execute, got ${begun.kind}`);
  await store.complete(key, { leaseToken: token, response: RESPONSE, now: t, ttlMs: TTL_MS });
}

async function main(): Promise<void> {
  // ---- begin + complete of new keys on a full store: every begin evicts the LRU record ----
  const write = await fullStore();
  const freshKeys = makeKeys(SINGLE_SAMPLES + BATCHES * BATCH_SIZE + 20_000);
  const tokens = freshKeys.map((_, i) => `lease-${i}`);
  const writeOp = (i: number): Promise<void> =>
    beginComplete(write.store, freshKeys[i], write.now, tokens[i]);
  for (let i = 0; i < 20_000; i++) await writeOp(i); // warm-up
  gc();
  const writeSingle = await sampleAsync(SINGLE_SAMPLES, (i) => writeOp(20_000 + i));
  gc();
  const writeBatch = await batchAsync(writeOp, 20_000 + SINGLE_SAMPLES);
  const writeStats = await write.store.stats();
  if (writeStats.entries !== CAPACITY || writeStats.evictions < SINGLE_SAMPLES) {
    throw new Error(`eviction was not active: ${JSON.stringify(writeStats)}`);
  }

  // ---- replay lookups: begin on completed keys (random, so recency order keeps changing) ----
  const read = await fullStore();
  const pick = Array.from({ length: 1 << 16 }, () => read.keys[Math.floor(random() * CAPACITY)]);
  const replayOp = (i: number): Promise<unknown> =>
    read.store.begin(pick[i & 0xffff], {
      fingerprint: FINGERPRINT,
      leaseToken: 'unused',
      now: read.now.t + 1,
      leaseMs: LEASE_MS,
    });
  for (let i = 0; i < 20_000; i++) await replayOp(i);
  gc();
  const replaySingle = await sampleAsync(SINGLE_SAMPLES, replayOp);
  gc();
  const replayBatch = await batchAsync(replayOp, 0);
  const readStats = await read.store.stats();
  if (readStats.misses !== CAPACITY)
    throw new Error('replay scenario executed instead of replaying');

  // ---- the same write path through IdempotencyService (clock call, randomUUID lease token) ----
  const viaService = await fullStore();
  const service = new IdempotencyService<Response>({
    store: viaService.store,
    now: () => (viaService.now.t += 1),
  });
  const serviceKeys = makeKeys(SINGLE_SAMPLES + 20_000);
  const serviceOp = async (i: number): Promise<void> => {
    const begun = await service.begin(serviceKeys[i], FINGERPRINT);
    if (begun.kind !== 'execute') throw new Error(`expected execute, got ${begun.kind}`);
    await service.complete(begun.lease satisfies Lease, RESPONSE);
  };
  for (let i = 0; i < 20_000; i++) await serviceOp(i);
  gc();
  const serviceSingle = await sampleAsync(SINGLE_SAMPLES, (i) => serviceOp(20_000 + i));

  // ---- fingerprint of a ~1 KB JSON body ----
  const body = {
    verb: 'convert',
    capability: 'document_to_pdf',
    priority: 'normal',
    options: { dpi: 300, color: true, margins: [10, 10, 12, 12], locale: 'en-GB' },
    metadata: Object.fromEntries(
      Array.from({ length: 15 }, (_, i) => [`field_${hex(6)}_${i}`, { id: hex(16), n: i * 7.25 }]),
    ),
    tags: Array.from({ length: 8 }, () => hex(8)),
  };
  const canonicalBytes = Buffer.byteLength(canonicalJson(body));
  const request = { method: 'POST', route: '/route', body };
  gc();
  const fingerprintSingle = measure(() => fingerprint(request), {
    warmup: 5_000,
    iterations: 50_000,
  });
  const canonicalSingle = measure(() => canonicalJson(body), { warmup: 5_000, iterations: 50_000 });
  // Batches of 100 calls: the mean without per-call timer overhead; JSON.stringify for scale.
  const batchOf = (fn: () => unknown) => (): unknown => {
    let last: unknown;
    for (let i = 0; i < 100; i++) last = fn();
    return last;
  };
  const fingerprintBatch = measure(
    batchOf(() => fingerprint(request)),
    { warmup: 50, iterations: 500 },
  );
  const stringifyBatch = measure(
    batchOf(() => JSON.stringify(body)),
    { warmup: 50, iterations: 500 },
  );

  const beginCompleteP99Us = writeSingle.p99Us;
  report('idempotency', {
    goalUs: GOAL_US,
    meetsGoal: beginCompleteP99Us <= GOAL_US,
    capacity: CAPACITY,
    beginComplete: {
      what: 'store.begin + store.complete of a new key on a full store (each begin evicts one LRU record)',
      single: writeSingle,
      batch: writeBatch,
      evictions: writeStats.evictions,
    },
    replay: {
      what: 'store.begin answering replay for a random completed key',
      single: replaySingle,
      batch: replayBatch,
      hits: readStats.hits,
    },
    serviceBeginComplete: {
      what: 'IdempotencyService.begin + complete (clock call, crypto.randomUUID lease token)',
      single: serviceSingle,
    },
    fingerprint1KB: {
      canonicalBytes,
      fingerprint: timingMicros(fingerprintSingle),
      canonicalJsonOnly: timingMicros(canonicalSingle),
      fingerprintBatchMeanUs: round((fingerprintBatch.meanMs * 1_000) / 100, 2),
      fingerprintBatchP50Us: round((fingerprintBatch.p50Ms * 1_000) / 100, 2),
      jsonStringifyBatchP50Us: round((stringifyBatch.p50Ms * 1_000) / 100, 2),
    },
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
