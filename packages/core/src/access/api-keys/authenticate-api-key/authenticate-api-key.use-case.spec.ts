import fc from 'fast-check';
import { FixedClock } from '../../../shared/testing/fixed-clock';
import {
  API_KEY_FAILURE_REASONS,
  CredentialErrorCodes,
  INVALID_API_KEY_MESSAGE,
} from '../../credential-errors';
import { FastTestSecretHasher } from '../../testing/fast-test-secret-hasher';
import { InMemoryApiKeyRepository } from '../../testing/in-memory-api-key-repository';
import { seededRandomBytes } from '../../testing/seeded-random-bytes';
import { formatApiKey, parseApiKey } from '../api-key-format';
import { ApiKeyVerificationCache } from '../api-key-verification-cache';
import { CreateApiKeyUseCase } from '../create-api-key/create-api-key.use-case';
import { type CreateApiKeyInput } from '../create-api-key/create-api-key.types';
import { AuthenticateApiKeyUseCase } from './authenticate-api-key.use-case';

const T0 = '2026-02-14T10:00:00.000Z';
const VIEWER: CreateApiKeyInput = { name: 'backstage', role: 'viewer', createdBy: 'alice' };

function setUp(options: { seed?: string; ttlMs?: number } = {}) {
  const repository = new InMemoryApiKeyRepository();
  const hasher = new FastTestSecretHasher();
  const clock = new FixedClock(T0);
  const cache = new ApiKeyVerificationCache(clock, { ttlMs: options.ttlMs ?? 60_000 });
  const touchFailures: unknown[] = [];
  return {
    repository,
    hasher,
    clock,
    cache,
    touchFailures,
    create: new CreateApiKeyUseCase(
      repository,
      hasher,
      clock,
      seededRandomBytes(options.seed ?? 'auth'),
    ),
    authenticate: new AuthenticateApiKeyUseCase(repository, hasher, clock, cache, {
      lastUsedIntervalMs: 60_000,
      onTouchFailure: (error) => touchFailures.push(error),
    }),
  };
}

function refusedBecause(reason: string): Record<string, unknown> {
  return {
    code: CredentialErrorCodes.INVALID_API_KEY,
    message: INVALID_API_KEY_MESSAGE,
    details: expect.objectContaining({ reason }) as unknown,
  };
}

describe('AuthenticateApiKeyUseCase', () => {
  it('answers the key (without its hash) for its raw key and records the use', async () => {
    const { repository, clock, create, authenticate } = setUp();
    const { key, rawKey } = await create.execute(VIEWER);
    clock.advance(1_000);

    const authenticated = await authenticate.execute({ rawKey });

    expect(authenticated).toEqual(key);
    expect(authenticated).not.toHaveProperty('secretHash');
    expect((await repository.findById(key.id))?.lastUsedAt).toEqual(clock.now());
  });

  it('refuses every bad key with one code and message; only the private reason differs', async () => {
    const { repository, clock, create, authenticate } = setUp();
    const good = await create.execute(VIEWER);
    const revoked = await create.execute(VIEWER);
    await repository.revoke(revoked.key.id, clock.now());
    const expiring = await create.execute({
      ...VIEWER,
      expiresAt: new Date(clock.now().getTime() + 1_000),
    });
    clock.advance(1_000);
    const { keyId, secret } = parseApiKey(good.rawKey) ?? { keyId: '', secret: '' };
    const otherSecret = `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;

    const attempts: Array<[string, string]> = [
      ['malformed', 'not-a-key'],
      ['malformed', `${good.rawKey} `],
      ['unknown_key', formatApiKey('AAAAAAAAAAAA', secret)],
      ['revoked', revoked.rawKey],
      ['expired', expiring.rawKey],
      ['secret_mismatch', formatApiKey(keyId, otherSecret)],
    ];
    for (const [reason, rawKey] of attempts) {
      await expect(authenticate.execute({ rawKey })).rejects.toMatchObject(refusedBecause(reason));
    }
    expect(new Set(attempts.map(([reason]) => reason))).toEqual(new Set(API_KEY_FAILURE_REASONS));
  });

  it('pays the hash once per TTL for a busy key', async () => {
    const { hasher, clock, create, authenticate } = setUp({ ttlMs: 60_000 });
    const { rawKey } = await create.execute(VIEWER);

    for (let i = 0; i < 5; i++) {
      await authenticate.execute({ rawKey });
      clock.advance(10_000);
    }
    expect(hasher.verifyCalls).toBe(1);

    clock.advance(10_000);
    await authenticate.execute({ rawKey });
    expect(hasher.verifyCalls).toBe(2);
  });

  it('shares one verification between concurrent first requests', async () => {
    const { hasher, create, authenticate } = setUp();
    const { key, rawKey } = await create.execute(VIEWER);

    const results = await Promise.all(
      Array.from({ length: 10 }, () => authenticate.execute({ rawKey })),
    );

    expect(results).toEqual(Array.from({ length: 10 }, () => key));
    expect(hasher.verifyCalls).toBe(1);
  });

  it('never caches a refusal', async () => {
    const { hasher, create, authenticate } = setUp();
    const { key } = await create.execute(VIEWER);
    const wrong = formatApiKey(key.id, 'A'.repeat(43));

    for (let i = 0; i < 3; i++) {
      await expect(authenticate.execute({ rawKey: wrong })).rejects.toMatchObject(
        refusedBecause('secret_mismatch'),
      );
    }
    expect(hasher.verifyCalls).toBe(3);
  });

  it('refuses a cached key once it expires', async () => {
    const { clock, create, authenticate } = setUp({ ttlMs: 600_000 });
    const { rawKey } = await create.execute({
      ...VIEWER,
      expiresAt: new Date(clock.now().getTime() + 30_000),
    });
    await authenticate.execute({ rawKey });

    clock.advance(30_000);

    await expect(authenticate.execute({ rawKey })).rejects.toMatchObject(refusedBecause('expired'));
  });

  it('honours a revocation made by another instance once the TTL has passed', async () => {
    const { repository, clock, create, authenticate } = setUp({ ttlMs: 60_000 });
    const { key, rawKey } = await create.execute(VIEWER);
    await authenticate.execute({ rawKey });

    // Another instance revokes: this process's cache does not know.
    await repository.revoke(key.id, clock.now());
    clock.advance(59_999);
    await expect(authenticate.execute({ rawKey })).resolves.toEqual(key);

    clock.advance(1);
    await expect(authenticate.execute({ rawKey })).rejects.toMatchObject(refusedBecause('revoked'));
  });

  it('writes lastUsedAt at most once per interval', async () => {
    // Without a cache, every request verifies and asks to record the use.
    const { repository, clock, create, authenticate } = setUp({ ttlMs: 0 });
    const { key, rawKey } = await create.execute(VIEWER);
    const lastUsed = async () => (await repository.findById(key.id))?.lastUsedAt;

    await authenticate.execute({ rawKey });
    const first = clock.now();
    clock.advance(30_000);
    await authenticate.execute({ rawKey });
    expect(await lastUsed()).toEqual(first);

    clock.advance(30_000);
    await authenticate.execute({ rawKey });
    expect(await lastUsed()).toEqual(clock.now());
  });

  it('authenticates even when recording the use fails, and reports the failure', async () => {
    const { repository, create, authenticate, touchFailures } = setUp();
    const { key, rawKey } = await create.execute(VIEWER);
    const outage = new Error('database is read-only');
    repository.touchLastUsed = () => Promise.reject(outage);

    await expect(authenticate.execute({ rawKey })).resolves.toEqual(key);
    expect(touchFailures).toEqual([outage]);
  });

  it('accepts a key only with its own secret (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 8 }), async (seed) => {
        const { create, authenticate } = setUp({ seed });
        const a = await create.execute({ ...VIEWER, name: 'a' });
        const b = await create.execute({ ...VIEWER, name: 'b' });
        const secretOf = (raw: string) => parseApiKey(raw)?.secret ?? '';

        await expect(authenticate.execute({ rawKey: a.rawKey })).resolves.toEqual(a.key);
        await expect(authenticate.execute({ rawKey: b.rawKey })).resolves.toEqual(b.key);
        await expect(
          authenticate.execute({ rawKey: formatApiKey(a.key.id, secretOf(b.rawKey)) }),
        ).rejects.toMatchObject(refusedBecause('secret_mismatch'));
        await expect(
          authenticate.execute({ rawKey: formatApiKey(b.key.id, secretOf(a.rawKey)) }),
        ).rejects.toMatchObject(refusedBecause('secret_mismatch'));
      }),
      { numRuns: 50 },
    );
  });
});
