import { Module } from '@nestjs/common';
import {
  Clock,
  CycleAlertRepository,
  GetDependencySubgraphUseCase,
  GetIngestionUseCase,
  GraphRepository,
  GraphSnapshotCache,
  IngestionQueue,
  IngestionRepository,
  ListCycleAlertsUseCase,
  ListServicesUseCase,
  SubmitIngestionUseCase,
  UpdateCycleAlertUseCase,
} from '@slo-engine/core';
import { CyclesController, IngestionController, ServicesController } from './graph.controllers';
import { GraphMetrics } from './graph-metrics';
import { SubgraphJsonWriter } from './subgraph-json';

/** FR-1: ingestion, subgraph queries, services and cycle alerts. Use cases are plain classes. */
@Module({
  controllers: [IngestionController, ServicesController, CyclesController],
  providers: [
    // One per process: its cache of serialised services and edges follows the graph version.
    SubgraphJsonWriter,
    GraphMetrics,
    {
      provide: SubmitIngestionUseCase,
      useFactory: (i: IngestionRepository, q: IngestionQueue, c: Clock) =>
        new SubmitIngestionUseCase(i, q, c),
      inject: [IngestionRepository, IngestionQueue, Clock],
    },
    {
      provide: GetIngestionUseCase,
      useFactory: (i: IngestionRepository) => new GetIngestionUseCase(i),
      inject: [IngestionRepository],
    },
    {
      provide: GetDependencySubgraphUseCase,
      useFactory: (cache: GraphSnapshotCache) => new GetDependencySubgraphUseCase(cache),
      inject: [GraphSnapshotCache],
    },
    {
      provide: ListServicesUseCase,
      useFactory: (g: GraphRepository) => new ListServicesUseCase(g),
      inject: [GraphRepository],
    },
    {
      provide: ListCycleAlertsUseCase,
      useFactory: (a: CycleAlertRepository) => new ListCycleAlertsUseCase(a),
      inject: [CycleAlertRepository],
    },
    {
      provide: UpdateCycleAlertUseCase,
      useFactory: (a: CycleAlertRepository, c: Clock) => new UpdateCycleAlertUseCase(a, c),
      inject: [CycleAlertRepository, Clock],
    },
  ],
})
export class GraphModule {}
