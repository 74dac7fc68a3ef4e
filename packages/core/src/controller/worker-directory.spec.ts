import {
  type Capability,
  CapabilityRegistry,
  requiredCapabilitiesPolicy,
} from '@slo-engine/registry';
import { DomainError } from '../shared/domain-error';
import { ControllerErrorCodes } from './controller-errors';
import { type StoredWorker, type WorkerHeartbeat } from './registry-store.port';
import { InMemoryRegistryBacking, InMemoryRegistryStore } from './testing/in-memory-registry-store';
import { type RegistryStoreOperation, WorkerDirectory } from './worker-directory';
import { WorkerUrlGuard, type WorkerUrlVerdict } from './worker-url-guard.port';

class AllowingGuard extends WorkerUrlGuard {
  readonly refused = new Set<string>();
  check(url: string): Promise<WorkerUrlVerdict> {
    return Promise.resolve(
      this.refused.has(url)
        ? { ok: false, reason: 'forbidden_address', detail: 'resolves to 10.0.0.1 (private)' }
        : { ok: true, url, addresses: ['203.0.113.7'] },
    );
  }
}

/** A store whose writes fail while `failing` is set. */
class FlakyStore extends InMemoryRegistryStore {
  failing = false;
  override saveWorker(worker: StoredWorker): Promise<void> {
    return this.failing ? Promise.reject(new Error('database down')) : super.saveWorker(worker);
  }
  override recordHeartbeats(heartbeats: readonly WorkerHeartbeat[]): Promise<void> {
    return this.failing
      ? Promise.reject(new Error('database down'))
      : super.recordHeartbeats(heartbeats);
  }
  override removeWorkers(ids: readonly string[]): Promise<void> {
    return this.failing ? Promise.reject(new Error('database down')) : super.removeWorkers(ids);
  }
}

function cap(verb: string, name: string, extra: Partial<Capability> = {}): Capability {
  return {
    verb,
    name,
    version: '1.0.0',
    input_schema: {},
    output_schema: {},
    requires_gpu: false,
    max_concurrency: 1,
    ...extra,
  };
}

function setup() {
  let t = 1_000_000;
  const clock = { now: () => t, advance: (ms: number) => (t += ms) };
  const backing = new InMemoryRegistryBacking();
  const store = new FlakyStore(backing);
  const guard = new AllowingGuard();
  const errors: [RegistryStoreOperation, unknown][] = [];
  const registry = new CapabilityRegistry({ clock: clock.now, policy: requiredCapabilitiesPolicy });
  const directory = new WorkerDirectory(registry, store, guard, {
    onStoreError: (operation, error) => errors.push([operation, error]),
  });
  return { clock, backing, store, guard, errors, registry, directory };
}

const registration = (id: string, caps = [cap('convert', 'pdf')]) => ({
  worker_id: id,
  worker_url: `https://${id}.workers.example.com`,
  capabilities: caps,
});

async function rejection(promise: Promise<unknown> | (() => unknown)): Promise<DomainError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('WorkerDirectory', () => {
  it('registers, persists and restores workers with their owners, restored ones needing verification', async () => {
    const { directory, backing, clock, guard } = setup();
    await directory.register(registration('w1'), 'spiffe://example.org/a');
    await directory.register(registration('w2'), undefined);

    const registry = new CapabilityRegistry({ clock: clock.now });
    const restarted = new WorkerDirectory(registry, new InMemoryRegistryStore(backing), guard);
    const restored = await restarted.restore(clock.now());
    expect(restored.workers).toBe(2);
    expect(registry.listWorkers().map((w) => [w.workerId, w.status])).toEqual([
      ['w1', 'needs_verification'],
      ['w2', 'needs_verification'],
    ]);
    expect(restarted.ownerOf('w1')).toBe('spiffe://example.org/a');
    expect(restarted.heartbeat('w1', 'spiffe://example.org/a')).toEqual({
      ok: false,
      reason: 'worker_not_registered',
    });
    const other = await rejection(() => restarted.heartbeat('w1', 'spiffe://example.org/b'));
    expect(other.code).toBe(ControllerErrorCodes.WORKER_OWNED_ELSEWHERE);
  });

  it('refuses invalid registrations with field errors and SSRF-refused URLs, storing nothing', async () => {
    const { directory, guard, registry, backing } = setup();
    const invalid = await rejection(
      directory.register({ worker_id: 'w', worker_url: 'ftp://x', capabilities: [] }, undefined),
    );
    expect(invalid.code).toBe(ControllerErrorCodes.INVALID_REGISTRATION);
    expect(invalid.details.fieldErrors?.map((e) => e.field)).toEqual(
      expect.arrayContaining(['worker_url', 'capabilities']),
    );
    guard.refused.add('https://w3.workers.example.com');
    const refused = await rejection(directory.register(registration('w3'), undefined));
    expect(refused.code).toBe(ControllerErrorCodes.WORKER_URL_REFUSED);
    expect(refused.details.fieldErrors).toEqual([
      { field: 'worker_url', message: 'resolves to 10.0.0.1 (private)' },
    ]);
    expect(registry.listWorkers()).toEqual([]);
    expect(await new InMemoryRegistryStore(backing).load()).toEqual({ workers: [], canaries: [] });
  });

  it('refuses a capability spiffe_id that is not the caller', async () => {
    const { directory } = setup();
    const error = await rejection(
      directory.register(
        registration('w', [cap('a', 'b'), cap('c', 'd', { spiffe_id: 'spiffe://example.org/x' })]),
        'spiffe://example.org/y',
      ),
    );
    expect(error.code).toBe(ControllerErrorCodes.IDENTITY_MISMATCH);
    expect(error.details.fieldErrors?.[0].field).toBe('capabilities[1].spiffe_id');
  });

  it('keeps a registration when the store fails, binds its owner, and reports the failure', async () => {
    const { directory, store, errors, registry } = setup();
    store.failing = true;
    await directory.register(registration('w1'), 'spiffe://example.org/a');
    expect(registry.getWorker('w1')?.status).toBe('healthy');
    expect(directory.ownerOf('w1')).toBe('spiffe://example.org/a');
    expect(errors.map(([operation]) => operation)).toEqual(['register']);
    const stolen = await rejection(directory.deregister('w1', 'spiffe://example.org/b'));
    expect(stolen.code).toBe(ControllerErrorCodes.WORKER_OWNED_ELSEWHERE);
    expect(await directory.deregister('w1', 'spiffe://example.org/a')).toBe(true);
    expect(errors.map(([operation]) => operation)).toEqual(['register', 'deregister']);
  });

  it('batches heartbeats and keeps a failed batch for the next flush', async () => {
    const { directory, store, backing, clock } = setup();
    await directory.register(registration('w1'), undefined);
    await directory.register(registration('w2'), undefined);
    clock.advance(30_000);
    directory.heartbeat('w1', undefined);
    directory.heartbeat('w2', undefined);
    store.failing = true;
    await expect(directory.flushHeartbeats()).rejects.toThrow('database down');
    clock.advance(1_000);
    store.failing = false;
    directory.heartbeat('w2', undefined); // newer than the failed batch's
    await directory.deregister('w1', undefined); // gone: its failed heartbeat is dropped
    expect(await directory.flushHeartbeats()).toBe(1);
    const stored = (await new InMemoryRegistryStore(backing).load()).workers;
    expect(stored.map((w) => [w.workerId, w.lastHeartbeatAt])).toEqual([['w2', clock.now()]]);
    expect(await directory.flushHeartbeats()).toBe(0);
  });

  it('sweeps stale workers from the registry and the store', async () => {
    const { directory, backing, clock } = setup();
    await directory.register(registration('quiet'), 'spiffe://example.org/a');
    await directory.register(registration('chatty'), undefined);
    clock.advance(119_000);
    directory.heartbeat('chatty', undefined);
    clock.advance(1_000);
    expect(await directory.sweep(clock.now())).toEqual(['quiet']);
    expect(directory.ownerOf('quiet')).toBeUndefined();
    expect(
      (await new InMemoryRegistryStore(backing).load()).workers.map((w) => w.workerId),
    ).toEqual(['chatty']);
  });

  it('gives an identity the capabilities its own workers offer, for the routing policy', async () => {
    const { directory, registry } = setup();
    await directory.register(
      registration('audit', [cap('audit', 'write')]),
      'spiffe://example.org/c',
    );
    await directory.register(
      registration('pay', [cap('pay', 'charge', { required_capabilities: ['audit:write'] })]),
      'spiffe://example.org/p',
    );
    expect(directory.requesterFor('spiffe://example.org/c')).toEqual({
      identity: 'spiffe://example.org/c',
      capabilities: ['audit:write'],
    });
    expect(directory.requesterFor(undefined)).toEqual({ capabilities: [] });
    expect(
      registry.route({
        verb: 'pay',
        name: 'charge',
        requester: directory.requesterFor('spiffe://example.org/c'),
      }).ok,
    ).toBe(true);
    expect(
      registry.route({
        verb: 'pay',
        name: 'charge',
        requester: directory.requesterFor('spiffe://example.org/d'),
      }),
    ).toMatchObject({
      ok: false,
      reason: 'policy_denied',
    });
    await directory.deregister('audit', 'spiffe://example.org/c');
    expect(directory.requesterFor('spiffe://example.org/c').capabilities).toEqual([]);
  });
});
