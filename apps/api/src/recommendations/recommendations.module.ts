import { Module } from '@nestjs/common';
import {
  Clock,
  GetSloRecommendationsUseCase,
  GraphSnapshotCache,
  RecommendationGenerator,
  RecommendationRepository,
  TelemetrySource,
} from '@slo-engine/core';
import { RecommendationsController } from './recommendations.controller';

/** FR-2/FR-3/FR-7: SLO recommendations. The telemetry source is bound by TelemetryModule. */
@Module({
  controllers: [RecommendationsController],
  providers: [
    {
      provide: RecommendationGenerator,
      useFactory: (telemetry: TelemetrySource) => new RecommendationGenerator(telemetry),
      inject: [TelemetrySource],
    },
    {
      provide: GetSloRecommendationsUseCase,
      useFactory: (
        snapshots: GraphSnapshotCache,
        recommendations: RecommendationRepository,
        generator: RecommendationGenerator,
        clock: Clock,
      ) => new GetSloRecommendationsUseCase(snapshots, recommendations, generator, clock),
      inject: [GraphSnapshotCache, RecommendationRepository, RecommendationGenerator, Clock],
    },
  ],
})
export class RecommendationsModule {}
