/**
 * Behavioural contract of RegistryStore, runnable against any implementation: the in-memory store
 * (core), the JSONL file store and the PostgreSQL store (adapters) all run it. It registers tests
 * with the Jest globals of the run that calls it and asserts with `node:assert/strict`, so core's
 * build needs no test typings.
 *
 * Besides the port's own comments, the contract pins down what the controller relies on:
 * - values come back as JSON would store them: a field set to `undefined` comes back absent;
 * - the store keeps its own copies (mutating a saved object or a loaded snapshot changes nothing);
 * - operations take effect in call order even when the caller does not await each one (the
 *   controller registers, heartbeats and deregisters from concurrent requests);
 * - when one heartbeat batch names a worker twice, the last entry wins;
 * - `close()` settles the operations already issued, and a store opened afterwards on the same
 *   backing data (a restart) sees all of them; calls after `close()` reject;
 * - `load()` lists workers and canaries in no particular order (the contract sorts).
 */
import assert from 'node:assert/strict';
import { type CanaryPolicy, type Capability } from '@slo-engine/registry';
import {
  type ControllerSnapshot,
  type RegistryStore,
  type StoredCanaryPolicy,
  type StoredWorker,
  type WorkerHeartbeat,
} from '../registry-store.port';

// The test runner's globals (Jest's `describe`, `it`, `afterEach`), declared here rather than
// through @types/jest so that core's compiled output and declarations do not depend on test typings.
declare function describe(name: string, body: () => void): void;
declare function it(name: string, body: () => Promise<void>, timeoutMs?: number): void;
declare function afterEach(body: () => Promise<void>): void;

/** The data a store lives on (a map, a file, a schema), fresh and empty for each test. */
export interface RegistryStoreBacking {
  /** Opens a store on this backing data; called again after `close()` to simulate a restart. */
  open(): Promise<RegistryStore>;
}

/** Creates fresh, empty backing data. Called once per test. */
export type RegistryStoreFactory = () => Promise<RegistryStoreBacking>;

/** Workers of the large-batch test: the fleet size the controller is sized for. */
export const CONTRACT_LARGE_FLEET = 5_000;

const T0 = Date.parse('2026-02-14T10:00:00.000Z');
const LARGE_BATCH_TIMEOUT_MS = 120_000;

/**
 * A capability with every optional field of spec 002 set, nested objects, non-ASCII text and
 * characters JSON must escape; `overrides` change any field.
 */
export function contractCapability(overrides: Partial<Capability> = {}): Capability {
  return {
    verb: 'greet',
    name: 'hello',
    version: '1.1.0',
    input_schema: {
      type: 'object',
      properties: {
        name: {
          type: 'string',
          maxLength: 64,
          description: 'Grüße, 你好, 🚀 "quoted" \\ and\nnewline',
        },
      },
      required: ['name'],
    },
    output_schema: { type: 'object', additionalProperties: false, properties: {} },
    requires_gpu: false,
    max_concurrency: 8,
    runtime: 'node',
    env_profile: 'node-standard',
    constraints: {
      accelerator: 'cpu',
      timeout_sec: 10,
      max_output_bytes: 1_048_576,
      regions: ['eu-west-1', 'us-east-1'],
      nested: { empty: {}, nothing: null, flag: true },
    },
    slo: {
      latency_p50_ms: 12.5,
      latency_p95_ms: 80,
      latency_p99_ms: 150,
      availability: 0.999,
      error_budget_pct: 0.1,
    },
    spiffe_id: 'spiffe://slo.example/worker/hello',
    required_capabilities: ['audit:write', 'cache:read'],
    cost_tokens_per_invocation: 0.25,
    slo_bid: { latency_ms: 50, budget_tokens: 10 },
    controller_affinity: 'controller-eu-1',
    ...overrides,
  };
}

/** A capability with only the seven core fields. */
export function contractMinimalCapability(verb = 'echo', name = 'plain'): Capability {
  return {
    verb,
    name,
    version: '0.1.0',
    input_schema: {},
    output_schema: {},
    requires_gpu: true,
    max_concurrency: 1,
  };
}

/** A stored worker with every field set (identity included); `overrides` change any of them. */
export function contractWorker(
  workerId: string,
  overrides: Partial<StoredWorker> = {},
): StoredWorker {
  return {
    workerId,
    workerUrl: `https://${workerId}.workers.internal:8500`,
    capabilities: [contractCapability(), contractMinimalCapability()],
    registeredAt: T0,
    // Milliseconds that are not whole seconds, so a store that loses precision fails.
    lastHeartbeatAt: T0 + 5_123,
    identity: `spiffe://slo.example/worker/${workerId}`,
    ...overrides,
  };
}

/** A canary policy with every policy field set and no rollback; `overrides` change any field. */
export function contractCanary(
  capability: string,
  overrides: Partial<StoredCanaryPolicy> = {},
): StoredCanaryPolicy {
  const policy: CanaryPolicy = {
    stableVersion: '1.0.0',
    canaryVersion: '1.1.0',
    percentage: 12.34,
    cohort: ['tenant-a', 'tenant-ü'],
    darkLaunch: true,
    salt: capability,
  };
  return {
    capability,
    policy,
    updatedAt: T0 + 60_007,
    updatedBy: 'alice@example.com',
    ...overrides,
  };
}

function byWorkerId(a: StoredWorker, b: StoredWorker): number {
  return a.workerId < b.workerId ? -1 : a.workerId > b.workerId ? 1 : 0;
}

function byCapability(a: StoredCanaryPolicy, b: StoredCanaryPolicy): number {
  return a.capability < b.capability ? -1 : a.capability > b.capability ? 1 : 0;
}

/** The snapshot with workers sorted by id and canaries by capability, since order is free. */
export function sortedSnapshot(snapshot: ControllerSnapshot): ControllerSnapshot {
  return {
    workers: [...snapshot.workers].sort(byWorkerId),
    canaries: [...snapshot.canaries].sort(byCapability),
  };
}

function expected(
  workers: readonly StoredWorker[],
  canaries: readonly StoredCanaryPolicy[] = [],
): ControllerSnapshot {
  return sortedSnapshot({ workers, canaries });
}

async function assertState(store: RegistryStore, state: ControllerSnapshot): Promise<void> {
  assert.deepStrictEqual(sortedSnapshot(await store.load()), state);
}

/**
 * Registers a `describe` block of contract tests for one RegistryStore implementation.
 *
 * @param name label of the implementation under test
 * @param factory creates fresh, empty backing data on which stores are opened
 */
export function describeRegistryStoreContract(name: string, factory: RegistryStoreFactory): void {
  describe(`RegistryStore contract: ${name}`, () => {
    const opened: RegistryStore[] = [];
    const openOn = async (backing: RegistryStoreBacking): Promise<RegistryStore> => {
      const store = await backing.open();
      opened.push(store);
      return store;
    };
    const freshStore = async (): Promise<RegistryStore> => openOn(await factory());

    afterEach(async () => {
      // close() twice must be harmless: tests close some stores themselves.
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

    it('loads an empty snapshot from new backing data', async () => {
      const store = await freshStore();
      assert.deepStrictEqual(await store.load(), { workers: [], canaries: [] });
    });

    it('gives every field of a worker back: all optional capability fields, identity, ms times', async () => {
      const store = await freshStore();
      const full = contractWorker('worker-full');
      const { identity: _none, ...anonymous } = contractWorker('worker-anonymous', {
        capabilities: [contractMinimalCapability()],
        registeredAt: T0 - 86_400_000,
        lastHeartbeatAt: T0 + 1,
      });

      await store.saveWorker(full);
      await store.saveWorker(anonymous);

      await assertState(store, expected([full, anonymous]));
    });

    it('stores values as JSON would: a field set to undefined comes back absent', async () => {
      const store = await freshStore();
      const withUndefined: StoredWorker = {
        ...contractWorker('worker-undefined'),
        identity: undefined,
        capabilities: [{ ...contractMinimalCapability(), runtime: undefined, slo: undefined }],
      };
      const { identity: _none, ...plain } = contractWorker('worker-undefined', {
        capabilities: [contractMinimalCapability()],
      });

      await store.saveWorker(withUndefined);

      const [loaded] = (await store.load()).workers;
      assert.deepStrictEqual(loaded, plain);
      assert.equal('identity' in loaded, false);
      assert.equal('runtime' in loaded.capabilities[0], false);
    });

    it('keeps its own copies: changing a saved object or a loaded snapshot changes nothing', async () => {
      // What a careless caller could do despite the readonly types.
      type Mutable = { workerUrl: string; capabilities: Array<{ version: string }> };
      const store = await freshStore();
      const original = contractWorker('worker-copy');
      const saved = contractWorker('worker-copy');
      await store.saveWorker(saved);
      (saved as unknown as Mutable).capabilities[0].version = '9.9.9';

      const [loaded] = (await store.load()).workers as unknown as Mutable[];
      loaded.workerUrl = 'https://changed.internal';
      loaded.capabilities[0].version = '8.8.8';

      await assertState(store, expected([original]));
    });

    it('replaces a worker saved again: every field, identity removed, nothing merged', async () => {
      const store = await freshStore();
      await store.saveWorker(contractWorker('worker-a'));
      await store.saveWorker(contractWorker('worker-b'));
      const { identity: _none, ...replacement } = contractWorker('worker-a', {
        workerUrl: 'https://worker-a.elsewhere.internal:9000',
        capabilities: [contractMinimalCapability('greet', 'hello')],
        registeredAt: T0 + 600_000,
        lastHeartbeatAt: T0 + 600_000,
      });

      await store.saveWorker(replacement);

      await assertState(store, expected([replacement, contractWorker('worker-b')]));
    });

    it('records heartbeats of known workers only; the last entry for a worker wins', async () => {
      const store = await freshStore();
      const a = contractWorker('worker-a');
      const b = contractWorker('worker-b');
      const c = contractWorker('worker-c');
      for (const worker of [a, b, c]) await store.saveWorker(worker);

      await store.recordHeartbeats([
        { workerId: 'worker-a', lastHeartbeatAt: T0 + 30_001 },
        { workerId: 'worker-ghost', lastHeartbeatAt: T0 + 30_002 },
        { workerId: 'worker-b', lastHeartbeatAt: T0 + 30_003 },
        { workerId: 'worker-a', lastHeartbeatAt: T0 + 30_004 },
      ]);
      await store.recordHeartbeats([]);

      await assertState(
        store,
        expected([
          { ...a, lastHeartbeatAt: T0 + 30_004 },
          { ...b, lastHeartbeatAt: T0 + 30_003 },
          c,
        ]),
      );
    });

    it('removes workers, ignores unknown and repeated ids, and does not bring removed ones back', async () => {
      const store = await freshStore();
      for (const id of ['worker-a', 'worker-b', 'worker-c'])
        await store.saveWorker(contractWorker(id));

      await store.removeWorkers(['worker-a', 'worker-ghost', 'worker-a', 'worker-c']);
      await store.removeWorkers([]);
      await store.recordHeartbeats([{ workerId: 'worker-a', lastHeartbeatAt: T0 + 99_000 }]);

      await assertState(store, expected([contractWorker('worker-b')]));

      // A removed worker that re-registers is stored again.
      const again = contractWorker('worker-a', { registeredAt: T0 + 100_000 });
      await store.saveWorker(again);
      await assertState(store, expected([again, contractWorker('worker-b')]));
    });

    it('saves, replaces (rolled back, then not) and removes canary policies', async () => {
      const store = await freshStore();
      const full = contractCanary('greet:hello');
      const minimal = contractCanary('echo:plain', {
        policy: { stableVersion: '2.0.0', canaryVersion: '2.1.0-rc.1', percentage: 0 },
        updatedBy: 'spiffe://slo.example/ops/bob',
      });
      await store.saveCanary(full);
      await store.saveCanary(minimal);
      await assertState(store, expected([], [full, minimal]));

      const rolledBack = contractCanary('greet:hello', {
        policy: { ...full.policy, percentage: 0 },
        updatedAt: T0 + 120_011,
        updatedBy: 'controller',
        rolledBack: { at: T0 + 120_011, reason: 'latency_p95_ms 140 > 100 for 3 checks' },
      });
      await store.saveCanary(rolledBack);
      await assertState(store, expected([], [rolledBack, minimal]));

      const resumed = contractCanary('greet:hello', { updatedAt: T0 + 180_013 });
      await store.saveCanary(resumed);
      const [loaded] = sortedSnapshot(await store.load()).canaries.filter(
        (canary) => canary.capability === 'greet:hello',
      );
      assert.deepStrictEqual(loaded, resumed);
      assert.equal('rolledBack' in loaded, false);

      await store.removeCanary('greet:hello');
      await store.removeCanary('no:such');
      await assertState(store, expected([], [minimal]));
    });

    it('applies operations in call order even when they are not awaited one by one', async () => {
      const store = await freshStore();
      const first = contractWorker('worker-a');
      const reRegistered = contractWorker('worker-a', {
        workerUrl: 'https://worker-a.moved.internal:8500',
        registeredAt: T0 + 10_000,
        lastHeartbeatAt: T0 + 10_000,
      });
      const canary = contractCanary('greet:hello');
      const replacement = contractCanary('greet:hello', { updatedAt: T0 + 70_000 });

      const operations = [
        store.saveWorker(first),
        store.recordHeartbeats([{ workerId: 'worker-a', lastHeartbeatAt: T0 + 6_000 }]),
        store.removeWorkers(['worker-a']),
        store.recordHeartbeats([{ workerId: 'worker-a', lastHeartbeatAt: T0 + 7_000 }]),
        store.saveWorker(reRegistered),
        store.recordHeartbeats([{ workerId: 'worker-a', lastHeartbeatAt: T0 + 40_000 }]),
        store.saveWorker(contractWorker('worker-b')),
        store.removeWorkers(['worker-b']),
        store.saveCanary(canary),
        store.removeCanary('greet:hello'),
        store.saveCanary(replacement),
      ];
      const loaded = store.load();
      await Promise.all(operations);

      const state = expected([{ ...reRegistered, lastHeartbeatAt: T0 + 40_000 }], [replacement]);
      assert.deepStrictEqual(sortedSnapshot(await loaded), state);
    });

    it('survives a restart: a store opened on the same data after close() sees everything', async () => {
      const backing = await factory();
      const before = await openOn(backing);
      const kept = contractWorker('worker-kept');
      const beaten = contractWorker('worker-beaten');
      const canary = contractCanary('greet:hello', {
        rolledBack: { at: T0 + 1_000, reason: 'availability 0.98 < 0.999' },
      });
      // Issued without awaiting: close() must settle them before it resolves.
      const pending = [
        before.saveWorker(kept),
        before.saveWorker(beaten),
        before.saveWorker(contractWorker('worker-gone')),
        before.recordHeartbeats([{ workerId: 'worker-beaten', lastHeartbeatAt: T0 + 45_678 }]),
        before.removeWorkers(['worker-gone']),
        before.saveCanary(canary),
        before.saveCanary(contractCanary('echo:plain')),
        before.removeCanary('echo:plain'),
      ];
      await before.close();
      await Promise.all(pending);
      const afterFirstRestart = expected(
        [kept, { ...beaten, lastHeartbeatAt: T0 + 45_678 }],
        [canary],
      );

      const after = await openOn(backing);
      await assertState(after, afterFirstRestart);

      // The reopened store keeps writing on top of what it loaded.
      await after.removeWorkers(['worker-kept']);
      await after.saveWorker(contractWorker('worker-new'));
      await after.removeCanary('greet:hello');
      await after.close();

      const third = await openOn(backing);
      await assertState(
        third,
        expected([{ ...beaten, lastHeartbeatAt: T0 + 45_678 }, contractWorker('worker-new')]),
      );
    });

    it('rejects calls after close()', async () => {
      const store = await freshStore();
      await store.close();
      await store.close();

      await assert.rejects(store.load());
      await assert.rejects(store.saveWorker(contractWorker('worker-late')));
      await assert.rejects(
        store.recordHeartbeats([{ workerId: 'worker-late', lastHeartbeatAt: T0 }]),
      );
      await assert.rejects(store.removeWorkers(['worker-late']));
      await assert.rejects(store.saveCanary(contractCanary('greet:hello')));
      await assert.rejects(store.removeCanary('greet:hello'));
    });

    it(
      `handles a fleet of ${CONTRACT_LARGE_FLEET} workers: concurrent registrations, one heartbeat batch for all, one removal batch`,
      async () => {
        const backing = await factory();
        const store = await openOn(backing);
        const ids = Array.from(
          { length: CONTRACT_LARGE_FLEET },
          (_, i) => `worker-${String(i).padStart(5, '0')}`,
        );
        await Promise.all(ids.map((id) => store.saveWorker(contractWorker(id))));

        const beats: WorkerHeartbeat[] = ids.map((workerId, i) => ({
          workerId,
          lastHeartbeatAt: T0 + 30_000 + i,
        }));
        await store.recordHeartbeats(beats);
        const removed = ids.filter((_, i) => i % 2 === 1);
        await store.removeWorkers(removed);

        const state = expected(
          ids
            .map((id, i) => ({ id, i }))
            .filter(({ i }) => i % 2 === 0)
            .map(({ id, i }) => contractWorker(id, { lastHeartbeatAt: T0 + 30_000 + i })),
        );
        await assertState(store, state);

        await store.close();
        await assertState(await openOn(backing), state);
      },
      LARGE_BATCH_TIMEOUT_MS,
    );
  });
}
