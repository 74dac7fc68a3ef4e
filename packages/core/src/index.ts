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
