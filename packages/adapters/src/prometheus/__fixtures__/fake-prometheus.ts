/**
 * A scriptable stand-in for the Prometheus HTTP API on 127.0.0.1:<free port>, for unit tests of
 * the client's retries, breaker, auth and of the adapter's query plans. It records every request.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  /** Path without the query string. */
  readonly path: string;
  /** Form body (POST) or query string (GET) parameters. */
  readonly params: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly at: number;
}

export interface FakeAnswer {
  readonly status?: number;
  /** A string is sent as is; anything else as JSON. */
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** Answer after this many ms. */
  readonly delayMs?: number;
  /** Never answer (the client must time out). */
  readonly hang?: boolean;
  /** Send the status line and half the body, then stall. */
  readonly stallBody?: boolean;
}

export type FakeHandler = (request: RecordedRequest) => FakeAnswer | Promise<FakeAnswer>;

export interface FakePrometheus {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** Replaces the handler. */
  handle(handler: FakeHandler): void;
  close(): Promise<void>;
}

export const success = (data: unknown): FakeAnswer => ({ body: { status: 'success', data } });
export const vector = (
  result: readonly { metric?: Record<string, string>; value: [number, string] }[],
): FakeAnswer =>
  success({ resultType: 'vector', result: result.map((r) => ({ metric: {}, ...r })) });
export const matrix = (
  result: readonly { metric?: Record<string, string>; values: [number, string][] }[],
): FakeAnswer =>
  success({ resultType: 'matrix', result: result.map((r) => ({ metric: {}, ...r })) });

export async function startFakePrometheus(
  handler: FakeHandler = () => vector([]),
): Promise<FakePrometheus> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = Buffer.concat(chunks).toString();
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        params: req.method === 'POST' ? new URLSearchParams(body) : url.searchParams,
        headers: req.headers,
        at: Date.now(),
      };
      requests.push(recorded);
      void Promise.resolve(current(recorded)).then(async (answer) => {
        if (answer.hang) return;
        if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
        if (res.destroyed) return;
        const text =
          typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
        res.writeHead(answer.status ?? 200, {
          'content-type': typeof answer.body === 'string' ? 'text/plain' : 'application/json',
          ...answer.headers,
        });
        if (answer.stallBody) res.write(text.slice(0, Math.floor(text.length / 2)));
        else res.end(text);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    handle: (next) => {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
