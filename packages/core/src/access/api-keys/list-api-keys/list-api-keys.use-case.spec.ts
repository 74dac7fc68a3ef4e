import { DomainErrorCodes } from '../../../shared/domain-error';
import { FixedClock } from '../../../shared/testing/fixed-clock';
import { FastTestSecretHasher } from '../../testing/fast-test-secret-hasher';
import { InMemoryApiKeyRepository } from '../../testing/in-memory-api-key-repository';
import { seededRandomBytes } from '../../testing/seeded-random-bytes';
import { CreateApiKeyUseCase } from '../create-api-key/create-api-key.use-case';
import { ListApiKeysUseCase } from './list-api-keys.use-case';

async function setUp(count: number) {
  const repository = new InMemoryApiKeyRepository();
  const clock = new FixedClock();
  const create = new CreateApiKeyUseCase(
    repository,
    new FastTestSecretHasher(),
    clock,
    seededRandomBytes('list'),
  );
  const created: string[] = [];
  for (let i = 0; i < count; i++) {
    clock.advance(1_000);
    created.push(
      (await create.execute({ name: `key-${i}`, role: 'viewer', createdBy: 'a' })).key.id,
    );
  }
  return { useCase: new ListApiKeysUseCase(repository), created };
}

describe('ListApiKeysUseCase', () => {
  it('pages through every key, newest first', async () => {
    const { useCase, created } = await setUp(5);
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await useCase.execute({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((key) => key.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen).toEqual([...created].reverse());
  });

  it('defaults to 50 per page', async () => {
    const { useCase } = await setUp(3);
    expect(await useCase.execute()).toMatchObject({ nextCursor: null });
  });

  it.each([0, 501, 2.5])('refuses limit %p', async (limit) => {
    const { useCase } = await setUp(0);
    await expect(useCase.execute({ limit })).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_INPUT,
      details: { fieldErrors: [{ field: 'limit', message: expect.any(String) as unknown }] },
    });
  });

  it('passes the repository INVALID_CURSOR through', async () => {
    const { useCase } = await setUp(1);
    await expect(useCase.execute({ cursor: 'bogus' })).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_CURSOR,
    });
  });
});
