import { DomainErrorCodes } from '../../shared/domain-error';
import { FixedClock } from '../../shared/testing/fixed-clock';
import { contractDashboardSources } from '../testing/dashboard-read-model.contract';
import { InMemoryDashboardReadModel } from '../testing/in-memory-dashboard-read-model';
import { GetRecommendationQualityUseCase } from './get-recommendation-quality.use-case';

const clock = new FixedClock();
const useCase = new GetRecommendationQualityUseCase(
  new InMemoryDashboardReadModel(() => contractDashboardSources(clock.now()), clock),
);

describe('GetRecommendationQualityUseCase', () => {
  it('reports rates overall and for one team', async () => {
    const all = await useCase.execute();
    const payments = await useCase.execute({ team: 'payments' });

    expect(all.totals.acceptanceRate).toBeCloseTo(0.8);
    expect(payments.totals.decisions).toEqual({
      accept: 1,
      modify: 1,
      reject: 1,
      autoApprove: 1,
      total: 4,
    });
    expect(payments.totals.acceptanceRate).toBe(0.75);
    expect(payments.totals.modificationRate).toBe(0.25);
  });

  it('rejects an empty team, naming the field', async () => {
    await expect(useCase.execute({ team: '' })).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_INPUT,
      details: { fieldErrors: [{ field: 'team' }] },
    });
  });
});
