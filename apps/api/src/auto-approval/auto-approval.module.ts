import { Module } from '@nestjs/common';
import {
  PostgresActiveRecommendationReader,
  PostgresAutoApprovalRuleRepository,
} from '@slo-engine/adapters';
import {
  ActiveRecommendationReader,
  ActiveSloRepository,
  AutoApprovalRuleRepository,
  AutoApproveRecommendationsUseCase,
  Clock,
  CreateAutoApprovalRuleUseCase,
  DecideRecommendationUseCase,
  DeleteAutoApprovalRuleUseCase,
  DryRunAutoApprovalRuleUseCase,
  GetAutoApprovalRuleUseCase,
  GraphSnapshotCache,
  ListAutoApprovalRulesUseCase,
  UpdateAutoApprovalRuleUseCase,
} from '@slo-engine/core';
import { MetricsRegistry } from '@slo-engine/platform';
import { DataSource } from 'typeorm';
import { SlosModule } from '../slos/slos.module';
import { AutoApprovalRulesController } from './auto-approval.controller';
import { AutoApprovalListener } from './auto-approval.listener';

/**
 * FR-11 auto-approval: the rule endpoints, and the listener RecommendationsModule hands to the
 * recommendation use case so new recommendations are evaluated as they are generated. Decisions go
 * through the SLO lifecycle's DecideRecommendationUseCase (exported by SlosModule); the other
 * ports come from the global persistence module.
 */
@Module({
  imports: [SlosModule],
  controllers: [AutoApprovalRulesController],
  providers: [
    {
      provide: AutoApprovalRuleRepository,
      useFactory: (ds: DataSource) => new PostgresAutoApprovalRuleRepository(ds.manager),
      inject: [DataSource],
    },
    {
      provide: ActiveRecommendationReader,
      useFactory: (ds: DataSource) => new PostgresActiveRecommendationReader(ds.manager),
      inject: [DataSource],
    },
    {
      provide: CreateAutoApprovalRuleUseCase,
      useFactory: (rules: AutoApprovalRuleRepository, clock: Clock) =>
        new CreateAutoApprovalRuleUseCase(rules, clock),
      inject: [AutoApprovalRuleRepository, Clock],
    },
    {
      provide: ListAutoApprovalRulesUseCase,
      useFactory: (rules: AutoApprovalRuleRepository) => new ListAutoApprovalRulesUseCase(rules),
      inject: [AutoApprovalRuleRepository],
    },
    {
      provide: GetAutoApprovalRuleUseCase,
      useFactory: (rules: AutoApprovalRuleRepository) => new GetAutoApprovalRuleUseCase(rules),
      inject: [AutoApprovalRuleRepository],
    },
    {
      provide: UpdateAutoApprovalRuleUseCase,
      useFactory: (rules: AutoApprovalRuleRepository, clock: Clock) =>
        new UpdateAutoApprovalRuleUseCase(rules, clock),
      inject: [AutoApprovalRuleRepository, Clock],
    },
    {
      provide: DeleteAutoApprovalRuleUseCase,
      useFactory: (rules: AutoApprovalRuleRepository) => new DeleteAutoApprovalRuleUseCase(rules),
      inject: [AutoApprovalRuleRepository],
    },
    {
      provide: DryRunAutoApprovalRuleUseCase,
      useFactory: (
        rules: AutoApprovalRuleRepository,
        reader: ActiveRecommendationReader,
        snapshots: GraphSnapshotCache,
        activeSlos: ActiveSloRepository,
        clock: Clock,
      ) => new DryRunAutoApprovalRuleUseCase(rules, reader, snapshots, activeSlos, clock),
      inject: [
        AutoApprovalRuleRepository,
        ActiveRecommendationReader,
        GraphSnapshotCache,
        ActiveSloRepository,
        Clock,
      ],
    },
    {
      provide: AutoApproveRecommendationsUseCase,
      useFactory: (
        rules: AutoApprovalRuleRepository,
        snapshots: GraphSnapshotCache,
        activeSlos: ActiveSloRepository,
        decide: DecideRecommendationUseCase,
      ) => new AutoApproveRecommendationsUseCase(rules, snapshots, activeSlos, decide),
      inject: [
        AutoApprovalRuleRepository,
        GraphSnapshotCache,
        ActiveSloRepository,
        DecideRecommendationUseCase,
      ],
    },
    {
      provide: AutoApprovalListener,
      useFactory: (autoApprove: AutoApproveRecommendationsUseCase, metrics: MetricsRegistry) =>
        new AutoApprovalListener(autoApprove, metrics),
      inject: [AutoApproveRecommendationsUseCase, MetricsRegistry],
    },
  ],
  exports: [AutoApprovalListener],
})
export class AutoApprovalModule {}
