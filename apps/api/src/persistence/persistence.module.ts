import {
  type DynamicModule,
  Global,
  Logger,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import {
  ActiveSloRepository,
  CachingSliAggregateRepository,
  Clock,
  CycleAlertRepository,
  FailStalledIngestionsUseCase,
  GraphRepository,
  GraphSnapshotCache,
  IngestionQueue,
  IngestionRepository,
  ProcessIngestionUseCase,
  RecommendationRepository,
  SliAggregateRepository,
  SloAuditLogRepository,
  SloLifecycleStore,
  SystemClock,
  UnitOfWork,
} from '@slo-engine/core';
import {
  InProcessIngestionQueue,
  PostgresActiveSloRepository,
  PostgresCycleAlertRepository,
  PostgresGraphRepository,
  PostgresIngestionRepository,
  PostgresRecommendationRepository,
  PostgresSliAggregateRepository,
  PostgresSloAuditLogRepository,
  PostgresSloLifecycleStore,
  PostgresUnitOfWork,
} from '@slo-engine/adapters';
import { DataSource } from 'typeorm';
import { StalledIngestionSweeper } from './stalled-ingestion-sweeper';

export interface PersistenceOptions {
  readonly dataSource: DataSource;
  readonly stalenessWindowMs: number;
  /** An ingestion unfinished this long after submission is failed as lost. */
  readonly ingestionStallTimeoutMs: number;
}

/** How often the stalled-ingestion sweep runs: a tenth of the timeout, at most once a minute. */
function sweepIntervalMs(timeoutMs: number): number {
  return Math.max(60_000, Math.round(timeoutMs / 10));
}

/** Drains the in-process queue on shutdown, so an accepted ingestion is not cut off mid-way. */
class IngestionQueueShutdown implements OnApplicationShutdown {
  constructor(private readonly queue: IngestionQueue) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.queue instanceof InProcessIngestionQueue) await this.queue.drain();
  }
}

/**
 * Binds the core's ports to the PostgreSQL adapters and the in-process ingestion queue. Global, so
 * feature modules and readiness checks inject ports without importing it.
 */
@Global()
@Module({})
export class PersistenceModule {
  static forRoot(options: PersistenceOptions): DynamicModule {
    const logger = new Logger('IngestionQueue');
    return {
      module: PersistenceModule,
      providers: [
        { provide: DataSource, useValue: options.dataSource },
        { provide: Clock, useClass: SystemClock },
        {
          provide: GraphRepository,
          useFactory: (ds: DataSource) => new PostgresGraphRepository(ds.manager),
          inject: [DataSource],
        },
        {
          provide: IngestionRepository,
          useFactory: (ds: DataSource) => new PostgresIngestionRepository(ds.manager),
          inject: [DataSource],
        },
        {
          provide: CycleAlertRepository,
          useFactory: (ds: DataSource) => new PostgresCycleAlertRepository(ds.manager),
          inject: [DataSource],
        },
        {
          provide: RecommendationRepository,
          useFactory: (ds: DataSource) => new PostgresRecommendationRepository(ds.manager),
          inject: [DataSource],
        },
        // Fleet-wide latestValues reads (FR-4 impact analysis) are kept for 60 s: the aggregates
        // change hourly, so an answer lags the workers' newest aggregation by at most a minute.
        {
          provide: SliAggregateRepository,
          useFactory: (ds: DataSource, clock: Clock) =>
            new CachingSliAggregateRepository(
              new PostgresSliAggregateRepository(ds.manager),
              clock,
            ),
          inject: [DataSource, Clock],
        },
        {
          provide: UnitOfWork,
          useFactory: (ds: DataSource) => new PostgresUnitOfWork(ds),
          inject: [DataSource],
        },
        // FR-5: the SLO lifecycle (decisions run in their own READ COMMITTED transactions).
        {
          provide: ActiveSloRepository,
          useFactory: (ds: DataSource) => new PostgresActiveSloRepository(ds.manager),
          inject: [DataSource],
        },
        {
          provide: SloAuditLogRepository,
          useFactory: (ds: DataSource) => new PostgresSloAuditLogRepository(ds.manager),
          inject: [DataSource],
        },
        {
          provide: SloLifecycleStore,
          useFactory: (ds: DataSource) => new PostgresSloLifecycleStore(ds.manager),
          inject: [DataSource],
        },
        // One cache per process, shared by queries and ingestion processing.
        {
          provide: GraphSnapshotCache,
          useFactory: (g: GraphRepository) => new GraphSnapshotCache(g),
          inject: [GraphRepository],
        },
        {
          provide: ProcessIngestionUseCase,
          useFactory: (
            uow: UnitOfWork,
            ingestions: IngestionRepository,
            clock: Clock,
            snapshots: GraphSnapshotCache,
          ) =>
            new ProcessIngestionUseCase(
              uow,
              ingestions,
              clock,
              { stalenessWindowMs: options.stalenessWindowMs },
              snapshots,
            ),
          inject: [UnitOfWork, IngestionRepository, Clock, GraphSnapshotCache],
        },
        {
          provide: IngestionQueue,
          useFactory: (process: ProcessIngestionUseCase) =>
            new InProcessIngestionQueue({
              process: async (ingestionId, submission) => {
                const outcome = await process.execute(
                  submission === undefined ? { ingestionId } : { ingestionId, submission },
                );
                if (outcome.status === 'failed') {
                  logger.error(
                    { ingestionId, err: outcome.cause },
                    `ingestion failed: ${outcome.error}`,
                  );
                }
              },
              onError: (error, ingestionId) =>
                logger.error({ ingestionId, err: error }, 'ingestion processing crashed'),
            }),
          inject: [ProcessIngestionUseCase],
        },
        {
          provide: StalledIngestionSweeper,
          useFactory: (ingestions: IngestionRepository, clock: Clock) =>
            new StalledIngestionSweeper(
              new FailStalledIngestionsUseCase(ingestions, clock, {
                timeoutMs: options.ingestionStallTimeoutMs,
              }),
              sweepIntervalMs(options.ingestionStallTimeoutMs),
            ),
          inject: [IngestionRepository, Clock],
        },
        {
          provide: IngestionQueueShutdown,
          useFactory: (q: IngestionQueue) => new IngestionQueueShutdown(q),
          inject: [IngestionQueue],
        },
      ],
      exports: [
        DataSource,
        Clock,
        GraphRepository,
        IngestionRepository,
        CycleAlertRepository,
        RecommendationRepository,
        SliAggregateRepository,
        ActiveSloRepository,
        SloAuditLogRepository,
        SloLifecycleStore,
        UnitOfWork,
        IngestionQueue,
        ProcessIngestionUseCase,
        GraphSnapshotCache,
      ],
    };
  }
}
