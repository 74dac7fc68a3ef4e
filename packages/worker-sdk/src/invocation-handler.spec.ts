import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvocationError } from './errors';
import {
  createInvocationHandler,
  type InvocationContext,
  type InvocationHandlerOptions,
  type InvocationHandlers,
} from './invocation-handler';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly text: string;
}

let server: http.Server | undefined;
let baseUrl: string;

afterEach(async () => {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server!.close(() => resolve()));
  server = undefined;
});

async function serve(
  handlers: InvocationHandlers,
  options?: InvocationHandlerOptions,
): Promise<void> {
  server = http.createServer(createInvocationHandler(handlers, options));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function call(
  path: string,
  options: { method?: string; body?: string | Buffer; headers?: OutgoingHttpHeaders } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${baseUrl}${path}`, {
      method: options.method ?? 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text });
      });
    });
    req.end(options.body);
  });
}

const invoke = (body: unknown, headers?: OutgoingHttpHeaders): Promise<Answer> =>
  call('/invoke', { body: JSON.stringify(body), headers });

/** The error `fn` throws (a failing test if it throws nothing). */
function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
const greet = { verb: 'greet', capability: 'hello', version: '1.0.0', payload: { name: 'Ada' } };

describe('createInvocationHandler: POST /invoke', () => {
  it('runs the handler of verb:capability with the payload and the invocation context', async () => {
    let seen: { payload: unknown; context: InvocationContext } | undefined;
    await serve({
      'greet:hello': (payload, context) => {
        seen = { payload, context };
        return Promise.resolve({ greeting: `hello ${(payload as { name: string }).name}` });
      },
    });

    const answer = await invoke(greet, {
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      'idempotency-key': 'key-1',
      'x-correlation-id': 'corr-1',
    });

    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(answer.headers['x-correlation-id']).toBe('corr-1');
    expect(answer.body).toEqual({ greeting: 'hello Ada' });
    expect(seen?.payload).toEqual({ name: 'Ada' });
    expect(seen?.context).toMatchObject({
      verb: 'greet',
      capability: 'hello',
      version: '1.0.0',
      idempotencyKey: 'key-1',
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      correlationId: 'corr-1',
    });
    expect(seen?.context.signal.aborted).toBe(false);
  });

  it('answers null for a handler that resolves undefined, and passes null for an absent payload', async () => {
    const payloads: unknown[] = [];
    await serve({
      'greet:hello': (payload) => {
        payloads.push(payload);
        return Promise.resolve(undefined);
      },
    });
    const answer = await invoke({ verb: 'greet', capability: 'hello', version: '1' });
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('null');
    expect(payloads).toEqual([null]);
  });

  it('answers 404 INVOKE.UNKNOWN_CAPABILITY for a capability it does not offer', async () => {
    await serve({ 'greet:hello': () => Promise.resolve('hi') });
    const answer = await invoke({ ...greet, capability: 'goodbye' }, { 'x-correlation-id': 'c-9' });
    expect(answer.status).toBe(404);
    expect(answer.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    expect(answer.body).toEqual({
      type: 'https://slo-engine.dev/problems/invoke-unknown-capability',
      title: 'Unknown capability',
      status: 404,
      detail: 'this worker does not offer greet:goodbye',
      code: 'INVOKE.UNKNOWN_CAPABILITY',
      instance: '/invoke',
      correlationId: 'c-9',
    });
  });

  it('does not let a body reach Object.prototype through the handler lookup', async () => {
    await serve({ 'greet:hello': () => Promise.resolve('hi') });
    const answer = await invoke({ ...greet, verb: '__proto__', capability: 'constructor' });
    expect(answer.status).toBe(404);
  });

  it('answers 400 INVOKE.INVALID_JSON for a body that is not JSON', async () => {
    await serve({ 'greet:hello': () => Promise.resolve('hi') });
    const answer = await call('/invoke', { body: '{"verb": ' });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'INVOKE.INVALID_JSON', status: 400 });
  });

  it('answers 400 INVOKE.INVALID_BODY naming every invalid field', async () => {
    const handler = jest.fn(() => Promise.resolve('hi'));
    await serve({ 'greet:hello': handler });
    const answer = await invoke({ verb: 'greet', capability: 7 });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: 'INVOKE.INVALID_BODY',
      errors: [
        { field: 'capability', message: 'must be a non-empty string' },
        { field: 'version', message: 'must be a non-empty string' },
      ],
    });
    expect((await invoke([1, 2])).body).toMatchObject({ code: 'INVOKE.INVALID_BODY' });
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers 413 for a declared or streamed body over maxBodyBytes', async () => {
    const handler = jest.fn(() => Promise.resolve('hi'));
    await serve({ 'greet:hello': handler }, { maxBodyBytes: 64 });
    const big = JSON.stringify({ ...greet, payload: 'x'.repeat(200) });

    const declared = await call('/invoke', { body: big });
    expect(declared.status).toBe(413);
    expect(declared.body).toMatchObject({ code: 'INVOKE.PAYLOAD_TOO_LARGE' });

    const streamed = await call('/invoke', {
      body: big,
      headers: { 'transfer-encoding': 'chunked' },
    });
    expect(streamed.status).toBe(413);
    expect(handler).not.toHaveBeenCalled();
  });

  it('answers 415 for a body that is not declared as JSON', async () => {
    await serve({ 'greet:hello': () => Promise.resolve('hi') });
    const answer = await call('/invoke', {
      body: JSON.stringify(greet),
      headers: { 'content-type': 'text/plain' },
    });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ code: 'INVOKE.UNSUPPORTED_MEDIA_TYPE' });
  });

  it('maps a thrown error to a 500 problem without its message or stack, and logs it', async () => {
    const logger = { info: jest.fn(), warn: jest.fn(), error: jest.fn() };
    const failure = new Error('password=hunter2 at db.internal');
    await serve({ 'greet:hello': () => Promise.reject(failure) }, { logger });

    const answer = await invoke(greet);

    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({
      code: 'INVOKE.HANDLER_FAILED',
      detail: 'the handler of greet:hello failed',
    });
    expect(answer.text).not.toContain('hunter2');
    expect(answer.text).not.toContain('invocation-handler.spec'); // no stack frames
    expect(logger.error).toHaveBeenCalledWith(
      expect.objectContaining({ err: failure, verb: 'greet', capability: 'hello' }),
      'capability handler failed',
    );
  });

  it('answers an InvocationError as the problem it describes', async () => {
    await serve({
      'greet:hello': () =>
        Promise.reject(
          new InvocationError(422, 'GREET.NAME_TOO_LONG', 'name is too long', [
            { field: 'payload.name', message: 'at most 64 characters' },
          ]),
        ),
    });
    const answer = await invoke(greet);
    expect(answer.status).toBe(422);
    expect(answer.body).toMatchObject({
      type: 'https://slo-engine.dev/problems/greet-name-too-long',
      title: 'Name too long',
      code: 'GREET.NAME_TOO_LONG',
      detail: 'name is too long',
      errors: [{ field: 'payload.name', message: 'at most 64 characters' }],
    });
  });

  it('answers 500 INVOKE.INVALID_RESULT for a result JSON cannot carry', async () => {
    await serve({ 'greet:hello': () => Promise.resolve({ count: 1n }) });
    const answer = await invoke(greet);
    expect(answer.status).toBe(500);
    expect(answer.body).toMatchObject({ code: 'INVOKE.INVALID_RESULT' });
  });

  it('aborts the context signal when the caller hangs up', async () => {
    let aborted!: () => void;
    const abortSeen = new Promise<void>((resolve) => (aborted = resolve));
    let entered!: () => void;
    const handlerEntered = new Promise<void>((resolve) => (entered = resolve));
    await serve({
      'greet:hello': (_payload, context) =>
        new Promise((resolve) => {
          context.signal.addEventListener('abort', () => {
            aborted();
            resolve('too late');
          });
          entered();
        }),
    });

    const req = http.request(`${baseUrl}/invoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    req.on('error', () => undefined);
    req.end(JSON.stringify(greet));
    await handlerEntered;
    req.destroy();

    await expect(abortSeen).resolves.toBeUndefined();
  });
});

describe('createInvocationHandler: routing and health', () => {
  it('answers GET /health with the capabilities it serves', async () => {
    await serve({
      'greet:hello': () => Promise.resolve('hi'),
      'greet:bye': () => Promise.resolve('bye'),
    });
    const answer = await call('/health', { method: 'GET' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ status: 'ok', capabilities: ['greet:hello', 'greet:bye'] });
  });

  it.each([
    ['false', (): boolean => false],
    [
      'a throw',
      (): boolean => {
        throw new Error('db down');
      },
    ],
  ])('answers 503 when the health check says %s', async (_label, health) => {
    await serve({ 'greet:hello': () => Promise.resolve('hi') }, { health });
    const answer = await call('/health', { method: 'GET' });
    expect(answer.status).toBe(503);
    expect(answer.body).toMatchObject({ status: 'unavailable' });
  });

  it('answers 405 with Allow for the wrong method and 404 for unknown paths', async () => {
    await serve({ 'greet:hello': () => Promise.resolve('hi') });
    const getInvoke = await call('/invoke', { method: 'GET' });
    expect(getInvoke.status).toBe(405);
    expect(getInvoke.headers.allow).toBe('POST');
    expect(getInvoke.body).toMatchObject({ code: 'HTTP.METHOD_NOT_ALLOWED', type: 'about:blank' });

    const postHealth = await call('/health', { method: 'POST' });
    expect(postHealth.status).toBe(405);
    expect(postHealth.headers.allow).toBe('GET, HEAD');

    const unknown = await call('/admin', { method: 'GET' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'HTTP.NOT_FOUND', instance: '/admin' });
  });

  it('serves under basePath and ignores the query string', async () => {
    await serve({ 'greet:hello': () => Promise.resolve('hi') }, { basePath: '/workers/a/' });
    expect((await call('/workers/a/invoke?x=1', { body: JSON.stringify(greet) })).body).toBe('hi');
    expect((await call('/workers/a/health', { method: 'GET' })).status).toBe(200);
    expect((await invoke(greet)).status).toBe(404);
  });
});

describe('createInvocationHandler: options', () => {
  const ok = (): Promise<string> => Promise.resolve('ok');

  it.each<[string, () => unknown]>([
    [
      'a key without a colon',
      () => createInvocationHandler({ greet: ok } as unknown as InvocationHandlers),
    ],
    ['a key with two colons', () => createInvocationHandler({ 'a:b:c': ok })],
    ['an empty name', () => createInvocationHandler({ 'greet:': ok })],
    [
      'a handler that is not a function',
      () => createInvocationHandler({ 'greet:hello': 'nope' } as unknown as InvocationHandlers),
    ],
    ['no handlers', () => createInvocationHandler({})],
    [
      'a zero body limit',
      () => createInvocationHandler({ 'greet:hello': ok }, { maxBodyBytes: 0 }),
    ],
    [
      'a relative basePath',
      () => createInvocationHandler({ 'greet:hello': ok }, { basePath: 'w' }),
    ],
  ])('refuses %s with WORKER_SDK.INVALID_OPTION', (_label, create) => {
    expect(thrownBy(create)).toMatchObject({ code: 'WORKER_SDK.INVALID_OPTION' });
  });

  it('refuses an InvocationError status outside 4xx/5xx', () => {
    expect(thrownBy(() => new InvocationError(200, 'X.Y', 'fine'))).toMatchObject({
      code: 'WORKER_SDK.INVALID_OPTION',
    });
  });
});
