/**
 * `POST /invoke` end to end (spec 000 session 3, issue 6): forwarding to a real loopback worker,
 * worker failures, and idempotency by the Idempotency-Key header (or the body field) — replay,
 * reuse with another payload, in-flight conflicts, lease takeover, caller scoping, a Redis store
 * shared by two controllers, and the bounded in-memory store. Time moves only by the ManualClock;
 * "in flight" is a worker holding its answer until the test releases it.
 */
import { createRedisClient, RedisIdempotencyStore } from '@slo-engine/adapters';
import { type InvocationResponse } from '@slo-engine/core';
import { problemTypeFor } from '@slo-engine/platform';
import { createTestRedis, type TestRedis } from '@slo-engine/testing';
import {
  type FakeWorker,
  type InjectResponse,
  json,
  ManualClock,
  type RunningController,
  startController,
  startFakeWorker,
} from './controller-fixture';
import {
  CAPABILITY,
  CAPABILITY_KEY,
  type HoldingWorker,
  invokeBody,
  registrationOf,
  ResponseTracker,
  startHoldingWorker,
  VERB,
} from './invoke-helpers';

const PROBLEM_JSON = 'application/problem+json';
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const LEASE_MS = 60_000;
/** Asymmetric matchers typed as `unknown` (Jest types them `any`), for use inside expected objects. */
const ANY_DURATION: unknown = expect.any(Number);
const matching = (pattern: RegExp): unknown => expect.stringMatching(pattern);

async function register(
  controller: RunningController,
  workerId: string,
  url: string,
): Promise<void> {
  const response = await controller.post('/register', registrationOf(workerId, url));
  expect(response.statusCode).toBe(200);
}

function invoke(
  controller: RunningController,
  payload: unknown,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): Promise<InjectResponse> {
  return controller.post('/invoke', invokeBody(payload, extra), headers);
}

function expectReplayHeaders(response: InjectResponse): void {
  expect(response.headers['idempotent-replayed']).toBe('true');
  expect(response.headers['x-idempotent-replay']).toBe('true');
}

function expectExecutedHeaders(response: InjectResponse): void {
  expect(response.headers['idempotent-replayed']).toBeUndefined();
  expect(response.headers['x-idempotent-replay']).toBeUndefined();
}

/** The value of `controller_idempotency_hits_total` for the test capability (0 when never incremented). */
async function idempotencyHits(controller: RunningController): Promise<number> {
  const text = (await controller.get('/metrics')).body;
  const line = text
    .split('\n')
    .find(
      (l) =>
        l.startsWith('controller_idempotency_hits_total{') &&
        l.includes(`capability="${CAPABILITY_KEY}"`),
    );
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('POST /invoke forwarding and worker failures', () => {
  let controller: RunningController;
  let worker: FakeWorker | undefined;
  beforeEach(async () => {
    controller = await startController();
  });
  afterEach(async () => {
    await controller.close();
    await worker?.close();
    worker = undefined;
  });

  it("forwards request_payload as {verb, capability, version, payload} with trace context and correlation id, and answers the worker's result", async () => {
    worker = await startFakeWorker();
    await register(controller, 'doc-worker', worker.url);

    const response = await invoke(
      controller,
      { doc: 'hello', pages: [1, 2] },
      {
        traceparent: TRACEPARENT,
        'x-request-id': 'req-invoke-0001',
      },
    );

    expect(response.statusCode).toBe(200);
    expectExecutedHeaders(response);
    expect(json(response)).toEqual({
      worker_id: 'doc-worker',
      version: '1.0.0',
      status: 200,
      duration_ms: ANY_DURATION,
      result: { echo: { doc: 'hello', pages: [1, 2] } },
    });
    expect(json<{ duration_ms: number }>(response).duration_ms).toBeGreaterThanOrEqual(0);
    expect(worker.calls).toHaveLength(1);
    const [call] = worker.calls;
    expect(call.body).toEqual({
      verb: VERB,
      capability: CAPABILITY,
      version: '1.0.0',
      payload: { doc: 'hello', pages: [1, 2] },
    });
    // The caller's trace reaches the worker (same trace id; the parent span may be ours if tracing is on).
    expect(call.headers.traceparent).toMatch(
      /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-0[01]$/,
    );
    expect(call.headers['x-request-id']).toBe('req-invoke-0001');
    expect(response.headers['x-request-id']).toBe('req-invoke-0001');
    // No key sent: none forwarded.
    expect(call.headers['idempotency-key']).toBeUndefined();
  });

  it("answers a worker 4xx with the worker's status and body, stores it and replays it (client errors are deterministic)", async () => {
    worker = await startFakeWorker(() => ({ status: 422, body: { error: 'unreadable_document' } }));
    await register(controller, 'doc-worker', worker.url);

    const first = await invoke(
      controller,
      { doc: '\u0000' },
      { 'idempotency-key': 'four-two-two' },
    );
    expect(first.statusCode).toBe(422);
    expect(first.headers['content-type']).toContain('application/json');
    expect(json(first)).toEqual({
      worker_id: 'doc-worker',
      version: '1.0.0',
      status: 422,
      duration_ms: ANY_DURATION,
      result: { error: 'unreadable_document' },
    });
    // The key travels to the worker so it can deduplicate on its side too.
    expect(worker.calls[0].headers['idempotency-key']).toBe('four-two-two');

    const again = await invoke(
      controller,
      { doc: '\u0000' },
      { 'idempotency-key': 'four-two-two' },
    );
    expect(again.statusCode).toBe(422);
    expectReplayHeaders(again);
    expect(json(again)).toEqual(json(first));
    expect(worker.calls).toHaveLength(1);
  });

  it('turns a worker 5xx into a 502 problem that is not stored: the same key retried executes again', async () => {
    let calls = 0;
    worker = await startFakeWorker((call) =>
      ++calls === 1
        ? { status: 503, body: { error: 'overloaded' } }
        : { status: 200, body: { converted: call.body.payload } },
    );
    await register(controller, 'doc-worker', worker.url);
    const headers = { 'idempotency-key': 'retry-after-5xx' };

    const failed = await invoke(controller, { doc: 'a' }, headers);
    expect(failed.statusCode).toBe(502);
    expect(failed.headers['content-type']).toContain(PROBLEM_JSON);
    expectExecutedHeaders(failed);
    expect(json(failed)).toMatchObject({
      status: 502,
      title: 'Worker failed',
      code: 'CONTROLLER.WORKER_FAILED',
      worker_id: 'doc-worker',
      version: '1.0.0',
      worker_status: 503,
      worker_body: { error: 'overloaded' },
      instance: '/invoke',
      type: problemTypeFor('CONTROLLER.WORKER_FAILED'),
    });

    const retried = await invoke(controller, { doc: 'a' }, headers);
    expect(retried.statusCode).toBe(200);
    expectExecutedHeaders(retried);
    expect(json(retried)).toMatchObject({ status: 200, result: { converted: { doc: 'a' } } });
    expect(worker.calls).toHaveLength(2);

    // The success is what is stored now.
    const replayed = await invoke(controller, { doc: 'a' }, headers);
    expect(replayed.statusCode).toBe(200);
    expectReplayHeaders(replayed);
    expect(json(replayed)).toEqual(json(retried));
    expect(worker.calls).toHaveLength(2);
  });

  it('answers 503 CONTROLLER.NO_WORKER_AVAILABLE without a worker and keeps no record: once a worker registers the same key executes', async () => {
    const headers = { 'idempotency-key': 'before-any-worker' };
    const none = await invoke(controller, { doc: 'a' }, headers);
    expect(none.statusCode).toBe(503);
    expect(none.headers['content-type']).toContain(PROBLEM_JSON);
    expect(json(none)).toMatchObject({
      status: 503,
      code: 'CONTROLLER.NO_WORKER_AVAILABLE',
      capability: CAPABILITY_KEY,
    });

    worker = await startFakeWorker();
    await register(controller, 'doc-worker', worker.url);
    const executed = await invoke(controller, { doc: 'a' }, headers);
    expect(executed.statusCode).toBe(200);
    expectExecutedHeaders(executed);
    expect(worker.calls).toHaveLength(1);
  });
});

describe('POST /invoke worker timeout', () => {
  let controller: RunningController;
  let held: HoldingWorker;
  beforeEach(async () => {
    controller = await startController({ env: { CONTROLLER_WORKER_TIMEOUT: '500ms' } });
    held = await startHoldingWorker();
    await register(controller, 'slow-worker', held.url);
  });
  afterEach(async () => {
    held.release();
    await controller.close();
    await held.close();
  });

  it('answers 504 CONTROLLER.WORKER_TIMEOUT when the worker does not answer in time, and does not store it', async () => {
    const headers = { 'idempotency-key': 'slow-one' };
    const timedOut = await invoke(controller, { doc: 'a' }, headers);
    expect(timedOut.statusCode).toBe(504);
    expect(timedOut.headers['content-type']).toContain(PROBLEM_JSON);
    expect(json(timedOut)).toMatchObject({
      status: 504,
      title: 'Worker timeout',
      code: 'CONTROLLER.WORKER_TIMEOUT',
      worker_id: 'slow-worker',
      reason: 'timeout',
    });
    expect(held.executions()).toBe(1);

    // The worker recovers; the key was released, so the retry runs instead of replaying the 504.
    held.release();
    const retried = await invoke(controller, { doc: 'a' }, headers);
    expect(retried.statusCode).toBe(200);
    expectExecutedHeaders(retried);
    expect(json(retried)).toMatchObject({ result: { echo: { doc: 'a' }, execution: 2 } });
  });
});

describe('POST /invoke idempotency (in-memory store)', () => {
  let controller: RunningController;
  let worker: FakeWorker;
  beforeEach(async () => {
    controller = await startController();
    let executions = 0;
    worker = await startFakeWorker((call) => ({
      status: 200,
      body: { echo: call.body.payload, execution: ++executions },
    }));
    await register(controller, 'doc-worker', worker.url);
  });
  afterEach(async () => {
    await controller.close();
    await worker.close();
  });

  it('replays a completed request with its stored status and body, both replay headers, no second execution, and counts the hit', async () => {
    const headers = { 'idempotency-key': 'order-7f3a' };
    expect(await idempotencyHits(controller)).toBe(0);
    const first = await invoke(controller, { doc: 'report' }, headers);
    expect(first.statusCode).toBe(200);
    expectExecutedHeaders(first);

    controller.clock.advance(30 * 60_000); // well inside the 1 h replay window
    for (let i = 1; i <= 2; i++) {
      const replay = await invoke(controller, { doc: 'report' }, headers);
      expect(replay.statusCode).toBe(200);
      expectReplayHeaders(replay);
      expect(json(replay)).toEqual(json(first));
      expect(await idempotencyHits(controller)).toBe(i);
    }
    expect(worker.calls).toHaveLength(1);
  });

  it('accepts the key in the body (spec 000) as the same key as the header', async () => {
    const first = await invoke(controller, { doc: 'x' }, {}, { idempotency_key: 'body-key-1' });
    expect(first.statusCode).toBe(200);
    const byHeader = await invoke(controller, { doc: 'x' }, { 'idempotency-key': 'body-key-1' });
    expectReplayHeaders(byHeader);
    const both = await invoke(
      controller,
      { doc: 'x' },
      { 'idempotency-key': 'body-key-1' },
      { idempotency_key: 'body-key-1' },
    );
    expectReplayHeaders(both);
    expect(json(both)).toEqual(json(first));
    expect(worker.calls).toHaveLength(1);
  });

  it('executes again once the result expired (after the 1 h TTL)', async () => {
    const headers = { 'idempotency-key': 'short-lived' };
    await invoke(controller, { doc: 'x' }, headers);
    controller.clock.advance(3_600_000);
    // The worker stays routable across the hour (it would have heartbeat all along).
    expect(json(await controller.post('/heartbeat', { worker_id: 'doc-worker' }))).toMatchObject({
      status: 'acknowledged',
    });
    const after = await invoke(controller, { doc: 'x' }, headers);
    expect(after.statusCode).toBe(200);
    expectExecutedHeaders(after);
    expect(json(after)).toMatchObject({ result: { execution: 2 } });
  });

  it('answers 422 CONTROLLER.IDEMPOTENCY_KEY_REUSED for the same key with a different payload, and executes nothing', async () => {
    const headers = { 'idempotency-key': 'reused-key' };
    await invoke(controller, { doc: 'first' }, headers);
    const reused = await invoke(controller, { doc: 'second' }, headers);
    expect(reused.statusCode).toBe(422);
    expect(reused.headers['content-type']).toContain(PROBLEM_JSON);
    expect(json(reused)).toMatchObject({ status: 422, code: 'CONTROLLER.IDEMPOTENCY_KEY_REUSED' });
    expectExecutedHeaders(reused);
    expect(worker.calls).toHaveLength(1);
    // The stored result is untouched.
    expectReplayHeaders(await invoke(controller, { doc: 'first' }, headers));
  });

  it('treats payloads that differ only in key order as the same request', async () => {
    const headers = { 'idempotency-key': 'canonical' };
    await invoke(controller, { a: 1, b: { c: 2, d: 3 } }, headers);
    const reordered = await invoke(controller, { b: { d: 3, c: 2 }, a: 1 }, headers);
    expect(reordered.statusCode).toBe(200);
    expectReplayHeaders(reordered);
    expect(worker.calls).toHaveLength(1);
  });

  it('answers 400 when the header and the body key differ', async () => {
    const response = await invoke(
      controller,
      { doc: 'x' },
      { 'idempotency-key': 'header-key' },
      { idempotency_key: 'body-key' },
    );
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain(PROBLEM_JSON);
    expect(json(response)).toMatchObject({
      code: 'VALIDATION.INVALID_INPUT',
      errors: [
        {
          field: 'idempotency_key',
          message: 'must equal the Idempotency-Key header when both are sent',
        },
      ],
    });
    expect(worker.calls).toHaveLength(0);
  });

  it.each([
    ['300 characters', 'k'.repeat(300), /300 characters long; the maximum is 255/],
    ['a tab', 'order\t42', /U\+0009 at index 5/],
    ['a non-ASCII character', 'caf\u00e9-1', /U\+00E9 at index 3/],
    ['a leading space', ' padded', /starts or ends with a space/],
  ])(
    'answers 400 naming Idempotency-Key for a key with %s, and executes nothing',
    async (_label, key, message) => {
      const response = await controller.inject({
        method: 'POST',
        url: '/invoke',
        payload: invokeBody({ doc: 'x' }),
        headers: { 'idempotency-key': key },
      });
      expect(response.statusCode).toBe(400);
      const problem = json<{ code: string; errors: { field: string; message: string }[] }>(
        response,
      );
      expect(problem.code).toBe('VALIDATION.INVALID_INPUT');
      expect(problem.errors).toEqual([{ field: 'Idempotency-Key', message: matching(message) }]);
      expect(worker.calls).toHaveLength(0);
    },
  );

  it('rejects a body key longer than 255 characters with 400 on idempotency_key', async () => {
    const response = await invoke(
      controller,
      { doc: 'x' },
      {},
      { idempotency_key: 'k'.repeat(256) },
    );
    expect(response.statusCode).toBe(400);
    expect(json<{ errors: { field: string }[] }>(response).errors.map((e) => e.field)).toEqual([
      'idempotency_key',
    ]);
    expect(worker.calls).toHaveLength(0);
  });
});

describe('POST /invoke idempotency while in flight', () => {
  let controller: RunningController;
  let held: HoldingWorker;
  beforeEach(async () => {
    controller = await startController();
    held = await startHoldingWorker();
    await register(controller, 'doc-worker', held.url);
  });
  afterEach(async () => {
    held.release();
    await controller.close();
    await held.close();
  });

  it('executes 50 parallel requests with one key exactly once; the other 49 get 409 with Retry-After, then all replay', async () => {
    const headers = { 'idempotency-key': 'stampede' };
    const tracker = new ResponseTracker();
    const requests = Array.from({ length: 50 }, () =>
      tracker.track(invoke(controller, { doc: 'same' }, headers)),
    );

    await held.arrived(1);
    await tracker.until(49);
    expect(held.executions()).toBe(1);
    for (const response of tracker.settled) {
      expect(response.statusCode).toBe(409);
      expect(response.headers['retry-after']).toBe(String(LEASE_MS / 1000));
      expect(json(response)).toMatchObject({
        status: 409,
        code: 'CONTROLLER.IDEMPOTENCY_IN_FLIGHT',
      });
    }

    held.release();
    const all = await Promise.all(requests);
    const executed = all.filter((r) => r.statusCode === 200);
    expect(executed).toHaveLength(1);
    expect(json(executed[0])).toMatchObject({ result: { echo: { doc: 'same' }, execution: 1 } });

    const replay = await invoke(controller, { doc: 'same' }, headers);
    expectReplayHeaders(replay);
    expect(json(replay)).toEqual(json(executed[0]));
    expect(held.executions()).toBe(1);
  });

  it('answers 422, not 409, for a different payload under a key still in flight', async () => {
    const headers = { 'idempotency-key': 'in-flight-reuse' };
    const first = invoke(controller, { doc: 'one' }, headers);
    await held.arrived(1);
    const other = await invoke(controller, { doc: 'two' }, headers);
    expect(other.statusCode).toBe(422);
    expect(json(other)).toMatchObject({ code: 'CONTROLLER.IDEMPOTENCY_KEY_REUSED' });
    held.release();
    expect((await first).statusCode).toBe(200);
    expect(held.executions()).toBe(1);
  });

  it('frees a stranded key after the lease: 409 until it ends, then a second request takes over and its result is the one replayed', async () => {
    const headers = { 'idempotency-key': 'stranded' };
    const stranded = invoke(controller, { doc: 'x' }, headers);
    await held.arrived(1);

    const early = await invoke(controller, { doc: 'x' }, headers);
    expect(early.statusCode).toBe(409);
    expect(early.headers['retry-after']).toBe('60');

    controller.clock.advance(LEASE_MS - 1);
    const lastMoment = await invoke(controller, { doc: 'x' }, headers);
    expect(lastMoment.statusCode).toBe(409);
    expect(lastMoment.headers['retry-after']).toBe('1');
    expect(held.executions()).toBe(1);

    controller.clock.advance(1);
    const takeover = invoke(controller, { doc: 'x' }, headers);
    await held.arrived(2);
    held.release();
    const [strandedResponse, takeoverResponse] = await Promise.all([stranded, takeover]);
    // Both callers get their own execution's answer...
    expect(json(strandedResponse)).toMatchObject({ result: { execution: 1 } });
    expect(json(takeoverResponse)).toMatchObject({ result: { execution: 2 } });
    expectExecutedHeaders(takeoverResponse);
    // ...but only the lease holder's result is stored: the stranded one lost its lease.
    const replay = await invoke(controller, { doc: 'x' }, headers);
    expectReplayHeaders(replay);
    expect(json(replay)).toEqual(json(takeoverResponse));
    expect(held.executions()).toBe(2);
  });
});

describe('POST /invoke idempotency keys are scoped by caller identity', () => {
  let controller: RunningController;
  let worker: FakeWorker;
  beforeEach(async () => {
    controller = await startController({ env: { CONTROLLER_IDENTITY_SOURCE: 'header' } });
    let executions = 0;
    worker = await startFakeWorker((call) => ({
      status: 200,
      body: { echo: call.body.payload, execution: ++executions },
    }));
    await register(controller, 'doc-worker', worker.url);
  });
  afterEach(async () => {
    await controller.close();
    await worker.close();
  });

  it('lets two tenants use the same key and body, each executing and replaying its own request', async () => {
    const as = (tenant: string) => ({
      'x-caller-identity': tenant,
      'idempotency-key': 'shared-key',
    });
    const a = await invoke(controller, { doc: 'same' }, as('tenant-a'));
    const b = await invoke(controller, { doc: 'same' }, as('tenant-b'));
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expectExecutedHeaders(a);
    expectExecutedHeaders(b);
    expect(json(a)).toMatchObject({ result: { execution: 1 } });
    expect(json(b)).toMatchObject({ result: { execution: 2 } });
    expect(worker.calls).toHaveLength(2);

    const replayA = await invoke(controller, { doc: 'same' }, as('tenant-a'));
    const replayB = await invoke(controller, { doc: 'same' }, as('tenant-b'));
    expectReplayHeaders(replayA);
    expectReplayHeaders(replayB);
    expect(json(replayA)).toEqual(json(a));
    expect(json(replayB)).toEqual(json(b));
    // A caller without an identity is a third scope (anonymous).
    const anonymous = await invoke(
      controller,
      { doc: 'same' },
      { 'idempotency-key': 'shared-key' },
    );
    expectExecutedHeaders(anonymous);
    expect(worker.calls).toHaveLength(3);
  });

  it("does not let one tenant's key collide with another's different payload (no 422 across tenants)", async () => {
    await invoke(
      controller,
      { doc: 'a-payload' },
      { 'x-caller-identity': 'tenant-a', 'idempotency-key': 'k1' },
    );
    const b = await invoke(
      controller,
      { doc: 'b-payload' },
      { 'x-caller-identity': 'tenant-b', 'idempotency-key': 'k1' },
    );
    expect(b.statusCode).toBe(200);
    expect(json(b)).toMatchObject({ result: { echo: { doc: 'b-payload' } } });
  });
});

describe('POST /invoke idempotency across two controllers sharing Redis', () => {
  let testRedis: TestRedis;
  let connections: ReturnType<typeof createRedisClient>[];
  let controllers: RunningController[];
  let held: HoldingWorker;

  async function storeOnOwnConnection(
    name: string,
    capacity: number,
  ): Promise<RedisIdempotencyStore<InvocationResponse>> {
    const client = createRedisClient(testRedis.url, {
      connectionName: name,
      keyPrefix: testRedis.keyPrefix,
      lazyConnect: true,
      // Generous: a loaded machine must not turn a slow answer into a failed test.
      commandTimeoutMs: 5_000,
    });
    connections.push(client);
    await client.connect();
    return new RedisIdempotencyStore<InvocationResponse>(client, {
      prefix: 'controller-idem:',
      capacity,
    });
  }

  beforeAll(async () => {
    testRedis = await createTestRedis();
  });
  afterAll(() => testRedis.cleanup());
  beforeEach(async () => {
    connections = [];
    controllers = [];
    const clock = new ManualClock();
    held = await startHoldingWorker();
    for (const name of ['controller-a', 'controller-b']) {
      const idempotencyStore = await storeOnOwnConnection(`slo-engine-test:${name}`, 100);
      const controller = await startController({ clock, idempotencyStore });
      controllers.push(controller);
      await register(controller, 'shared-worker', held.url);
    }
  });
  afterEach(async () => {
    held.release();
    for (const controller of controllers) await controller.close();
    await held.close();
    for (const connection of connections) connection.disconnect();
  });

  it('executes the same key sent in parallel to both instances exactly once, then both replay', async () => {
    const [a, b] = controllers;
    const headers = { 'idempotency-key': 'cross-instance' };
    const tracker = new ResponseTracker();
    const requests = [a, b, a, b].map((c) => tracker.track(invoke(c, { doc: 'shared' }, headers)));

    await held.arrived(1);
    await tracker.until(3);
    expect(held.executions()).toBe(1);
    expect(tracker.settled.map((r) => r.statusCode)).toEqual([409, 409, 409]);
    for (const response of tracker.settled) expect(response.headers['retry-after']).toBe('60');

    held.release();
    const executed = (await Promise.all(requests)).filter((r) => r.statusCode === 200);
    expect(executed).toHaveLength(1);

    for (const controller of [a, b]) {
      const replay = await invoke(controller, { doc: 'shared' }, headers);
      expect(replay.statusCode).toBe(200);
      expectReplayHeaders(replay);
      expect(json(replay)).toEqual(json(executed[0]));
    }
    // A different payload under the key is refused on the instance that did not execute it too.
    for (const controller of [a, b])
      expect((await invoke(controller, { doc: 'other' }, headers)).statusCode).toBe(422);
    expect(held.executions()).toBe(1);
  });

  it('lets the other instance take over a key stranded on the first after the lease', async () => {
    const [a, b] = controllers;
    const headers = { 'idempotency-key': 'stranded-across' };
    const stranded = invoke(a, { doc: 'x' }, headers);
    await held.arrived(1);
    expect((await invoke(b, { doc: 'x' }, headers)).statusCode).toBe(409);

    a.clock.advance(LEASE_MS); // one clock drives both instances
    const takeover = invoke(b, { doc: 'x' }, headers);
    await held.arrived(2);
    held.release();
    const [, taken] = await Promise.all([stranded, takeover]);
    expect(json(taken)).toMatchObject({ result: { execution: 2 } });
    const replay = await invoke(a, { doc: 'x' }, headers);
    expectReplayHeaders(replay);
    expect(json(replay)).toEqual(json(taken));
  });
});

describe('POST /invoke bounded in-memory idempotency store', () => {
  let controller: RunningController;
  let held: HoldingWorker;
  beforeEach(async () => {
    controller = await startController({ env: { CONTROLLER_IDEMPOTENCY_CAPACITY: '2' } });
    held = await startHoldingWorker();
    await register(controller, 'doc-worker', held.url);
  });
  afterEach(async () => {
    held.release();
    await controller.close();
    await held.close();
  });

  it('refuses a third key with 503 CONTROLLER.IDEMPOTENCY_STORE_FULL while two are in flight, and evicts only completed records', async () => {
    const first = invoke(controller, { doc: 1 }, { 'idempotency-key': 'k-1' });
    await held.arrived(1);
    controller.clock.advance(10_000);
    const second = invoke(controller, { doc: 2 }, { 'idempotency-key': 'k-2' });
    await held.arrived(2);

    const full = await invoke(controller, { doc: 3 }, { 'idempotency-key': 'k-3' });
    expect(full.statusCode).toBe(503);
    expect(full.headers['content-type']).toContain(PROBLEM_JSON);
    expect(json(full)).toMatchObject({ status: 503, code: 'CONTROLLER.IDEMPOTENCY_STORE_FULL' });
    // The earliest lease ends 50 s from now (k-1 began 10 s ago).
    expect(full.headers['retry-after']).toBe('50');
    expect(held.executions()).toBe(2);
    // Both in-flight keys are still held: neither was evicted to make room.
    expect((await invoke(controller, { doc: 1 }, { 'idempotency-key': 'k-1' })).statusCode).toBe(
      409,
    );
    expect((await invoke(controller, { doc: 2 }, { 'idempotency-key': 'k-2' })).statusCode).toBe(
      409,
    );
    // Requests without a key never touch the store.
    held.releaseCall(3);
    expect((await invoke(controller, { doc: 'keyless' })).statusCode).toBe(200);

    // k-1 completes first, k-2 a second later, so k-1's result is the one that expires soonest.
    held.releaseCall(1);
    expect((await first).statusCode).toBe(200);
    controller.clock.advance(1_000);
    held.releaseCall(2);
    expect((await second).statusCode).toBe(200);
    // Now both are completed: the new key evicts the completed record expiring soonest (k-1) and runs.
    held.releaseCall(4);
    const third = await invoke(controller, { doc: 3 }, { 'idempotency-key': 'k-3' });
    expect(third.statusCode).toBe(200);
    expectExecutedHeaders(third);
    expect(held.executions()).toBe(4);
    expectReplayHeaders(await invoke(controller, { doc: 2 }, { 'idempotency-key': 'k-2' }));
    held.release();
    const evicted = await invoke(controller, { doc: 1 }, { 'idempotency-key': 'k-1' });
    expect(evicted.statusCode).toBe(200);
    expectExecutedHeaders(evicted);
  });
});
