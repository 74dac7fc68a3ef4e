import { Module, type Type } from '@nestjs/common';
import { DomainErrorCodes, TelemetryErrorCodes } from '@slo-engine/core';
import { HealthModule, LoggingModule, MetricsModule, createLogger } from '@slo-engine/platform';
import { type DataSource } from 'typeorm';
import { type ApiConfig } from './config';
import { GraphModule } from './graph/graph.module';
import { DatabaseReadinessCheck } from './health/database.readiness-check';
import { TelemetryReadinessCheck } from './health/telemetry.readiness-check';
import { PersistenceModule } from './persistence/persistence.module';
import { RecommendationsModule } from './recommendations/recommendations.module';
import { TelemetryModule } from './telemetry/telemetry.module';
import { SlosModule } from './slos/slos.module';
import { slosStatusByCode } from './slos/slos.status-codes';
import { ImpactModule } from './impact/impact.module';
import { impactStatusByCode } from './impact/impact.status-codes';
import { AutoApprovalModule } from './auto-approval/auto-approval.module';
import { auto_approvalStatusByCode } from './auto-approval/auto-approval.status-codes';
import { DashboardModule } from './dashboard/dashboard.module';
import { dashboardStatusByCode } from './dashboard/dashboard.status-codes';
import { AccessModule } from './access/access.module';
import { accessStatusByCode } from './access/access.status-codes';

/** Domain error code → HTTP status: the one table the problem-details filter answers from. */
export const statusByCode: Readonly<Record<string, number>> = {
  [DomainErrorCodes.SERVICE_NOT_FOUND]: 404,
  [DomainErrorCodes.INGESTION_NOT_FOUND]: 404,
  [DomainErrorCodes.CYCLE_ALERT_NOT_FOUND]: 404,
  [DomainErrorCodes.CYCLE_ALERT_TRANSITION]: 409,
  [DomainErrorCodes.INVALID_INPUT]: 400,
  [DomainErrorCodes.INVALID_CURSOR]: 400,
  [TelemetryErrorCodes.UNAVAILABLE]: 503,
  [TelemetryErrorCodes.INVALID_LABEL]: 400,
  [TelemetryErrorCodes.BAD_RESPONSE]: 502,
  ...slosStatusByCode,
  ...impactStatusByCode,
  ...auto_approvalStatusByCode,
  ...dashboardStatusByCode,
  ...accessStatusByCode,
};

export interface ApiRuntime {
  readonly config: ApiConfig;
  readonly dataSource: DataSource;
}

/** The API's root module for one runtime (its configuration and its database). */
export function createAppModule(runtime: ApiRuntime): Type<unknown> {
  const { config } = runtime;
  @Module({
    imports: [
      LoggingModule.forRoot({
        logger: createLogger({ level: config.LOG_LEVEL, serviceName: config.OTEL_SERVICE_NAME }),
        quietPaths: ['/api/v1/health', '/api/v1/health/ready', '/metrics'],
      }),
      MetricsModule.forRoot({ enabled: config.METRICS_ENABLED }),
      PersistenceModule.forRoot({
        dataSource: runtime.dataSource,
        stalenessWindowMs: config.STALENESS_WINDOW,
        ingestionStallTimeoutMs: config.INGESTION_STALL_TIMEOUT,
      }),
      TelemetryModule.forRoot(config),
      HealthModule.forRoot({
        prefix: '/api/v1',
        checks: [DatabaseReadinessCheck, TelemetryReadinessCheck],
      }),
      GraphModule,
      RecommendationsModule,
      SlosModule,
      ImpactModule,
      AutoApprovalModule,
      DashboardModule.forRoot({ refreshIntervalMs: config.DASHBOARD_REFRESH_INTERVAL }),
      AccessModule.forRoot(config),
    ],
  })
  class ApiModule {}
  return ApiModule;
}
