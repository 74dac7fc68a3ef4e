import { DomainErrorCodes } from '../../../shared/domain-error';
import { FixedClock } from '../../../shared/testing/fixed-clock';
import { FastTestSecretHasher } from '../../testing/fast-test-secret-hasher';
import { InMemoryApiKeyRepository } from '../../testing/in-memory-api-key-repository';
import { seededRandomBytes } from '../../testing/seeded-random-bytes';
import { parseApiKey } from '../api-key-format';
import { CreateApiKeyUseCase } from './create-api-key.use-case';
import { type CreateApiKeyInput } from './create-api-key.types';

const NOW = new Date('2026-02-14T10:00:00.000Z');

function setUp(random = seededRandomBytes('create')) {
  const repository = new InMemoryApiKeyRepository();
  const hasher = new FastTestSecretHasher();
  const useCase = new CreateApiKeyUseCase(repository, hasher, new FixedClock(NOW), random);
  return { repository, hasher, useCase };
}

const VALID: CreateApiKeyInput = {
  name: 'backstage-prod',
  role: 'service_owner',
  team: 'payments',
  expiresAt: new Date('2026-05-15T00:00:00.000Z'),
  createdBy: 'alice@example.com',
};

describe('CreateApiKeyUseCase', () => {
  it('stores the key with the hash of its secret and hands back the raw key once', async () => {
    const { repository, hasher, useCase } = setUp();

    const { key, rawKey } = await useCase.execute(VALID);

    const parsed = parseApiKey(rawKey);
    expect(parsed).not.toBeNull();
    expect(key).toEqual({
      id: parsed?.keyId,
      name: 'backstage-prod',
      role: 'service_owner',
      team: 'payments',
      createdBy: 'alice@example.com',
      createdAt: NOW,
      lastUsedAt: null,
      revokedAt: null,
      expiresAt: new Date('2026-05-15T00:00:00.000Z'),
    });
    expect(key).not.toHaveProperty('secretHash');
    const stored = await repository.findById(key.id);
    expect(stored).toEqual({ ...key, secretHash: expect.any(String) as unknown });
    expect(stored?.secretHash).not.toContain(parsed?.secret);
    expect(await hasher.verify(parsed?.secret ?? '', stored?.secretHash ?? '')).toBe(true);
  });

  it('gives the same keys for the same random source, and different keys for different ones', async () => {
    const first = await setUp(seededRandomBytes('a')).useCase.execute(VALID);
    const again = await setUp(seededRandomBytes('a')).useCase.execute(VALID);
    const other = await setUp(seededRandomBytes('b')).useCase.execute(VALID);

    expect(again.rawKey).toBe(first.rawKey);
    expect(other.rawKey).not.toBe(first.rawKey);
  });

  it('makes keys without team or expiry for the other roles', async () => {
    const { useCase } = setUp();
    const { key } = await useCase.execute({ name: 'ci', role: 'viewer', createdBy: 'bob' });
    expect(key).toMatchObject({ role: 'viewer', team: null, expiresAt: null });
  });

  it('draws another id when the first is taken', async () => {
    const { repository, useCase } = setUp(seededRandomBytes('collide'));
    const taken = await setUp(seededRandomBytes('collide')).useCase.execute(VALID);
    await repository.insert({ ...taken.key, secretHash: 'x' });

    const { key } = await useCase.execute(VALID);

    expect(key.id).not.toBe(taken.key.id);
    expect((await repository.list({ limit: 10 })).items).toHaveLength(2);
  });

  it.each<[string, Partial<CreateApiKeyInput>, string]>([
    ['an empty name', { name: '' }, 'name'],
    ['a blank name', { name: '   ' }, 'name'],
    ['a 101-character name', { name: 'n'.repeat(101) }, 'name'],
    ['a name with a newline', { name: 'ci\nFORGED log line' }, 'name'],
    ['an unknown role', { role: 'root' as 'viewer' }, 'role'],
    ['a service_owner without team', { team: null }, 'team'],
    ['a blank team', { team: ' ' }, 'team'],
    ['an expiry in the past', { expiresAt: new Date('2026-02-14T09:59:59.999Z') }, 'expires_at'],
    ['an expiry of now', { expiresAt: NOW }, 'expires_at'],
    ['an invalid date', { expiresAt: new Date(Number.NaN) }, 'expires_at'],
    ['no creator', { createdBy: '' }, 'created_by'],
  ])('refuses %s and stores nothing', async (_label, change, field) => {
    const { repository, hasher, useCase } = setUp();

    await expect(useCase.execute({ ...VALID, ...change })).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_INPUT,
      details: { fieldErrors: [{ field, message: expect.any(String) as unknown }] },
    });
    expect((await repository.list({ limit: 10 })).items).toEqual([]);
    expect(hasher.hashCalls).toBe(0);
  });

  it('reports every invalid field at once', async () => {
    const { useCase } = setUp();
    await expect(
      useCase.execute({ ...VALID, name: '', role: 'service_owner', team: undefined }),
    ).rejects.toMatchObject({
      details: { fieldErrors: [{ field: 'name' }, { field: 'team' }] },
    });
  });

  it('keeps a team given for a sre_admin key', async () => {
    const { useCase } = setUp();
    const { key } = await useCase.execute({ ...VALID, role: 'sre_admin' });
    expect(key.team).toBe('payments');
  });
});
