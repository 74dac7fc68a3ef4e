import {
  boolean,
  ConfigError,
  defineConfig,
  duration,
  int,
  loadConfig,
  platformConfigSchema,
  string,
  url,
  type ConfigOf,
} from '@slo-engine/platform';

/** Everything the API reads from the environment, validated at start-up. */
export const apiConfigSchema = defineConfig({
  ...platformConfigSchema,
  /** Edges not observed for this long are marked stale (spec 004 FR-1: 7 days). */
  STALENESS_WINDOW: duration({ default: 7 * 24 * 3_600_000 }),
  /**
   * An ingestion still queued or processing this long after submission is failed as lost (its
   * process died); the client submits it again. Far above the 2–4 s a 50,000-edge graph takes.
   */
  INGESTION_STALL_TIMEOUT: duration({ default: 10 * 60_000 }),
  /** Embedded mode (no DATABASE_URL): where the local PostgreSQL keeps its data. */
  EMBEDDED_DATA_DIR: string({ minLength: 1, maxLength: 4096, default: '.data/postgres' }),
  /** Bearer token for PROMETHEUS_URL (Mimir, a gateway); exclusive with the basic-auth pair. */
  PROMETHEUS_BEARER_TOKEN: string({ minLength: 1, maxLength: 8192, optional: true }),
  PROMETHEUS_USERNAME: string({ minLength: 1, maxLength: 1024, optional: true }),
  PROMETHEUS_PASSWORD: string({ minLength: 1, maxLength: 8192, optional: true }),
  /** Per-request timeout of Prometheus queries (retries and the circuit breaker come on top). */
  PROMETHEUS_TIMEOUT: duration({ default: 10_000 }),
  /** Retries of a failed Prometheus query (5xx, 429, timeout, network), backing off 1 s, 2 s, 4 s. */
  PROMETHEUS_RETRIES: int({ min: 0, max: 10, default: 3 }),
  /** Without PROMETHEUS_URL: the seed of the synthetic telemetry fleet (same seed, same numbers). */
  SYNTHETIC_TELEMETRY_SEED: string({ minLength: 1, maxLength: 128, default: 'slo-engine-demo' }),
  /** How often the dashboard's materialised views are refreshed (spec 004 FR-12: hourly). */
  DASHBOARD_REFRESH_INTERVAL: duration({ default: 3_600_000 }),
  /** Embedded mode: seed the demo e-commerce topology into an empty database. */
  SEED_DEMO: boolean({ default: true }),

  // Access control (spec 004 FR-8, SEC-002…SEC-004, SEC-009). Secrets may come from <NAME>_FILE.
  /**
   * An API key (`sloe_<id>_<secret>`, e.g. from `pnpm api-key:new`) registered as sre_admin at
   * start-up, so the first administrator can create the others. Embedded mode without one
   * generates a key for the run and prints it.
   */
  AUTH_BOOTSTRAP_API_KEY: string({ minLength: 20, maxLength: 200, optional: true }),
  /** OIDC: the identity provider's JWKS, and the `iss` and `aud` tokens must carry (all three or none). */
  AUTH_JWKS_URL: url({ protocols: ['http', 'https'], optional: true }),
  AUTH_ISSUER: string({ minLength: 1, maxLength: 2048, optional: true }),
  AUTH_AUDIENCE: string({ minLength: 1, maxLength: 2048, optional: true }),
  /** Signature algorithms accepted on tokens (never `none` or HMAC). */
  AUTH_ALGORITHMS: string({ minLength: 1, maxLength: 200, default: 'RS256,ES256,PS256,EdDSA' }),
  /** Clock skew tolerated on `exp`/`nbf`. */
  AUTH_CLOCK_TOLERANCE: duration({ default: 30_000 }),
  /** Claim with the caller's roles (array or space-separated; a dotted path like `realm_access.roles` works). */
  AUTH_ROLES_CLAIM: string({ minLength: 1, maxLength: 200, default: 'roles' }),
  /** Claims naming the caller's teams, first to last (matched against `services.team`). */
  AUTH_TEAMS_CLAIMS: string({ minLength: 1, maxLength: 200, default: 'groups,team' }),
  /** Claims naming the person in audit rows, first present wins. */
  AUTH_ACTOR_CLAIMS: string({
    minLength: 1,
    maxLength: 200,
    default: 'email,preferred_username,sub',
  }),
  /** How long a verified API key is trusted without hashing it again (revocations elsewhere wait this long). */
  API_KEY_CACHE_TTL: duration({ default: 60_000 }),
  /** Per-caller rate limits of the endpoint table; shared through REDIS_URL when set. */
  RATE_LIMITS_ENABLED: boolean({ default: true }),
  /** Prefix of the rate limiter's Redis keys (several deployments may share one Redis). */
  RATE_LIMIT_KEY_PREFIX: string({ minLength: 1, maxLength: 200, default: 'slo-engine:ratelimit:' }),
});

export type ApiConfig = ConfigOf<typeof apiConfigSchema>;

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  const config = loadConfig(apiConfigSchema, env);
  const oidc = ['AUTH_JWKS_URL', 'AUTH_ISSUER', 'AUTH_AUDIENCE'] as const;
  const missing = oidc.filter((name) => config[name] === undefined);
  if (missing.length > 0 && missing.length < oidc.length) {
    throw new ConfigError(
      missing.map((variable) => ({
        variable,
        problem: `is required when ${oidc.filter((name) => !missing.includes(name)).join(' and ')} is set (OIDC needs all three)`,
      })),
    );
  }
  return config;
}
