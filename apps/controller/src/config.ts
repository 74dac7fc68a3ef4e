import {
  boolean,
  ConfigError,
  defineConfig,
  duration,
  int,
  loadConfig,
  oneOf,
  platformConfigSchema,
  string,
  type ConfigOf,
} from '@slo-engine/platform';

/** Everything the controller reads from the environment, validated at start-up. */
export const controllerConfigSchema = defineConfig({
  ...platformConfigSchema,
  PORT: int({ min: 1, max: 65535, default: 9000 }),
  OTEL_SERVICE_NAME: string({ minLength: 1, maxLength: 128, default: 'slo-engine-controller' }),
  /** Workers heartbeat this often (spec 002: 30 s); restored workers get this much grace. */
  CONTROLLER_HEARTBEAT_INTERVAL: duration({ default: 30_000 }),
  /** A worker silent this long is stale: no longer routed, removed by the next sweep (spec 002: 120 s). */
  CONTROLLER_STALE_TIMEOUT: duration({ default: 120_000 }),
  /** How often stale workers are swept. */
  CONTROLLER_SWEEP_INTERVAL: duration({ default: 10_000 }),
  /** How often buffered heartbeats are written to the store. */
  CONTROLLER_HEARTBEAT_FLUSH_INTERVAL: duration({ default: 5_000 }),
  /** Without DATABASE_URL: the JSONL file the registry is kept in. */
  CONTROLLER_STATE_FILE: string({
    minLength: 1,
    maxLength: 4096,
    default: '.data/controller/registry.jsonl',
  }),
  /** Directory of SLO files (spec 000), reloaded when files change and on POST /slos/reload. */
  CONTROLLER_SLO_DIR: string({
    minLength: 1,
    maxLength: 4096,
    default: 'packages/slo-schema/examples/slos',
  }),
  /** Watch CONTROLLER_SLO_DIR for changes (off: reload only through the endpoint). */
  CONTROLLER_SLO_WATCH: boolean({ default: true }),
  /** Rolling window of the per-capability latency percentiles and availability. */
  CONTROLLER_SLI_WINDOW: duration({ default: 300_000 }),
  /** Fewer requests than this in the window are not evidence of a violation. */
  CONTROLLER_SLO_MIN_REQUESTS: int({ min: 1, max: 1_000_000, default: 20 }),
  /** How often SLO compliance (metrics, logs) and canary health (auto-rollback) are checked. */
  CONTROLLER_SLO_CHECK_INTERVAL: duration({ default: 15_000 }),
  /** Retry-After of low-priority requests shed during an enforced violation. */
  CONTROLLER_SHED_RETRY_AFTER: duration({ default: 30_000 }),
  /** Consecutive violating checks after which a canary is rolled back to 0 %. */
  CONTROLLER_CANARY_ROLLBACK_AFTER: int({ min: 1, max: 1000, default: 3 }),
  /** The canary "burns faster" when its error rate exceeds stable's by this factor. */
  CONTROLLER_CANARY_BURN_RATE_FACTOR: int({ min: 1, max: 1000, default: 2 }),
  /** Idempotency: replay window of completed results (spec 000: 1 h) and in-flight lease. */
  CONTROLLER_IDEMPOTENCY_TTL: duration({ default: 3_600_000 }),
  CONTROLLER_IDEMPOTENCY_LEASE: duration({ default: 60_000 }),
  /** Most idempotency records kept; completed ones are evicted oldest first, in-flight ones never. */
  CONTROLLER_IDEMPOTENCY_CAPACITY: int({ min: 1, max: 100_000_000, default: 100_000 }),
  /** Redis database index of the idempotency store (its own connection; REDIS_URL's host). */
  CONTROLLER_IDEMPOTENCY_REDIS_DB: int({ min: 0, max: 255, optional: true }),
  CONTROLLER_IDEMPOTENCY_KEY_PREFIX: string({
    minLength: 1,
    maxLength: 200,
    default: 'slo-engine:idem:',
  }),
  /** Timeout of one forwarded invocation. */
  CONTROLLER_WORKER_TIMEOUT: duration({ default: 30_000 }),
  /** Largest worker answer accepted. */
  CONTROLLER_WORKER_MAX_RESPONSE_BYTES: int({
    min: 1024,
    max: 1024 * 1024 * 1024,
    default: 1024 * 1024,
  }),
  /** Worker URL schemes accepted (SSRF): https only unless development says otherwise. */
  CONTROLLER_WORKER_URL_SCHEMES: string({ minLength: 1, maxLength: 100, default: 'https' }),
  /** CIDRs allowed despite being private, loopback or link-local (e.g. `10.0.0.0/8` for in-cluster workers). */
  CONTROLLER_WORKER_ALLOWED_CIDRS: string({ minLength: 1, maxLength: 4096, optional: true }),
  /** Client certificate (PEM files) the controller presents to workers, and the CA it trusts for them. */
  CONTROLLER_WORKER_CLIENT_CERT_FILE: string({ minLength: 1, maxLength: 4096, optional: true }),
  CONTROLLER_WORKER_CLIENT_KEY_FILE: string({ minLength: 1, maxLength: 4096, optional: true }),
  CONTROLLER_WORKER_CA_FILE: string({ minLength: 1, maxLength: 4096, optional: true }),
  /** mTLS for callers and workers of the controller (with TLS_CERT_FILE/TLS_KEY_FILE). */
  TLS_CLIENT_CA_FILE: string({ minLength: 1, maxLength: 4096, optional: true }),
  TLS_CLIENT_CERT_REQUIRED: boolean({ default: true }),
  /**
   * Where the caller's identity comes from: `tls` (SPIFFE id in the client certificate's URI SAN),
   * `header` (CONTROLLER_IDENTITY_HEADER, set by a trusted proxy/mesh that verified the caller), or
   * `none` (development: everyone is `anonymous`, no ownership checks).
   */
  CONTROLLER_IDENTITY_SOURCE: oneOf(['tls', 'header', 'none'] as const, { optional: true }),
  CONTROLLER_IDENTITY_HEADER: string({
    minLength: 1,
    maxLength: 200,
    default: 'x-caller-identity',
  }),
  /** Identities allowed to change canary policies, reload SLOs and import state (comma-separated). */
  CONTROLLER_ADMIN_IDENTITIES: string({ minLength: 1, maxLength: 8192, optional: true }),
});

export type ControllerConfig = ConfigOf<typeof controllerConfigSchema> & {
  /** Resolved: explicit, or `tls` when TLS_CLIENT_CA_FILE is set, else `none`. */
  readonly identitySource: 'tls' | 'header' | 'none';
};

export function loadControllerConfig(env: NodeJS.ProcessEnv = process.env): ControllerConfig {
  const config = loadConfig(controllerConfigSchema, env);
  const identitySource =
    config.CONTROLLER_IDENTITY_SOURCE ?? (config.TLS_CLIENT_CA_FILE !== undefined ? 'tls' : 'none');
  if (identitySource === 'tls' && config.TLS_CLIENT_CA_FILE === undefined)
    throw new ConfigError([
      {
        variable: 'CONTROLLER_IDENTITY_SOURCE',
        problem:
          'is tls, which needs TLS_CLIENT_CA_FILE (and TLS_CERT_FILE/TLS_KEY_FILE) for client certificates',
      },
    ]);
  const schemes = config.CONTROLLER_WORKER_URL_SCHEMES.split(',').map((s) => s.trim());
  const bad = schemes.filter((s) => s !== 'http' && s !== 'https');
  if (bad.length > 0)
    throw new ConfigError([
      {
        variable: 'CONTROLLER_WORKER_URL_SCHEMES',
        problem: `may list only http and https, not ${bad.join(', ')}`,
      },
    ]);
  const pair = [
    config.CONTROLLER_WORKER_CLIENT_CERT_FILE,
    config.CONTROLLER_WORKER_CLIENT_KEY_FILE,
  ];
  if ((pair[0] === undefined) !== (pair[1] === undefined))
    throw new ConfigError([
      {
        variable:
          pair[0] === undefined
            ? 'CONTROLLER_WORKER_CLIENT_CERT_FILE'
            : 'CONTROLLER_WORKER_CLIENT_KEY_FILE',
        problem: 'must be set together with its pair (client certificate and key)',
      },
    ]);
  return Object.freeze({ ...config, identitySource });
}
