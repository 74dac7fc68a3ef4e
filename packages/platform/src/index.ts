// Config
export {
  type ConfigField,
  type ConfigOf,
  type ConfigSchema,
  type FieldResult,
  boolean,
  duration,
  int,
  oneOf,
  redactUrl,
  string,
  url,
} from './config/config-schema';
export {
  ConfigError,
  type ConfigProblem,
  type Environment,
  defineConfig,
  loadConfig,
} from './config/load-config';
export {
  LOG_LEVELS,
  type LogLevel,
  NODE_ENVS,
  type PlatformConfig,
  platformConfigSchema,
} from './config/platform-config';

// Problem details and validation
export {
  PLAIN_HTTP_PROBLEM_TYPE,
  PROBLEM_CONTENT_TYPE,
  PROBLEM_TYPE_BASE,
  type ProblemDetails,
  VALIDATION_ERROR_CODE,
  httpCodeFor,
  problemTypeFor,
} from './problem-details/problem-details';
export {
  ProblemDetailsFilter,
  type ProblemDetailsFilterOptions,
  type ProblemLogger,
  UNEXPECTED_ERROR_DETAIL,
} from './problem-details/problem-details.filter';
export {
  RequestValidationException,
  createValidationPipe,
  flattenValidationErrors,
} from './problem-details/request-validation.exception';

// Correlation id
export { CORRELATION_ID_HEADER, resolveCorrelationId } from './correlation/correlation-id';

// Logging
export { type CreateLoggerOptions, REDACTED_PATHS, createLogger } from './logging/create-logger';
export { LoggingModule, type LoggingModuleOptions, ROOT_LOGGER } from './logging/logging.module';

// Metrics
export {
  HTTP_DURATION_BUCKETS,
  MetricsRegistry,
  type MetricsRegistryOptions,
  UNMATCHED_ROUTE,
} from './metrics/metrics-registry';
export { MetricsModule, type MetricsModuleOptions } from './metrics/metrics.module';

// Tracing
export { activeTraceFields } from './tracing/active-trace';
export { installRequestTracing } from './tracing/request-tracing';
export {
  type StartTracingOptions,
  type StopTracing,
  type TracingConfig,
  startTracing,
} from './tracing/start-tracing';

// Health
export {
  type CheckReport,
  ReadinessCheck,
  type ReadinessReport,
  runReadinessChecks,
} from './health/readiness-check';
export { HealthModule, type HealthModuleOptions, READINESS_CHECKS } from './health/health.module';

// OpenAPI
export {
  ApiProblemResponse,
  FieldErrorSchema,
  ProblemDetailsSchema,
} from './openapi/problem-details.schema';
export { type OpenApiOptions, buildOpenApiDocument, setupOpenApi } from './openapi/setup-openapi';
export { writeOpenApiFile } from './openapi/write-openapi-file';

// Bootstrap
export {
  type ConfigureAppOptions,
  type CreateFastifyAppOptions,
  type FastifyAppConfig,
  configureApp,
  createFastifyAdapter,
  createFastifyApp,
} from './bootstrap/create-fastify-app';

// Access control: every route declares its role and rate limit; the guard resolves the principal.
export {
  ACCESS_METADATA,
  Access,
  type AccessRule,
  PublicRoute,
  type PublicAccess,
  ROLES,
  type Role,
  type RouteAccess,
  isPublicAccess,
  roleSatisfies,
} from './auth/access';
export { CurrentPrincipal, type Principal, type RequestWithPrincipal } from './auth/principal';
export {
  AUTHENTICATE_CHALLENGE,
  AccessErrorCodes,
  AccessGuard,
  Authenticator,
  ServiceTeams,
  accessGuardStatusByCode,
} from './auth/access.guard';
export { AccessControlModule, type AccessModuleOptions } from './auth/access.module';
export { installSecurityHeaders, tlsOptionsOf } from './bootstrap/create-fastify-app';
export { API_KEY_SCHEME, BEARER_SCHEME } from './auth/access';
