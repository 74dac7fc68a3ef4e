/**
 * A Redis connection for request-path work (the rate limiter first): it fails fast instead of
 * waiting for Redis. ioredis' defaults suit background jobs — commands issued while disconnected
 * wait in an offline queue and are retried through reconnections — but on the request path that
 * turns a dead Redis into hung requests, and a queued rate-limit script would still run (and count)
 * long after its caller gave up. Here a command either gets an answer within `commandTimeoutMs` or
 * fails, and the caller decides what to do (the limiter falls back to per-instance limits).
 */
import Redis from 'ioredis';

export interface RedisClientOptions {
  /** Sent as CLIENT SETNAME, so `CLIENT LIST` shows which process and purpose hold a connection. */
  readonly connectionName: string;
  /** Prefix ioredis puts on every key (tests use it for isolation); none by default. */
  readonly keyPrefix?: string;
  /** A command not answered within this fails with "Command timed out" (default 200 ms). */
  readonly commandTimeoutMs?: number;
  /** Limit for opening the TCP (or TLS) connection (default 1 000 ms). */
  readonly connectTimeoutMs?: number;
  /** Reconnection goes on forever, backing off by 100 ms per attempt up to this (default 2 000 ms). */
  readonly maxReconnectDelayMs?: number;
  /**
   * Do not connect until `client.connect()` is called (default false). Commands fail until the
   * connection is ready, so a process that wants Redis from its first request awaits `connect()`.
   */
  readonly lazyConnect?: boolean;
  /**
   * Connection errors, one per failed (re)connection attempt. They are ignored by default:
   * commands fail on their own, and the rate limiter reports the outage once (FallbackRateLimiter's
   * `onDegraded`) rather than once per reconnection attempt.
   */
  readonly onError?: (error: Error) => void;
}

export const REDIS_CLIENT_DEFAULTS = {
  commandTimeoutMs: 200,
  connectTimeoutMs: 1_000,
  maxReconnectDelayMs: 2_000,
} as const;

export function createRedisClient(url: string, options: RedisClientOptions): Redis {
  const maxReconnectDelayMs =
    options.maxReconnectDelayMs ?? REDIS_CLIENT_DEFAULTS.maxReconnectDelayMs;
  const client = new Redis(url, {
    connectionName: options.connectionName,
    ...(options.keyPrefix ? { keyPrefix: options.keyPrefix } : {}),
    lazyConnect: options.lazyConnect ?? false,
    // Fail at once while disconnected rather than queue; nothing runs after its caller gave up.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    commandTimeout: options.commandTimeoutMs ?? REDIS_CLIENT_DEFAULTS.commandTimeoutMs,
    connectTimeout: options.connectTimeoutMs ?? REDIS_CLIENT_DEFAULTS.connectTimeoutMs,
    retryStrategy: (attempt) => Math.min(attempt * 100, maxReconnectDelayMs),
  });
  client.on('error', options.onError ?? (() => undefined));
  return client;
}
