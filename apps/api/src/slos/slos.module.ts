import { Module } from '@nestjs/common';
import {
  Clock,
  DecideRecommendationUseCase,
  GetActiveSloUseCase,
  GetSloHistoryUseCase,
  GraphRepository,
  ActiveSloRepository,
  SloAuditLogRepository,
  SloLifecycleStore,
  VerifyAuditChainUseCase,
} from '@slo-engine/core';
import { AuditController, SlosController } from './slos.controller';

/**
 * FR-5: SLO lifecycle and the tamper-evident audit log. The stores are bound by PersistenceModule.
 * DecideRecommendationUseCase is exported for auto-approval (FR-11), which accepts through it.
 */
@Module({
  controllers: [SlosController, AuditController],
  providers: [
    {
      provide: DecideRecommendationUseCase,
      useFactory: (lifecycle: SloLifecycleStore, clock: Clock) =>
        new DecideRecommendationUseCase(lifecycle, clock),
      inject: [SloLifecycleStore, Clock],
    },
    {
      provide: GetActiveSloUseCase,
      useFactory: (activeSlos: ActiveSloRepository, graph: GraphRepository) =>
        new GetActiveSloUseCase(activeSlos, graph),
      inject: [ActiveSloRepository, GraphRepository],
    },
    {
      provide: GetSloHistoryUseCase,
      useFactory: (auditLog: SloAuditLogRepository, graph: GraphRepository) =>
        new GetSloHistoryUseCase(auditLog, graph),
      inject: [SloAuditLogRepository, GraphRepository],
    },
    {
      provide: VerifyAuditChainUseCase,
      useFactory: (auditLog: SloAuditLogRepository, clock: Clock) =>
        new VerifyAuditChainUseCase(auditLog, clock),
      inject: [SloAuditLogRepository, Clock],
    },
  ],
  exports: [DecideRecommendationUseCase],
})
export class SlosModule {}
