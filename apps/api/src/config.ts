import {
  boolean,
  defineConfig,
  duration,
  int,
  loadConfig,
  platformConfigSchema,
  string,
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
  /** Embedded mode: seed the demo e-commerce topology into an empty database. */
  SEED_DEMO: boolean({ default: true }),
});

export type ApiConfig = ConfigOf<typeof apiConfigSchema>;

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return loadConfig(apiConfigSchema, env);
}
