import { randomUUID } from 'node:crypto';
import { Module } from '@nestjs/common';
import { DEFAULT_PROMQL_TEMPLATES, PrometheusTelemetrySource } from '@slo-engine/adapters';
import {
  ActiveSloRepository,
  AnalyseImpactUseCase,
  ExportSloAlertsUseCase,
  GraphSnapshotCache,
  SliAggregateRepository,
  type SloMetricNaming,
  TelemetrySource,
} from '@slo-engine/core';
import { ImpactAnalysisController, SloAlertsController } from './impact.controllers';

/**
 * The series alerts watch: the templates the Prometheus telemetry source queries with, so alerts
 * and recommendations read the same metrics; the defaults (spec 004 §6.1) in embedded mode, where
 * the synthetic fleet stands in for Prometheus.
 */
function metricNamingOf(telemetry: TelemetrySource): SloMetricNaming {
  return telemetry instanceof PrometheusTelemetrySource
    ? telemetry.templates
    : DEFAULT_PROMQL_TEMPLATES;
}

/** FR-4 impact analysis and FR-10 burn-rate alert export. Ports come from the global modules. */
@Module({
  controllers: [ImpactAnalysisController, SloAlertsController],
  providers: [
    {
      provide: AnalyseImpactUseCase,
      useFactory: (
        snapshots: GraphSnapshotCache,
        activeSlos: ActiveSloRepository,
        aggregates: SliAggregateRepository,
      ) => new AnalyseImpactUseCase(snapshots, activeSlos, aggregates, randomUUID),
      inject: [GraphSnapshotCache, ActiveSloRepository, SliAggregateRepository],
    },
    {
      provide: ExportSloAlertsUseCase,
      useFactory: (
        snapshots: GraphSnapshotCache,
        activeSlos: ActiveSloRepository,
        telemetry: TelemetrySource,
      ) => new ExportSloAlertsUseCase(snapshots, activeSlos, { naming: metricNamingOf(telemetry) }),
      inject: [GraphSnapshotCache, ActiveSloRepository, TelemetrySource],
    },
  ],
})
export class ImpactModule {}
