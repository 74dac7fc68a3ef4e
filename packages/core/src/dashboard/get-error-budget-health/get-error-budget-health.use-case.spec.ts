import { DomainErrorCodes } from '../../shared/domain-error';
import { FixedClock } from '../../shared/testing/fixed-clock';
import { DEFAULT_TOP_CONSUMERS, MAX_TOP_CONSUMERS } from '../dashboard.types';
import { type DashboardSources } from '../dashboard-definitions';
import { InMemoryDashboardReadModel } from '../testing/in-memory-dashboard-read-model';
import { GetErrorBudgetHealthUseCase } from './get-error-budget-health.use-case';

const clock = new FixedClock();
const SERVICES = 120;

/** 120 services at 99.9%, each consuming a different share of its budget. */
function fleet(): DashboardSources {
  const ids = Array.from({ length: SERVICES }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
  return {
    services: ids.map((serviceId, i) => ({
      serviceId,
      team: i % 2 === 0 ? 'even' : 'odd',
      criticality: 'high',
      serviceType: 'internal',
      discovered: false,
    })),
    activeSlos: ids.map((serviceId) => ({
      serviceId,
      availabilityTarget: 99.9,
      latencyP99TargetMs: null,
    })),
    recommendations: [],
    aggregates: ids.map((serviceId, i) => ({
      serviceId,
      sliType: 'availability',
      window: '28d',
      value: 1 - i / 100_000,
      computedAt: clock.now(),
    })),
    auditEntries: [],
  };
}

const useCase = new GetErrorBudgetHealthUseCase(new InMemoryDashboardReadModel(fleet, clock));

describe('GetErrorBudgetHealthUseCase', () => {
  it(`lists the ${DEFAULT_TOP_CONSUMERS} most consumed by default, up to ${MAX_TOP_CONSUMERS}`, async () => {
    const byDefault = await useCase.execute();
    const most = await useCase.execute({ top: MAX_TOP_CONSUMERS });
    const one = await useCase.execute({ top: 1, team: 'even' });

    expect(byDefault.mostConsumed.map((s) => s.serviceId)).toEqual(
      Array.from({ length: DEFAULT_TOP_CONSUMERS }, (_, i) => `svc-${119 - i}`),
    );
    expect(most.mostConsumed).toHaveLength(MAX_TOP_CONSUMERS);
    expect(most.totals.services).toBe(SERVICES);
    expect(one.mostConsumed.map((s) => s.serviceId)).toEqual(['svc-118']);
    expect(one.totals.services).toBe(SERVICES / 2);
  });

  it.each([0, MAX_TOP_CONSUMERS + 1, 2.5, Number.NaN])(
    'rejects top = %p, naming the field',
    async (top) => {
      await expect(useCase.execute({ top })).rejects.toMatchObject({
        code: DomainErrorCodes.INVALID_INPUT,
        details: { fieldErrors: [{ field: 'top' }] },
      });
    },
  );

  it('names every bad field at once', async () => {
    await expect(useCase.execute({ top: 0, team: '' })).rejects.toMatchObject({
      details: { fieldErrors: [{ field: 'team' }, { field: 'top' }] },
    });
  });
});
