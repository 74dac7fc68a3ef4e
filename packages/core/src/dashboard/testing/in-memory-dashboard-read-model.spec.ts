import { SystemClock } from '../../shared/clock.port';
import { FixedClock } from '../../shared/testing/fixed-clock';
import { type DashboardSources } from '../dashboard-definitions';
import { describeDashboardReadModelContract } from './dashboard-read-model.contract';
import { InMemoryDashboardReadModel } from './in-memory-dashboard-read-model';

const EMPTY: DashboardSources = {
  services: [],
  activeSlos: [],
  recommendations: [],
  aggregates: [],
  auditEntries: [],
};

describeDashboardReadModelContract('in memory', () => {
  let current = EMPTY;
  return Promise.resolve({
    readModel: new InMemoryDashboardReadModel(() => current, new SystemClock()),
    load: (sources: DashboardSources) => {
      current = sources;
      return Promise.resolve();
    },
  });
});

describe('InMemoryDashboardReadModel', () => {
  it('computes its figures when created, as the migration fills the views', async () => {
    const clock = new FixedClock('2026-03-01T00:00:00.000Z');
    const readModel = new InMemoryDashboardReadModel(
      () => ({
        ...EMPTY,
        services: [
          {
            serviceId: 'a',
            team: null,
            criticality: 'low',
            serviceType: 'internal',
            discovered: false,
          },
        ],
      }),
      clock,
    );
    clock.advance(60_000);

    const coverage = await readModel.coverage();

    expect(coverage.refreshedAt).toEqual(new Date('2026-03-01T00:00:00.000Z'));
    expect(coverage.totals.services).toBe(1);
    expect(await readModel.lastRefreshedAt()).toEqual(coverage.refreshedAt);
  });
});
