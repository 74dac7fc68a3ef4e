import http, { type IncomingHttpHeaders } from 'node:http';
import https from 'node:https';

/** PEM material for TLS to the controller: `ca` to trust it, `cert` + `key` to prove the worker (mTLS). */
export interface ControllerTlsOptions {
  /** The CA(s) that signed the controller's certificate; the system store when absent. */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /** The worker's client certificate (PEM), for mTLS. Needs `key`. */
  readonly cert?: string | Buffer;
  /** The private key of `cert` (PEM). */
  readonly key?: string | Buffer;
  /** Passphrase of an encrypted `key`. */
  readonly passphrase?: string;
}

/** What one request to the controller came to. Never an exception: the agent decides what it means. */
export type ControllerAnswer =
  | {
      readonly kind: 'response';
      readonly status: number;
      readonly headers: IncomingHttpHeaders;
      /** The parsed JSON body; `undefined` when empty or not JSON. */
      readonly body: unknown;
    }
  | { readonly kind: 'unreachable'; readonly error: Error }
  | { readonly kind: 'aborted' };

/** Controller answers are a few hundred bytes; a larger one is a misrouted request, not worth buffering. */
const MAX_ANSWER_BYTES = 64 * 1024;

/** JSON over node:http/https with one keep-alive agent, so heartbeats reuse the TLS session. */
export class ControllerClient {
  private readonly agent: http.Agent;
  private readonly secure: boolean;

  constructor(
    private readonly baseUrl: URL,
    tls: ControllerTlsOptions | undefined,
    private readonly userAgent: string,
  ) {
    this.secure = baseUrl.protocol === 'https:';
    this.agent = this.secure
      ? new https.Agent({
          keepAlive: true,
          ca: tls?.ca as string | Buffer | (string | Buffer)[] | undefined,
          cert: tls?.cert,
          key: tls?.key,
          passphrase: tls?.passphrase,
        })
      : new http.Agent({ keepAlive: true });
  }

  /** `POST {controllerUrl}{path}` with a JSON body; redirects are not followed (a 3xx is an answer). */
  post(
    path: string,
    body: unknown,
    options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
  ): Promise<ControllerAnswer> {
    const { signal, timeoutMs } = options;
    if (signal?.aborted) return Promise.resolve({ kind: 'aborted' });
    const payload = Buffer.from(JSON.stringify(body), 'utf8');
    const request = this.secure ? https.request : http.request;

    return new Promise<ControllerAnswer>((resolve) => {
      let settled = false;
      const finish = (answer: ControllerAnswer): void => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        signal?.removeEventListener('abort', onAbort);
        resolve(answer);
      };

      const req = request(this.endpoint(path), {
        method: 'POST',
        agent: this.agent,
        headers: {
          'content-type': 'application/json',
          'content-length': payload.length,
          accept: 'application/json, application/problem+json',
          'user-agent': this.userAgent,
        },
      });
      const deadline = setTimeout(() => {
        req.destroy(new Error(`no answer from the controller within ${timeoutMs} ms`));
      }, timeoutMs);
      const onAbort = (): void => {
        finish({ kind: 'aborted' });
        req.destroy();
      };
      signal?.addEventListener('abort', onAbort, { once: true });

      req.on('error', (error) => finish({ kind: 'unreachable', error }));
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) {
            req.destroy(new Error(`the controller's answer exceeds ${MAX_ANSWER_BYTES} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => finish({ kind: 'unreachable', error }));
        res.on('end', () =>
          finish({
            kind: 'response',
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: parseJson(Buffer.concat(chunks).toString('utf8')),
          }),
        );
      });
      req.end(payload);
    });
  }

  /** Closes idle keep-alive sockets so a stopped agent does not hold the process open. */
  close(): void {
    this.agent.destroy();
  }

  private endpoint(path: string): URL {
    const url = new URL(this.baseUrl.href);
    // A controller behind a path prefix (https://gw/controller) keeps it: /controller/register.
    url.pathname = url.pathname.replace(/\/+$/, '') + path;
    return url;
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
