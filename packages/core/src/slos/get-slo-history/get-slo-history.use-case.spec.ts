import fc from 'fast-check';
import { DomainErrorCodes } from '../../shared/domain-error';
import { sloWorld } from '../testing/slo-fixture';
import { GetSloHistoryUseCase } from './get-slo-history.use-case';

describe('GetSloHistoryUseCase', () => {
  it("pages a service's decisions newest first, each entry once", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('checkout', 'payments'), { maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        async (services, limit) => {
          const world = await sloWorld();
          for (const [i, serviceId] of services.entries()) {
            world.clock.advance(60_000);
            await world.accept(serviceId, i / 10);
          }
          const useCase = new GetSloHistoryUseCase(world.stores.auditLog, world.graph);
          const sequences: number[] = [];
          let cursor: string | undefined;
          do {
            const page = await useCase.execute({ serviceId: 'checkout', cursor, limit });
            expect(page.items.length).toBeLessThanOrEqual(limit);
            sequences.push(...page.items.map((entry) => entry.sequence));
            cursor = page.nextCursor ?? undefined;
          } while (cursor !== undefined);

          const expected = services
            .map((serviceId, i) => ({ serviceId, sequence: i + 1 }))
            .filter((entry) => entry.serviceId === 'checkout')
            .map((entry) => entry.sequence)
            .reverse();
          expect(sequences).toEqual(expected);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('gives a known service without history an empty page and an unknown service 404', async () => {
    const world = await sloWorld();
    const useCase = new GetSloHistoryUseCase(world.stores.auditLog, world.graph);

    expect(await useCase.execute({ serviceId: 'payments' })).toEqual({
      items: [],
      nextCursor: null,
    });
    await expect(useCase.execute({ serviceId: 'ghost' })).rejects.toMatchObject({
      code: DomainErrorCodes.SERVICE_NOT_FOUND,
    });
  });

  it.each([
    ['not base64url', 'not a cursor!'],
    ['not JSON', Buffer.from('{', 'utf8').toString('base64url')],
    ['another shape', Buffer.from(JSON.stringify({ v: 1, after: 'x' })).toString('base64url')],
    [
      'a non-positive position',
      Buffer.from(JSON.stringify({ v: 1, before: 0 })).toString('base64url'),
    ],
  ])('refuses a cursor that is %s with INVALID_CURSOR', async (_, cursor) => {
    const world = await sloWorld();
    const useCase = new GetSloHistoryUseCase(world.stores.auditLog, world.graph);

    await expect(useCase.execute({ serviceId: 'checkout', cursor })).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_CURSOR,
      details: { fieldErrors: [{ field: 'cursor', message: 'unknown cursor' }] },
    });
  });

  it('refuses a limit out of range', async () => {
    const world = await sloWorld();
    const useCase = new GetSloHistoryUseCase(world.stores.auditLog, world.graph);

    await expect(useCase.execute({ serviceId: 'checkout', limit: 501 })).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_INPUT,
      details: { fieldErrors: [{ field: 'limit' }] },
    });
  });
});
