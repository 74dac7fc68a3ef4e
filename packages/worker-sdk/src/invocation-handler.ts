import type { IncomingMessage, ServerResponse } from 'node:http';
import { InvocationError, WorkerSdkError } from './errors';
import { SILENT_LOGGER, type WorkerSdkLogger } from './logger';
import { PROBLEM_CONTENT_TYPE, type ProblemDetails, type ProblemFieldError } from './wire';

/** `verb:name`, the key the controller routes on (spec 002), e.g. `greet:hello`. */
export type CapabilityKey = `${string}:${string}`;

/** What a capability handler knows about the invocation besides its payload. */
export interface InvocationContext {
  readonly verb: string;
  readonly capability: string;
  /** The version the controller routed to (a canary may send a newer one). */
  readonly version: string;
  /** The caller's `idempotency-key`, to deduplicate side effects. */
  readonly idempotencyKey: string | undefined;
  /** W3C trace context of the caller, to continue its trace. */
  readonly traceparent: string | undefined;
  readonly correlationId: string | undefined;
  /** Aborts when the controller hangs up (its invocation timeout elapsed): stop the work. */
  readonly signal: AbortSignal;
}

/**
 * Does one invocation. Resolve with a JSON-serialisable result (200; `undefined` answers `null`);
 * throw an `InvocationError` for a specific 4xx/5xx problem; anything else thrown becomes a 500
 * whose body says nothing about the error (it is logged instead).
 */
export type CapabilityHandler = (payload: unknown, context: InvocationContext) => Promise<unknown>;

export type InvocationHandlers = Readonly<Record<CapabilityKey, CapabilityHandler>>;

export interface InvocationHandlerOptions {
  /** Largest accepted request body in bytes; larger ones get 413. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /** Path prefix the worker is served under (a `worker_url` with a path, e.g. `/workers/a`). Default none. */
  readonly basePath?: string;
  /** Answers `GET /health`: `false` (or a throw) → 503. Default: always healthy. */
  readonly health?: () => boolean | Promise<boolean>;
  /** Where handler failures are logged (with the error, which the answer never contains). */
  readonly logger?: WorkerSdkLogger;
}

/** A node `request` listener: `http.createServer(createInvocationHandler(handlers))`. */
export type InvocationListener = (req: IncomingMessage, res: ServerResponse) => void;

/** Stable codes of the problems the invocation endpoint answers. */
export type InvocationProblemCode =
  | 'INVOKE.INVALID_JSON'
  | 'INVOKE.INVALID_BODY'
  | 'INVOKE.PAYLOAD_TOO_LARGE'
  | 'INVOKE.UNSUPPORTED_MEDIA_TYPE'
  | 'INVOKE.UNKNOWN_CAPABILITY'
  | 'INVOKE.HANDLER_FAILED'
  | 'INVOKE.INVALID_RESULT'
  | 'HTTP.NOT_FOUND'
  | 'HTTP.METHOD_NOT_ALLOWED';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const PROBLEM_TYPE_BASE = 'https://slo-engine.dev/problems/';

/**
 * Serves the worker side of the controller's invocations: `POST /invoke` with
 * `{ verb, capability, version, payload }` runs `handlers['verb:capability']`; `GET /health`
 * answers `{ status: 'ok', capabilities }`. Errors are RFC 9457 problems with stable `code`s.
 *
 * @throws WorkerSdkError `WORKER_SDK.INVALID_OPTION` for a malformed key, a non-function handler or a bad option.
 */
export function createInvocationHandler(
  handlers: InvocationHandlers,
  options: InvocationHandlerOptions = {},
): InvocationListener {
  const registry = buildRegistry(handlers);
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw invalidOption(`maxBodyBytes must be a positive integer, got ${String(maxBodyBytes)}`);
  }
  const basePath = normaliseBasePath(options.basePath);
  const logger = options.logger ?? SILENT_LOGGER;
  const health = options.health ?? (() => true);
  const capabilities = [...registry.keys()];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    const correlationId = headerValue(req, 'x-correlation-id');
    if (correlationId !== undefined) res.setHeader('x-correlation-id', correlationId);
    const fail = (
      status: number,
      code: InvocationProblemCode,
      detail: string,
      errors?: ProblemFieldError[],
    ): void => sendProblem(res, { status, code, detail, instance: path, correlationId, errors });

    if (path === `${basePath}/health`) {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('allow', 'GET, HEAD');
        fail(405, 'HTTP.METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed on ${path}`);
        return;
      }
      const healthy = await Promise.resolve()
        .then(health)
        .catch(() => false);
      sendJson(res, healthy ? 200 : 503, { status: healthy ? 'ok' : 'unavailable', capabilities });
      return;
    }
    if (path !== `${basePath}/invoke`) {
      fail(404, 'HTTP.NOT_FOUND', `nothing is served at ${path}`);
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      fail(405, 'HTTP.METHOD_NOT_ALLOWED', `${req.method ?? ''} is not allowed on ${path}`);
      return;
    }
    const contentType = headerValue(req, 'content-type');
    if (contentType !== undefined && !isJsonMediaType(contentType)) {
      fail(415, 'INVOKE.UNSUPPORTED_MEDIA_TYPE', `expected application/json, got ${contentType}`);
      return;
    }
    const body = await readBody(req, maxBodyBytes);
    if (body === 'too_large') {
      // The rest of the upload is not read; closing the connection is cheaper than draining it.
      res.setHeader('connection', 'close');
      fail(413, 'INVOKE.PAYLOAD_TOO_LARGE', `the request body exceeds ${maxBodyBytes} bytes`);
      return;
    }
    if (body === 'aborted') return;

    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      fail(400, 'INVOKE.INVALID_JSON', 'the request body is not valid JSON');
      return;
    }
    const invocation = readInvocation(parsed);
    if (!invocation.ok) {
      fail(400, 'INVOKE.INVALID_BODY', 'the request body is not an invocation', invocation.errors);
      return;
    }
    const { verb, capability, version, payload } = invocation.value;
    const handler = registry.get(`${verb}:${capability}`);
    if (handler === undefined) {
      fail(404, 'INVOKE.UNKNOWN_CAPABILITY', `this worker does not offer ${verb}:${capability}`);
      return;
    }

    const hangUp = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) hangUp.abort();
    });
    const context: InvocationContext = {
      verb,
      capability,
      version,
      idempotencyKey: headerValue(req, 'idempotency-key'),
      traceparent: headerValue(req, 'traceparent'),
      correlationId,
      signal: hangUp.signal,
    };

    let result: unknown;
    try {
      result = await handler(payload, context);
    } catch (error) {
      if (hangUp.signal.aborted) return;
      if (error instanceof InvocationError) {
        sendProblem(res, {
          status: error.status,
          code: error.code,
          detail: error.message,
          instance: path,
          correlationId,
          errors: error.errors.length > 0 ? [...error.errors] : undefined,
        });
        return;
      }
      logger.error(
        { err: error, verb, capability, version, correlationId },
        'capability handler failed',
      );
      fail(500, 'INVOKE.HANDLER_FAILED', `the handler of ${verb}:${capability} failed`);
      return;
    }
    if (hangUp.signal.aborted) return;

    let text: string;
    try {
      text = JSON.stringify(result ?? null) ?? 'null';
    } catch (error) {
      logger.error(
        { err: error, verb, capability, version, correlationId },
        'handler result is not JSON',
      );
      fail(
        500,
        'INVOKE.INVALID_RESULT',
        `the handler of ${verb}:${capability} returned a value that is not JSON`,
      );
      return;
    }
    send(res, 200, 'application/json', text);
  };

  return (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // Only a defect in this module gets here; answer if still possible, never crash the server.
      logger.error({ err: error }, 'invocation listener failed');
      if (!res.headersSent) {
        sendProblem(res, {
          status: 500,
          code: 'INVOKE.HANDLER_FAILED',
          detail: 'the worker failed',
          instance: req.url ?? '/',
          correlationId: undefined,
        });
      } else {
        res.destroy();
      }
    });
  };
}

function buildRegistry(handlers: InvocationHandlers): Map<string, CapabilityHandler> {
  if (typeof handlers !== 'object' || handlers === null) {
    throw invalidOption('handlers must be an object keyed by verb:name');
  }
  // A Map, not the object: a body naming `__proto__` or `constructor` must not reach Object.prototype.
  const registry = new Map<string, CapabilityHandler>();
  for (const [key, handler] of Object.entries(handlers) as [string, unknown][]) {
    const parts = key.split(':');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
      throw invalidOption(`handler key "${key}" must be verb:name`);
    }
    if (typeof handler !== 'function') throw invalidOption(`handler "${key}" must be a function`);
    registry.set(key, handler as CapabilityHandler);
  }
  if (registry.size === 0) throw invalidOption('handlers must name at least one capability');
  return registry;
}

function readInvocation(
  body: unknown,
):
  | { ok: true; value: { verb: string; capability: string; version: string; payload: unknown } }
  | { ok: false; errors: ProblemFieldError[] } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: false, errors: [{ field: '', message: 'must be a JSON object' }] };
  }
  const record = body as Record<string, unknown>;
  const errors: ProblemFieldError[] = [];
  const text = (field: 'verb' | 'capability' | 'version'): string => {
    const value = record[field];
    if (typeof value === 'string' && value !== '') return value;
    errors.push({ field, message: 'must be a non-empty string' });
    return '';
  };
  const value = {
    verb: text('verb'),
    capability: text('capability'),
    version: text('version'),
    // The controller drops an undefined payload while serialising; treat "absent" as null.
    payload: record.payload ?? null,
  };
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too_large' | 'aborted'> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve('too_large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (outcome: Buffer | 'too_large' | 'aborted'): void => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(outcome);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        finish('too_large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => finish(Buffer.concat(chunks)));
    req.on('error', () => finish('aborted'));
    req.on('close', () => finish(req.complete ? Buffer.concat(chunks) : 'aborted'));
  });
}

function sendProblem(
  res: ServerResponse,
  problem: {
    readonly status: number;
    readonly code: string;
    readonly detail: string;
    readonly instance: string;
    readonly correlationId: string | undefined;
    readonly errors?: readonly ProblemFieldError[];
  },
): void {
  const body: ProblemDetails = {
    type: problem.code.startsWith('HTTP.')
      ? 'about:blank'
      : `${PROBLEM_TYPE_BASE}${problem.code.toLowerCase().replace(/[._]+/g, '-')}`,
    title: titleOf(problem.code),
    status: problem.status,
    detail: problem.detail,
    code: problem.code,
    instance: problem.instance,
    ...(problem.correlationId === undefined ? {} : { correlationId: problem.correlationId }),
    ...(problem.errors === undefined ? {} : { errors: problem.errors }),
  };
  send(res, problem.status, PROBLEM_CONTENT_TYPE, JSON.stringify(body));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json', JSON.stringify(body));
}

function send(res: ServerResponse, status: number, contentType: string, text: string): void {
  const payload = Buffer.from(text, 'utf8');
  res.statusCode = status;
  res.setHeader('content-type', `${contentType}; charset=utf-8`);
  res.setHeader('content-length', payload.length);
  res.setHeader('cache-control', 'no-store');
  res.end(payload);
}

/** `INVOKE.UNKNOWN_CAPABILITY` → `Unknown capability`. */
function titleOf(code: string): string {
  const reason = code
    .slice(code.lastIndexOf('.') + 1)
    .toLowerCase()
    .replace(/_+/g, ' ');
  return reason.charAt(0).toUpperCase() + reason.slice(1);
}

function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}

function isJsonMediaType(contentType: string): boolean {
  const type = (contentType.split(';', 1)[0] ?? '').trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

function normaliseBasePath(basePath: string | undefined): string {
  if (basePath === undefined || basePath === '' || basePath === '/') return '';
  if (!basePath.startsWith('/'))
    throw invalidOption(`basePath must start with "/", got ${basePath}`);
  return basePath.replace(/\/+$/, '');
}

function invalidOption(message: string): WorkerSdkError {
  return new WorkerSdkError('WORKER_SDK.INVALID_OPTION', message);
}
