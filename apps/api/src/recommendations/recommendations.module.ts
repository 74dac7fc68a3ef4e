import { Logger, Module } from '@nestjs/common';
import {
  Clock,
  GetSloRecommendationsUseCase,
  GraphSnapshotCache,
  RecommendationGenerator,
  RecommendationRepository,
  TelemetrySource,
} from '@slo-engine/core';
import { AutoApprovalListener } from '../auto-approval/auto-approval.listener';
import { AutoApprovalModule } from '../auto-approval/auto-approval.module';
import { RecommendationsController } from './recommendations.controller';

/**
 * FR-2/FR-3/FR-7: SLO recommendations. The telemetry source is bound by TelemetryModule. Freshly
 * generated recommendations go to auto-approval (FR-11) within the request; its failures are
 * logged and never fail the answer. (Evaluation moves to a queue once the workers exist.)
 */
@Module({
  imports: [AutoApprovalModule],
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
        autoApproval: AutoApprovalListener,
      ) => {
        const logger = new Logger('AutoApproval');
        return new GetSloRecommendationsUseCase(snapshots, recommendations, generator, clock, {
          listener: autoApproval,
          onListenerError: (error, stored) =>
            logger.error(
              { err: error, recommendation_ids: stored.map((recommendation) => recommendation.id) },
              'auto-approval of new recommendations crashed; they wait for a human decision',
            ),
        });
      },
      inject: [
        GraphSnapshotCache,
        RecommendationRepository,
        RecommendationGenerator,
        Clock,
        AutoApprovalListener,
      ],
    },
  ],
})
export class RecommendationsModule {}
