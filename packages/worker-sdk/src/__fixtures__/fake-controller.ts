import http, {
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  /** Subject CN of the client certificate, on an mTLS server. */
  readonly clientCertificateCn: string | undefined;
}

/** How the controller answers one request: a status and JSON body, hanging forever, or a cut connection. */
export type Reply =
  | { readonly status: number; readonly body?: unknown; readonly headers?: Record<string, string> }
  | 'hang'
  | 'destroy';

/**
 * A loopback stand-in for apps/controller's worker endpoints with the spec 002 behaviour: a
 * registry of known worker ids (`restart()` empties it, as a controller restart does), heartbeats
 * of unknown workers answered `200 { error: 'worker_not_registered' }`. `replyNext` scripts the
 * next answers of one path (a 503, a cut connection, a hang) before the default behaviour resumes.
 */
export class FakeController {
  readonly requests: RecordedRequest[] = [];
  readonly known = new Set<string>();
  private readonly scripted = new Map<string, Reply[]>();
  private readonly server: http.Server;
  private waiters: (() => void)[] = [];
  private hanging: ServerResponse[] = [];

  constructor(tls?: https.ServerOptions) {
    const listener = (req: IncomingMessage, res: ServerResponse): void => this.handle(req, res);
    this.server = tls ? https.createServer(tls, listener) : http.createServer(listener);
  }

  /** Listens on 127.0.0.1 (an ephemeral port unless given); returns the base URL. */
  async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const address = this.server.address() as AddressInfo;
    const scheme = this.server instanceof https.Server ? 'https' : 'http';
    return `${scheme}://127.0.0.1:${address.port}`;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.hanging = [];
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** What a controller restart does to the in-memory registry (spec 002 recovery flow). */
  restart(): void {
    this.known.clear();
  }

  replyNext(path: string, ...replies: Reply[]): void {
    this.scripted.set(path, [...(this.scripted.get(path) ?? []), ...replies]);
  }

  /** Answers every request that was left hanging, with `reply`. */
  releaseHanging(reply: { status: number; body?: unknown }): void {
    for (const res of this.hanging) send(res, reply.status, reply.body, {});
    this.hanging = [];
  }

  paths(): string[] {
    return this.requests.map((request) => request.path);
  }

  /** Resolves once `count` requests have arrived in total. */
  async waitForRequests(count: number): Promise<RecordedRequest> {
    while (this.requests.length < count) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    return this.requests[count - 1];
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text === '' ? undefined : JSON.parse(text);
      const socket = req.socket as Partial<TLSSocket>;
      const certificate = socket.getPeerCertificate?.();
      const cn = certificate?.subject?.CN;
      const request: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body,
        clientCertificateCn: typeof cn === 'string' ? cn : undefined,
      };
      this.requests.push(request);
      const reply = this.scripted.get(request.path)?.shift() ?? this.defaultReply(request);
      if (reply === 'hang') this.hanging.push(res);
      else if (reply === 'destroy') req.socket.destroy();
      else send(res, reply.status, reply.body, reply.headers ?? {});
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
    });
  }

  private defaultReply(request: RecordedRequest): Reply {
    const workerId = (request.body as { worker_id?: string } | undefined)?.worker_id ?? '';
    const action = request.path.slice(request.path.lastIndexOf('/'));
    switch (action) {
      case '/register':
        this.known.add(workerId);
        return { status: 200, body: { status: 'registered', worker_id: workerId } };
      case '/heartbeat':
        return this.known.has(workerId)
          ? { status: 200, body: { status: 'acknowledged', timestamp: new Date().toISOString() } }
          : { status: 200, body: { error: 'worker_not_registered', worker_id: workerId } };
      case '/deregister':
        this.known.delete(workerId);
        return { status: 200, body: { status: 'deregistered' } };
      default:
        return { status: 404, body: { title: 'Not Found' } };
    }
  }
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  const isProblem = typeof body === 'object' && body !== null && 'code' in body;
  res.writeHead(status, {
    'content-type': isProblem ? 'application/problem+json' : 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

/** A loopback port nothing listens on: a controller that is down. */
export async function freePort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
