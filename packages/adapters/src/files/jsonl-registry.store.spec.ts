import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  contractCanary,
  contractWorker,
  type ControllerSnapshot,
  describeRegistryStoreContract,
  InMemoryRegistryStore,
  type RegistryStore,
  sortedSnapshot,
} from '@slo-engine/core';
import fc from 'fast-check';
import { issueOperation, registryStoreOperation } from '../__fixtures__/registry-store-operations';
import {
  JSONL_REGISTRY_FORMAT_VERSION,
  JsonlRegistryStore,
  type JsonlRegistryStoreOptions,
  type JsonlRegistryWarning,
} from './jsonl-registry.store';

let root: string;
let files = 0;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'slo-jsonl-registry-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A path no other test uses, in a directory that does not exist yet (open creates it). */
function freshPath(): string {
  files += 1;
  return join(root, `case-${files}`, 'state', 'controller', 'registry.jsonl');
}

async function lines(path: string): Promise<Array<Record<string, unknown>>> {
  const text = await readFile(path, 'utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describeRegistryStoreContract('JSONL file', () => {
  const path = freshPath();
  return Promise.resolve({
    open: () => JsonlRegistryStore.open(path, { onWarning: () => undefined }),
  });
});

describe('JsonlRegistryStore', () => {
  const opened: RegistryStore[] = [];
  const warnings: JsonlRegistryWarning[] = [];
  async function openStore(
    path: string,
    options: JsonlRegistryStoreOptions = {},
  ): Promise<JsonlRegistryStore> {
    const store = await JsonlRegistryStore.open(path, {
      onWarning: (w) => warnings.push(w),
      ...options,
    });
    opened.push(store);
    return store;
  }

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    warnings.length = 0;
  });

  it('writes one versioned line per operation, a heartbeat batch as one line, unknown ids left out', async () => {
    const path = freshPath();
    const store = await openStore(path);
    const { identity: _none, ...anonymous } = contractWorker('worker-b');

    await store.saveWorker(contractWorker('worker-a'));
    await store.saveWorker(anonymous);
    await store.recordHeartbeats([
      { workerId: 'worker-a', lastHeartbeatAt: 10 },
      { workerId: 'worker-ghost', lastHeartbeatAt: 11 },
      { workerId: 'worker-b', lastHeartbeatAt: 12 },
    ]);
    await store.recordHeartbeats([{ workerId: 'worker-ghost', lastHeartbeatAt: 13 }]);
    await store.removeWorkers(['worker-a', 'worker-ghost', 'worker-a']);
    await store.saveCanary(contractCanary('greet:hello'));
    await store.removeCanary('greet:hello');
    await store.removeCanary('greet:hello');

    const written = await lines(path);
    expect(written.map((line) => [line.v, line.op])).toEqual([
      [JSONL_REGISTRY_FORMAT_VERSION, 'register'],
      [JSONL_REGISTRY_FORMAT_VERSION, 'register'],
      [JSONL_REGISTRY_FORMAT_VERSION, 'heartbeat'],
      [JSONL_REGISTRY_FORMAT_VERSION, 'deregister'],
      [JSONL_REGISTRY_FORMAT_VERSION, 'canary'],
      [JSONL_REGISTRY_FORMAT_VERSION, 'canary_removed'],
    ]);
    expect(written[0].worker).toEqual(contractWorker('worker-a'));
    expect(written[2].beats).toEqual([
      ['worker-a', 10],
      ['worker-b', 12],
    ]);
    expect(written[3].ids).toEqual(['worker-a']);
    expect(written[5].capability).toBe('greet:hello');
  });

  it('skips a last line cut short by a crash, with a warning naming it, and repairs the file', async () => {
    const path = freshPath();
    const first = await openStore(path);
    await first.saveWorker(contractWorker('worker-a'));
    await first.saveCanary(contractCanary('greet:hello'));
    await first.close();
    const cut = JSON.stringify({
      v: 1,
      op: 'register',
      worker: contractWorker('worker-torn'),
    }).slice(0, 57);
    await appendFile(path, cut);

    const reopened = await openStore(path);

    expect(warnings).toEqual([
      expect.objectContaining({ code: 'REGISTRY_STORE.TAIL_SKIPPED', line: 3 }),
    ]);
    expect(warnings[0].message).toContain(`${path}:3`);
    const state: ControllerSnapshot = {
      workers: [contractWorker('worker-a')],
      canaries: [contractCanary('greet:hello')],
    };
    expect(await reopened.load()).toEqual(state);
    // The torn bytes are gone, so what is appended next is a line of its own.
    expect((await lines(path)).map((line) => line.op)).toEqual(['register', 'canary']);
    await reopened.saveWorker(contractWorker('worker-b'));
    await reopened.close();
    warnings.length = 0;
    expect(
      sortedSnapshot(await (await openStore(path)).load()).workers.map((w) => w.workerId),
    ).toEqual(['worker-a', 'worker-b']);
    expect(warnings).toEqual([]);
  });

  it('keeps a complete last record whose newline never reached the disk', async () => {
    const path = freshPath();
    const first = await openStore(path);
    await first.close();
    await writeFile(
      path,
      JSON.stringify({ v: 1, op: 'register', worker: contractWorker('worker-a') }),
    );

    const store = await openStore(path);

    expect(await store.load()).toEqual({ workers: [contractWorker('worker-a')], canaries: [] });
    expect(warnings).toEqual([]);
    expect((await readFile(path, 'utf8')).endsWith('\n')).toBe(true);
  });

  it.each([
    ['text that is not JSON', 'this is not json'],
    ['an unknown op', JSON.stringify({ v: 1, op: 'teleport' })],
    [
      'a register line without a worker id',
      JSON.stringify({ v: 1, op: 'register', worker: { workerUrl: 'x' } }),
    ],
    [
      'a heartbeat line with a bad pair',
      JSON.stringify({ v: 1, op: 'heartbeat', beats: [['w', 'soon']] }),
    ],
  ])(
    'refuses to open a file with %s before the last line, naming the line, and leaves it untouched',
    async (_label, bad) => {
      const path = freshPath();
      const store = await openStore(path);
      await store.saveWorker(contractWorker('worker-a'));
      await store.close();
      await appendFile(
        path,
        `${bad}\n${JSON.stringify({ v: 1, op: 'deregister', ids: ['worker-a'] })}\n`,
      );
      const before = await readFile(path, 'utf8');

      const opening = JsonlRegistryStore.open(path);

      await expect(opening).rejects.toMatchObject({
        code: 'REGISTRY_STORE.CORRUPT_LINE',
        details: { path, line: 2 },
        message: expect.stringContaining(`${path}:2`) as unknown,
      });
      expect(await readFile(path, 'utf8')).toBe(before);
    },
  );

  it('refuses a line of another format version, even the last one', async () => {
    const path = freshPath();
    const store = await openStore(path);
    await store.close();
    await writeFile(
      path,
      `${JSON.stringify({ v: 2, op: 'register', worker: contractWorker('worker-a') })}\n`,
    );

    await expect(JsonlRegistryStore.open(path)).rejects.toMatchObject({
      code: 'REGISTRY_STORE.UNSUPPORTED_VERSION',
      details: { line: 1, version: 2 },
    });
  });

  it('compacts when dead records outnumber live ones, counting every worker of a heartbeat line', async () => {
    const path = freshPath();
    const store = await openStore(path, { minDeadRecords: 0 });
    const ids = ['worker-a', 'worker-b', 'worker-c'];
    for (const id of ids) await store.saveWorker(contractWorker(id));
    await store.saveCanary(contractCanary('greet:hello'));
    // 4 live records; a heartbeat line for 3 workers adds 3 dead ones.
    await store.recordHeartbeats(ids.map((workerId) => ({ workerId, lastHeartbeatAt: 1 })));
    expect(await lines(path)).toHaveLength(5);

    await store.recordHeartbeats(ids.map((workerId) => ({ workerId, lastHeartbeatAt: 2 })));

    // 6 dead > 4 live: rewritten as one line per live record, heartbeats folded in.
    const compacted = await lines(path);
    expect(compacted.map((line) => line.op)).toEqual([
      'register',
      'register',
      'register',
      'canary',
    ]);
    expect(
      compacted
        .slice(0, 3)
        .map((line) => (line.worker as { lastHeartbeatAt: number }).lastHeartbeatAt),
    ).toEqual([2, 2, 2]);
    await expect(stat(`${path}.compacting`)).rejects.toMatchObject({ code: 'ENOENT' });

    // Appends go to the new file, and the log replays to the same state.
    await store.removeWorkers(['worker-c']);
    expect((await lines(path)).map((line) => line.op)).toEqual([
      'register',
      'register',
      'register',
      'canary',
      'deregister',
    ]);
    const state = sortedSnapshot(await store.load());
    await store.close();
    expect(sortedSnapshot(await (await openStore(path)).load())).toEqual(state);
  });

  it('waits for minDeadRecords before compacting, and compacts anything dead at open', async () => {
    const path = freshPath();
    const store = await openStore(path, { minDeadRecords: 100 });
    await store.saveWorker(contractWorker('worker-a'));
    for (let beat = 1; beat <= 50; beat++)
      await store.recordHeartbeats([{ workerId: 'worker-a', lastHeartbeatAt: beat }]);
    expect(await lines(path)).toHaveLength(51);
    await store.close();

    const reopened = await openStore(path, { minDeadRecords: 100 });

    expect(await lines(path)).toEqual([
      { v: 1, op: 'register', worker: contractWorker('worker-a', { lastHeartbeatAt: 50 }) },
    ]);
    expect((await reopened.load()).workers).toEqual([
      contractWorker('worker-a', { lastHeartbeatAt: 50 }),
    ]);
  });

  it('rejects calls after close() with REGISTRY_STORE.CLOSED', async () => {
    const store = await openStore(freshPath());
    await store.close();
    await expect(store.saveWorker(contractWorker('worker-a'))).rejects.toMatchObject({
      code: 'REGISTRY_STORE.CLOSED',
    });
  });
});

describe('JsonlRegistryStore (properties)', () => {
  it('replays, whatever the operations and however often it compacted, to the state the in-memory store reaches', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(registryStoreOperation, { maxLength: 30 }),
        fc.nat({ max: 4 }),
        async (operations, minDeadRecords) => {
          const path = freshPath();
          const store = await JsonlRegistryStore.open(path, { minDeadRecords });
          const reference = new InMemoryRegistryStore();
          await Promise.all(operations.map((op) => issueOperation(store, op)));
          for (const op of operations) await issueOperation(reference, op);
          const expected = sortedSnapshot(await reference.load());

          expect(sortedSnapshot(await store.load())).toEqual(expected);
          await store.close();
          const reopened = await JsonlRegistryStore.open(path);
          expect(sortedSnapshot(await reopened.load())).toEqual(expected);
          await reopened.close();
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  it('recovers, from a log cut at any byte by a crash, the state after some prefix of the operations', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(registryStoreOperation, { minLength: 1, maxLength: 15 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (operations, cutAt) => {
          const path = freshPath();
          // No compaction while writing, so the log only grows and each operation ends at an offset.
          const store = await JsonlRegistryStore.open(path, {
            minDeadRecords: Number.MAX_SAFE_INTEGER,
          });
          const reference = new InMemoryRegistryStore();
          const ends: number[] = [0];
          const states: ControllerSnapshot[] = [sortedSnapshot(await reference.load())];
          for (const op of operations) {
            await issueOperation(store, op);
            await issueOperation(reference, op);
            ends.push((await stat(path)).size);
            states.push(sortedSnapshot(await reference.load()));
          }
          await store.close();
          const log = await readFile(path);
          const cut = Math.floor(cutAt * log.length);
          const crashed = freshPath();
          await JsonlRegistryStore.open(crashed, { onWarning: () => undefined }).then((s) =>
            s.close(),
          );
          await writeFile(crashed, log.subarray(0, cut));

          const seen: JsonlRegistryWarning[] = [];
          const recovered = await JsonlRegistryStore.open(crashed, {
            onWarning: (w) => seen.push(w),
          });

          // The last operation whose line is whole is recovered; a line that lost only its
          // newline (it ends one byte after the cut) is whole too.
          let survivor = 0;
          for (let i = 0; i < ends.length; i++) if (ends[i] <= cut + 1) survivor = i;
          expect(sortedSnapshot(await recovered.load())).toEqual(states[survivor]);
          const atBoundary = ends.includes(cut) || ends.includes(cut + 1);
          expect(seen.map((w) => w.code)).toEqual(
            atBoundary ? [] : ['REGISTRY_STORE.TAIL_SKIPPED'],
          );
          await recovered.close();
        },
      ),
      { numRuns: 100 },
    );
  }, 60_000);
});
