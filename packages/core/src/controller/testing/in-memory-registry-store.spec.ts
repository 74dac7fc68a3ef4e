import fc from 'fast-check';
import { type RegistryStore, type StoredWorker } from '../registry-store.port';
import { InMemoryRegistryBacking, InMemoryRegistryStore } from './in-memory-registry-store';
import { contractWorker, describeRegistryStoreContract } from './registry-store.contract';

describeRegistryStoreContract('in-memory', () => {
  const backing = new InMemoryRegistryBacking();
  return Promise.resolve({ open: () => Promise.resolve(new InMemoryRegistryStore(backing)) });
});

type Operation =
  | { readonly kind: 'save'; readonly id: string; readonly at: number }
  | { readonly kind: 'beat'; readonly beats: ReadonlyArray<readonly [string, number]> }
  | { readonly kind: 'remove'; readonly ids: readonly string[] };

const id = fc.constantFrom('w1', 'w2', 'w3', 'w4');
const at = fc.integer({ min: 0, max: 1_000_000 });
const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({ kind: fc.constant('save' as const), id, at }),
  fc.record({
    kind: fc.constant('beat' as const),
    beats: fc.array(fc.tuple(id, at), { maxLength: 6 }),
  }),
  fc.record({ kind: fc.constant('remove' as const), ids: fc.array(id, { maxLength: 4 }) }),
);

function issue(store: RegistryStore, op: Operation): Promise<void> {
  switch (op.kind) {
    case 'save':
      return store.saveWorker(
        contractWorker(op.id, { registeredAt: op.at, lastHeartbeatAt: op.at }),
      );
    case 'beat':
      return store.recordHeartbeats(
        op.beats.map(([workerId, lastHeartbeatAt]) => ({ workerId, lastHeartbeatAt })),
      );
    case 'remove':
      return store.removeWorkers(op.ids);
  }
}

describe('InMemoryRegistryStore', () => {
  it('holds, after any sequence of operations, the last registration of each live worker with its last heartbeat', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 40 }), async (operations) => {
        const store = new InMemoryRegistryStore();
        // An independent model: what a worker's row should be, replayed by hand.
        const model = new Map<string, StoredWorker>();
        for (const op of operations) {
          await issue(store, op);
          if (op.kind === 'save')
            model.set(
              op.id,
              contractWorker(op.id, { registeredAt: op.at, lastHeartbeatAt: op.at }),
            );
          if (op.kind === 'remove') for (const gone of op.ids) model.delete(gone);
          if (op.kind === 'beat')
            for (const [workerId, lastHeartbeatAt] of op.beats) {
              const known = model.get(workerId);
              if (known) model.set(workerId, { ...known, lastHeartbeatAt });
            }
        }
        const loaded = (await store.load()).workers;
        expect(new Map(loaded.map((w) => [w.workerId, w]))).toEqual(model);
        expect(loaded).toHaveLength(model.size);
      }),
    );
  });

  it('gives a store opened on the same backing what the first one wrote, and keeps stores apart otherwise', async () => {
    const backing = new InMemoryRegistryBacking();
    const first = new InMemoryRegistryStore(backing);
    await first.saveWorker(contractWorker('w1'));
    await first.close();

    expect((await new InMemoryRegistryStore(backing).load()).workers).toEqual([
      contractWorker('w1'),
    ]);
    expect((await new InMemoryRegistryStore().load()).workers).toEqual([]);
  });

  it('rejects with REGISTRY_STORE.CLOSED after close()', async () => {
    const store = new InMemoryRegistryStore();
    await store.close();
    await expect(store.load()).rejects.toMatchObject({ code: 'REGISTRY_STORE.CLOSED' });
  });
});
