export {
  createDataSource,
  type DataSourceSettings,
  MIGRATIONS,
  MIGRATIONS_TABLE,
} from './postgres/data-source';
export {
  MIGRATION_LOCK_KEY,
  revertAllMigrations,
  revertLastMigration,
  runMigrations,
} from './postgres/migrate';
export { GraphSchema1763900000000 } from './postgres/migrations/1763900000000-graph-schema';
export {
  PostgresGraphRepository,
  type PostgresGraphRepositoryOptions,
} from './postgres/graph.repository';
export { PostgresIngestionRepository } from './postgres/ingestion.repository';
export { PostgresCycleAlertRepository } from './postgres/cycle-alert.repository';
export { createGraphStores, PostgresUnitOfWork } from './postgres/unit-of-work';
export {
  InProcessIngestionQueue,
  type InProcessIngestionQueueOptions,
} from './in-process/in-process-ingestion-queue.adapter';

// Recommendation storage (spec 004 FR-2 slo_recommendations, FR-6 sli_aggregates).
export { Recommendations1764100000000 } from './postgres/migrations/1764100000000-recommendations';
export { PostgresRecommendationRepository } from './postgres/recommendation.repository';
export { PostgresSliAggregateRepository } from './postgres/sli-aggregate.repository';

// Telemetry from Prometheus or Mimir (spec 004 FR-6, §6.1).
export {
  PrometheusTelemetrySource,
  PROMETHEUS_QUERY_PURPOSES,
  PROMETHEUS_TELEMETRY_DEFAULTS,
  type PrometheusTelemetrySourceOptions,
} from './prometheus/prometheus-telemetry.adapter';
export {
  apiTime,
  PrometheusHttpClient,
  PROMETHEUS_HTTP_DEFAULTS,
  type PrometheusAuth,
  type PrometheusCircuitBreakerOptions,
  type PrometheusErrorKind,
  type PrometheusHttpOptions,
  type PrometheusQueryEvent,
  type PrometheusQueryObserver,
  type PrometheusRetryOptions,
} from './prometheus/prometheus-http';
export {
  parseSampleValue,
  type Labels as PrometheusLabels,
  type MatrixSeries as PrometheusMatrixSeries,
  type VectorSample as PrometheusVectorSample,
} from './prometheus/prometheus-response';
export {
  assertSafeLabelValue,
  DEFAULT_PROMQL_TEMPLATES,
  escapePromqlString,
  escapeRegex,
  labelValueProblem,
  MAX_LABEL_VALUE_LENGTH,
  PromqlBuilder,
  promqlDuration,
  type LabelValueProblem,
  type PromqlTemplates,
} from './prometheus/promql';

// Synthetic telemetry: the seeded fleet model behind the embedded TelemetrySource, the
// OpenMetrics writer that backfills Prometheus with it, and recommendation backtests.
export {
  ARCHETYPE_PROFILES,
  createHourScratch,
  createTotals,
  DEFAULT_SYNTHETIC_TUNING,
  detectArchetype,
  HOUR_FIELDS,
  LATENCY_BUCKET_BOUNDS_MS,
  LATENCY_BUCKET_BOUNDS_SECONDS,
  resetTotals,
  SyntheticFleet,
  type SyntheticDrift,
  type SyntheticEdgeCriticality,
  type SyntheticEdgeInput,
  type SyntheticFleetOptions,
  type SyntheticFleetTuning,
  type SyntheticHour,
  type SyntheticHourScratch,
  type SyntheticIncident,
  type SyntheticServiceInput,
  type SyntheticServiceOverrides,
  type SyntheticServiceProfile,
  type SyntheticTotals,
} from './synthetic/synthetic-fleet';
export {
  SyntheticTelemetrySource,
  type SyntheticTelemetrySourceOptions,
} from './synthetic/synthetic-telemetry.adapter';
export {
  DEFAULT_OPENMETRICS_NAMES,
  writeOpenMetrics,
  type OpenMetricsMetricNames,
  type OpenMetricsOptions,
} from './synthetic/openmetrics';

// FR-8 / SEC-002 / SEC-003: API keys (scrypt hashes in api_keys) and OIDC bearer tokens (jose).
export { PostgresApiKeyRepository } from './postgres/api-key.repository';
export {
  DEFAULT_SCRYPT_COST,
  ScryptSecretHasher,
  type ScryptParameters,
} from './security/scrypt-secret-hasher';
export {
  ASYMMETRIC_JWS_ALGORITHMS,
  DEFAULT_ACCESS_TOKEN_ALGORITHMS,
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  DEFAULT_JWKS_CACHE_MAX_AGE_MS,
  DEFAULT_JWKS_COOLDOWN_MS,
  DEFAULT_JWKS_TIMEOUT_MS,
  DEFAULT_MAX_TOKEN_LENGTH,
  JoseAccessTokenVerifier,
  type JoseAccessTokenVerifierOptions,
} from './security/jose-access-token-verifier';

// Auto-approval rules (spec 004 FR-11).
export { AutoApproval1764300000000 } from './postgres/migrations/1764300000000-auto-approval';
export { PostgresAutoApprovalRuleRepository } from './postgres/auto-approval-rule.repository';
export { PostgresActiveRecommendationReader } from './postgres/active-recommendation.reader';

// FR-12: organisational dashboard over materialised views.
export { Dashboard1764400000000 } from './postgres/migrations/1764400000000-dashboard';
export { PostgresDashboardReadModel } from './postgres/dashboard.read-model';

// FR-5: SLO lifecycle (active_slos, the append-only hash-chained slo_audit_log).
export {
  APP_ROLE,
  AUDIT_CHAIN_LOCK_KEY,
  SloLifecycle1764200000000,
} from './postgres/migrations/1764200000000-slo-lifecycle';
export { PostgresActiveSloRepository } from './postgres/active-slo.repository';
export { PostgresSloAuditLogRepository } from './postgres/slo-audit-log.repository';
export { PostgresSloLifecycleStore } from './postgres/slo-lifecycle.store';

// FR-8 / SEC-009: rate limiting shared through Redis, with the per-instance fallback.
export {
  createRedisClient,
  REDIS_CLIENT_DEFAULTS,
  type RedisClientOptions,
} from './redis/redis-client';
export {
  RedisRateLimiter,
  DEFAULT_RATE_LIMIT_KEY_PREFIX,
  type RedisRateLimiterOptions,
} from './redis/redis-rate-limiter.adapter';
export {
  FallbackRateLimiter,
  type FallbackRateLimiterOptions,
} from './redis/fallback-rate-limiter';

// Idempotency records shared by every controller instance (issue 6): Lua scripts over Redis.
export {
  DEFAULT_IDEMPOTENCY_KEY_PREFIX,
  DEFAULT_LEASE_RETENTION_MARGIN_MS,
  RedisIdempotencyStore,
  RedisIdempotencyStoreErrorCodes,
  type RedisIdempotencyStoreOptions,
} from './redis/redis-idempotency-store';

// Issue 6: the controller's registry store (spec 002 persistence) in PostgreSQL and in a JSONL file.
export { ControllerRegistry1764600000000 } from './postgres/migrations/1764600000000-controller-registry';
export { PostgresRegistryStore } from './postgres/registry.store';
export {
  JSONL_REGISTRY_DEFAULTS,
  JSONL_REGISTRY_FORMAT_VERSION,
  JsonlRegistryErrorCodes,
  JsonlRegistryStore,
  type JsonlRegistryStoreOptions,
  type JsonlRegistryWarning,
} from './files/jsonl-registry.store';

// Issue 6: the controller's SLO files (spec 000) from a watched directory.
export {
  SLO_DIRECTORY_SOURCE_DEFAULTS,
  SloDirectorySource,
  type SloDirectoryLogger,
  type SloDirectorySourceOptions,
} from './files/slo-directory.source';

// Controller → worker HTTP (issue 6): SSRF-checked worker URLs and the invoker.
export { systemHostLookup, type HostLookup } from './http/host-lookup';
export {
  DEFAULT_RESOLUTION_TIMEOUT_MS,
  DnsWorkerUrlGuard,
  type DnsWorkerUrlGuardOptions,
} from './http/dns-worker-url-guard';
export {
  HTTP_WORKER_INVOKER_DEFAULTS,
  HttpWorkerInvoker,
  invokePath,
  type HttpWorkerInvokerOptions,
} from './http/http-worker-invoker';
export {
  QUEUE_SAFE_EVICTION_POLICY,
  RedisEvictionErrorCodes,
  assertQueueSafeRedis,
  redisEvictionPolicy,
} from './redis/redis-eviction-policy';

// Owner notifications as signed Standard Webhooks (spec 004 FR-9), and the connect-time SSRF
// lookup the webhook notifier shares with the worker invoker.
export { createGuardedLookup, ForbiddenAddressError } from './http/guarded-lookup';
export {
  MIN_WEBHOOK_SECRET_BYTES,
  signWebhook,
  verifyWebhook,
  WEBHOOK_NOTIFIER_DEFAULTS,
  WEBHOOK_USER_AGENT,
  WebhookErrorCodes,
  WebhookNotifier,
  webhookPayload,
  type WebhookDestination,
  type WebhookDestinations,
  type WebhookHeaders,
  type WebhookNotifierOptions,
  type WebhookSecret,
  type WebhookSignatureInput,
  type WebhookVerification,
  type WebhookVerifyOptions,
} from './http/webhook-notifier';
