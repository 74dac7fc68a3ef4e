export {
  DomainError,
  DomainErrorCodes,
  type DomainErrorCode,
  type FieldError,
} from './shared/domain-error';
export { Clock, SystemClock } from './shared/clock.port';
export { type Page, type PageRequest } from './shared/pagination';
export * from './graph/graph.types';
export * from './graph/graph.ports';

// FR-1 use cases and services.
export {
  EDGE_ATTRIBUTE_KEYS,
  DEFAULT_EDGE_ATTRIBUTES,
  compareSourcePriority,
  completeEdgeAttributes,
  edgeAttributeConflicts,
  mergeEdgeObservations,
  sameEdgeAttributes,
  sameJsonValue,
} from './graph/edge-merge';
export { compareIds, cyclesOf, directedGraphOf, type GraphCycle } from './graph/graph-cycles';
export { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from './graph/input-validation';
export {
  SubmitIngestionUseCase,
  estimateCompletionSeconds,
  ESTIMATED_ROWS_PER_SECOND,
  MAX_REPORTED_FIELD_ERRORS,
} from './graph/submit-ingestion/submit-ingestion.use-case';
export {
  type SubmitIngestionInput,
  type SubmitIngestionOutput,
} from './graph/submit-ingestion/submit-ingestion.types';
export {
  ProcessIngestionUseCase,
  DEFAULT_STALENESS_WINDOW_MS,
  INTERNAL_FAILURE_MESSAGE,
  MAX_REPORTED_DIVERGENCES,
} from './graph/process-ingestion/process-ingestion.use-case';
export {
  type ProcessIngestionInput,
  type ProcessIngestionOptions,
  type ProcessIngestionOutcome,
} from './graph/process-ingestion/process-ingestion.types';
export {
  FailStalledIngestionsUseCase,
  DEFAULT_INGESTION_STALL_TIMEOUT_MS,
  type FailStalledIngestionsOutput,
} from './graph/fail-stalled-ingestions/fail-stalled-ingestions.use-case';
export { GetIngestionUseCase } from './graph/get-ingestion/get-ingestion.use-case';
export { type GetIngestionInput } from './graph/get-ingestion/get-ingestion.types';
export {
  GraphSnapshot,
  type GraphView,
  type SnapshotCycle,
} from './graph/graph-snapshot/graph-snapshot';
export { GraphSnapshotCache } from './graph/graph-snapshot/graph-snapshot-cache';
export { GetDependencySubgraphUseCase } from './graph/get-dependency-subgraph/get-dependency-subgraph.use-case';
export {
  DEFAULT_SUBGRAPH_DEPTH,
  MAX_SUBGRAPH_DEPTH,
  DEFAULT_SUBGRAPH_MAX_NODES,
  MAX_SUBGRAPH_MAX_NODES,
  SUBGRAPH_DIRECTIONS,
  type DependencySubgraph,
  type GetDependencySubgraphInput,
  type SubgraphCycle,
  type SubgraphDirection,
  type SubgraphEdge,
  type SubgraphNode,
} from './graph/get-dependency-subgraph/get-dependency-subgraph.types';
export { ListServicesUseCase } from './graph/list-services/list-services.use-case';
export { type ListServicesInput } from './graph/list-services/list-services.types';
export { ListCycleAlertsUseCase } from './graph/list-cycle-alerts/list-cycle-alerts.use-case';
export { type ListCycleAlertsInput } from './graph/list-cycle-alerts/list-cycle-alerts.types';
export {
  UpdateCycleAlertUseCase,
  CYCLE_ALERT_TRANSITIONS,
} from './graph/update-cycle-alert/update-cycle-alert.use-case';
export { type UpdateCycleAlertInput } from './graph/update-cycle-alert/update-cycle-alert.types';

// Test doubles and in-memory stores (unit tests, app tests, demos; not production storage).
export {
  InMemoryGraphStores,
  InMemoryGraphRepository,
  InMemoryIngestionRepository,
  InMemoryCycleAlertRepository,
  InMemoryUnitOfWork,
  InlineIngestionQueue,
  sequentialUuids,
  type InMemoryGraphStoresOptions,
} from './graph/testing/in-memory-graph-stores';
export { FixedClock } from './shared/testing/fixed-clock';

// FR-2/FR-3/FR-6/FR-7: recommendations and the telemetry they read.
export * from './recommendations/telemetry.port';
export * from './recommendations/recommendation.types';
export * from './recommendations/recommendation.ports';
export {
  GetSloRecommendationsUseCase,
  SLI_TYPE_CHOICES,
  DEFAULT_LOOKBACK_DAYS,
  MIN_LOOKBACK_DAYS,
  MAX_LOOKBACK_DAYS,
  type GetSloRecommendationsInput,
  type RecommendationSource,
  type SliTypeChoice,
  type SloRecommendations,
} from './recommendations/get-slo-recommendations/get-slo-recommendations.use-case';
export {
  RecommendationGenerator,
  MIN_HISTORY_DAYS,
  COLD_START_LOOKBACK_DAYS,
  RECOMMENDATION_TTL_MS,
} from './recommendations/get-slo-recommendations/recommendation-generator';
export {
  AggregateSlisUseCase,
  type AggregateSlisInput,
  type AggregateSlisOutput,
} from './recommendations/aggregate-slis/aggregate-slis.use-case';
export {
  ARCHETYPE_BASELINES,
  archetypeOf,
  type ArchetypeBaseline,
} from './recommendations/archetypes';
export {
  AVAILABILITY_FEATURES,
  balancedAvailability,
  floorTarget,
  recommendAvailability,
  type AvailabilityEvidence,
} from './recommendations/availability-recommendation';
export {
  LATENCY_FEATURES,
  LATENCY_NOTE,
  balancedLatency,
  ceilLatency,
  noiseMarginFor,
  recommendLatency,
  type LatencyEvidence,
} from './recommendations/latency-recommendation';
export {
  analyseComposite,
  dependencyClosure,
  type CompositeAnalysis,
  type DependencyClosure,
} from './recommendations/dependency-analysis';
export { shapleyValues, MAX_SHAPLEY_FEATURES } from './recommendations/explanation/shapley';
export {
  completenessOf,
  histogramQuantile,
  overallAvailability,
  sumHistograms,
  windowAvailabilities,
  windowLatencyQuantiles,
} from './recommendations/telemetry-analysis';
export { seededRandomFrom } from './shared/seeded-random';
export {
  ScriptedTelemetrySource,
  type ScriptedService,
} from './recommendations/testing/scripted-telemetry-source';

// Recommendation storage: in-memory stores, and the contract every implementation passes.
export {
  InMemoryRecommendationRepository,
  InMemorySliAggregateRepository,
  type InMemoryRecommendationRepositoryOptions,
  type KnownServices,
} from './recommendations/testing/in-memory-recommendation-stores';
export {
  contractRecommendation,
  describeRecommendationStoresContract,
  type RecommendationStoresContractOptions,
  type RecommendationStoresFactory,
  type RecommendationStoresUnderTest,
} from './recommendations/testing/recommendation-stores.contract';
export {
  assertStorableAggregates,
  assertStorableRecommendations,
} from './recommendations/recommendation-store-rules';

// FR-4: impact analysis of a proposed availability target.
export {
  analyseImpact,
  type ImpactAnalysis,
  type ImpactAnalysisInput,
  type ImpactAnalysisSummary,
  type ImpactedService,
  type ImpactRelationship,
} from './slos/impact-analysis/impact-analysis';
export { unobservedPlannedAvailability } from './recommendations/dependency-analysis';

// FR-5: SLO lifecycle contracts.
export * from './slos/slo.types';
export * from './slos/slo.ports';
export * from './slos/decide-recommendation/decide-recommendation.types';

// FR-8 / SEC-009: rate limiting per caller and route (GCRA token bucket) and its response headers.
export {
  RateLimiter,
  type RateLimitDecision,
  type RateLimitRule,
} from './access/rate-limiter.port';
export { decideGcra, gcraIntervalMicros, type GcraOutcome } from './access/rate-limit.gcra';
export { rateLimitHeaders, type RateLimitHeaders } from './access/rate-limit-headers';
export {
  InMemoryRateLimiter,
  DEFAULT_IN_MEMORY_RATE_LIMIT_KEYS,
  type InMemoryRateLimiterOptions,
} from './access/in-memory-rate-limiter';
export {
  describeRateLimiterContract,
  sleepAtLeast,
  type RateLimiterContractOptions,
  type RateLimiterFactory,
} from './access/rate-limiter.contract';

// FR-8 / SEC-002 / SEC-003: credentials (API keys, OIDC bearer tokens).
export { ACCESS_ROLES, isAccessRole, type AccessRole } from './access/access-role';
export {
  ACCESS_TOKEN_FAILURE_REASONS,
  API_KEY_FAILURE_REASONS,
  CredentialErrorCodes,
  INVALID_API_KEY_MESSAGE,
  INVALID_TOKEN_MESSAGE,
  JWKS_UNAVAILABLE_MESSAGE,
  accessTokenFailureReason,
  invalidAccessToken,
  invalidApiKey,
  type AccessTokenFailureReason,
  type ApiKeyFailureReason,
} from './access/credential-errors';
export { AccessTokenVerifier, type VerifiedAccessToken } from './access/access-token.port';
export { type ApiKey, type StoredApiKey } from './access/api-keys/api-key.types';
export { ApiKeyRepository, SecretHasher, type RandomBytes } from './access/api-keys/api-key.ports';
export {
  API_KEY_ID_LENGTH,
  API_KEY_PREFIX,
  API_KEY_SECRET_BYTES,
  cryptoRandomBytes,
  formatApiKey,
  isApiKeyId,
  newApiKeyId,
  newApiKeySecret,
  newRawApiKey,
  parseApiKey,
} from './access/api-keys/api-key-format';
export {
  ApiKeyVerificationCache,
  DEFAULT_API_KEY_CACHE_ENTRIES,
  DEFAULT_API_KEY_CACHE_TTL_MS,
  type ApiKeyVerificationCacheOptions,
} from './access/api-keys/api-key-verification-cache';
export {
  CreateApiKeyUseCase,
  MAX_API_KEY_NAME_LENGTH,
  MAX_API_KEY_TEAM_LENGTH,
} from './access/api-keys/create-api-key/create-api-key.use-case';
export {
  type CreateApiKeyInput,
  type CreatedApiKey,
} from './access/api-keys/create-api-key/create-api-key.types';
export {
  ListApiKeysUseCase,
  type ListApiKeysInput,
} from './access/api-keys/list-api-keys/list-api-keys.use-case';
export {
  RevokeApiKeyUseCase,
  type RevokeApiKeyInput,
} from './access/api-keys/revoke-api-key/revoke-api-key.use-case';
export {
  AuthenticateApiKeyUseCase,
  DEFAULT_LAST_USED_INTERVAL_MS,
  type AuthenticateApiKeyInput,
  type AuthenticateApiKeyOptions,
} from './access/api-keys/authenticate-api-key/authenticate-api-key.use-case';
export { InMemoryApiKeyRepository } from './access/testing/in-memory-api-key-repository';
export { FastTestSecretHasher } from './access/testing/fast-test-secret-hasher';
export { seededRandomBytes } from './access/testing/seeded-random-bytes';
export {
  contractApiKey,
  describeApiKeyRepositoryContract,
  type ApiKeyRepositoryFactory,
} from './access/testing/api-key-repository.contract';

// FR-4 impact analysis use case and FR-10 burn-rate alert export (helper I).
export {
  AnalyseImpactUseCase,
  IMPACT_OBSERVED_WINDOW,
  IMPACT_SLI_TYPES,
  type AnalyseImpactInput,
  type ImpactAnalysisReport,
  type ImpactSliType,
  type ProposedAvailabilityChange,
} from './slos/impact-analysis/analyse-impact.use-case';
export {
  DEFAULT_SLO_ALERT_FORMAT,
  DEFAULT_SLO_PERIOD_DAYS,
  ExportSloAlertsUseCase,
  SLO_ALERT_FORMATS,
  SloAlertErrorCodes,
  type ExportSloAlertsInput,
  type ExportSloAlertsOptions,
  type SloAlertFormat,
  type SloAlertsExport,
} from './slos/alerts/export-slo-alerts.use-case';
export {
  OPENSLO_SERVICE_ID_ANNOTATION,
  openSloDocumentsFor,
  prometheusAlertRulesFor,
  sloRatioObjectives,
  type AlertableSlo,
  type SloMetricNaming,
  type SloObjectiveName,
  type SloRatioObjective,
} from './slos/alerts/slo-alert-definitions';

// FR-5: SLO lifecycle use cases, error codes, in-memory stores and their contract.
export { SloErrorCodes, type SloErrorCode } from './slos/slo-error-codes';
export { DecideRecommendationUseCase } from './slos/decide-recommendation/decide-recommendation.use-case';
export {
  GetActiveSloUseCase,
  type GetActiveSloInput,
} from './slos/get-active-slo/get-active-slo.use-case';
export {
  GetSloHistoryUseCase,
  type GetSloHistoryInput,
} from './slos/get-slo-history/get-slo-history.use-case';
export {
  VerifyAuditChainUseCase,
  DEFAULT_VERIFY_BATCH_SIZE,
  type AuditChainVerification,
  type BrokenLink,
  type BrokenLinkReason,
  type VerifyAuditChainOptions,
} from './slos/verify-audit-chain/verify-audit-chain.use-case';
export {
  InMemorySloStores,
  DecidedRecommendations,
  type InMemorySloStoresOptions,
} from './slos/testing/in-memory-slo-stores';
export {
  describeSloStoresContract,
  type SloStoresContractOptions,
  type SloStoresFactory,
  type SloStoresUnderTest,
} from './slos/testing/slo-stores.contract';

// FR-12: organisational dashboard (coverage, error-budget health, recommendation quality).
export * from './dashboard/dashboard.types';
export { DashboardReadModel } from './dashboard/dashboard-read-model.port';
export {
  budgetBucketOf,
  budgetCellsOf,
  budgetConsumed,
  budgetConsumptionsOf,
  coverageCellsOf,
  coverageReport,
  dashboardTeamOf,
  errorBudgetHealthReport,
  isDashboardService,
  mostConsumedOf,
  ofTeam,
  qualityCellsOf,
  recommendationQualityReport,
  type DashboardSources,
} from './dashboard/dashboard-definitions';
export {
  GetCoverageUseCase,
  type GetCoverageInput,
} from './dashboard/get-coverage/get-coverage.use-case';
export {
  GetErrorBudgetHealthUseCase,
  type GetErrorBudgetHealthInput,
} from './dashboard/get-error-budget-health/get-error-budget-health.use-case';
export {
  GetRecommendationQualityUseCase,
  type GetRecommendationQualityInput,
} from './dashboard/get-recommendation-quality/get-recommendation-quality.use-case';
export {
  RefreshDashboardUseCase,
  type RefreshDashboardInput,
  type RefreshDashboardOutput,
} from './dashboard/refresh-dashboard/refresh-dashboard.use-case';
export { InMemoryDashboardReadModel } from './dashboard/testing/in-memory-dashboard-read-model';
export {
  contractDashboardSources,
  describeDashboardReadModelContract,
  randomDashboardSources,
  type DashboardReadModelFactory,
  type DashboardReadModelUnderTest,
} from './dashboard/testing/dashboard-read-model.contract';

// FR-11: auto-approval rules, and the hook that tells them about freshly generated recommendations.
export {
  RecommendationsGeneratedListener,
  type RecommendationsGeneratedHook,
} from './recommendations/get-slo-recommendations/recommendations-generated.port';
export * from './auto-approval/auto-approval.types';
export * from './auto-approval/auto-approval.ports';
export {
  activeSloHolds,
  autoApprovalHold,
  autoApprovalRationale,
  candidateOf,
  compareRuleNames,
  firstMatchingRule,
  matchesConditions,
  recommendationConfidence,
  summarizeRecommendation,
  tierTarget,
  type AutoApprovalHoldReason,
} from './auto-approval/auto-approval-matching';
export {
  CreateAutoApprovalRuleUseCase,
  type CreateAutoApprovalRuleInput,
} from './auto-approval/create-auto-approval-rule/create-auto-approval-rule.use-case';
export { ListAutoApprovalRulesUseCase } from './auto-approval/list-auto-approval-rules/list-auto-approval-rules.use-case';
export { GetAutoApprovalRuleUseCase } from './auto-approval/get-auto-approval-rule/get-auto-approval-rule.use-case';
export {
  UpdateAutoApprovalRuleUseCase,
  type UpdateAutoApprovalRuleInput,
} from './auto-approval/update-auto-approval-rule/update-auto-approval-rule.use-case';
export { DeleteAutoApprovalRuleUseCase } from './auto-approval/delete-auto-approval-rule/delete-auto-approval-rule.use-case';
export {
  DryRunAutoApprovalRuleUseCase,
  type DryRunAutoApprovalRuleInput,
  type DryRunHold,
  type DryRunMatch,
  type DryRunResult,
} from './auto-approval/dry-run-auto-approval-rule/dry-run-auto-approval-rule.use-case';
export {
  AutoApproveRecommendationsUseCase,
  type AutoApprovalOutcome,
} from './auto-approval/auto-approve-recommendations/auto-approve-recommendations.use-case';
export {
  InMemoryAutoApprovalRuleRepository,
  RepositoryActiveRecommendationReader,
} from './auto-approval/testing/in-memory-auto-approval-stores';
export {
  contractRule,
  describeAutoApprovalRuleRepositoryContract,
  type AutoApprovalRuleRepositoryFactory,
} from './auto-approval/testing/auto-approval-rule-repository.contract';

// FR-4 performance: fleet-wide latestValues reads kept in memory for a short TTL.
export {
  CachingSliAggregateRepository,
  DEFAULT_LATEST_VALUES_MAX_ENTRIES,
  DEFAULT_LATEST_VALUES_TTL_MS,
  type CachingSliAggregateRepositoryOptions,
} from './recommendations/caching-sli-aggregate-repository';

// Issue 6: the controller registry store's in-memory implementation and the contract every
// store passes (the port itself is exported with the controller's ports).
export {
  InMemoryRegistryBacking,
  InMemoryRegistryStore,
} from './controller/testing/in-memory-registry-store';
export {
  CONTRACT_LARGE_FLEET,
  contractCanary,
  contractCapability,
  contractMinimalCapability,
  contractWorker,
  describeRegistryStoreContract,
  sortedSnapshot,
  type RegistryStoreBacking,
  type RegistryStoreFactory,
} from './controller/testing/registry-store.contract';

// Controller (spec 002/000/003): ports, the worker directory, routing and invocation.
export { ControllerErrorCodes, type ControllerErrorCode } from './controller/controller-errors';
export {
  RegistryStore,
  type ControllerSnapshot,
  type StoredCanaryPolicy,
  type StoredWorker,
  type WorkerHeartbeat,
} from './controller/registry-store.port';
export {
  WorkerInvoker,
  type InvocationFailureReason,
  type InvocationOutcome,
  type WorkerInvocation,
} from './controller/worker-invoker.port';
export {
  WorkerUrlGuard,
  type WorkerUrlRejection,
  type WorkerUrlVerdict,
} from './controller/worker-url-guard.port';
export {
  SloDefinitionSource,
  type SloDefinitionEntry,
  type SloLoadReport,
} from './controller/slo-definition-source.port';
export {
  WorkerDirectory,
  type CallerIdentity,
  type RegistryStoreOperation,
  type WorkerDirectoryOptions,
} from './controller/worker-directory';
export {
  CapabilityRouter,
  type RouteDecision,
  type RouteQuery,
} from './controller/capability-router';
export {
  InvokeCapabilityUseCase,
  succeeded,
  type InvocationResponse,
  type InvokeCapabilityInput,
  type InvokeCapabilityOptions,
  type InvokeCapabilityOutput,
} from './controller/invoke/invoke-capability.use-case';

// Controller (issue 6): SLO enforcement over rolling SLIs, and canary policies with automatic rollback.
export {
  SloBook,
  DEFAULT_SLO_EVALUATION_CACHE_MS,
  DEFAULT_SLO_MIN_REQUESTS,
  DEFAULT_SLO_RETRY_AFTER_SECONDS,
  type RequestPriority,
  type SloAdmission,
  type SloBookOptions,
  type SloEvaluation,
  type SloEvaluationMetric,
  type SloEvaluationViolation,
} from './controller/slo-enforcement/slo-book';
export {
  CanaryBook,
  CANARY_AUTO_ROLLBACK_ACTOR,
  DEFAULT_CANARY_BURN_RATE_FACTOR,
  DEFAULT_CANARY_MIN_REQUESTS,
  DEFAULT_CANARY_ROLLBACK_AFTER,
  type CanaryBookOptions,
  type CanaryRollback,
  type CanaryStatus,
  type SkippedCanaryPolicy,
} from './controller/canary/canary-book';

// Owner notifications (spec 004 FR-9): the port; adapters deliver signed webhooks.
export {
  Notifier,
  type NotificationOutcome,
  type OwnerNotification,
  type OwnerNotificationType,
} from './notifications/notifier.port';
