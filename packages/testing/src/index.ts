export {
  createTestDatabase,
  createTestRedis,
  type TestDatabase,
  type TestRedis,
} from './isolation';
export {
  LOCAL_POSTGRES_URL,
  LOCAL_REDIS_URL,
  resolvePostgres,
  resolveRedis,
  startEmbeddedPostgres,
  type ResolvedServer,
  type ServerSource,
} from './servers';
export { dockerEngineAnswers, tcpOpen } from './probe';
export {
  prometheusAvailable,
  prometheusBinaries,
  startPrometheus,
  type BackfilledPart,
  type OpenMetricsSource,
  type PrometheusBinaries,
  type StartedPrometheus,
  type StartPrometheusOptions,
} from './prometheus';
export {
  startLocalIdentityProvider,
  type LocalIdentityProvider,
  type SignOptions,
} from './identity-provider';
export {
  nearestRankPercentile,
  SLO_METRICS_OUTPUT_VARIABLE,
  SloMetricsExportError,
  SloMetricsRecorder,
  type SloMetricsExportErrorCode,
  type SloMetricsSummary,
} from './metrics-export';
export {
  createTestPki,
  TestPkiError,
  type PemPair,
  type TestClientCertificate,
  type TestPki,
  type TestPkiErrorCode,
} from './test-pki';
