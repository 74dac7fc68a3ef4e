import {
  boolean,
  defineConfig,
  duration,
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
  /** Embedded mode: seed the demo e-commerce topology into an empty database. */
  SEED_DEMO: boolean({ default: true }),
});

export type ApiConfig = ConfigOf<typeof apiConfigSchema>;

export function loadApiConfig(env: NodeJS.ProcessEnv = process.env): ApiConfig {
  return loadConfig(apiConfigSchema, env);
}
