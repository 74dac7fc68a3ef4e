/**
 * Random operation sequences for the registry stores' model-based tests: each store, after the
 * same operations (issued without awaiting, as the controller does), must reach the state the
 * in-memory store reaches.
 */
import { contractCanary, contractWorker, type RegistryStore } from '@slo-engine/core';
import fc from 'fast-check';

export type RegistryStoreOperation =
  | { readonly kind: 'save'; readonly id: string; readonly at: number }
  | { readonly kind: 'beat'; readonly beats: ReadonlyArray<readonly [string, number]> }
  | { readonly kind: 'remove'; readonly ids: readonly string[] }
  | { readonly kind: 'canary'; readonly capability: string; readonly at: number }
  | { readonly kind: 'uncanary'; readonly capability: string };

const workerId = fc.constantFrom('w1', 'w2', 'w3');
const capability = fc.constantFrom('greet:hello', 'echo:plain');
const at = fc.integer({ min: 0, max: 10_000_000 });
export const registryStoreOperation: fc.Arbitrary<RegistryStoreOperation> = fc.oneof(
  fc.record({ kind: fc.constant('save' as const), id: workerId, at }),
  fc.record({
    kind: fc.constant('beat' as const),
    beats: fc.array(fc.tuple(workerId, at), { maxLength: 4 }),
  }),
  fc.record({ kind: fc.constant('remove' as const), ids: fc.array(workerId, { maxLength: 3 }) }),
  fc.record({ kind: fc.constant('canary' as const), capability, at }),
  fc.record({ kind: fc.constant('uncanary' as const), capability }),
);

/** Issues one operation on a store. */
export function issueOperation(store: RegistryStore, op: RegistryStoreOperation): Promise<void> {
  switch (op.kind) {
    case 'save':
      return store.saveWorker(
        contractWorker(op.id, { registeredAt: op.at, lastHeartbeatAt: op.at }),
      );
    case 'beat':
      return store.recordHeartbeats(
        op.beats.map(([id, time]) => ({ workerId: id, lastHeartbeatAt: time })),
      );
    case 'remove':
      return store.removeWorkers(op.ids);
    case 'canary':
      return store.saveCanary(contractCanary(op.capability, { updatedAt: op.at }));
    case 'uncanary':
      return store.removeCanary(op.capability);
  }
}
