import * as http from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import type { OwnerNotification } from '@slo-engine/core';
import { createWorkerUrlPolicy } from '@slo-engine/registry';
import type { HostLookup } from './host-lookup';
import {
  verifyWebhook,
  WEBHOOK_USER_AGENT,
  WebhookErrorCodes,
  WebhookNotifier,
  type WebhookNotifierOptions,
} from './webhook-notifier';

interface ReceivedRequest {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

/** What the server answers to its n-th request (0-based); `hang` never answers. */
type Reply = { readonly status: number; readonly headers?: http.OutgoingHttpHeaders } | 'hang';

interface TestServer {
  readonly port: number;
  readonly requests: ReceivedRequest[];
  readonly connections: () => number;
  close(): Promise<void>;
}

const servers: TestServer[] = [];

/** A loopback server answering from a script; the last reply repeats. */
async function startServer(script: readonly Reply[]): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  let connections = 0;
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const reply = script[Math.min(requests.length, script.length - 1)] ?? { status: 200 };
      requests.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks),
      });
      if (reply === 'hang') return;
      response.writeHead(reply.status, reply.headers);
      response.end('{"ok":true}');
    });
  });
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const testServer: TestServer = {
    port: (server.address() as AddressInfo).port,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(testServer);
  return testServer;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const loopbackPolicy = createWorkerUrlPolicy({
  allowedSchemes: ['http', 'https'],
  allowedCidrs: ['127.0.0.0/8'],
});
const SECRET = 'payments-webhook-secret-0123456789abcdef';
const OTHER_SECRET = `whsec_${Buffer.alloc(32, 0x42).toString('base64')}`;
/** Unix seconds at the start of every test; the injected clock starts 600 ms into it. */
const T = 1_764_000_000;

/** An injected clock that the injected sleep advances, and the sleeps it was asked for. */
function fakeTime() {
  const time = { nowMs: T * 1000 + 600, sleeps: [] as number[] };
  return {
    time,
    now: () => time.nowMs,
    sleep: (ms: number) => {
      time.sleeps.push(ms);
      time.nowMs += ms;
      return Promise.resolve();
    },
  };
}

function notifier(
  overrides: Partial<WebhookNotifierOptions> & Pick<WebhookNotifierOptions, 'destinations'>,
) {
  const clock = fakeTime();
  const instance = new WebhookNotifier({
    policy: loopbackPolicy,
    now: clock.now,
    sleep: clock.sleep,
    random: () => 0.5,
    ...overrides,
  });
  return { notifier: instance, time: clock.time };
}

function notification(overrides: Partial<OwnerNotification> = {}): OwnerNotification {
  return {
    id: 'ntf_01J8Z3',
    type: 'recommendation.drift_detected',
    serviceId: 'checkout',
    team: 'payments',
    occurredAt: new Date('2026-11-23T09:30:00.000Z'),
    data: { detectors: ['cusum', 'page_hinkley'], old_target: 99.9, new_target: 99.5 },
    ...overrides,
  };
}

function thrownBy(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected the action to throw');
}

const url = (server: TestServer, path = '/hooks/slo') => `http://127.0.0.1:${server.port}${path}`;

describe('WebhookNotifier (real loopback HTTP)', () => {
  it('delivers a signed Standard Webhooks request that verifyWebhook accepts, and only as sent', async () => {
    const server = await startServer([{ status: 204 }]);
    const { notifier: webhooks } = notifier({
      destinations: { default: { url: url(server, '/hooks/slo?channel=sre'), secret: SECRET } },
    });

    expect(await webhooks.notify(notification())).toEqual({
      kind: 'delivered',
      attempts: 1,
      status: 204,
    });
    const [request] = server.requests;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/hooks/slo?channel=sre');
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': WEBHOOK_USER_AGENT,
      'webhook-id': 'ntf_01J8Z3',
      'webhook-timestamp': String(T),
    });
    expect(request?.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const body = request?.body ?? Buffer.alloc(0);
    expect(JSON.parse(body.toString('utf8'))).toEqual({
      type: 'recommendation.drift_detected',
      timestamp: '2026-11-23T09:30:00.000Z',
      data: {
        id: 'ntf_01J8Z3',
        service_id: 'checkout',
        team: 'payments',
        occurred_at: '2026-11-23T09:30:00.000Z',
        detectors: ['cusum', 'page_hinkley'],
        old_target: 99.9,
        new_target: 99.5,
      },
    });

    const headers = request?.headers ?? {};
    expect(verifyWebhook(SECRET, headers, body, { nowSeconds: T + 10 })).toEqual({
      ok: true,
      id: 'ntf_01J8Z3',
      timestampSeconds: T,
    });
    const tampered = Buffer.from(body.toString('utf8').replace('99.5', '99.0'));
    expect(verifyWebhook(SECRET, headers, tampered, { nowSeconds: T })).toMatchObject({
      ok: false,
      reason: 'invalid_signature',
    });
    expect(verifyWebhook(OTHER_SECRET, headers, body, { nowSeconds: T })).toMatchObject({
      ok: false,
      reason: 'invalid_signature',
    });
    expect(verifyWebhook(SECRET, headers, body, { nowSeconds: T + 301 })).toMatchObject({
      ok: false,
      reason: 'stale_timestamp',
    });
  });

  it('retries 503, 503 then delivers: same webhook-id, fresh timestamp and signature, jittered backoff', async () => {
    const server = await startServer([{ status: 503 }, { status: 503 }, { status: 200 }]);
    const { notifier: webhooks, time } = notifier({
      destinations: { default: { url: url(server), secret: SECRET } },
    });

    expect(await webhooks.notify(notification())).toEqual({
      kind: 'delivered',
      attempts: 3,
      status: 200,
    });
    // random() = 0.5: half of 1 s, then half of 2 s.
    expect(time.sleeps).toEqual([500, 1000]);
    expect(server.requests.map((r) => r.headers['webhook-id'])).toEqual([
      'ntf_01J8Z3',
      'ntf_01J8Z3',
      'ntf_01J8Z3',
    ]);
    expect(server.requests.map((r) => r.headers['webhook-timestamp'])).toEqual([
      String(T),
      String(T + 1),
      String(T + 2),
    ]);
    expect(new Set(server.requests.map((r) => r.headers['webhook-signature'])).size).toBe(3);
    for (const request of server.requests)
      expect(verifyWebhook(SECRET, request.headers, request.body, { nowSeconds: T + 2 }).ok).toBe(
        true,
      );
  });

  it('honours Retry-After in seconds and as an HTTP date, capped at maxDelayMs', async () => {
    const thirtySecondsAfterT = new Date((T + 30) * 1000).toUTCString();
    const server = await startServer([
      { status: 429, headers: { 'retry-after': '7' } },
      { status: 503, headers: { 'retry-after': thirtySecondsAfterT } },
      { status: 503, headers: { 'retry-after': '3600' } },
      { status: 200 },
    ]);
    const { notifier: webhooks, time } = notifier({
      destinations: { default: { url: url(server), secret: SECRET } },
    });

    expect(await webhooks.notify(notification())).toMatchObject({
      kind: 'delivered',
      attempts: 4,
    });
    // The date is T + 30 s; the clock reads T + 0.6 s + the 7 s already waited.
    expect(time.sleeps).toEqual([7_000, 30_000 - 7_600, 60_000]);
  });

  it('does not retry a 400: failed, not retryable', async () => {
    const server = await startServer([{ status: 400 }, { status: 200 }]);
    const { notifier: webhooks, time } = notifier({
      destinations: { default: { url: url(server), secret: SECRET } },
    });

    expect(await webhooks.notify(notification())).toEqual({
      kind: 'failed',
      attempts: 1,
      reason: 'http_error',
      retryable: false,
      detail: 'webhook answered 400',
    });
    expect(server.requests).toHaveLength(1);
    expect(time.sleeps).toEqual([]);
  });

  it('gives up after maxAttempts of 500 as failed and retryable, the backoff capped at maxDelayMs', async () => {
    const server = await startServer([{ status: 500 }]);
    const { notifier: webhooks, time } = notifier({
      destinations: { default: { url: url(server), secret: SECRET } },
      maxDelayMs: 3_000,
    });

    expect(await webhooks.notify(notification())).toEqual({
      kind: 'failed',
      attempts: 5,
      reason: 'http_error',
      retryable: true,
      detail: 'webhook answered 500',
    });
    expect(server.requests).toHaveLength(5);
    // Ceilings 1 s, 2 s, then 4 s and 8 s capped to 3 s; random() = 0.5 takes half.
    expect(time.sleeps).toEqual([500, 1_000, 1_500, 1_500]);
  });

  it('times out an attempt that gets no answer, and retries it', async () => {
    const server = await startServer(['hang']);
    const { notifier: webhooks } = notifier({
      destinations: { default: { url: url(server), secret: SECRET } },
      attemptTimeoutMs: 50,
      maxAttempts: 2,
    });

    expect(await webhooks.notify(notification())).toEqual({
      kind: 'failed',
      attempts: 2,
      reason: 'timeout',
      retryable: true,
      detail: 'no answer within 50 ms',
    });
    expect(server.requests).toHaveLength(2);
  });

  it('reports a refused connection as connection_failed, retryable', async () => {
    const port = await closedPort();
    const { notifier: webhooks } = notifier({
      destinations: { default: { url: `http://127.0.0.1:${port}/`, secret: SECRET } },
      maxAttempts: 2,
    });

    const outcome = await webhooks.notify(notification());
    expect(outcome).toMatchObject({
      kind: 'failed',
      attempts: 2,
      reason: 'connection_failed',
      retryable: true,
    });
    expect(outcome.kind === 'failed' && outcome.detail).toContain('ECONNREFUSED');
  });

  it('never follows a redirect and does not retry it', async () => {
    const target = await startServer([{ status: 200 }]);
    const server = await startServer([{ status: 307, headers: { location: url(target) } }]);
    const { notifier: webhooks, time } = notifier({
      destinations: { default: { url: url(server), secret: SECRET } },
    });

    expect(await webhooks.notify(notification())).toMatchObject({
      kind: 'failed',
      attempts: 1,
      reason: 'redirect_refused',
      retryable: false,
    });
    expect(server.requests).toHaveLength(1);
    expect(target.requests).toHaveLength(0);
    expect(time.sleeps).toEqual([]);
  });

  it('refuses loopback under the default policy: literal addresses at construction, names at connect time', async () => {
    const server = await startServer([{ status: 200 }]);
    const refusal = thrownBy(
      () =>
        new WebhookNotifier({
          destinations: { default: { url: `https://127.0.0.1:${server.port}/`, secret: SECRET } },
        }),
    );
    expect(refusal).toMatchObject({ code: WebhookErrorCodes.INVALID_OPTION });
    expect((refusal as Error).message).toMatch(
      /^destinations\.default\.url is refused \(forbidden_address\): 127\.0\.0\.1 is loopback/,
    );

    const lookup: HostLookup = (hostname) =>
      Promise.resolve(hostname === 'hooks.example.test' ? ['127.0.0.1'] : []);
    const { notifier: webhooks } = notifier({
      destinations: {
        default: { url: `http://hooks.example.test:${server.port}/`, secret: SECRET },
      },
      // The default policy's address rules, with http so the loopback server could be reached.
      policy: createWorkerUrlPolicy({ allowedSchemes: ['http'] }),
      lookup,
    });
    const outcome = await webhooks.notify(notification());
    expect(outcome).toMatchObject({
      kind: 'failed',
      attempts: 1,
      reason: 'forbidden_destination',
      retryable: false,
    });
    expect(outcome.kind === 'failed' && outcome.detail).toMatch(
      /connect-time check of hooks\.example\.test: 127\.0\.0\.1 is loopback/,
    );
    expect(server.connections()).toBe(0);
  });

  it("routes to the team's destination, else the default, each signed with its own secret", async () => {
    const payments = await startServer([{ status: 200 }]);
    const fallback = await startServer([{ status: 202 }]);
    const { notifier: webhooks } = notifier({
      destinations: {
        byTeam: { payments: { url: url(payments), secret: SECRET } },
        default: { url: url(fallback), secret: OTHER_SECRET },
      },
    });

    expect(await webhooks.notify(notification({ id: 'a', team: 'payments' }))).toMatchObject({
      kind: 'delivered',
      status: 200,
    });
    expect(await webhooks.notify(notification({ id: 'b', team: 'search' }))).toMatchObject({
      kind: 'delivered',
      status: 202,
    });
    expect(await webhooks.notify(notification({ id: 'c', team: undefined }))).toMatchObject({
      kind: 'delivered',
      status: 202,
    });
    // Inherited property names are not teams.
    expect(await webhooks.notify(notification({ id: 'd', team: 'constructor' }))).toMatchObject({
      kind: 'delivered',
      status: 202,
    });
    expect(payments.requests.map((r) => r.headers['webhook-id'])).toEqual(['a']);
    expect(fallback.requests.map((r) => r.headers['webhook-id'])).toEqual(['b', 'c', 'd']);
    const [first] = payments.requests;
    const [second] = fallback.requests;
    if (first === undefined || second === undefined) throw new Error('requests missing');
    expect(verifyWebhook(SECRET, first.headers, first.body, { nowSeconds: T }).ok).toBe(true);
    expect(verifyWebhook(OTHER_SECRET, second.headers, second.body, { nowSeconds: T }).ok).toBe(
      true,
    );
    expect(verifyWebhook(SECRET, second.headers, second.body, { nowSeconds: T }).ok).toBe(false);
  });

  it('skips a notification with no destination for its team and no default', async () => {
    const server = await startServer([{ status: 200 }]);
    const { notifier: webhooks } = notifier({
      destinations: { byTeam: { payments: { url: url(server), secret: SECRET } } },
    });

    expect(await webhooks.notify(notification({ team: 'search' }))).toEqual({
      kind: 'skipped',
      reason: 'no_destination',
    });
    expect(await webhooks.notify(notification({ team: undefined }))).toEqual({
      kind: 'skipped',
      reason: 'no_destination',
    });
    await expect(notifier({ destinations: {} }).notifier.notify(notification())).resolves.toEqual({
      kind: 'skipped',
      reason: 'no_destination',
    });
    expect(server.requests).toHaveLength(0);
  });

  it('names the bad option at construction: short secret, malformed URL, attempts', () => {
    const construct = (options: Partial<WebhookNotifierOptions>) => () =>
      new WebhookNotifier({ destinations: {}, policy: loopbackPolicy, ...options });
    expect(
      construct({
        destinations: { byTeam: { payments: { url: 'http://127.0.0.1/', secret: 'too-short' } } },
      }),
    ).toThrow('destinations.byTeam["payments"].secret must be at least 32 bytes, got 9');
    expect(construct({ destinations: { default: { url: 'not a url', secret: SECRET } } })).toThrow(
      'destinations.default.url is not an absolute URL',
    );
    expect(
      construct({ destinations: { default: { url: 'ftp://127.0.0.1/', secret: SECRET } } }),
    ).toThrow(/scheme_not_allowed/);
    expect(construct({ maxAttempts: 0 })).toThrow('maxAttempts must be a positive integer, got 0');
  });
});
