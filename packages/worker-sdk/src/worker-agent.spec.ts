import { FakeController, freePort } from './__fixtures__/fake-controller';
import { FakeScheduler } from './__fixtures__/fake-scheduler';
import { WorkerSdkError } from './errors';
import type { WorkerSdkLogger } from './logger';
import type { WorkerCapability } from './wire';
import { WorkerAgent, type WorkerAgentOptions } from './worker-agent';

const GREET: WorkerCapability = {
  verb: 'greet',
  name: 'hello',
  version: '1.0.0',
  input_schema: { type: 'object' },
  output_schema: { type: 'object' },
  requires_gpu: false,
  max_concurrency: 4,
  slo: { latency_p95_ms: 80, availability: 0.999 },
};

const WORKER_URL = 'https://worker-hello.internal:8500';

/** The error `fn` throws (a failing test if it throws nothing). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

interface Harness {
  readonly agent: WorkerAgent;
  readonly scheduler: FakeScheduler;
  readonly errors: WorkerSdkError[];
  readonly logger: { [K in keyof WorkerSdkLogger]: jest.Mock };
}

let controller: FakeController;
let controllerUrl: string;
const agents: WorkerAgent[] = [];

beforeEach(async () => {
  controller = new FakeController();
  controllerUrl = await controller.listen();
});

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  await controller.close();
});

function harness(overrides: Partial<WorkerAgentOptions> = {}): Harness {
  const scheduler = new FakeScheduler();
  const errors: WorkerSdkError[] = [];
  const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
  const agent = new WorkerAgent({
    controllerUrl,
    workerId: 'worker-hello',
    workerUrl: WORKER_URL,
    capabilities: [GREET],
    scheduler,
    logger,
    onError: (error) => errors.push(error),
    ...overrides,
  });
  agents.push(agent);
  return { agent, scheduler, errors, logger };
}

describe('WorkerAgent: registration and heartbeats', () => {
  it('registers with the spec 002 body, then heartbeats every interval', async () => {
    const onRegistered = jest.fn();
    const { agent, scheduler } = harness({ onRegistered, heartbeatIntervalMs: 30_000 });
    expect(agent.state).toBe('stopped');

    await agent.start();

    expect(agent.state).toBe('registered');
    expect(controller.requests[0]).toMatchObject({
      method: 'POST',
      path: '/register',
      body: { worker_id: 'worker-hello', worker_url: WORKER_URL, capabilities: [GREET] },
    });
    expect(controller.requests[0].headers['content-type']).toBe('application/json');
    expect(onRegistered).toHaveBeenCalledWith({ workerId: 'worker-hello', registrations: 1 });

    expect(await scheduler.elapse()).toBe(30_000);
    expect(await controller.waitForRequests(2)).toMatchObject({
      path: '/heartbeat',
      body: { worker_id: 'worker-hello' },
    });
    expect(await scheduler.elapse()).toBe(30_000);
    await controller.waitForRequests(3);
    await scheduler.nextWait();

    expect(controller.paths()).toEqual(['/register', '/heartbeat', '/heartbeat']);
    expect(agent.metrics()).toMatchObject({
      state: 'registered',
      registrations: 1,
      heartbeatsOk: 2,
      heartbeatsFailed: 0,
      lastHeartbeatAt: scheduler.nowMs,
    });
  });

  it('schedules the next heartbeat only after the previous one answered (never overlapping)', async () => {
    const { agent, scheduler } = harness();
    await agent.start();
    controller.replyNext('/heartbeat', 'hang');

    scheduler.fire();
    await controller.waitForRequests(2);
    // The heartbeat is in flight: no wait may be pending, so no second heartbeat can start.
    expect(scheduler.pendingCount).toBe(0);

    controller.releaseHanging({ status: 200, body: { status: 'acknowledged' } });
    expect(await scheduler.nextWait()).toBe(30_000);
    expect(controller.paths()).toEqual(['/register', '/heartbeat']);
  });

  it('resolves start() once and returns the same promise while running', async () => {
    const { agent } = harness();
    const first = agent.start();
    expect(agent.start()).toBe(first);
    await first;
    expect(controller.paths()).toEqual(['/register']);
  });

  it('keeps the path prefix of the controller URL', async () => {
    const { agent } = harness({ controllerUrl: `${controllerUrl}/controller/` });
    await agent.start();
    expect(controller.paths()).toEqual(['/controller/register']);
  });
});

describe('WorkerAgent: recovery (spec 002)', () => {
  it('registers again at once when a heartbeat answers worker_not_registered', async () => {
    const onReregistered = jest.fn();
    const { agent, scheduler } = harness({ onReregistered });
    await agent.start();

    controller.restart();
    scheduler.fire();
    await controller.waitForRequests(3);
    expect(await scheduler.nextWait()).toBe(30_000);

    expect(controller.paths()).toEqual(['/register', '/heartbeat', '/register']);
    // No wait between the refused heartbeat and the new registration.
    expect(scheduler.history).toEqual([30_000, 30_000]);
    expect(controller.known.has('worker-hello')).toBe(true);
    expect(agent.state).toBe('registered');
    expect(onReregistered).toHaveBeenCalledWith({
      workerId: 'worker-hello',
      registrations: 2,
      reason: 'worker_not_registered',
    });
    expect(agent.metrics()).toMatchObject({
      registrations: 2,
      reregistrations: 1,
      heartbeatsFailed: 1,
    });
  });

  it('recognises worker_not_registered in a problem code too', async () => {
    const { agent, scheduler } = harness();
    await agent.start();
    controller.replyNext('/heartbeat', {
      status: 404,
      body: {
        type: 'x',
        title: 'Not found',
        status: 404,
        detail: 'unknown',
        code: 'CONTROLLER.WORKER_NOT_REGISTERED',
      },
    });

    scheduler.fire();
    await controller.waitForRequests(3);
    await scheduler.nextWait();
    expect(controller.paths()).toEqual(['/register', '/heartbeat', '/register']);
  });

  it('backs off while the controller is down at start, then registers when it comes up', async () => {
    const port = await freePort();
    const { agent, scheduler, errors } = harness({
      controllerUrl: `http://127.0.0.1:${port}`,
      backoff: { initialMs: 1_000, maxMs: 30_000 },
    });
    let started = false;
    const starting = agent.start().then(() => {
      started = true;
    });

    // random() = 0.5: full jitter waits half of 1 s, 2 s, 4 s.
    expect(await scheduler.elapse()).toBe(500);
    expect(await scheduler.elapse()).toBe(1_000);
    expect(await scheduler.nextWait()).toBe(2_000);
    expect(agent.state).toBe('starting');
    expect(started).toBe(false);
    expect(errors.map((error) => [error.code, error.retryable])).toEqual([
      ['WORKER_SDK.CONTROLLER_UNREACHABLE', true],
      ['WORKER_SDK.CONTROLLER_UNREACHABLE', true],
      ['WORKER_SDK.CONTROLLER_UNREACHABLE', true],
    ]);

    const revived = new FakeController();
    await revived.listen(port);
    try {
      scheduler.fire();
      await starting;
      expect(agent.state).toBe('registered');
      expect(revived.paths()).toEqual(['/register']);
      expect(agent.metrics()).toMatchObject({ registrationFailures: 3, consecutiveFailures: 0 });
      // After the outage the cadence is the heartbeat interval again, not the backoff.
      expect(await scheduler.nextWait()).toBe(30_000);
    } finally {
      await agent.stop();
      await revived.close();
    }
  });

  it('backs off on heartbeat 5xx and cut connections, then recovers without re-registering', async () => {
    const { agent, scheduler, errors } = harness();
    await agent.start();
    controller.replyNext('/heartbeat', { status: 500, body: { title: 'boom' } }, 'destroy');

    scheduler.fire();
    expect(await scheduler.nextWait()).toBe(250);
    expect(agent.state).toBe('reconnecting');
    scheduler.fire();
    expect(await scheduler.nextWait()).toBe(500);
    scheduler.fire();
    await controller.waitForRequests(4);
    expect(await scheduler.nextWait()).toBe(30_000);

    expect(agent.state).toBe('registered');
    expect(controller.paths()).toEqual(['/register', '/heartbeat', '/heartbeat', '/heartbeat']);
    expect(errors.map((error) => error.code)).toEqual([
      'WORKER_SDK.CONTROLLER_UNAVAILABLE',
      'WORKER_SDK.CONTROLLER_UNREACHABLE',
    ]);
    expect(errors[0].status).toBe(500);
    expect(agent.metrics()).toMatchObject({
      heartbeatsOk: 1,
      heartbeatsFailed: 2,
      consecutiveFailures: 0,
    });
  });

  it('never waits longer than backoff.maxMs', async () => {
    const { agent, scheduler } = harness({ backoff: { initialMs: 1_000, maxMs: 3_000 } });
    scheduler.randomValue = 0.999;
    controller.replyNext('/register', ...Array.from({ length: 4 }, () => ({ status: 502 })));
    const starting = agent.start();

    const waits = [];
    for (let i = 0; i < 4; i += 1) waits.push(await scheduler.elapse());
    await starting;
    expect(waits).toEqual([999, 1_998, 2_997, 2_997]);
  });

  it('treats a request that gets no answer within requestTimeoutMs as unreachable', async () => {
    const { agent, scheduler, errors } = harness({ requestTimeoutMs: 20 });
    controller.replyNext('/register', 'hang');
    const starting = agent.start();

    expect(await scheduler.nextWait()).toBe(250);
    expect(errors[0]).toMatchObject({ code: 'WORKER_SDK.CONTROLLER_UNREACHABLE', retryable: true });
    expect(errors[0].message).toMatch(/within 20 ms/);
    scheduler.fire();
    await starting;
    expect(agent.state).toBe('registered');
  });

  it('registers again when a heartbeat is refused with a 4xx, reporting the refusal', async () => {
    const onReregistered = jest.fn();
    const { agent, scheduler, errors } = harness({ onReregistered });
    await agent.start();
    controller.replyNext('/heartbeat', {
      status: 403,
      body: {
        type: 't',
        title: 'Forbidden',
        status: 403,
        detail: 'identity changed',
        code: 'AUTH.FORBIDDEN',
      },
    });

    scheduler.fire();
    await controller.waitForRequests(3);
    await scheduler.nextWait();

    expect(controller.paths()).toEqual(['/register', '/heartbeat', '/register']);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'WORKER_SDK.HEARTBEAT_REJECTED', status: 403 });
    expect(errors[0].problem?.code).toBe('AUTH.FORBIDDEN');
    expect(onReregistered).toHaveBeenCalledWith(
      expect.objectContaining({ reason: 'heartbeat_rejected' }),
    );
  });
});

describe('WorkerAgent: Retry-After', () => {
  it('waits the delta-seconds of a 429 instead of the backoff', async () => {
    const { agent, scheduler } = harness();
    scheduler.randomValue = 0; // no extra jitter on top of Retry-After
    controller.replyNext('/register', { status: 429, headers: { 'retry-after': '7' } });
    const starting = agent.start();

    expect(await scheduler.elapse()).toBe(7_000);
    await starting;
    expect(controller.paths()).toEqual(['/register', '/register']);
  });

  it('waits until the HTTP-date of a 503', async () => {
    const { agent, scheduler } = harness();
    scheduler.randomValue = 0;
    await agent.start();
    // The heartbeat is sent after the 30 s interval; the date is 12 s after that.
    const at = new Date(scheduler.nowMs + 30_000 + 12_000).toUTCString();
    controller.replyNext('/heartbeat', { status: 503, headers: { 'retry-after': at } });

    scheduler.fire();
    expect(await scheduler.nextWait()).toBe(12_000);
  });

  it('adds at most 10 % of jitter to Retry-After, so a fleet does not return in step', async () => {
    const { agent, scheduler } = harness();
    scheduler.randomValue = 0.5;
    controller.replyNext('/register', { status: 503, headers: { 'retry-after': '10' } });
    const starting = agent.start();
    expect(await scheduler.elapse()).toBe(10_500);
    await starting;
  });

  it('never waits less than the backoff, even when Retry-After says 0', async () => {
    const { agent, scheduler } = harness();
    controller.replyNext(
      '/register',
      ...Array.from({ length: 3 }, () => ({ status: 503, headers: { 'retry-after': '0' } })),
    );
    const starting = agent.start();
    const waits = [await scheduler.elapse(), await scheduler.elapse(), await scheduler.elapse()];
    await starting;
    expect(waits).toEqual([250, 500, 1_000]);
  });

  it('ignores Retry-After on statuses that do not define it (500), using the backoff', async () => {
    const { agent, scheduler } = harness();
    controller.replyNext('/register', { status: 500, headers: { 'retry-after': '60' } });
    const starting = agent.start();
    expect(await scheduler.elapse()).toBe(250);
    await starting;
  });

  it('retries 408 like a 5xx', async () => {
    const { agent, scheduler, errors } = harness();
    controller.replyNext('/register', { status: 408 });
    const starting = agent.start();
    expect(await scheduler.elapse()).toBe(250);
    await starting;
    expect(errors[0]).toMatchObject({ code: 'WORKER_SDK.CONTROLLER_UNAVAILABLE', status: 408 });
  });
});

describe('WorkerAgent: a refused registration is a configuration error', () => {
  const problem = {
    type: 'https://slo-engine.dev/problems/registry-invalid-registration',
    title: 'Invalid registration',
    status: 422,
    detail: 'The registration is invalid.',
    code: 'REGISTRY.INVALID_REGISTRATION',
    correlationId: 'c-1',
    errors: [{ path: 'capabilities[0].max_concurrency', message: 'must be an integer >= 1' }],
  };

  it('rejects start(), stops, and reports the problem with its field errors', async () => {
    const { agent, scheduler, errors, logger } = harness();
    controller.replyNext('/register', { status: 422, body: problem });

    const failure = await agent.start().catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(WorkerSdkError);
    expect(failure).toMatchObject({
      code: 'WORKER_SDK.REGISTRATION_REJECTED',
      status: 422,
      retryable: false,
    });
    expect((failure as WorkerSdkError).problem?.errors).toEqual([
      { field: 'capabilities[0].max_concurrency', message: 'must be an integer >= 1' },
    ]);
    expect((failure as WorkerSdkError).message).toContain('capabilities[0].max_concurrency');
    expect(errors).toEqual([failure]);
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({
        code: 'WORKER_SDK.REGISTRATION_REJECTED',
        problemCode: 'REGISTRY.INVALID_REGISTRATION',
      }),
      expect.any(String),
    );
    expect(agent.state).toBe('stopped');
    expect(scheduler.pendingCount).toBe(0);
    expect(agent.metrics().lastError?.code).toBe('WORKER_SDK.REGISTRATION_REJECTED');

    // Nothing was registered, so stop() has nothing to deregister.
    await agent.stop();
    expect(controller.paths()).toEqual(['/register']);
  });

  it.each([400, 401, 403, 404])('does not retry a %i', async (status) => {
    const { agent, scheduler } = harness();
    controller.replyNext('/register', { status, body: { title: 'no' } });
    await expect(agent.start()).rejects.toMatchObject({
      code: 'WORKER_SDK.REGISTRATION_REJECTED',
      status,
    });
    expect(scheduler.history).toEqual([]);
  });

  it('reports through onError when start() did not wait', async () => {
    let reported: (error: WorkerSdkError) => void = () => {};
    const firstError = new Promise<WorkerSdkError>((resolve) => (reported = resolve));
    const { agent } = harness({ waitForRegistration: false, onError: (error) => reported(error) });
    controller.replyNext('/register', { status: 403, body: problem });

    await agent.start();
    expect(await firstError).toMatchObject({
      code: 'WORKER_SDK.REGISTRATION_REJECTED',
      status: 403,
    });
    expect(agent.state).toBe('stopped');
  });
});

describe('WorkerAgent: stop()', () => {
  it('deregisters, clears the pending wait and is idempotent', async () => {
    const { agent, scheduler } = harness();
    await agent.start();
    expect(scheduler.pendingCount).toBe(1);

    await Promise.all([agent.stop(), agent.stop()]);
    await agent.stop();

    expect(agent.state).toBe('stopped');
    expect(scheduler.pendingCount).toBe(0);
    expect(controller.paths()).toEqual(['/register', '/deregister']);
    expect(controller.requests[1].body).toEqual({ worker_id: 'worker-hello' });
    expect(controller.known.has('worker-hello')).toBe(false);
  });

  it('aborts a heartbeat in flight and still deregisters', async () => {
    const { agent, scheduler } = harness();
    await agent.start();
    controller.replyNext('/heartbeat', 'hang');
    scheduler.fire();
    await controller.waitForRequests(2);

    await agent.stop();
    expect(controller.paths()).toEqual(['/register', '/heartbeat', '/deregister']);
    expect(agent.state).toBe('stopped');
  });

  it('rejects a waiting start() with WORKER_SDK.STOPPED and never throws while the controller is down', async () => {
    const port = await freePort();
    const { agent, scheduler, errors } = harness({ controllerUrl: `http://127.0.0.1:${port}` });
    const starting = agent.start().catch((error: unknown) => error);
    await scheduler.nextWait();

    await expect(agent.stop()).resolves.toBeUndefined();
    expect(await starting).toMatchObject({ code: 'WORKER_SDK.STOPPED' });
    // The register may have reached a controller that then died: stop() tries to deregister anyway.
    expect(errors.at(-1)).toMatchObject({
      code: 'WORKER_SDK.DEREGISTRATION_FAILED',
      retryable: false,
    });
  });

  it('gives up deregistering after stopTimeoutMs', async () => {
    const { agent, errors } = harness({ stopTimeoutMs: 20 });
    await agent.start();
    controller.replyNext('/deregister', 'hang');

    await agent.stop();
    expect(errors.at(-1)?.code).toBe('WORKER_SDK.DEREGISTRATION_FAILED');
    expect(errors.at(-1)?.message).toMatch(/within 20 ms/);
  });

  it('deregisters when a re-registration is in flight (the controller may know the worker again)', async () => {
    const { agent, scheduler } = harness();
    await agent.start();
    controller.restart();
    controller.replyNext('/register', 'hang');
    scheduler.fire();
    await controller.waitForRequests(3);
    await agent.stop();
    expect(controller.paths()).toEqual(['/register', '/heartbeat', '/register', '/deregister']);
  });

  it('can start again after stop()', async () => {
    const onRegistered = jest.fn();
    const { agent } = harness({ onRegistered });
    await agent.start();
    await agent.stop();
    await agent.start();
    expect(agent.state).toBe('registered');
    expect(controller.paths()).toEqual(['/register', '/deregister', '/register']);
    expect(onRegistered).toHaveBeenCalledTimes(2);
  });
});

describe('WorkerAgent: robustness', () => {
  it('survives callbacks that throw', async () => {
    const bug = new Error('callback bug');
    const { agent, scheduler, logger } = harness({
      onRegistered: () => {
        throw bug;
      },
    });
    await agent.start();
    scheduler.fire();
    await controller.waitForRequests(2);
    expect(await scheduler.nextWait()).toBe(30_000);
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: bug }),
      'a worker agent callback threw',
    );
  });

  it('resolves start() at once with waitForRegistration: false and keeps trying', async () => {
    const port = await freePort();
    const { agent, scheduler } = harness({
      controllerUrl: `http://127.0.0.1:${port}`,
      waitForRegistration: false,
    });
    await agent.start();
    expect(agent.state).toBe('starting');
    expect(await scheduler.nextWait()).toBe(250);
  });

  it('sends the capabilities as they were at construction', async () => {
    const capability = { ...GREET, constraints: { region: 'eu' } };
    const { agent } = harness({ capabilities: [capability] });
    capability.constraints.region = 'us';
    await agent.start();
    expect(controller.requests[0].body).toMatchObject({
      capabilities: [{ constraints: { region: 'eu' } }],
    });
  });
});

describe('WorkerAgent: options', () => {
  const base: WorkerAgentOptions = {
    controllerUrl: 'http://127.0.0.1:9000',
    workerId: 'w',
    workerUrl: WORKER_URL,
    capabilities: [GREET],
  };

  it.each<[string, Partial<WorkerAgentOptions>]>([
    ['a relative controllerUrl', { controllerUrl: '/controller' }],
    ['a non-http controllerUrl', { controllerUrl: 'ftp://controller' }],
    ['credentials in controllerUrl', { controllerUrl: 'https://user:pw@controller' }],
    ['a query in controllerUrl', { controllerUrl: 'https://controller/?a=1' }],
    ['an empty workerId', { workerId: ' ' }],
    ['an invalid workerUrl', { workerUrl: 'worker:8500' }],
    ['no capabilities', { capabilities: [] }],
    ['a capability without verb', { capabilities: [{ ...GREET, verb: '' }] }],
    ['a zero heartbeat interval', { heartbeatIntervalMs: 0 }],
    ['an infinite request timeout', { requestTimeoutMs: Number.POSITIVE_INFINITY }],
    ['backoff.maxMs below initialMs', { backoff: { initialMs: 1_000, maxMs: 10 } }],
    ['tls with an http controller', { tls: { ca: 'pem' } }],
    ['a certificate without key', { controllerUrl: 'https://c', tls: { cert: 'pem' } }],
    ['a capability that is not JSON', { capabilities: [{ ...GREET, constraints: { n: 1n } }] }],
  ])('refuses %s with WORKER_SDK.INVALID_OPTION', (_label, override) => {
    expect(thrownBy(() => new WorkerAgent({ ...base, ...override }))).toMatchObject({
      code: 'WORKER_SDK.INVALID_OPTION',
    });
  });
});
