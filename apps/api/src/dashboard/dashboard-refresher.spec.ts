import { Logger } from '@nestjs/common';
import { FixedClock, InMemoryDashboardReadModel, RefreshDashboardUseCase } from '@slo-engine/core';
import { DashboardRefresher } from './dashboard-refresher';
import { DashboardModule } from './dashboard.module';

const HOUR = 3_600_000;

function setUp() {
  const clock = new FixedClock('2026-03-01T00:00:00.000Z');
  const readModel = new InMemoryDashboardReadModel(
    () => ({ services: [], activeSlos: [], recommendations: [], aggregates: [], auditEntries: [] }),
    clock,
  );
  const refresh = jest.spyOn(readModel, 'refresh');
  const refresher = new DashboardRefresher(new RefreshDashboardUseCase(readModel, clock), HOUR);
  return { clock, refresh, refresher };
}

describe('DashboardRefresher', () => {
  let intervals: jest.SpyInstance;

  beforeEach(() => {
    intervals = jest.spyOn(global, 'setInterval');
    jest.spyOn(global, 'clearInterval');
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('leaves figures younger than half an interval alone and refreshes older ones', async () => {
    const { clock, refresh, refresher } = setUp();

    clock.advance(HOUR / 2 - 1);
    await refresher.tick();
    expect(refresh).not.toHaveBeenCalled();

    clock.advance(1);
    await refresher.tick();
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('checks at start-up, then on an unref’d interval that shutdown clears', async () => {
    const { clock, refresh, refresher } = setUp();
    clock.advance(HOUR);

    refresher.onApplicationBootstrap();
    await refresher.onApplicationShutdown();

    expect(refresh).toHaveBeenCalledTimes(1);
    expect(intervals).toHaveBeenCalledWith(expect.any(Function), HOUR);
    const timer = intervals.mock.results[0].value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    expect(clearInterval).toHaveBeenCalledWith(timer);
  });

  it('joins a tick that is still running instead of starting another', async () => {
    const { clock, refresh, refresher } = setUp();
    clock.advance(HOUR);

    await Promise.all([refresher.tick(), refresher.tick()]);

    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('logs a failed refresh and tries again on the next tick', async () => {
    const { clock, refresh, refresher } = setUp();
    clock.advance(HOUR);
    refresh.mockRejectedValueOnce(new Error('connection refused'));

    await expect(refresher.tick()).resolves.toBeUndefined();
    expect(Logger.prototype.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: expect.any(Error) as unknown }),
      'dashboard refresh failed',
    );
    await refresher.tick();
    expect(refresh).toHaveBeenCalledTimes(2);
  });
});

describe('DashboardModule.forRoot', () => {
  it.each([0, 999, 1.5, 2 ** 31])('rejects a refresh interval of %p ms', (refreshIntervalMs) => {
    expect(() => DashboardModule.forRoot({ refreshIntervalMs })).toThrow(/refresh interval/);
  });

  it('takes a valid interval', () => {
    expect(DashboardModule.forRoot({ refreshIntervalMs: 15 * 60_000 }).module).toBe(
      DashboardModule,
    );
  });
});
