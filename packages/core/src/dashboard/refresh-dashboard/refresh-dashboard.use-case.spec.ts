import { FixedClock } from '../../shared/testing/fixed-clock';
import { type DashboardSources } from '../dashboard-definitions';
import { InMemoryDashboardReadModel } from '../testing/in-memory-dashboard-read-model';
import { RefreshDashboardUseCase } from './refresh-dashboard.use-case';

const HOUR = 3_600_000;

function setUp() {
  const clock = new FixedClock('2026-03-01T00:00:00.000Z');
  let services: DashboardSources['services'] = [];
  const readModel = new InMemoryDashboardReadModel(
    () => ({ services, activeSlos: [], recommendations: [], aggregates: [], auditEntries: [] }),
    clock,
  );
  const addService = (serviceId: string): void => {
    services = [
      ...services,
      { serviceId, team: 'a', criticality: 'low', serviceType: 'internal', discovered: false },
    ];
  };
  return { clock, readModel, addService, useCase: new RefreshDashboardUseCase(readModel, clock) };
}

describe('RefreshDashboardUseCase', () => {
  it('refreshes on demand, however fresh the figures are', async () => {
    const { clock, readModel, addService, useCase } = setUp();
    addService('a');
    clock.advance(1_000);

    const result = await useCase.execute();

    expect(result).toEqual({ refreshed: true, refreshedAt: clock.now() });
    expect((await readModel.coverage()).totals.services).toBe(1);
  });

  it('leaves figures younger than ifOlderThanMs alone, and refreshes older ones', async () => {
    const { clock, readModel, addService, useCase } = setUp();
    const created = clock.now();
    addService('a');
    clock.advance(HOUR / 2 - 1);

    const young = await useCase.execute({ ifOlderThanMs: HOUR / 2 });
    expect(young).toEqual({ refreshed: false, refreshedAt: created });
    expect((await readModel.coverage()).totals.services).toBe(0);

    clock.advance(1);
    const old = await useCase.execute({ ifOlderThanMs: HOUR / 2 });
    expect(old).toEqual({ refreshed: true, refreshedAt: clock.now() });
    expect((await readModel.coverage()).totals.services).toBe(1);
  });
});
