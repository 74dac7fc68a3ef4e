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
