import {
  CONTRACT_LARGE_FLEET,
  contractCanary,
  contractWorker,
  describeRegistryStoreContract,
  InMemoryRegistryStore,
  sortedSnapshot,
} from '@slo-engine/core';
import fc from 'fast-check';
import { issueOperation, registryStoreOperation } from '../__fixtures__/registry-store-operations';
import { createMigratedDatabase, type MigratedDatabase } from './__fixtures__/migrated-database';
import { PostgresRegistryStore } from './registry.store';

let db: MigratedDatabase;

beforeAll(async () => {
  db = await createMigratedDatabase('adapters_registry_store');
});
afterAll(async () => db.close());

async function emptyTables(): Promise<void> {
  await db.dataSource.query('TRUNCATE controller_workers, controller_canary_policies');
}

describeRegistryStoreContract('PostgreSQL', async () => {
  await emptyTables();
  return { open: () => Promise.resolve(new PostgresRegistryStore(db.dataSource)) };
});

describe('PostgresRegistryStore (storage)', () => {
  let store: PostgresRegistryStore;

  beforeEach(async () => {
    await emptyTables();
    store = new PostgresRegistryStore(db.dataSource);
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await store.close();
  });

  it('records a heartbeat batch of the whole fleet in one statement, and removes a batch in one', async () => {
    const ids = Array.from({ length: CONTRACT_LARGE_FLEET }, (_, i) => `worker-${i}`);
    for (const id of ids.slice(0, 3)) await store.saveWorker(contractWorker(id));
    const query = jest.spyOn(db.dataSource, 'query');

    await store.recordHeartbeats(ids.map((workerId) => ({ workerId, lastHeartbeatAt: 1 })));
    await store.removeWorkers(ids);

    expect(query).toHaveBeenCalledTimes(2);
    const [row] = await db.dataSource.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM controller_workers',
    );
    expect(row.count).toBe(0);
  });

  it('writes registrations that queue up behind a running statement in one upsert', async () => {
    const query = jest.spyOn(db.dataSource, 'query');

    await Promise.all(
      Array.from({ length: 50 }, (_, i) => store.saveWorker(contractWorker(`w${i}`))),
    );

    expect(query).toHaveBeenCalledTimes(1);
    expect((await store.load()).workers).toHaveLength(50);
  });

  it('ends, after any sequence of operations issued without awaiting, where the in-memory store ends', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(registryStoreOperation, { maxLength: 25 }), async (operations) => {
        await emptyTables();
        const postgres = new PostgresRegistryStore(db.dataSource);
        const reference = new InMemoryRegistryStore();
        await Promise.all(operations.map((op) => issueOperation(postgres, op)));
        for (const op of operations) await issueOperation(reference, op);

        expect(sortedSnapshot(await postgres.load())).toEqual(
          sortedSnapshot(await reference.load()),
        );
        await postgres.close();
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('stores times as timestamptz, capabilities as a jsonb array and a missing identity as NULL', async () => {
    const { identity: _none, ...worker } = contractWorker('worker-row');
    await store.saveWorker(worker);
    await store.saveCanary(
      contractCanary('greet:hello', {
        rolledBack: { at: Date.parse('2026-02-14T10:02:03.456Z'), reason: 'slow' },
      }),
    );

    const [row] = await db.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT identity, registered_at::text AS registered, jsonb_typeof(capabilities) AS kind,
              capabilities -> 0 ->> 'verb' AS verb
       FROM controller_workers`,
    );
    expect(row).toEqual({
      identity: null,
      registered: '2026-02-14 10:00:00+00',
      kind: 'array',
      verb: 'greet',
    });
    const [canary] = await db.dataSource.query<Array<Record<string, unknown>>>(
      `SELECT rolled_back_at = '2026-02-14T10:02:03.456Z'::timestamptz AS exact, rolled_back_reason,
              policy ->> 'percentage' AS percentage
       FROM controller_canary_policies`,
    );
    expect(canary).toEqual({ exact: true, rolled_back_reason: 'slow', percentage: '12.34' });
  });

  it.each([
    ['a rollback time without a reason', `now(), NULL`],
    ['a rollback reason without a time', `NULL, 'why'`],
  ])('lets the database refuse %s', async (_label, rollback) => {
    const insert = db.dataSource.query(
      `INSERT INTO controller_canary_policies
         (capability, policy, updated_at, updated_by, rolled_back_at, rolled_back_reason)
       VALUES ('greet:hello', '{}', now(), 'alice', ${rollback})`,
    );
    await expect(insert).rejects.toMatchObject({ driverError: { code: '23514' } });
  });

  it('lets a failed operation reject its caller only; later operations still run', async () => {
    const failing = store.saveWorker(contractWorker('bad\u0000id'));
    const next = store.saveWorker(contractWorker('worker-ok'));

    await expect(failing).rejects.toThrow();
    await expect(next).resolves.toBeUndefined();
    expect((await store.load()).workers.map((w) => w.workerId)).toEqual(['worker-ok']);
  });
});
