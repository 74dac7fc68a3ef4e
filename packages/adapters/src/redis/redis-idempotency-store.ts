/**
 * IdempotencyStore shared by every controller instance: records live in Redis and each method is
 * one Lua script (or one command), so its read, decision and write are a single atomic step per
 * key from any process, as `IdempotencyStore` demands. No method is "get, then set".
 *
 * Time: every decision uses the `now` the caller passes (the controller's clock), never Redis
 * `TIME`. The lease and result instants the service hands back (`Lease.expiresAt`, a replay's
 * `expiresAt`, Retry-After) are computed on that clock, so the decision must be too; mixing two
 * clocks would let a caller be told "your lease runs until T" and lose it before T. Redis' own
 * clock is used only through `PX`, as a relative backstop that frees memory.
 *
 * Key layout under `prefix` (default `slo-engine:idem:`), after the client's own keyPrefix:
 * - `<prefix>record:<key>` — a hash per record: `state`, `fingerprint`, `leaseToken`,
 *   `createdAt`, `leaseExpiresAt`, and once completed `completedAt`, `expiresAt`, `response`
 *   (the response as JSON text). A hash rather than one JSON string because the scripts must
 *   rewrite single fields: Lua's cjson would re-encode numbers with 14 significant digits and turn
 *   empty arrays into objects, so the scripts never encode JSON; they only move strings.
 * - `<prefix>index:in-flight` — sorted set of in-flight record keys, score `leaseExpiresAt`.
 * - `<prefix>index:completed` — sorted set of completed record keys, score `expiresAt`.
 *
 * Expiry: a completed record gets `PX ttlMs`, so Redis drops it when its result expires. An
 * in-flight record gets `PX leaseMs + leaseRetentionMarginMs`: Redis must never drop a live lease,
 * and other instances' clocks (which judge liveness) may run behind the one that wrote it.
 * Expired-but-present records are treated as absent by every decision, as `decide` does.
 *
 * Capacity: the two indexes together count the records. A `begin` for a new key at capacity first
 * removes an expired record, else evicts the completed record that expires soonest, else answers
 * `store_full` (every record is a live lease; evicting one would let a duplicate run). `complete`
 * trims completed records too, so instances configured with a smaller capacity shrink the store.
 * Index members whose record Redis already dropped (PX) are pruned lazily from the head of each
 * index, where they collect because PX deadlines follow the scores.
 *
 * Deployment: the scripts touch record keys they are not given (eviction, cleanup), so this needs
 * one Redis node (standalone, or a primary behind Sentinel), not Redis Cluster.
 */
import { createHash } from 'node:crypto';
import type Redis from 'ioredis';
import { DomainError } from '@slo-engine/core';
import {
  DEFAULT_CAPACITY,
  IdempotencyError,
  IdempotencyStore,
  type BeginRequest,
  type BeginResult,
  type CleanupResult,
  type CompleteRequest,
  type CompleteResult,
  type IdempotencyRecord,
  type IdempotencyStats,
  type ReleaseRequest,
  type ReleaseResult,
} from '@slo-engine/idempotency';

export const DEFAULT_IDEMPOTENCY_KEY_PREFIX = 'slo-engine:idem:';

/**
 * How long Redis keeps an in-flight record after its lease expired on the writer's clock. It must
 * exceed the clock skew between controller instances; NTP keeps that to milliseconds, so 10 s is
 * generous while still freeing a stranded lease's memory soon.
 */
export const DEFAULT_LEASE_RETENTION_MARGIN_MS = 10_000;

/** Codes of the errors this store throws itself (argument errors are `IdempotencyError`s). */
export const RedisIdempotencyStoreErrorCodes = {
  /** A script or a record had a shape this store never writes: a foreign key under the prefix,
   * or a store of another version. → 500 */
  UNEXPECTED_REPLY: 'IDEMPOTENCY_STORE.UNEXPECTED_REPLY',
} as const;

export interface RedisIdempotencyStoreOptions {
  /** Put before every key (default `slo-engine:idem:`), after the client's own keyPrefix. */
  readonly prefix?: string;
  /** Maximum records, in flight or completed (default `DEFAULT_CAPACITY`, 10,000). */
  readonly capacity?: number;
  /** Extra life of an in-flight record in Redis beyond its lease (default 10,000 ms). */
  readonly leaseRetentionMarginMs?: number;
}

/** Most index members one cleanup script visits, so a large backlog never blocks Redis long. */
const CLEANUP_BATCH = 500;
/** Most vanished index heads one stats script prunes. */
const PRUNE_BATCH = 100;

// ---------------------------------------------------------------------------------------------
// Lua. KEYS[1] is always the record key where there is one; the index keys follow. Index members
// are record keys exactly as Redis sees them (including any client keyPrefix), so a script can
// delete a member's record directly. Numbers travel as the strings JavaScript formatted (exact
// round trip) and come back as the stored strings, never as Lua numbers (Redis truncates those).
// ---------------------------------------------------------------------------------------------

/** Shared by the scripts that make or count room. */
const LUA_ROOM = `
local function count_records(in_flight, completed)
  return redis.call('ZCARD', in_flight) + redis.call('ZCARD', completed)
end

-- Frees one record slot: an expired lease at the head of the in-flight index, else the completed
-- record that expires first (expired or not: this is the eviction); never a live lease, never keep.
-- DEL reports whether Redis still held the record or had dropped it by PX already.
-- Returns 'expired', 'evicted', 'vanished' (only an index member went), or false when nothing
-- but live leases (or keep) remains.
local function free_one_slot(in_flight, completed, now, keep)
  local lease = redis.call('ZRANGE', in_flight, 0, 0, 'WITHSCORES')
  if lease[1] and lease[1] ~= keep and tonumber(lease[2]) <= now then
    local existed = redis.call('DEL', lease[1])
    redis.call('ZREM', in_flight, lease[1])
    if existed == 0 then return 'vanished' end
    return 'expired'
  end
  local result = redis.call('ZRANGE', completed, 0, 0, 'WITHSCORES')
  if result[1] and result[1] ~= keep then
    local existed = redis.call('DEL', result[1])
    redis.call('ZREM', completed, result[1])
    if existed == 0 then return 'vanished' end
    if tonumber(result[2]) <= now then return 'expired' end
    return 'evicted'
  end
  -- Only leases remain. Before refusing, drop a head lease Redis already let go of (possible only
  -- when the writer's clock ran ahead of this caller's by more than the retention margin).
  if lease[1] and lease[1] ~= keep and redis.call('EXISTS', lease[1]) == 0 then
    redis.call('ZREM', in_flight, lease[1])
    return 'vanished'
  end
  return false
end
`;

/**
 * KEYS: record, in-flight index, completed index.
 * ARGV: fingerprint, leaseToken, now, leaseExpiresAt, record PX, capacity.
 * Returns {'execute', reason, evicted, expired} | {'replay', response, completedAt, expiresAt}
 * | {'conflict', leaseExpiresAt} | {'mismatch', state} | {'full', earliestLeaseExpiry, evicted, expired}.
 * The table is decide() of @slo-engine/idempotency; keep the two in step.
 */
const BEGIN_SCRIPT = `${LUA_ROOM}
local now = tonumber(ARGV[3])
local stored = redis.call('HMGET', KEYS[1], 'state', 'fingerprint', 'leaseExpiresAt', 'expiresAt', 'completedAt', 'response')
local state = stored[1]
local reason = 'new'
if state == 'in_flight' then
  if now < tonumber(stored[3]) then
    if stored[2] ~= ARGV[1] then return {'mismatch', 'in_flight'} end
    return {'conflict', stored[3]}
  end
  reason = 'lease_expired'
elseif state == 'completed' then
  if now < tonumber(stored[4]) then
    if stored[2] ~= ARGV[1] then return {'mismatch', 'completed'} end
    return {'replay', stored[6], stored[5], stored[4]}
  end
  reason = 'result_expired'
elseif state then
  return redis.error_reply('unexpected record state ' .. tostring(state))
end

local evicted, expired = 0, 0
if state then
  -- The expired record of this key is replaced in place and needs no room.
  expired = 1
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[3], KEYS[1])
else
  -- A completed-index member left behind when Redis dropped this key's previous record must go,
  -- or evicting it later would delete the lease written now.
  redis.call('ZREM', KEYS[3], KEYS[1])
  local capacity = tonumber(ARGV[6])
  local count = count_records(KEYS[2], KEYS[3])
  if count >= capacity then
    -- Same for an in-flight member: it must not take a slot (ZADD below would only move it).
    count = count - redis.call('ZREM', KEYS[2], KEYS[1])
  end
  -- Each freed slot removes exactly one index member, so the count is kept here, not re-read.
  while count >= capacity do
    local freed = free_one_slot(KEYS[2], KEYS[3], now, false)
    if not freed then
      local earliest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
      return {'full', earliest[2], evicted, expired}
    end
    count = count - 1
    if freed == 'evicted' then evicted = evicted + 1 elseif freed == 'expired' then expired = expired + 1 end
  end
end
redis.call('HSET', KEYS[1], 'state', 'in_flight', 'fingerprint', ARGV[1], 'leaseToken', ARGV[2],
  'createdAt', ARGV[3], 'leaseExpiresAt', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], ARGV[4], KEYS[1])
return {'execute', reason, evicted, expired}
`;

/**
 * KEYS: record, in-flight index, completed index.
 * ARGV: leaseToken, now (completedAt), expiresAt, record PX, response JSON, capacity.
 * Returns {'completed', evicted, expired} | {'already_completed'} | {'stale', state or 'absent'}.
 */
const COMPLETE_SCRIPT = `${LUA_ROOM}
local stored = redis.call('HMGET', KEYS[1], 'state', 'leaseToken')
if not stored[1] then return {'stale', 'absent'} end
if stored[2] ~= ARGV[1] then return {'stale', stored[1]} end
if stored[1] == 'completed' then return {'already_completed'} end
redis.call('HSET', KEYS[1], 'state', 'completed', 'completedAt', ARGV[2], 'expiresAt', ARGV[3],
  'response', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('ZREM', KEYS[2], KEYS[1])
redis.call('ZADD', KEYS[3], ARGV[3], KEYS[1])

-- Over capacity only when another instance runs with a larger capacity: shrink to ours.
local evicted, expired = 0, 0
local capacity = tonumber(ARGV[6])
local now = tonumber(ARGV[2])
local count = count_records(KEYS[2], KEYS[3])
while count > capacity do
  local freed = free_one_slot(KEYS[2], KEYS[3], now, KEYS[1])
  if not freed then break end
  count = count - 1
  if freed == 'evicted' then evicted = evicted + 1 elseif freed == 'expired' then expired = expired + 1 end
end
return {'completed', evicted, expired}
`;

/**
 * KEYS: record, in-flight index. ARGV: leaseToken.
 * Returns {'released'} | {'already_completed'} | {'stale', state or 'absent'}.
 */
const RELEASE_SCRIPT = `
local stored = redis.call('HMGET', KEYS[1], 'state', 'leaseToken')
if not stored[1] then return {'stale', 'absent'} end
if stored[2] ~= ARGV[1] then return {'stale', stored[1]} end
if stored[1] == 'completed' then return {'already_completed'} end
redis.call('DEL', KEYS[1])
redis.call('ZREM', KEYS[2], KEYS[1])
return {'released'}
`;

/** Removes index heads whose record Redis already dropped; at most ARGV limit per index. */
const LUA_PRUNE = `
local function prune_vanished(index, limit)
  for _ = 1, limit do
    local head = redis.call('ZRANGE', index, 0, 0)[1]
    if not head or redis.call('EXISTS', head) == 1 then return end
    redis.call('ZREM', index, head)
  end
end
`;

/**
 * KEYS: in-flight index, completed index. ARGV: now, batch size.
 * Removes up to a batch of expired records per index (score <= now, the expiry instant itself
 * included, as decide() has it). Returns {completed removed, leases removed, more (0|1)}.
 */
const CLEANUP_SCRIPT = `${LUA_PRUNE}
local limit = tonumber(ARGV[2])
local function sweep(index)
  local members = redis.call('ZRANGEBYSCORE', index, '-inf', ARGV[1], 'LIMIT', 0, limit)
  local removed = 0
  for _, member in ipairs(members) do
    -- Scores change with their record in the same script, so a member at or below now names an
    -- expired record (or one Redis dropped already, which DEL does not count).
    removed = removed + redis.call('DEL', member)
    redis.call('ZREM', index, member)
  end
  return removed, #members == limit
end
local leases, leases_more = sweep(KEYS[1])
local completed, completed_more = sweep(KEYS[2])
prune_vanished(KEYS[1], limit)
prune_vanished(KEYS[2], limit)
local more = 0
if leases_more or completed_more then more = 1 end
return {completed, leases, more}
`;

/** KEYS: in-flight index, completed index. ARGV: prune limit. Returns {inFlight, completed}. */
const STATS_SCRIPT = `${LUA_PRUNE}
prune_vanished(KEYS[1], tonumber(ARGV[1]))
prune_vanished(KEYS[2], tonumber(ARGV[1]))
return {redis.call('ZCARD', KEYS[1]), redis.call('ZCARD', KEYS[2])}
`;

interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

function luaScript(source: string): LuaScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

const SCRIPTS = {
  begin: luaScript(BEGIN_SCRIPT),
  complete: luaScript(COMPLETE_SCRIPT),
  release: luaScript(RELEASE_SCRIPT),
  cleanup: luaScript(CLEANUP_SCRIPT),
  stats: luaScript(STATS_SCRIPT),
} as const;

type ScriptArgument = string | number;

/**
 * {@link IdempotencyStore} in Redis for many controller instances. Takes an ioredis client the
 * caller owns (give it its own connection or DB index); the store never closes it. `R` must
 * survive `JSON.stringify`/`JSON.parse`: a replay returns the parsed JSON of the stored response.
 *
 * Counters in `stats()` (hits, misses, ...) count this instance's calls; occupancy (`entries`,
 * `inFlight`, `completed`) is the shared store's.
 */
export class RedisIdempotencyStore<R> extends IdempotencyStore<R> {
  readonly capacity: number;
  readonly prefix: string;
  private readonly leaseRetentionMarginMs: number;
  private readonly inFlightIndex: string;
  private readonly completedIndex: string;
  private hits = 0;
  private misses = 0;
  private takeovers = 0;
  private conflicts = 0;
  private mismatches = 0;
  private refusals = 0;
  private evictions = 0;
  private expirations = 0;

  constructor(
    private readonly redis: Redis,
    options: RedisIdempotencyStoreOptions = {},
  ) {
    super();
    if (typeof options !== 'object' || options === null) {
      throw new IdempotencyError('IDEMPOTENCY.INVALID_OPTION', 'options must be an object');
    }
    const prefix = options.prefix ?? DEFAULT_IDEMPOTENCY_KEY_PREFIX;
    if (typeof prefix !== 'string' || prefix.length === 0) {
      throw new IdempotencyError('IDEMPOTENCY.INVALID_OPTION', 'prefix must be a non-empty string');
    }
    const capacity = options.capacity ?? DEFAULT_CAPACITY;
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new IdempotencyError(
        'IDEMPOTENCY.INVALID_OPTION',
        `capacity must be a positive integer, got ${String(capacity)}`,
      );
    }
    const margin = options.leaseRetentionMarginMs ?? DEFAULT_LEASE_RETENTION_MARGIN_MS;
    if (!Number.isSafeInteger(margin) || margin < 0) {
      throw new IdempotencyError(
        'IDEMPOTENCY.INVALID_OPTION',
        `leaseRetentionMarginMs must be a non-negative integer, got ${String(margin)}`,
      );
    }
    this.prefix = prefix;
    this.capacity = capacity;
    this.leaseRetentionMarginMs = margin;
    this.inFlightIndex = `${prefix}index:in-flight`;
    this.completedIndex = `${prefix}index:completed`;
  }

  async begin(key: string, request: BeginRequest): Promise<BeginResult<R>> {
    requireString('key', key);
    requireObject('begin request', request);
    const fingerprint = requireString('fingerprint', request.fingerprint);
    const leaseToken = requireString('leaseToken', request.leaseToken);
    const now = requireTime('now', request.now);
    const leaseMs = requireDuration('leaseMs', request.leaseMs);
    const leaseExpiresAt = now + leaseMs;
    const recordTtlMs = expiryMs('leaseMs', leaseMs, this.leaseRetentionMarginMs);

    const reply = await this.run(
      SCRIPTS.begin,
      [this.recordKey(key), this.inFlightIndex, this.completedIndex],
      [fingerprint, leaseToken, String(now), String(leaseExpiresAt), recordTtlMs, this.capacity],
    );
    switch (reply[0]) {
      case 'execute': {
        const reason = oneOf(reply[1], EXECUTE_REASONS);
        this.countRoomMade(reply[2], reply[3]);
        this.misses++;
        if (reason === 'lease_expired') this.takeovers++;
        return {
          kind: 'execute',
          reason,
          lease: {
            key,
            token: leaseToken,
            fingerprint,
            acquiredAt: now,
            expiresAt: leaseExpiresAt,
          },
        };
      }
      case 'replay':
        this.hits++;
        return {
          kind: 'replay',
          response: parseResponse<R>(reply[1]),
          completedAt: numberFrom(reply[2]),
          expiresAt: numberFrom(reply[3]),
        };
      case 'conflict':
        this.conflicts++;
        return { kind: 'conflict_in_flight', retryAfterMs: numberFrom(reply[1]) - now };
      case 'mismatch':
        this.mismatches++;
        return { kind: 'mismatch', recordState: oneOf(reply[1], RECORD_STATES) };
      case 'full':
        this.countRoomMade(reply[2], reply[3]);
        this.refusals++;
        return { kind: 'store_full', retryAfterMs: numberFrom(reply[1]) - now };
      default:
        throw unexpected(reply);
    }
  }

  async complete(key: string, request: CompleteRequest<R>): Promise<CompleteResult> {
    requireString('key', key);
    requireObject('complete request', request);
    const leaseToken = requireString('leaseToken', request.leaseToken);
    const now = requireTime('now', request.now);
    const ttlMs = requireDuration('ttlMs', request.ttlMs);
    const expiresAt = now + ttlMs;
    const response = serializeResponse(request.response);

    const reply = await this.run(
      SCRIPTS.complete,
      [this.recordKey(key), this.inFlightIndex, this.completedIndex],
      [
        leaseToken,
        String(now),
        String(expiresAt),
        expiryMs('ttlMs', ttlMs, 0),
        response,
        this.capacity,
      ],
    );
    switch (reply[0]) {
      case 'completed':
        this.countRoomMade(reply[1], reply[2]);
        return { kind: 'completed', expiresAt };
      case 'already_completed':
        return ALREADY_COMPLETED;
      case 'stale':
        return staleLease(reply[1]);
      default:
        throw unexpected(reply);
    }
  }

  async release(key: string, request: ReleaseRequest): Promise<ReleaseResult> {
    requireString('key', key);
    requireObject('release request', request);
    const leaseToken = requireString('leaseToken', request.leaseToken);

    const reply = await this.run(
      SCRIPTS.release,
      [this.recordKey(key), this.inFlightIndex],
      [leaseToken],
    );
    switch (reply[0]) {
      case 'released':
        return RELEASED;
      case 'already_completed':
        return ALREADY_COMPLETED;
      case 'stale':
        return staleLease(reply[1]);
      default:
        throw unexpected(reply);
    }
  }

  /** One HGETALL: atomic on its own, and read-only (an expired record is left for PX/cleanup). */
  async get(key: string, now: number): Promise<IdempotencyRecord<R> | undefined> {
    requireString('key', key);
    requireTime('now', now);
    const fields = await this.redis.hgetall(this.recordKey(key));
    if (fields.state === undefined) return undefined;
    const record = recordFrom<R>(fields);
    const expiry = record.state === 'in_flight' ? record.leaseExpiresAt : record.expiresAt;
    return now < expiry ? record : undefined;
  }

  /**
   * Removes every record expired at `now`, in batches of 500 per index (each batch one script, so
   * Redis is never blocked for long). Records Redis already dropped by PX are not counted.
   */
  async cleanupExpired(now: number): Promise<CleanupResult> {
    requireTime('now', now);
    let completed = 0;
    let leases = 0;
    for (let more = true; more;) {
      const reply = await this.run(
        SCRIPTS.cleanup,
        [this.inFlightIndex, this.completedIndex],
        [String(now), CLEANUP_BATCH],
      );
      completed += countFrom(reply[0]);
      leases += countFrom(reply[1]);
      more = countFrom(reply[2]) === 1;
    }
    this.expirations += completed + leases;
    return { completed, leases };
  }

  async stats(): Promise<IdempotencyStats> {
    const reply = await this.run(
      SCRIPTS.stats,
      [this.inFlightIndex, this.completedIndex],
      [PRUNE_BATCH],
    );
    const inFlight = countFrom(reply[0]);
    const completed = countFrom(reply[1]);
    const entries = inFlight + completed;
    return {
      entries,
      inFlight,
      completed,
      capacity: this.capacity,
      hits: this.hits,
      misses: this.misses,
      takeovers: this.takeovers,
      conflicts: this.conflicts,
      mismatches: this.mismatches,
      refusals: this.refusals,
      evictions: this.evictions,
      expirations: this.expirations,
      // Another instance with a larger capacity can fill the store past ours until we trim it.
      utilization: Math.min(1, entries / this.capacity),
    };
  }

  private recordKey(key: string): string {
    return `${this.prefix}record:${key}`;
  }

  private countRoomMade(evicted: unknown, expired: unknown): void {
    this.evictions += countFrom(evicted);
    this.expirations += countFrom(expired);
  }

  /** EVALSHA, and EVAL (which also caches the script) when this Redis has not seen it yet. */
  private async run(
    script: LuaScript,
    keys: readonly string[],
    args: readonly ScriptArgument[],
  ): Promise<unknown[]> {
    let reply: unknown;
    try {
      reply = await this.redis.evalsha(script.sha1, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      reply = await this.redis.eval(script.source, keys.length, ...keys, ...args);
    }
    if (!Array.isArray(reply)) throw unexpected(reply);
    return reply as unknown[];
  }
}

const EXECUTE_REASONS = ['new', 'lease_expired', 'result_expired'] as const;
const RECORD_STATES = ['in_flight', 'completed'] as const;
const CURRENT_STATES = ['absent', 'in_flight', 'completed'] as const;

const ALREADY_COMPLETED = Object.freeze({ kind: 'already_completed' } as const);
const RELEASED = Object.freeze({ kind: 'released' } as const);
const STALE = Object.freeze({
  absent: Object.freeze({ kind: 'stale_lease', current: 'absent' } as const),
  in_flight: Object.freeze({ kind: 'stale_lease', current: 'in_flight' } as const),
  completed: Object.freeze({ kind: 'stale_lease', current: 'completed' } as const),
});

function staleLease(current: unknown): (typeof STALE)[keyof typeof STALE] {
  return STALE[oneOf(current, CURRENT_STATES)];
}

/** The record a hash holds, checked field by field: what Redis returns is not trusted blindly. */
function recordFrom<R>(fields: Record<string, string>): IdempotencyRecord<R> {
  const state = oneOf(fields.state, RECORD_STATES);
  const fingerprint = stringFrom(fields.fingerprint);
  const leaseToken = stringFrom(fields.leaseToken);
  const createdAt = numberFrom(fields.createdAt);
  if (state === 'in_flight') {
    const leaseExpiresAt = numberFrom(fields.leaseExpiresAt);
    return { state, fingerprint, leaseToken, createdAt, leaseExpiresAt };
  }
  return {
    state,
    fingerprint,
    leaseToken,
    response: parseResponse<R>(fields.response),
    createdAt,
    completedAt: numberFrom(fields.completedAt),
    expiresAt: numberFrom(fields.expiresAt),
  };
}

function serializeResponse(response: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(response);
  } catch (error) {
    throw new IdempotencyError(
      'IDEMPOTENCY.INVALID_ARGUMENT',
      `response must be JSON-serialisable: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (text === undefined) {
    throw new IdempotencyError(
      'IDEMPOTENCY.INVALID_ARGUMENT',
      `response must be JSON-serialisable, got ${typeof response}`,
    );
  }
  return text;
}

function parseResponse<R>(text: unknown): R {
  // The store wrote this text from a value of type R; JSON cannot carry the type itself.
  return JSON.parse(stringFrom(text)) as R;
}

/** Record lifetime in Redis: whole milliseconds, rounded up so Redis never drops a record early. */
function expiryMs(name: string, durationMs: number, marginMs: number): number {
  const ms = Math.ceil(durationMs) + marginMs;
  if (!Number.isSafeInteger(ms)) {
    throw new IdempotencyError(
      'IDEMPOTENCY.INVALID_ARGUMENT',
      `${name} is too large for a Redis expiry: ${String(durationMs)}`,
    );
  }
  return ms;
}

function oneOf<const T extends readonly string[]>(value: unknown, allowed: T): T[number] {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value;
  throw unexpected(value);
}

function stringFrom(value: unknown): string {
  if (typeof value !== 'string') throw unexpected(value);
  return value;
}

function numberFrom(value: unknown): number {
  const parsed = typeof value === 'string' && value !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(parsed)) throw unexpected(value);
  return parsed;
}

function countFrom(value: unknown): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw unexpected(value);
  return value as number;
}

function unexpected(value: unknown): DomainError {
  return new DomainError(
    RedisIdempotencyStoreErrorCodes.UNEXPECTED_REPLY,
    `RedisIdempotencyStore: unexpected value from Redis ${JSON.stringify(value) ?? String(value)}`,
  );
}

// Argument checks with the same codes and wording as @slo-engine/idempotency's own stores; they
// run inside async methods, so a bad argument rejects and never throws synchronously.
function requireString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new IdempotencyError(
      'IDEMPOTENCY.INVALID_ARGUMENT',
      `${name} must be a non-empty string, got ${typeof value}`,
    );
  }
  return value;
}

function requireTime(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new IdempotencyError(
      'IDEMPOTENCY.INVALID_ARGUMENT',
      `${name} must be a finite number of milliseconds, got ${String(value)}`,
    );
  }
  return value;
}

function requireDuration(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new IdempotencyError(
      'IDEMPOTENCY.INVALID_ARGUMENT',
      `${name} must be a positive finite number of milliseconds, got ${String(value)}`,
    );
  }
  return value;
}

function requireObject(name: string, value: unknown): void {
  if (typeof value !== 'object' || value === null) {
    throw new IdempotencyError('IDEMPOTENCY.INVALID_ARGUMENT', `${name} must be an object`);
  }
}
