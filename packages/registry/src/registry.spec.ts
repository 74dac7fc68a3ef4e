import { RegistryError } from './errors';
import {
  CapabilityRegistry,
  requiredCapabilitiesPolicy,
  type CapabilityRegistryOptions,
} from './registry';
import type { Capability } from './types';

const cap = (over: Partial<Capability> = {}): Capability => ({
  verb: 'greet',
  name: 'hello',
  version: '1.0.0',
  input_schema: {},
  output_schema: {},
  requires_gpu: false,
  max_concurrency: 4,
  ...over,
});
const reg = (id: string, caps: Capability[] = [cap()]) => ({
  worker_id: id,
  worker_url: `https://${id}.example:8500`,
  capabilities: caps,
});

function setup(options: Partial<CapabilityRegistryOptions> = {}) {
  let now = 0;
  const clock = { set: (t: number) => (now = t), advance: (ms: number) => (now += ms) };
  const registry = new CapabilityRegistry({ clock: () => now, ...options });
  return { registry, clock };
}
const routed = (r: CapabilityRegistry, extra = {}) => {
  const result = r.route({ verb: 'greet', name: 'hello', ...extra });
  return result.ok ? result.workerId : result.reason;
};

describe('CapabilityRegistry: registration and heartbeats', () => {
  it('registers, looks up by verb:name, and lists', () => {
    const { registry } = setup();
    registry.register(reg('w1', [cap(), cap({ verb: 'sum', name: 'numbers' })]));
    expect(registry.healthyWorkers('greet', 'hello').map((w) => w.workerId)).toEqual(['w1']);
    expect(registry.listCapabilities()).toEqual({ 'greet:hello': 1, 'sum:numbers': 1 });
    expect(registry.healthyWorkers('nope', 'x')).toEqual([]);
  });

  it('re-registration replaces the capabilities', () => {
    const { registry } = setup();
    registry.register(reg('w1'));
    registry.register(reg('w1', [cap({ verb: 'sum', name: 'numbers' })]));
    expect(registry.listCapabilities()).toEqual({ 'sum:numbers': 1 });
    expect(registry.listWorkers()).toHaveLength(1);
  });

  it('throws a RegistryError with field errors on an invalid registration', () => {
    const { registry } = setup();
    try {
      registry.register({ worker_id: '', worker_url: 'x', capabilities: [] });
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(RegistryError);
      const e = error as RegistryError;
      expect(e.code).toBe('REGISTRY.INVALID_REGISTRATION');
      expect(e.message).toMatch(/^@slo-engine\/registry: /);
      expect(e.errors.map((x) => x.path)).toEqual(['worker_id', 'worker_url', 'capabilities']);
    }
  });

  it('heartbeat from an unknown worker answers worker_not_registered', () => {
    const { registry } = setup();
    expect(registry.heartbeat('ghost')).toEqual({ ok: false, reason: 'worker_not_registered' });
  });

  it('heartbeat updates the timestamp; deregister removes', () => {
    const { registry, clock } = setup();
    registry.register(reg('w1'));
    clock.set(5_000);
    expect(registry.heartbeat('w1')).toEqual({ ok: true, timestamp: 5_000 });
    expect(registry.getWorker('w1')?.lastHeartbeatAt).toBe(5_000);
    expect(registry.deregister('w1')).toBe(true);
    expect(registry.deregister('w1')).toBe(false);
    expect(routed(registry)).toBe('no_workers');
    expect(registry.listCapabilities()).toEqual({});
  });

  it.each([
    [{ staleTimeoutMs: 0 }],
    [{ heartbeatIntervalMs: -1 }],
    [{ staleTimeoutMs: Number.NaN }],
  ])('rejects option %p', (options) => {
    expect(() => setup(options)).toThrow(RegistryError);
  });
});

describe('CapabilityRegistry: staleness with an injected clock', () => {
  it('a worker silent 120 s is swept and never routed', () => {
    const { registry, clock } = setup();
    registry.register(reg('w1'));
    clock.set(120_000);
    expect(routed(registry)).toBe('no_workers'); // expired even before the sweep
    expect(registry.sweep()).toEqual(['w1']);
    expect(routed(registry)).toBe('no_workers');
    expect(registry.heartbeat('w1')).toEqual({ ok: false, reason: 'worker_not_registered' });
  });

  it('a worker silent 119.999 s is still routed and kept by the sweep', () => {
    const { registry, clock } = setup();
    registry.register(reg('w1'));
    clock.set(119_999);
    expect(registry.sweep()).toEqual([]);
    expect(routed(registry)).toBe('w1');
  });

  it('a worker heartbeating at 119 s is still routed after a sweep at 120 s and beyond', () => {
    const { registry, clock } = setup();
    registry.register(reg('w1'));
    registry.register(reg('w2'));
    clock.set(119_000);
    registry.heartbeat('w1');
    clock.set(120_000);
    expect(registry.sweep()).toEqual(['w2']);
    for (let i = 0; i < 5; i++) expect(routed(registry)).toBe('w1');
    clock.set(238_999);
    expect(registry.sweep()).toEqual([]);
    clock.set(239_000);
    expect(registry.sweep()).toEqual(['w1']);
  });

  it('honours a configured stale timeout', () => {
    const { registry, clock } = setup({ staleTimeoutMs: 10_000 });
    registry.register(reg('w1'));
    clock.set(10_000);
    expect(registry.sweep(10_000)).toEqual(['w1']);
  });
});

describe('CapabilityRegistry: routing', () => {
  it('round-robins across healthy workers of a capability', () => {
    const { registry } = setup();
    for (const id of ['a', 'b', 'c']) registry.register(reg(id));
    expect(Array.from({ length: 6 }, () => routed(registry))).toEqual([
      'a',
      'b',
      'c',
      'a',
      'b',
      'c',
    ]);
  });

  it('skips stale workers in the rotation', () => {
    const { registry, clock } = setup();
    registry.register(reg('a'));
    clock.set(60_000);
    registry.register(reg('b'));
    clock.set(125_000);
    expect([routed(registry), routed(registry)]).toEqual(['b', 'b']);
  });

  it('returns the worker url and capability', () => {
    const { registry } = setup();
    registry.register(reg('a'));
    expect(registry.route({ verb: 'greet', name: 'hello' })).toEqual({
      ok: true,
      workerId: 'a',
      workerUrl: 'https://a.example:8500',
      capability: cap(),
      candidates: 1,
    });
  });

  it('filters by version', () => {
    const { registry } = setup();
    registry.register(reg('old'));
    registry.register(reg('new', [cap({ version: '2.0.0' })]));
    expect(routed(registry, { version: '2.0.0' })).toBe('new');
    const miss = registry.route({ verb: 'greet', name: 'hello', version: '3.0.0' });
    expect(miss).toMatchObject({ ok: false, reason: 'version_unavailable' });
  });

  it('filters by SLO constraints against declared SLOs', () => {
    const { registry } = setup();
    registry.register(reg('fast', [cap({ slo: { latency_p95_ms: 50, availability: 0.999 } })]));
    registry.register(reg('slow', [cap({ slo: { latency_p95_ms: 300, availability: 0.9999 } })]));
    registry.register(reg('undeclared'));
    expect(routed(registry, { sloConstraints: { latency_p95_ms: 100 } })).toBe('fast');
    expect(routed(registry, { sloConstraints: { availability: 0.9995 } })).toBe('slow');
    const miss = registry.route({
      verb: 'greet',
      name: 'hello',
      sloConstraints: { latency_p95_ms: 100, availability: 0.9995 },
    });
    expect(miss).toMatchObject({ ok: false, reason: 'slo_unsatisfied' });
    if (!miss.ok)
      expect(miss.rejected).toEqual([
        { workerId: 'fast', reason: 'slo_unsatisfied', detail: 'availability 0.999 < 0.9995' },
        { workerId: 'slow', reason: 'slo_unsatisfied', detail: 'latency_p95_ms 300 > 100' },
        { workerId: 'undeclared', reason: 'slo_unsatisfied', detail: 'declares no latency_p95_ms' },
      ]);
  });

  it('filters by budget, cheapest first, round-robin within the cheapest tier', () => {
    const { registry } = setup();
    registry.register(reg('pricey', [cap({ cost_tokens_per_invocation: 5 })]));
    registry.register(reg('cheap1', [cap({ cost_tokens_per_invocation: 1 })]));
    registry.register(reg('cheap2', [cap({ cost_tokens_per_invocation: 1 })]));
    const picks = Array.from({ length: 4 }, () => routed(registry, { budgetTokens: 10 }));
    expect(new Set(picks)).toEqual(new Set(['cheap1', 'cheap2']));
    expect(routed(registry, { budgetTokens: 0.5 })).toBe('over_budget');
    registry.deregister('cheap1');
    registry.deregister('cheap2');
    expect(routed(registry, { budgetTokens: 5 })).toBe('pricey');
  });

  it('treats an undeclared cost as free', () => {
    const { registry } = setup();
    registry.register(reg('free'));
    expect(routed(registry, { budgetTokens: 0 })).toBe('free');
  });

  it('the policy hook denies when the requester lacks a required capability', () => {
    const { registry } = setup({ policy: requiredCapabilitiesPolicy });
    registry.register(
      reg('guarded', [cap({ required_capabilities: ['read:docs', 'write:docs'] })]),
    );
    const denied = registry.route({
      verb: 'greet',
      name: 'hello',
      requester: { capabilities: ['read:docs'] },
    });
    expect(denied).toEqual({
      ok: false,
      reason: 'policy_denied',
      detail: 'policy denied every worker of greet:hello',
      rejected: [
        { workerId: 'guarded', reason: 'policy_denied', detail: 'requester lacks write:docs' },
      ],
    });
    expect(routed(registry, { requester: { capabilities: ['write:docs', 'read:docs'] } })).toBe(
      'guarded',
    );
    registry.register(reg('open'));
    expect(routed(registry, { requester: {} })).toBe('open');
  });

  it('a custom policy sees the requester identity', () => {
    const { registry } = setup({
      policy: ({ requester }) =>
        requester.identity === 'spiffe://t/ok' ? { allow: true } : { allow: false, reason: 'who?' },
    });
    registry.register(reg('a'));
    expect(routed(registry)).toBe('policy_denied');
    expect(routed(registry, { requester: { identity: 'spiffe://t/ok' } })).toBe('a');
  });
});

describe('CapabilityRegistry: restore, export, import', () => {
  it('restored workers need verification, stay routable for one heartbeat interval, then go', () => {
    const first = setup();
    first.registry.register(reg('w1'));
    first.registry.register(reg('w2'));
    const state = JSON.parse(JSON.stringify(first.registry.exportState())) as unknown;

    // Restart 10 minutes later: every worker is far past the stale timeout, yet none is evicted.
    const { registry, clock } = setup();
    clock.set(600_000);
    expect(registry.restoreFrom(state, 600_000)).toBe(2);
    expect(registry.getWorker('w1')?.status).toBe('needs_verification');
    expect(registry.sweep()).toEqual([]);
    expect(routed(registry)).toBe('w1');

    // Heartbeats force re-registration; w1 re-registers, w2 never comes back.
    expect(registry.heartbeat('w1')).toEqual({ ok: false, reason: 'worker_not_registered' });
    clock.set(610_000);
    registry.register(reg('w1'));
    expect(registry.getWorker('w1')?.status).toBe('healthy');
    clock.set(629_999);
    expect(registry.sweep()).toEqual([]);
    clock.set(630_000);
    expect(registry.sweep()).toEqual(['w2']);
    expect(routed(registry)).toBe('w1');
  });

  it('rejects malformed state with paths', () => {
    const { registry } = setup();
    expect(() => registry.restoreFrom(null)).toThrow(RegistryError);
    expect(() => registry.restoreFrom({ version: 2, workers: [] })).toThrow(
      /unsupported state version/,
    );
    try {
      registry.restoreFrom({
        version: 1,
        workers: [{ ...reg('w'), worker_id: 3, registered_at: 0 }],
      });
      throw new Error('expected a throw');
    } catch (error) {
      expect((error as RegistryError).code).toBe('REGISTRY.INVALID_STATE');
      expect((error as RegistryError).errors.map((e) => e.path)).toEqual([
        'workers[0].worker_id',
        'workers[0].last_heartbeat',
      ]);
    }
  });

  it('importRemoteState adopts unknown or fresher workers only', () => {
    const remote = setup();
    remote.clock.set(50_000);
    remote.registry.register(reg('shared'));
    remote.registry.register(reg('remote-only'));
    const local = setup();
    local.clock.set(60_000);
    local.registry.register(reg('shared'));
    expect(local.registry.importRemoteState('ctrl-b', remote.registry.exportState())).toEqual({
      imported: 1,
      skipped: 1,
    });
    expect(local.registry.getWorker('remote-only')).toMatchObject({
      origin: 'ctrl-b',
      status: 'healthy',
    });
    expect(local.registry.getWorker('shared')?.origin).toBeUndefined();
    expect(local.registry.healthyWorkers('greet', 'hello')).toHaveLength(2);
  });

  it('exportState is JSON-safe and round-trips', () => {
    const { registry, clock } = setup();
    registry.register(reg('w1', [cap({ slo: { latency_p95_ms: 10 } })]));
    clock.set(7);
    const state = registry.exportState();
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
    expect(state).toMatchObject({
      version: 1,
      exported_at: 7,
      workers: [{ worker_id: 'w1', last_heartbeat: 0 }],
    });
  });
});
