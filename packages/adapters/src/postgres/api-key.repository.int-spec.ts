import { contractApiKey, describeApiKeyRepositoryContract } from '@slo-engine/core';
import { createMigratedDatabase, type MigratedDatabase } from './__fixtures__/migrated-database';
import { PostgresApiKeyRepository } from './api-key.repository';

let db: MigratedDatabase;

beforeAll(async () => {
  db = await createMigratedDatabase('adapters_api_keys');
});
afterAll(async () => db.close());

async function emptyRepository(): Promise<PostgresApiKeyRepository> {
  await db.dataSource.query('TRUNCATE api_keys');
  return new PostgresApiKeyRepository(db.dataSource.manager);
}

describeApiKeyRepositoryContract('PostgreSQL', emptyRepository);

describe('PostgresApiKeyRepository (storage)', () => {
  let repository: PostgresApiKeyRepository;

  beforeEach(async () => {
    repository = await emptyRepository();
  });

  it('stores the hash in secret_hash and nothing that looks like a raw key', async () => {
    const key = contractApiKey('StoredKey001', { secretHash: 'scrypt$32768$8$1$salt$hash' });
    await repository.insert(key);

    const [row] =
      await db.dataSource.query<Array<Record<string, unknown>>>('SELECT * FROM api_keys');
    expect(row).toEqual({
      id: 'StoredKey001',
      name: key.name,
      role: 'service_owner',
      team: 'payments',
      secret_hash: 'scrypt$32768$8$1$salt$hash',
      created_by: 'alice@example.com',
      created_at: key.createdAt,
      last_used_at: null,
      revoked_at: null,
      expires_at: key.expiresAt,
    });
  });

  it.each([
    ['an unknown role', `'root', 'payments'`],
    ['a service_owner without team', `'service_owner', NULL`],
  ])('lets the database refuse %s', async (_label, roleAndTeam) => {
    const insert = db.dataSource.query(
      `INSERT INTO api_keys (id, name, role, team, secret_hash, created_by)
       VALUES ('BadRow000001', 'bad', ${roleAndTeam}, 'h', 'alice')`,
    );
    await expect(insert).rejects.toMatchObject({ driverError: { code: '23514' } });
  });

  it('treats ids longer than the column as unknown instead of failing', async () => {
    const long = 'x'.repeat(40);
    expect(await repository.findById(long)).toBeNull();
    expect(await repository.revoke(long, new Date())).toBe(false);
    await expect(repository.touchLastUsed(long, new Date(), 0)).resolves.toBeUndefined();
  });

  it('pages correctly through keys created within the same microsecond', async () => {
    await db.dataSource.query(
      `INSERT INTO api_keys (id, name, role, secret_hash, created_by, created_at)
       SELECT 'SameTime' || lpad(n::text, 4, '0'), 'k', 'viewer', 'h', 'alice',
              '2026-02-14 10:00:00.123456+00'
       FROM generate_series(1, 5) AS n`,
    );
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await repository.list({ limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((key) => key.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined);
    expect(seen).toEqual([
      'SameTime0005',
      'SameTime0004',
      'SameTime0003',
      'SameTime0002',
      'SameTime0001',
    ]);
  });
});
