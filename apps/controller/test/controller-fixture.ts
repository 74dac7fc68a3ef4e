/**
 * End-to-end fixture of the controller: the real app (createControllerApp) with the real adapters
 * of embedded mode — the JSONL registry file in a temporary directory, the SLO directory source,
 * the SSRF guard and HTTP invoker (loopback allow-listed, http allowed) — an in-memory or Redis
 * idempotency store, and a manual clock. Driven over loopback HTTP or Fastify's `inject`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  DnsWorkerUrlGuard,
  HttpWorkerInvoker,
  JsonlRegistryStore,
  SloDirectorySource,
} from '@slo-engine/adapters';
import { type InvocationResponse, type RegistryStore } from '@slo-engine/core';
import { type IdempotencyStore, InMemoryIdempotencyStore } from '@slo-engine/idempotency';
import { type Capability, createWorkerUrlPolicy } from '@slo-engine/registry';
import { type ControllerConfig, loadControllerConfig } from '../src/config';
import { ControllerLifecycle } from '../src/controller-lifecycle';
import { createControllerApp } from '../src/create-controller-app';

export type InjectOptions = Exclude<Parameters<NestFastifyApplication['inject']>[0], string>;
export type InjectResponse = Awaited<ReturnType<NestFastifyApplication['inject']>>;

/** A clock the test moves by hand. */
export class ManualClock {
  constructor(public t = Date.parse('2026-03-01T12:00:00Z')) {}
  readonly now = (): number => this.t;
  advance(ms: number): void {
    this.t += ms;
  }
}

/** The wall clock, for tests that run real timers (the worker SDK's heartbeat loop). */
export class WallClock extends ManualClock {
  override readonly now = (): number => Date.now();
  override advance(): void {
    throw new Error('WallClock cannot be advanced');
  }
}

export interface ControllerOptions {
  readonly env?: Readonly<Record<string, string>>;
  readonly clock?: ManualClock;
  /** Directory of SLO files (default: an empty temporary directory). */
  readonly sloDir?: string;
  /** Registry file (default: one in the fixture's temporary directory). */
  readonly stateFile?: string;
  readonly registryStore?: RegistryStore;
  readonly idempotencyStore?: IdempotencyStore<InvocationResponse>;
  /** Keep the SSRF defaults (https only, no loopback) instead of allowing the loopback test workers. */
  readonly strictUrls?: boolean;
  readonly random?: () => number;
}

export interface RunningController {
  readonly app: NestFastifyApplication;
  readonly config: ControllerConfig;
  readonly clock: ManualClock;
  readonly lifecycle: ControllerLifecycle;
  readonly dir: string;
  inject(options: InjectOptions): Promise<InjectResponse>;
  post(url: string, payload: unknown, headers?: Record<string, string>): Promise<InjectResponse>;
  get(url: string, headers?: Record<string, string>): Promise<InjectResponse>;
  close(): Promise<void>;
}

const FIXTURE_DIR_PREFIX = join(tmpdir(), 'slo-controller-');

/** The fixture directory a path lies in, if the fixture made it. */
function fixtureDirOf(path: string | undefined): string | undefined {
  if (path === undefined || !path.startsWith(FIXTURE_DIR_PREFIX)) return undefined;
  const rest = path.slice(FIXTURE_DIR_PREFIX.length);
  return FIXTURE_DIR_PREFIX + rest.split('/')[0];
}

/** Starts a controller (not listening unless `listen` is called on `app`). */
export async function startController(options: ControllerOptions = {}): Promise<RunningController> {
  const dir = mkdtempSync(FIXTURE_DIR_PREFIX);
  const clock = options.clock ?? new ManualClock();
  const config = loadControllerConfig({
    LOG_LEVEL: 'silent',
    CONTROLLER_SLO_DIR: options.sloDir ?? join(dir, 'slos'),
    CONTROLLER_SLO_WATCH: 'false',
    CONTROLLER_STATE_FILE: options.stateFile ?? join(dir, 'registry.jsonl'),
    ...(options.strictUrls
      ? {}
      : {
          CONTROLLER_WORKER_URL_SCHEMES: 'http,https',
          CONTROLLER_WORKER_ALLOWED_CIDRS: '127.0.0.0/8,::1/128',
        }),
    ...options.env,
  });
  const policy = createWorkerUrlPolicy({
    allowedSchemes: config.CONTROLLER_WORKER_URL_SCHEMES.split(','),
    allowedCidrs: (config.CONTROLLER_WORKER_ALLOWED_CIDRS ?? '').split(',').filter((s) => s !== ''),
  });
  const registryStore =
    options.registryStore ?? (await JsonlRegistryStore.open(config.CONTROLLER_STATE_FILE));
  const app = await createControllerApp(
    {
      config,
      registryStore,
      idempotencyStore:
        options.idempotencyStore ??
        new InMemoryIdempotencyStore<InvocationResponse>({
          capacity: config.CONTROLLER_IDEMPOTENCY_CAPACITY,
        }),
      sloSource: new SloDirectorySource(config.CONTROLLER_SLO_DIR),
      urlGuard: new DnsWorkerUrlGuard({ policy }),
      invoker: new HttpWorkerInvoker({
        policy,
        maxResponseBytes: config.CONTROLLER_WORKER_MAX_RESPONSE_BYTES,
      }),
      now: clock.now,
      ...(options.random === undefined ? {} : { random: options.random }),
      timers: false,
    },
    { abortOnError: false },
  );
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  const inject = (o: InjectOptions) => app.inject(o);
  return {
    app,
    config,
    clock,
    lifecycle: app.get(ControllerLifecycle),
    dir,
    inject,
    post: (url, payload, headers = {}) =>
      inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers }),
    get: (url, headers = {}) => inject({ method: 'GET', url, headers }),
    close: async () => {
      await app.close();
      // Its own directory, and that of an earlier controller whose registry file it took over
      // (restart tests close the first controller's app only, so the file survives for this one).
      const created = [dir, ...[options.stateFile, options.sloDir].map(fixtureDirOf)];
      for (const d of created) if (d !== undefined) rmSync(d, { recursive: true, force: true });
    },
  };
}

/** A capability with the seven core fields (spec 002), overridable. */
export function capability(
  verb: string,
  name: string,
  overrides: Partial<Capability> = {},
): Capability {
  return {
    verb,
    name,
    version: '1.0.0',
    input_schema: { type: 'object' },
    output_schema: { type: 'object' },
    requires_gpu: false,
    max_concurrency: 4,
    ...overrides,
  };
}

export interface WorkerCall {
  readonly body: { verb: string; capability: string; version: string; payload: unknown };
  readonly headers: IncomingMessage['headers'];
}

/** A worker on loopback answering `POST /invoke` with `respond` (default: echo the payload). */
export interface FakeWorker {
  readonly url: string;
  readonly calls: WorkerCall[];
  respond: (
    call: WorkerCall,
  ) => Promise<{ status: number; body: unknown }> | { status: number; body: unknown };
  close(): Promise<void>;
}

export async function startFakeWorker(
  respond: FakeWorker['respond'] = (call) => ({ status: 200, body: { echo: call.body.payload } }),
): Promise<FakeWorker> {
  const calls: WorkerCall[] = [];
  const worker: FakeWorker = {
    url: '',
    calls,
    respond,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      void (async () => {
        const call: WorkerCall = {
          body: JSON.parse(raw || '{}') as WorkerCall['body'],
          headers: req.headers,
        };
        calls.push(call);
        const answer = await worker.respond(call);
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(answer.body));
      })();
    });
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (worker as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return worker;
}

export function json<T = Record<string, unknown>>(response: InjectResponse): T {
  return response.json<T>();
}
