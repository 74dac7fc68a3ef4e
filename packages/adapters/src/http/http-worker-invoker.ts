import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import { performance } from 'node:perf_hooks';
import {
  WorkerInvoker,
  type InvocationFailureReason,
  type InvocationOutcome,
  type WorkerInvocation,
} from '@slo-engine/core';
import {
  DEFAULT_WORKER_URL_POLICY,
  checkWorkerUrlSyntax,
  type WorkerUrlPolicy,
} from '@slo-engine/registry';
import { createGuardedLookup, ForbiddenAddressError } from './guarded-lookup';
import { systemHostLookup, type HostLookup } from './host-lookup';

export const HTTP_WORKER_INVOKER_DEFAULTS = {
  /** 1 MiB: a worker answer larger than this is refused and its socket closed. */
  maxResponseBytes: 1024 * 1024,
} as const;

export interface HttpWorkerInvokerOptions {
  /** The same policy as the URL guard's (default `DEFAULT_WORKER_URL_POLICY`). */
  readonly policy?: WorkerUrlPolicy;
  /** Resolver used at connect time (default: the system's). */
  readonly lookup?: HostLookup;
  /** Largest response body accepted (default 1 MiB). */
  readonly maxResponseBytes?: number;
  /** Client certificate (PEM) for mTLS to workers; needs `key`. */
  readonly cert?: Buffer;
  /** Private key (PEM) of `cert`. */
  readonly key?: Buffer;
  /** CA bundle (PEM) that worker certificates must chain to, instead of Node's default roots. */
  readonly ca?: Buffer;
  /** Monotonic milliseconds for `durationMs` (default `performance.now`); tests inject one. */
  readonly now?: () => number;
}

/**
 * Pooled sockets idle longer than this are closed by us first: Node servers drop idle keep-alive
 * connections after 5 s, and reusing one the worker is closing at that instant fails the call.
 * (An agent's `timeout` destroys only free sockets; busy ones are bounded by the invocation deadline.)
 */
const IDLE_SOCKET_TIMEOUT_MS = 4_000;
/** setTimeout fires at once beyond this; a longer deadline is no deadline worth arming. */
const MAX_TIMER_MS = 2_147_483_647;
/**
 * Headers a caller must not set: the invoker owns framing and the target (`host`,
 * `content-length`...), and hop-by-hop headers describe one connection, not the invocation.
 */
const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  'host',
  'content-length',
  'content-type',
  'accept',
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
]);

/** `POST {workerUrl}/invoke`, with or without a path and a trailing slash on the worker URL. */
export function invokePath(workerPathname: string): string {
  return workerPathname.endsWith('/') ? `${workerPathname}invoke` : `${workerPathname}/invoke`;
}

/**
 * The controller's outbound call to a worker over node:http / node:https with keep-alive agents.
 * SSRF defences: the worker URL is re-checked against the policy on every call (the policy may
 * have tightened since registration), and for host names a custom `lookup` re-checks every
 * resolved address at connect time, so a name that resolved to a public address at registration
 * and now resolves to 127.0.0.1 (DNS rebinding) is refused before a socket opens. Redirects are
 * never followed, the body is capped and the whole call has a deadline. Never throws for worker
 * or network failures; it answers `failed` with a reason.
 */
export class HttpWorkerInvoker extends WorkerInvoker {
  private readonly policy: WorkerUrlPolicy;
  /** `net.connect`'s lookup hook: the connect-time SSRF check (see `createGuardedLookup`). */
  private readonly guardedLookup: LookupFunction;
  private readonly maxResponseBytes: number;
  private readonly now: () => number;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(options: HttpWorkerInvokerOptions = {}) {
    super();
    this.policy = options.policy ?? DEFAULT_WORKER_URL_POLICY;
    this.guardedLookup = createGuardedLookup(options.lookup ?? systemHostLookup, this.policy);
    this.maxResponseBytes =
      options.maxResponseBytes ?? HTTP_WORKER_INVOKER_DEFAULTS.maxResponseBytes;
    this.now = options.now ?? (() => performance.now());
    if (!Number.isSafeInteger(this.maxResponseBytes) || this.maxResponseBytes < 0)
      throw new Error(
        `HttpWorkerInvoker: maxResponseBytes must be a non-negative integer, got ${this.maxResponseBytes}`,
      );
    if ((options.cert === undefined) !== (options.key === undefined))
      throw new Error('HttpWorkerInvoker: cert and key must be given together');
    this.httpAgent = new http.Agent({ keepAlive: true, timeout: IDLE_SOCKET_TIMEOUT_MS });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      timeout: IDLE_SOCKET_TIMEOUT_MS,
      cert: options.cert,
      key: options.key,
      ca: options.ca,
      // Explicit, so no environment or later default can switch certificate checks off.
      rejectUnauthorized: true,
    });
  }

  /** Closes the pooled keep-alive sockets; call when the controller shuts down. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  invoke(invocation: WorkerInvocation): Promise<InvocationOutcome> {
    const started = this.now();
    const failed = (reason: InvocationFailureReason, detail: string): InvocationOutcome => ({
      kind: 'failed',
      reason,
      detail,
      durationMs: this.now() - started,
    });
    const target = checkWorkerUrlSyntax(invocation.workerUrl, this.policy);
    if (!target.ok) {
      // A malformed URL cannot be connected to; scheme, credentials and address are policy refusals.
      const reason = target.reason === 'invalid_url' ? 'connection_failed' : 'forbidden_address';
      return Promise.resolve(failed(reason, `worker URL refused: ${target.detail}`));
    }
    // A deadline already spent (the controller passes what is left of its budget) is a timeout.
    if (!(invocation.timeoutMs > 0))
      return Promise.resolve(failed('timeout', 'no time left for the invocation'));
    const body = Buffer.from(
      JSON.stringify({
        verb: invocation.verb,
        capability: invocation.capability,
        version: invocation.version,
        payload: invocation.payload,
      }),
    );
    const headers: http.OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(invocation.headers))
      if (!RESERVED_HEADERS.has(name.toLowerCase())) headers[name] = value;
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(body.length);
    headers.accept = 'application/json';
    const secure = target.scheme === 'https';
    const requestOptions: http.RequestOptions = {
      method: 'POST',
      hostname: target.hostname,
      port: target.port,
      path: invokePath(new URL(target.url).pathname),
      headers,
      agent: secure ? this.httpsAgent : this.httpAgent,
      lookup: this.guardedLookup,
    };

    return new Promise<InvocationOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: InvocationOutcome): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        resolve(outcome);
      };
      const fail = (reason: InvocationFailureReason, detail: string): void =>
        finish(failed(reason, detail));
      const request = (secure ? https : http).request(requestOptions);
      const deadline = setTimeout(
        () => {
          fail('timeout', `no complete answer within ${invocation.timeoutMs} ms`);
          request.destroy();
        },
        Math.min(invocation.timeoutMs, MAX_TIMER_MS),
      );
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (error instanceof ForbiddenAddressError) fail('forbidden_address', error.message);
        else
          fail('connection_failed', error.code ? `${error.code}: ${error.message}` : error.message);
      });
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          const location = response.headers.location;
          fail(
            'redirect_refused',
            `worker answered ${status}${location === undefined ? '' : ` to ${location}`}; redirects are not followed`,
          );
          // Destroying drops the socket too: an unread body must not poison the keep-alive pool.
          request.destroy();
          return;
        }
        const tooLarge = (): void => {
          fail('response_too_large', `worker answer exceeds ${this.maxResponseBytes} bytes`);
          request.destroy();
        };
        const declared = Number(response.headers['content-length']);
        if (Number.isFinite(declared) && declared > this.maxResponseBytes) return tooLarge();
        const chunks: Buffer[] = [];
        let received = 0;
        response.on('data', (chunk: Buffer) => {
          received += chunk.length;
          if (received > this.maxResponseBytes) return tooLarge();
          chunks.push(chunk);
        });
        response.on('end', () => {
          if (received > this.maxResponseBytes) return;
          const text = Buffer.concat(chunks).toString('utf8');
          if (text === '')
            return finish({
              kind: 'response',
              status,
              body: null,
              durationMs: this.now() - started,
            });
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch (error) {
            return fail(
              'invalid_response',
              `worker answered ${status} with a body that is not JSON: ${(error as Error).message}`,
            );
          }
          finish({ kind: 'response', status, body: parsed, durationMs: this.now() - started });
        });
        // The worker closed the connection mid-body.
        response.on('close', () => {
          if (!response.complete)
            fail('connection_failed', `worker answered ${status} but closed before the end`);
        });
      });
      request.end(body);
    });
  }
}
