import { DomainErrorCodes } from '../../shared/domain-error';
import { InMemoryGraphStores } from '../testing/in-memory-graph-stores';
import { ListCycleAlertsUseCase } from './list-cycle-alerts.use-case';

async function setUp() {
  const stores = new InMemoryGraphStores();
  for (const [index, members] of [
    ['a', 'b'],
    ['c', 'd'],
    ['e', 'f'],
  ].entries()) {
    await stores.cycleAlerts.recordCycles(
      [{ members, path: [...members, members[0]] }],
      new Date(Date.UTC(2026, 1, 10 + index)),
    );
  }
  const [, middle] = (await stores.cycleAlerts.list({}, { limit: 10 })).items;
  await stores.cycleAlerts.update(
    middle.id,
    { status: 'acknowledged', actor: 'ana', notes: null },
    new Date(),
    'open',
  );
  return new ListCycleAlertsUseCase(stores.cycleAlerts);
}

describe('ListCycleAlertsUseCase', () => {
  it('lists newest first, page by page', async () => {
    const useCase = await setUp();
    const first = await useCase.execute({ limit: 2 });
    const second = await useCase.execute({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect([...first.items, ...second.items].map((alert) => alert.members[0])).toEqual([
      'e',
      'c',
      'a',
    ]);
    expect(second.nextCursor).toBeNull();
  });

  it('filters by status', async () => {
    const useCase = await setUp();
    expect(
      (await useCase.execute({ status: 'open' })).items.map((alert) => alert.members[0]),
    ).toEqual(['e', 'a']);
    expect((await useCase.execute({ status: 'acknowledged' })).items).toEqual([
      expect.objectContaining({ members: ['c', 'd'], acknowledgedBy: 'ana' }),
    ]);
  });

  it('rejects a bad limit or status and passes INVALID_CURSOR through', async () => {
    const useCase = await setUp();
    await expect(useCase.execute({ limit: 0, status: 'closed' as 'open' })).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_INPUT,
      details: {
        fieldErrors: [{ field: 'limit' }, { field: 'status' }].map(expect.objectContaining),
      },
    });
    await expect(useCase.execute({ cursor: 'eyJ2IjoxfQ' })).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_CURSOR,
    });
  });
});
