import { type Clock } from '../../shared/clock.port';
import { type DashboardReadModel } from '../dashboard-read-model.port';

export interface RefreshDashboardInput {
  /**
   * Skip the refresh when the figures are younger than this (a scheduled refresh on several
   * replicas then recomputes once, not once per replica). Omitted: always refresh.
   */
  readonly ifOlderThanMs?: number;
}

export interface RefreshDashboardOutput {
  /** False when the figures were fresh enough and left alone. */
  readonly refreshed: boolean;
  readonly refreshedAt: Date;
}

/** Recomputes the dashboard's figures (on schedule, or on demand: POST /api/v1/dashboard/refresh). */
export class RefreshDashboardUseCase {
  constructor(
    private readonly dashboard: DashboardReadModel,
    private readonly clock: Clock,
  ) {}

  async execute(input: RefreshDashboardInput = {}): Promise<RefreshDashboardOutput> {
    if (input.ifOlderThanMs !== undefined) {
      const last = await this.dashboard.lastRefreshedAt();
      if (this.clock.now().getTime() - last.getTime() < input.ifOlderThanMs) {
        return { refreshed: false, refreshedAt: last };
      }
    }
    const { refreshedAt } = await this.dashboard.refresh();
    return { refreshed: true, refreshedAt };
  }
}
