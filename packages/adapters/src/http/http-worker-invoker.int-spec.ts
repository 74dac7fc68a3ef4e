import * as http from 'node:http';
import * as https from 'node:https';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { WorkerInvocation } from '@slo-engine/core';
import { createWorkerUrlPolicy } from '@slo-engine/registry';
import { createTestPki, type TestClientCertificate, type TestPki } from '@slo-engine/testing';
import { DnsWorkerUrlGuard } from './dns-worker-url-guard';
import type { HostLookup } from './host-lookup';
import { HttpWorkerInvoker, invokePath } from './http-worker-invoker';

interface ReceivedRequest {
  readonly method: string | undefined;
  readonly url: string | undefined;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** The client certificate's URI SAN, for mTLS servers. */
  readonly peerSan: string | undefined;
}

type Handler = (request: http.IncomingMessage, response: http.ServerResponse) => void;

interface TestServer {
  readonly port: number;
  readonly requests: ReceivedRequest[];
  /** TCP connections accepted, to prove refusals happen before any socket and keep-alive reuse. */
  readonly connections: () => number;
  close(): Promise<void>;
}

const json =
  (status: number, body: unknown): Handler =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

async function startServer(handler: Handler, tls?: https.ServerOptions): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  let connections = 0;
  const listener = (request: http.IncomingMessage, response: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const socket = request.socket as Partial<TLSSocket>;
      requests.push({
        method: request.method,
        url: request.url,
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        peerSan: socket.getPeerCertificate?.().subjectaltname,
      });
      handler(request, response);
    });
  };
  const server =
    tls === undefined ? http.createServer(listener) : https.createServer(tls, listener);
  server.on('connection', () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A resolver answering from a queue per name (the last answer repeats), counting calls. */
function scriptedLookup(script: Record<string, ReadonlyArray<readonly string[]>>) {
  const calls: string[] = [];
  const lookup: HostLookup = (hostname) => {
    const answers = script[hostname] ?? [];
    const index = calls.filter((name) => name === hostname).length;
    calls.push(hostname);
    const answer = answers[Math.min(index, answers.length - 1)];
    return answer === undefined
      ? Promise.reject(
          Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }),
        )
      : Promise.resolve(answer);
  };
  return { lookup, calls };
}

const loopbackPolicy = createWorkerUrlPolicy({
  allowedSchemes: ['http', 'https'],
  allowedCidrs: ['127.0.0.0/8'],
});
const httpWithoutRanges = createWorkerUrlPolicy({ allowedSchemes: ['http', 'https'] });

function invocation(
  workerUrl: string,
  overrides: Partial<WorkerInvocation> = {},
): WorkerInvocation {
  return {
    workerId: 'worker-1',
    workerUrl,
    verb: 'convert',
    capability: 'document_to_pdf',
    version: '1.0.0',
    payload: { document: 'hello', pages: [1, 2] },
    headers: {},
    timeoutMs: 5_000,
    ...overrides,
  };
}

const invokers: HttpWorkerInvoker[] = [];
const servers: TestServer[] = [];
function newInvoker(
  options: ConstructorParameters<typeof HttpWorkerInvoker>[0],
): HttpWorkerInvoker {
  const invoker = new HttpWorkerInvoker(options);
  invokers.push(invoker);
  return invoker;
}
async function newServer(handler: Handler, tls?: https.ServerOptions): Promise<TestServer> {
  const server = await startServer(handler, tls);
  servers.push(server);
  return server;
}

afterEach(async () => {
  for (const invoker of invokers.splice(0)) invoker.close();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

describe('invokePath', () => {
  it.each([
    ['/', '/invoke'],
    ['/base', '/base/invoke'],
    ['/base/', '/base/invoke'],
    ['/a/b', '/a/b/invoke'],
  ])('%s → %s', (pathname, expected) => {
    expect(invokePath(pathname)).toBe(expected);
  });
});

describe('HttpWorkerInvoker over http', () => {
  it('POSTs {verb, capability, version, payload} to /invoke and returns the parsed answer', async () => {
    const server = await newServer(json(200, { result: 'ok', pages: 2 }));
    const invoker = newInvoker({ policy: loopbackPolicy });
    const outcome = await invoker.invoke(
      invocation(`http://127.0.0.1:${server.port}/workers/doc`, {
        headers: {
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
          'idempotency-key': 'key-1',
          'x-correlation-id': 'corr-1',
        },
      }),
    );
    expect(outcome).toMatchObject({
      kind: 'response',
      status: 200,
      body: { result: 'ok', pages: 2 },
    });
    expect(server.requests).toHaveLength(1);
    const [received] = server.requests;
    expect(received).toMatchObject({ method: 'POST', url: '/workers/doc/invoke' });
    expect(JSON.parse(received.body)).toEqual({
      verb: 'convert',
      capability: 'document_to_pdf',
      version: '1.0.0',
      payload: { document: 'hello', pages: [1, 2] },
    });
    expect(received.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
      'idempotency-key': 'key-1',
      'x-correlation-id': 'corr-1',
    });
  });

  it('keeps the framing headers its own and drops hop-by-hop headers from the caller', async () => {
    const server = await newServer(json(200, {}));
    const invoker = newInvoker({ policy: loopbackPolicy });
    await invoker.invoke(
      invocation(`http://127.0.0.1:${server.port}`, {
        headers: {
          Host: 'evil.example',
          'Content-Length': '1',
          'content-type': 'text/plain',
          Connection: 'close',
          'Transfer-Encoding': 'chunked',
          'x-correlation-id': 'corr-2',
        },
      }),
    );
    const headers = server.requests[0].headers;
    expect(headers.host).toBe(`127.0.0.1:${server.port}`);
    expect(headers['content-type']).toBe('application/json');
    expect(Number(headers['content-length'])).toBe(server.requests[0].body.length);
    expect(headers['transfer-encoding']).toBeUndefined();
    expect(headers.connection).toBe('keep-alive');
    expect(headers['x-correlation-id']).toBe('corr-2');
  });

  it('reuses one keep-alive connection for consecutive invocations', async () => {
    const server = await newServer(json(200, { n: 1 }));
    const invoker = newInvoker({ policy: loopbackPolicy });
    for (let i = 0; i < 3; i += 1)
      await expect(
        invoker.invoke(invocation(`http://127.0.0.1:${server.port}`)),
      ).resolves.toMatchObject({
        kind: 'response',
        status: 200,
      });
    expect(server.requests).toHaveLength(3);
    expect(server.connections()).toBe(1);
  });

  it('returns error statuses with their JSON body, and null for an empty body', async () => {
    const failing = await newServer(json(503, { error: 'overloaded' }));
    const empty = await newServer((_request, response) => response.writeHead(204).end());
    const invoker = newInvoker({ policy: loopbackPolicy });
    await expect(
      invoker.invoke(invocation(`http://127.0.0.1:${failing.port}`)),
    ).resolves.toMatchObject({
      kind: 'response',
      status: 503,
      body: { error: 'overloaded' },
    });
    await expect(
      invoker.invoke(invocation(`http://127.0.0.1:${empty.port}`)),
    ).resolves.toMatchObject({
      kind: 'response',
      status: 204,
      body: null,
    });
  });

  it('measures durationMs with the injected monotonic clock', async () => {
    const server = await newServer(json(200, {}));
    const readings = [1_000, 1_250];
    const invoker = newInvoker({
      policy: loopbackPolicy,
      now: () => readings.shift() ?? Number.NaN,
    });
    await expect(invoker.invoke(invocation(`http://127.0.0.1:${server.port}`))).resolves.toEqual({
      kind: 'response',
      status: 200,
      body: {},
      durationMs: 250,
    });
  });

  it('refuses redirects without following them', async () => {
    const target = await newServer(json(200, { reached: true }));
    const redirecting = await newServer((_request, response) => {
      response.writeHead(307, { location: `http://127.0.0.1:${target.port}/invoke` });
      response.end();
    });
    const invoker = newInvoker({ policy: loopbackPolicy });
    const outcome = await invoker.invoke(invocation(`http://127.0.0.1:${redirecting.port}`));
    expect(outcome).toMatchObject({
      kind: 'failed',
      reason: 'redirect_refused',
      detail: `worker answered 307 to http://127.0.0.1:${target.port}/invoke; redirects are not followed`,
    });
    expect(target.connections()).toBe(0);
  });

  it('answers invalid_response for a body that is not JSON', async () => {
    const server = await newServer((_request, response) => {
      response.writeHead(502, { 'content-type': 'text/html' });
      response.end('<html>Bad gateway</html>');
    });
    const invoker = newInvoker({ policy: loopbackPolicy });
    const outcome = await invoker.invoke(invocation(`http://127.0.0.1:${server.port}`));
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'invalid_response' });
    expect(outcome.kind === 'failed' && outcome.detail).toContain(
      'worker answered 502 with a body that is not JSON',
    );
  });

  it('refuses an answer whose declared length exceeds maxResponseBytes', async () => {
    const server = await newServer(json(200, { blob: 'x'.repeat(2_000) }));
    const invoker = newInvoker({ policy: loopbackPolicy, maxResponseBytes: 1_024 });
    await expect(
      invoker.invoke(invocation(`http://127.0.0.1:${server.port}`)),
    ).resolves.toMatchObject({
      kind: 'failed',
      reason: 'response_too_large',
      detail: 'worker answer exceeds 1024 bytes',
    });
  });

  it('accepts an answer of exactly maxResponseBytes', async () => {
    const body = JSON.stringify({ blob: 'x'.repeat(1_000) });
    const server = await newServer(json(200, JSON.parse(body)));
    const invoker = newInvoker({
      policy: loopbackPolicy,
      maxResponseBytes: Buffer.byteLength(body),
    });
    await expect(
      invoker.invoke(invocation(`http://127.0.0.1:${server.port}`)),
    ).resolves.toMatchObject({
      kind: 'response',
      status: 200,
    });
  });

  it('aborts an endless chunked answer once it passes maxResponseBytes', async () => {
    let serverSawClose!: () => void;
    const closed = new Promise<void>((resolve) => (serverSawClose = resolve));
    const server = await newServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      let open = true;
      response.on('close', () => {
        open = false;
        serverSawClose();
      });
      const pump = (): void => {
        while (open && response.write(chunk));
        if (open) response.once('drain', pump);
      };
      response.write('[');
      pump();
    });
    const invoker = newInvoker({ policy: loopbackPolicy, maxResponseBytes: 64 * 1024 });
    await expect(
      invoker.invoke(invocation(`http://127.0.0.1:${server.port}`)),
    ).resolves.toMatchObject({
      kind: 'failed',
      reason: 'response_too_large',
    });
    await closed;
  });

  it('times out a worker that never answers and closes the connection', async () => {
    let serverSawClose!: () => void;
    const closed = new Promise<void>((resolve) => (serverSawClose = resolve));
    const server = await newServer((request) => request.socket.on('close', () => serverSawClose()));
    const invoker = newInvoker({ policy: loopbackPolicy });
    await expect(
      invoker.invoke(invocation(`http://127.0.0.1:${server.port}`, { timeoutMs: 50 })),
    ).resolves.toMatchObject({
      kind: 'failed',
      reason: 'timeout',
      detail: 'no complete answer within 50 ms',
    });
    await closed;
  });

  it('times out without contacting the worker when no time is left', async () => {
    const server = await newServer(json(200, {}));
    const invoker = newInvoker({ policy: loopbackPolicy });
    await expect(
      invoker.invoke(invocation(`http://127.0.0.1:${server.port}`, { timeoutMs: 0 })),
    ).resolves.toMatchObject({ kind: 'failed', reason: 'timeout' });
    expect(server.connections()).toBe(0);
  });

  it('answers connection_failed when nothing listens', async () => {
    const port = await closedPort();
    const invoker = newInvoker({ policy: loopbackPolicy });
    const outcome = await invoker.invoke(invocation(`http://127.0.0.1:${port}`));
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'connection_failed' });
    expect(outcome.kind === 'failed' && outcome.detail).toContain('ECONNREFUSED');
  });

  it('answers connection_failed when the worker drops the connection mid-answer', async () => {
    const server = await newServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      response.write('{"partial":');
      setImmediate(() => response.socket?.destroy());
    });
    const invoker = newInvoker({ policy: loopbackPolicy });
    await expect(
      invoker.invoke(invocation(`http://127.0.0.1:${server.port}`)),
    ).resolves.toMatchObject({
      kind: 'failed',
      reason: 'connection_failed',
    });
  });
});

describe('HttpWorkerInvoker SSRF checks', () => {
  it('refuses a loopback literal unless the policy allow-lists it, before any connection', async () => {
    const server = await newServer(json(200, {}));
    const invoker = newInvoker({ policy: httpWithoutRanges });
    for (const host of ['127.0.0.1', '2130706433', '0x7f.1', '[::ffff:127.0.0.1]'])
      await expect(
        invoker.invoke(invocation(`http://${host}:${server.port}`)),
      ).resolves.toMatchObject({
        kind: 'failed',
        reason: 'forbidden_address',
      });
    expect(server.connections()).toBe(0);
  });

  it('refuses a name that resolves to loopback at connect time, before any connection', async () => {
    const server = await newServer(json(200, {}));
    const { lookup } = scriptedLookup({
      'worker.test': [['127.0.0.1']],
      'mixed.test': [['8.8.8.8', '127.0.0.1']],
    });
    const refusing = newInvoker({ policy: httpWithoutRanges, lookup });
    for (const host of ['worker.test', 'mixed.test']) {
      const outcome = await refusing.invoke(invocation(`http://${host}:${server.port}`));
      expect(outcome).toMatchObject({ kind: 'failed', reason: 'forbidden_address' });
      expect(outcome.kind === 'failed' && outcome.detail).toContain(
        `connect-time check of ${host}: 127.0.0.1 is loopback`,
      );
    }
    expect(server.connections()).toBe(0);
    // Control: the same name reaches the worker once loopback is allow-listed.
    const allowing = newInvoker({ policy: loopbackPolicy, lookup });
    await expect(
      allowing.invoke(invocation(`http://worker.test:${server.port}`)),
    ).resolves.toMatchObject({
      kind: 'response',
      status: 200,
    });
    expect(server.requests[0].headers.host).toBe(`worker.test:${server.port}`);
  });

  it('answers connection_failed when the name does not resolve', async () => {
    const { lookup } = scriptedLookup({});
    const invoker = newInvoker({ policy: loopbackPolicy, lookup });
    const outcome = await invoker.invoke(invocation('http://missing.test:8080'));
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'connection_failed' });
    expect(outcome.kind === 'failed' && outcome.detail).toContain('ENOTFOUND');
  });

  it.each([
    ['ftp://127.0.0.1/', 'forbidden_address', 'scheme ftp is not allowed'],
    ['http://user:secret@127.0.0.1/', 'forbidden_address', 'user name or password'],
    ['http://[fd00:ec2::254]/', 'forbidden_address', 'metadata'],
    ['not a url', 'connection_failed', 'is not an absolute URL'],
  ])('refuses %s as %s', async (workerUrl, reason, detail) => {
    const invoker = newInvoker({ policy: loopbackPolicy });
    const outcome = await invoker.invoke(invocation(workerUrl));
    expect(outcome).toMatchObject({ kind: 'failed', reason });
    expect(outcome.kind === 'failed' && outcome.detail).toContain(detail);
    expect(JSON.stringify(outcome)).not.toContain('secret');
  });

  it('rejects contradictory options', () => {
    expect(() => new HttpWorkerInvoker({ cert: Buffer.from('x') })).toThrow(
      'cert and key must be given together',
    );
    expect(() => new HttpWorkerInvoker({ maxResponseBytes: -1 })).toThrow('maxResponseBytes');
  });
});

describe('HttpWorkerInvoker over https', () => {
  let pki: TestPki;
  let client: TestClientCertificate;

  beforeAll(() => {
    pki = createTestPki();
    client = pki.issueClientCertificate('spiffe://slo-engine.test/controller');
  });
  afterAll(() => pki.dispose());

  it('calls a worker whose certificate chains to the configured CA', async () => {
    const server = await newServer(json(200, { secure: true }), {
      cert: pki.server.cert,
      key: pki.server.key,
    });
    const invoker = newInvoker({ policy: loopbackPolicy, ca: pki.ca.cert });
    await expect(
      invoker.invoke(invocation(`https://127.0.0.1:${server.port}/w`)),
    ).resolves.toMatchObject({
      kind: 'response',
      status: 200,
      body: { secure: true },
    });
    expect(server.requests[0].url).toBe('/w/invoke');
  });

  it('refuses a worker certificate it cannot verify', async () => {
    const server = await newServer(json(200, {}), { cert: pki.server.cert, key: pki.server.key });
    const invoker = newInvoker({ policy: loopbackPolicy });
    const outcome = await invoker.invoke(invocation(`https://127.0.0.1:${server.port}`));
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'connection_failed' });
    expect(server.requests).toHaveLength(0);
  });

  it('presents the client certificate to a worker that requires mTLS', async () => {
    const tls: https.ServerOptions = {
      cert: pki.server.cert,
      key: pki.server.key,
      ca: pki.ca.cert,
      requestCert: true,
      rejectUnauthorized: true,
    };
    const server = await newServer(json(200, { mutual: true }), tls);
    const withCertificate = newInvoker({
      policy: loopbackPolicy,
      ca: pki.ca.cert,
      cert: client.cert,
      key: client.key,
    });
    await expect(
      withCertificate.invoke(invocation(`https://127.0.0.1:${server.port}`)),
    ).resolves.toMatchObject({
      kind: 'response',
      body: { mutual: true },
    });
    expect(server.requests[0].peerSan).toBe('URI:spiffe://slo-engine.test/controller');

    const withoutCertificate = newInvoker({ policy: loopbackPolicy, ca: pki.ca.cert });
    await expect(
      withoutCertificate.invoke(invocation(`https://127.0.0.1:${server.port}`)),
    ).resolves.toMatchObject({ kind: 'failed', reason: 'connection_failed' });
    expect(server.requests).toHaveLength(1);
  });

  it('refuses loopback at connect time under the default policy when the name rebinds after registration', async () => {
    const server = await newServer(json(200, {}), { cert: pki.server.cert, key: pki.server.key });
    // Registration sees a public address; by the time the controller connects, 127.0.0.1.
    const { lookup, calls } = scriptedLookup({ 'worker.test': [['8.8.8.8'], ['127.0.0.1']] });
    const workerUrl = `https://worker.test:${server.port}`;
    await expect(new DnsWorkerUrlGuard({ lookup }).check(workerUrl)).resolves.toEqual({
      ok: true,
      url: `${workerUrl}/`,
      addresses: ['8.8.8.8'],
    });
    const invoker = newInvoker({ lookup, ca: pki.ca.cert });
    const outcome = await invoker.invoke(invocation(workerUrl));
    expect(outcome).toMatchObject({ kind: 'failed', reason: 'forbidden_address' });
    expect(outcome.kind === 'failed' && outcome.detail).toContain('127.0.0.1 is loopback');
    expect(calls).toEqual(['worker.test', 'worker.test']);
    expect(server.connections()).toBe(0);
  });
});
