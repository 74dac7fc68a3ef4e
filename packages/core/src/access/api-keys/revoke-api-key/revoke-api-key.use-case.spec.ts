import { FixedClock } from '../../../shared/testing/fixed-clock';
import { CredentialErrorCodes } from '../../credential-errors';
import { FastTestSecretHasher } from '../../testing/fast-test-secret-hasher';
import { InMemoryApiKeyRepository } from '../../testing/in-memory-api-key-repository';
import { seededRandomBytes } from '../../testing/seeded-random-bytes';
import { ApiKeyVerificationCache } from '../api-key-verification-cache';
import { AuthenticateApiKeyUseCase } from '../authenticate-api-key/authenticate-api-key.use-case';
import { CreateApiKeyUseCase } from '../create-api-key/create-api-key.use-case';
import { RevokeApiKeyUseCase } from './revoke-api-key.use-case';

async function setUp() {
  const repository = new InMemoryApiKeyRepository();
  const hasher = new FastTestSecretHasher();
  const clock = new FixedClock('2026-02-14T10:00:00.000Z');
  const cache = new ApiKeyVerificationCache(clock);
  const created = await new CreateApiKeyUseCase(
    repository,
    hasher,
    clock,
    seededRandomBytes('revoke'),
  ).execute({ name: 'backstage', role: 'viewer', createdBy: 'alice' });
  return {
    repository,
    clock,
    created,
    revoke: new RevokeApiKeyUseCase(repository, clock, cache),
    authenticate: new AuthenticateApiKeyUseCase(repository, hasher, clock, cache),
  };
}

describe('RevokeApiKeyUseCase', () => {
  it('marks the key revoked and keeps the row', async () => {
    const { repository, clock, created, revoke } = await setUp();
    clock.advance(5_000);

    await revoke.execute({ id: created.key.id });

    expect(await repository.findById(created.key.id)).toMatchObject({
      revokedAt: new Date('2026-02-14T10:00:05.000Z'),
    });
  });

  it('succeeds again for a revoked key and keeps the first revocation time', async () => {
    const { repository, clock, created, revoke } = await setUp();
    await revoke.execute({ id: created.key.id });
    clock.advance(60_000);

    await revoke.execute({ id: created.key.id });

    expect((await repository.findById(created.key.id))?.revokedAt).toEqual(
      new Date('2026-02-14T10:00:00.000Z'),
    );
  });

  it.each(['AAAAAAAAAAAA', 'not-an-id', ''])('answers 404 for %p', async (id) => {
    const { revoke } = await setUp();
    await expect(revoke.execute({ id })).rejects.toMatchObject({
      code: CredentialErrorCodes.API_KEY_NOT_FOUND,
    });
  });

  it('stops this process accepting the key at once, cached or not', async () => {
    const { created, revoke, authenticate } = await setUp();
    await authenticate.execute({ rawKey: created.rawKey });

    await revoke.execute({ id: created.key.id });

    await expect(authenticate.execute({ rawKey: created.rawKey })).rejects.toMatchObject({
      code: CredentialErrorCodes.INVALID_API_KEY,
      details: { reason: 'revoked' },
    });
  });
});
