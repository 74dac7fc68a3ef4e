/**
 * Behavioural contract of ApiKeyRepository, runnable against any implementation: the in-memory
 * repository (core) and the PostgreSQL adapter (adapters) both run it. It registers tests with the
 * Jest globals of the run that calls it and asserts with `node:assert/strict`, so core's build
 * needs no test typings.
 */
import assert from 'node:assert/strict';
import { DomainErrorCodes } from '../../shared/domain-error';
import { type ApiKeyRepository } from '../api-keys/api-key.ports';
import { type ApiKey, type StoredApiKey } from '../api-keys/api-key.types';

// The test runner's globals (Jest's `describe` and `it`), declared here rather than through
// @types/jest so that core's compiled output and declarations do not depend on test typings.
declare function describe(name: string, body: () => void): void;
declare function it(name: string, body: () => Promise<void>, timeoutMs?: number): void;

/** Creates a fresh, empty repository. Called once per test. */
export type ApiKeyRepositoryFactory = () => Promise<ApiKeyRepository>;

const T0 = Date.parse('2026-02-14T10:00:00.000Z');
const MINUTE = 60_000;

function at(minutes: number): Date {
  return new Date(T0 + minutes * MINUTE);
}

/** A stored key with every field set; `overrides` change any of them. */
export function contractApiKey(id: string, overrides: Partial<StoredApiKey> = {}): StoredApiKey {
  return {
    id,
    name: `key ${id}`,
    role: 'service_owner',
    team: 'payments',
    createdBy: 'alice@example.com',
    createdAt: at(0),
    lastUsedAt: null,
    revokedAt: null,
    expiresAt: at(60 * 24 * 90),
    secretHash: `scrypt$32768$8$1$c2FsdA$${id}`,
    ...overrides,
  };
}

function listed(key: StoredApiKey): ApiKey {
  const { secretHash: _hash, ...rest } = key;
  return rest;
}

function hasCode(code: string): (error: unknown) => boolean {
  return (error: unknown) =>
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

async function listAll(repository: ApiKeyRepository, limit: number): Promise<ApiKey[][]> {
  const pages: ApiKey[][] = [];
  let cursor: string | undefined;
  do {
    const page = await repository.list({ limit, ...(cursor !== undefined ? { cursor } : {}) });
    pages.push([...page.items]);
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined && pages.length < 100);
  return pages;
}

/**
 * Registers a `describe` block of contract tests for one ApiKeyRepository implementation.
 *
 * @param name label of the implementation under test
 * @param makeRepository creates a fresh, empty repository
 */
export function describeApiKeyRepositoryContract(
  name: string,
  makeRepository: ApiKeyRepositoryFactory,
): void {
  describe(`ApiKeyRepository contract: ${name}`, () => {
    it('stores a key and gives every field back, the hash included', async () => {
      const repository = await makeRepository();
      const key = contractApiKey('AAAAAAAAAAA1');
      const viewer = contractApiKey('AAAAAAAAAAA2', {
        role: 'viewer',
        team: null,
        expiresAt: null,
        lastUsedAt: at(5),
        revokedAt: at(6),
      });

      assert.equal(await repository.insert(key), true);
      assert.equal(await repository.insert(viewer), true);

      assert.deepStrictEqual(await repository.findById(key.id), key);
      assert.deepStrictEqual(await repository.findById(viewer.id), viewer);
      assert.equal(await repository.findById('AAAAAAAAAAA3'), null);
    });

    it('refuses a second key with the same id and keeps the first', async () => {
      const repository = await makeRepository();
      const first = contractApiKey('DuplicateId1');
      await repository.insert(first);

      const second = contractApiKey('DuplicateId1', { name: 'other', secretHash: 'other' });
      assert.equal(await repository.insert(second), false);
      assert.deepStrictEqual(await repository.findById(first.id), first);
    });

    it('tells ids apart by case', async () => {
      const repository = await makeRepository();
      await repository.insert(contractApiKey('CaseSensitiv'));

      assert.equal(await repository.insert(contractApiKey('casesensitiv')), true);
      assert.equal((await repository.findById('CASESENSITIV')) === null, true);
    });

    it('lists every key newest first, ids descending on ties, each once across pages, without hashes', async () => {
      const repository = await makeRepository();
      const keys = [
        contractApiKey('b00000000001', { createdAt: at(1) }),
        contractApiKey('B00000000002', { createdAt: at(1) }),
        contractApiKey('a00000000003', { createdAt: at(1) }),
        contractApiKey('z00000000004', { createdAt: at(0) }),
        contractApiKey('000000000005', { createdAt: at(3), revokedAt: at(4) }),
        contractApiKey('000000000006', { createdAt: at(2), expiresAt: at(2.5) }),
      ];
      for (const key of keys) await repository.insert(key);

      const pages = await listAll(repository, 2);

      assert.deepStrictEqual(
        pages.map((page) => page.map((key) => key.id)),
        [
          ['000000000005', '000000000006'],
          ['b00000000001', 'a00000000003'],
          ['B00000000002', 'z00000000004'],
        ],
      );
      assert.deepStrictEqual(pages[0][0], listed(keys[4]));
      for (const key of pages.flat()) assert.equal('secretHash' in key, false);
    });

    it('answers an empty first page and a last page without a cursor', async () => {
      const repository = await makeRepository();
      assert.deepStrictEqual(await repository.list({ limit: 10 }), {
        items: [],
        nextCursor: null,
      });
      await repository.insert(contractApiKey('OnlyOneKey00'));
      const page = await repository.list({ limit: 1 });
      assert.equal(page.items.length, 1);
      assert.equal(page.nextCursor, null);
    });

    it('refuses a cursor it did not issue', async () => {
      const repository = await makeRepository();
      await assert.rejects(
        repository.list({ limit: 10, cursor: 'not-a-cursor' }),
        hasCode(DomainErrorCodes.INVALID_CURSOR),
      );
      const wrongShape = Buffer.from(JSON.stringify({ after: 1 })).toString('base64url');
      await assert.rejects(
        repository.list({ limit: 10, cursor: wrongShape }),
        hasCode(DomainErrorCodes.INVALID_CURSOR),
      );
    });

    it('revokes once: a second revocation keeps the first time; an unknown id is false', async () => {
      const repository = await makeRepository();
      await repository.insert(contractApiKey('RevokeMe0001'));

      assert.equal(await repository.revoke('RevokeMe0001', at(10)), true);
      assert.equal(await repository.revoke('RevokeMe0001', at(20)), true);
      assert.equal(await repository.revoke('NoSuchKey001', at(10)), false);

      assert.deepStrictEqual((await repository.findById('RevokeMe0001'))?.revokedAt, at(10));
      const [listedKey] = (await repository.list({ limit: 1 })).items;
      assert.deepStrictEqual(listedKey.revokedAt, at(10));
    });

    it('records use at most once per interval and never moves it back', async () => {
      const repository = await makeRepository();
      await repository.insert(contractApiKey('TouchMe00001'));
      const lastUsed = async () => (await repository.findById('TouchMe00001'))?.lastUsedAt;

      await repository.touchLastUsed('TouchMe00001', at(10), MINUTE);
      assert.deepStrictEqual(await lastUsed(), at(10));
      await repository.touchLastUsed('TouchMe00001', at(10.5), MINUTE);
      assert.deepStrictEqual(await lastUsed(), at(10));
      await repository.touchLastUsed('TouchMe00001', at(11), MINUTE);
      assert.deepStrictEqual(await lastUsed(), at(11));
      await repository.touchLastUsed('TouchMe00001', at(5), 0);
      assert.deepStrictEqual(await lastUsed(), at(11));
      await repository.touchLastUsed('NoSuchKey001', at(12), MINUTE);
      assert.equal(await repository.findById('NoSuchKey001'), null);
    });
  });
}
