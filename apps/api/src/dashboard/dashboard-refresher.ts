import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type RefreshDashboardUseCase } from '@slo-engine/core';

/**
 * Keeps the dashboard's figures at most about one interval old (spec 004 FR-12: hourly): a check
 * at start-up and then every interval, each refreshing only figures older than half an interval.
 * The half-interval threshold lets several API replicas share the work (the first to find the
 * figures old refreshes them, the others skip), while a lone replica refreshes on every tick.
 *
 * Interim home: the workers of issue 7 take scheduled jobs over, and this moves there.
 */
export class DashboardRefresher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DashboardRefresher');
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly refreshDashboard: RefreshDashboardUseCase,
    private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: start-up does not wait for a refresh, readers have the previous figures.
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    // The schedule must never keep a finished process alive.
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One check; a tick while the previous one still runs joins it instead of starting another. */
  tick(): Promise<void> {
    this.running ??= this.refreshDashboard
      .execute({ ifOlderThanMs: this.intervalMs / 2 })
      .then(({ refreshed, refreshedAt }) => {
        if (refreshed) this.logger.log({ refreshedAt }, 'dashboard refreshed');
      })
      .catch((error: unknown) => {
        // The database may be briefly unreachable; the next tick tries again.
        this.logger.error({ err: error }, 'dashboard refresh failed');
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }
}
