import { DomainErrorCodes } from '../../shared/domain-error';
import { SloErrorCodes } from '../slo-error-codes';
import { sloWorld } from '../testing/slo-fixture';
import { GetActiveSloUseCase } from './get-active-slo.use-case';

describe('GetActiveSloUseCase', () => {
  it("returns the service's active SLO", async () => {
    const world = await sloWorld();
    const decision = await world.accept('checkout');
    const useCase = new GetActiveSloUseCase(world.stores.activeSlos, world.graph);

    expect(await useCase.execute({ serviceId: 'checkout' })).toEqual(decision.activeSlo);
  });

  it('tells a service without an SLO from an unknown service', async () => {
    const world = await sloWorld();
    const useCase = new GetActiveSloUseCase(world.stores.activeSlos, world.graph);

    await expect(useCase.execute({ serviceId: 'payments' })).rejects.toMatchObject({
      code: SloErrorCodes.NOT_FOUND,
    });
    await expect(useCase.execute({ serviceId: 'ghost' })).rejects.toMatchObject({
      code: DomainErrorCodes.SERVICE_NOT_FOUND,
    });
  });
});
