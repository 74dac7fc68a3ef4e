import { boolean, int, oneOf, string, url } from './config-schema';
import { type ConfigOf } from './config-schema';
import { defineConfig } from './load-config';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const NODE_ENVS = ['development', 'test', 'production'] as const;

/**
 * The variables every SLO Engine app shares. Spread it into an app's own schema:
 *
 * ```ts
 * const apiConfigSchema = defineConfig({ ...platformConfigSchema, PORT: int({ min: 1, max: 65535, default: 8000 }) });
 * ```
 */
export const platformConfigSchema = defineConfig({
  NODE_ENV: oneOf(NODE_ENVS, { default: 'development' }),
  PORT: int({ min: 1, max: 65535, default: 8000 }),
  LOG_LEVEL: oneOf(LOG_LEVELS, { default: 'info' }),
  /** Absent = embedded mode (a local PostgreSQL started by the app). */
  DATABASE_URL: url({ protocols: ['postgres', 'postgresql'], optional: true }),
  REDIS_URL: url({ protocols: ['redis', 'rediss'], optional: true }),
  PROMETHEUS_URL: url({ protocols: ['http', 'https'], optional: true }),
  OTEL_EXPORTER_OTLP_ENDPOINT: url({ protocols: ['http', 'https'], optional: true }),
  OTEL_SERVICE_NAME: string({ minLength: 1, maxLength: 128, default: 'slo-engine' }),
  METRICS_ENABLED: boolean({ default: true }),
  /** Tracing also needs OTEL_EXPORTER_OTLP_ENDPOINT; without it spans stay no-ops. */
  TRACING_ENABLED: boolean({ default: false }),
  /** Largest accepted request body; larger ones answer 413. */
  BODY_LIMIT_BYTES: int({ min: 1024, max: 1024 * 1024 * 1024, default: 10 * 1024 * 1024 }),
  /** Trust X-Forwarded-* headers (behind an ingress or load balancer). */
  TRUST_PROXY: boolean({ default: false }),
  /**
   * Serve HTTPS (TLS 1.3 only, SEC-001) with this PEM certificate chain and key; set both or
   * neither. Without them the app serves plain HTTP for a TLS-terminating ingress or mesh.
   */
  TLS_CERT_FILE: string({ minLength: 1, maxLength: 4096, optional: true }),
  TLS_KEY_FILE: string({ minLength: 1, maxLength: 4096, optional: true }),
});

export type PlatformConfig = ConfigOf<typeof platformConfigSchema>;
