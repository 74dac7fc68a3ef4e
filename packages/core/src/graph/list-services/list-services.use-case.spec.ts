import { DomainErrorCodes } from '../../shared/domain-error';
import { graphSubmission } from '../testing/graph-submission.builder';
import { InMemoryGraphStores } from '../testing/in-memory-graph-stores';
import { ListServicesUseCase } from './list-services.use-case';

async function setUp() {
  const stores = new InMemoryGraphStores();
  await stores.graph.applySubmission(
    graphSubmission('manual', {
      nodes: [
        ['checkout', { team: 'payments', criticality: 'critical' }],
        ['cart', { team: 'payments', criticality: 'high' }],
        ['search', { team: 'discovery', criticality: 'high' }],
        ['payments-api', { team: 'payments', criticality: 'critical' }],
      ],
      edges: [['checkout', 'ledger']],
    }),
    { now: new Date('2026-02-14T10:00:00.000Z'), stalenessWindowMs: 7 * 86_400_000 },
  );
  return new ListServicesUseCase(stores.graph);
}

describe('ListServicesUseCase', () => {
  it('filters by team, criticality and discovered', async () => {
    const useCase = await setUp();
    const names = async (input: Parameters<ListServicesUseCase['execute']>[0]) =>
      (await useCase.execute(input)).items.map((service) => service.serviceId);
    expect(await names({ team: 'payments', criticality: 'critical' })).toEqual([
      'checkout',
      'payments-api',
    ]);
    expect(await names({ criticality: 'high' })).toEqual(['cart', 'search']);
    expect(await names({ discovered: true })).toEqual(['ledger']);
    expect(await names({ discovered: false })).toHaveLength(4);
  });

  it('pages with a cursor until every service was listed once', async () => {
    const useCase = await setUp();
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await useCase.execute({ limit: 2, cursor });
      seen.push(...page.items.map((service) => service.serviceId));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor !== undefined);
    expect(pages).toBe(3);
    expect(seen).toEqual(['cart', 'checkout', 'ledger', 'payments-api', 'search']);
  });

  it('defaults to 50 per page', async () => {
    const useCase = await setUp();
    expect(await useCase.execute()).toMatchObject({ nextCursor: null });
    expect((await useCase.execute()).items).toHaveLength(5);
  });

  it.each([0, 501, 1.5])('rejects limit %p', async (limit) => {
    const useCase = await setUp();
    await expect(useCase.execute({ limit })).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_INPUT,
      details: { fieldErrors: [{ field: 'limit', message: expect.any(String) as unknown }] },
    });
  });

  it('rejects an unknown criticality', async () => {
    const useCase = await setUp();
    await expect(useCase.execute({ criticality: 'extreme' as 'high' })).rejects.toMatchObject({
      details: { fieldErrors: [{ field: 'criticality', message: expect.any(String) as unknown }] },
    });
  });

  it('passes the repository INVALID_CURSOR through', async () => {
    const useCase = await setUp();
    await expect(useCase.execute({ cursor: 'bogus' })).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_CURSOR,
    });
  });
});
