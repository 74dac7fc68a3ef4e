import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import {
  Clock,
  DashboardReadModel,
  GetCoverageUseCase,
  GetErrorBudgetHealthUseCase,
  GetRecommendationQualityUseCase,
  RefreshDashboardUseCase,
} from '@slo-engine/core';
import { PostgresDashboardReadModel } from '@slo-engine/adapters';
import { DataSource } from 'typeorm';
import { DashboardController } from './dashboard.controller';
import { DashboardRefresher } from './dashboard-refresher';

export interface DashboardOptions {
  /** How often the figures are refreshed; spec 004 FR-12 says hourly. */
  readonly refreshIntervalMs: number;
}

export const DEFAULT_DASHBOARD_REFRESH_INTERVAL_MS = 3_600_000;
/** setInterval's largest delay (about 24.8 days); longer ones fire at once. */
const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;
const MIN_REFRESH_INTERVAL_MS = 1_000;

/** Injection token of the {@link DashboardOptions}. */
export const DASHBOARD_OPTIONS = Symbol('DashboardOptions');

function optionsProvider(options: DashboardOptions): Provider {
  const interval = options.refreshIntervalMs;
  if (
    !Number.isInteger(interval) ||
    interval < MIN_REFRESH_INTERVAL_MS ||
    interval > MAX_TIMER_DELAY_MS
  ) {
    throw new Error(
      `dashboard refresh interval must be whole milliseconds from ${MIN_REFRESH_INTERVAL_MS} to ${MAX_TIMER_DELAY_MS}, got ${interval}`,
    );
  }
  return { provide: DASHBOARD_OPTIONS, useValue: options };
}

/**
 * FR-12: the organisational dashboard over the PostgreSQL materialised views, and the hourly
 * refresher. Imported as is it refreshes hourly; `DashboardModule.forRoot({ refreshIntervalMs })`
 * sets another interval (its providers override the defaults below).
 */
@Module({
  controllers: [DashboardController],
  providers: [
    optionsProvider({ refreshIntervalMs: DEFAULT_DASHBOARD_REFRESH_INTERVAL_MS }),
    {
      provide: DashboardReadModel,
      useFactory: (dataSource: DataSource) => new PostgresDashboardReadModel(dataSource.manager),
      inject: [DataSource],
    },
    {
      provide: GetCoverageUseCase,
      useFactory: (dashboard: DashboardReadModel) => new GetCoverageUseCase(dashboard),
      inject: [DashboardReadModel],
    },
    {
      provide: GetErrorBudgetHealthUseCase,
      useFactory: (dashboard: DashboardReadModel) => new GetErrorBudgetHealthUseCase(dashboard),
      inject: [DashboardReadModel],
    },
    {
      provide: GetRecommendationQualityUseCase,
      useFactory: (dashboard: DashboardReadModel) => new GetRecommendationQualityUseCase(dashboard),
      inject: [DashboardReadModel],
    },
    {
      provide: RefreshDashboardUseCase,
      useFactory: (dashboard: DashboardReadModel, clock: Clock) =>
        new RefreshDashboardUseCase(dashboard, clock),
      inject: [DashboardReadModel, Clock],
    },
    {
      provide: DashboardRefresher,
      useFactory: (refresh: RefreshDashboardUseCase, options: DashboardOptions) =>
        new DashboardRefresher(refresh, options.refreshIntervalMs),
      inject: [RefreshDashboardUseCase, DASHBOARD_OPTIONS],
    },
  ],
  exports: [DashboardReadModel, RefreshDashboardUseCase],
})
export class DashboardModule {
  static forRoot(options: DashboardOptions): DynamicModule {
    return { module: DashboardModule, providers: [optionsProvider(options)] };
  }
}
