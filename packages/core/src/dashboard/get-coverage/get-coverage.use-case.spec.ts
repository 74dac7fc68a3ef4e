import { DomainError, DomainErrorCodes } from '../../shared/domain-error';
import { FixedClock } from '../../shared/testing/fixed-clock';
import { contractDashboardSources } from '../testing/dashboard-read-model.contract';
import { InMemoryDashboardReadModel } from '../testing/in-memory-dashboard-read-model';
import { GetCoverageUseCase } from './get-coverage.use-case';

const clock = new FixedClock();
const useCase = new GetCoverageUseCase(
  new InMemoryDashboardReadModel(() => contractDashboardSources(clock.now()), clock),
);

describe('GetCoverageUseCase', () => {
  it('reports every team without a filter and one team with it', async () => {
    const all = await useCase.execute();
    const search = await useCase.execute({ team: 'search' });

    expect(all.teams.map((team) => team.team)).toEqual(['payments', 'search', 'unassigned']);
    expect(search.teams.map((team) => team.team)).toEqual(['search']);
    expect(search.totals).toMatchObject({ services: 2, coverageRatio: 1 });
  });

  it.each(['', 'x'.repeat(256)])('rejects the team %j, naming the field', async (team) => {
    const error = await useCase.execute({ team }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: DomainErrorCodes.INVALID_INPUT,
      details: { fieldErrors: [{ field: 'team' }] },
    });
  });
});
