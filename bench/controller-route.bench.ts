/**
 * Controller routing overhead (issue 6; spec 002 asks < 10 ms per decision, spec 000 < 5 ms on the
 * routing path). Two figures:
 * 1. In process: CapabilityRouter.route (canary assignment, registry lookup by verb:name, policy,
 *    round-robin) over a 5,000-worker / 500-capability registry. Goal p99 ≤ 0.5 ms.
 * 2. End to end: `POST /route` over loopback to the real controller app (validation, identity,
 *    metrics, tracing hooks, problem filter), one client, keep-alive, sequential. Goal p99 ≤ 2 ms.
 *    Peer in the same run: a bare Fastify app answering the same body shape from a constant,
 *    measured with the same client, so the ratio shows what the controller adds to the HTTP floor.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import {
  DnsWorkerUrlGuard,
  HttpWorkerInvoker,
  JsonlRegistryStore,
  SloDirectorySource,
} from '@slo-engine/adapters';
import {
  CanaryBook,
  CapabilityRouter,
  InMemoryRegistryStore,
  type InvocationResponse,
  WorkerDirectory,
  WorkerUrlGuard,
  type WorkerUrlVerdict,
} from '@slo-engine/core';
import { InMemoryIdempotencyStore } from '@slo-engine/idempotency';
import {
  type Capability,
  CapabilityRegistry,
  createWorkerUrlPolicy,
  requiredCapabilitiesPolicy,
} from '@slo-engine/registry';
import { loadControllerConfig } from '../apps/controller/dist/config';
import { createControllerApp } from '../apps/controller/dist/create-controller-app';
import { measure, report, round, seededRandom, summarize } from './harness';

const WORKERS = 5_000;
const CAPABILITIES = 500;
const IN_PROCESS_ITERATIONS = 200_000;
const HTTP_WORKERS = 200;
const HTTP_WARMUP = 2_000;
const HTTP_ITERATIONS = 20_000;
const GOAL_IN_PROCESS_P99_MS = 0.5;
const GOAL_HTTP_P99_MS = 2;

function capability(i: number, version = '1.0.0'): Capability {
  return {
    verb: 'run',
    name: `task-${i}`,
    version,
    input_schema: {},
    output_schema: {},
    requires_gpu: false,
    max_concurrency: 8,
    slo: { latency_p95_ms: 100, availability: 0.999 },
  };
}

class AllowAll extends WorkerUrlGuard {
  check(url: string): Promise<WorkerUrlVerdict> {
    return Promise.resolve({ ok: true, url, addresses: [] });
  }
}

async function inProcess(): Promise<Record<string, unknown>> {
  let t = Date.parse('2026-03-01T00:00:00Z');
  const clock = () => t;
  const registry = new CapabilityRegistry({ clock, policy: requiredCapabilitiesPolicy });
  const directory = new WorkerDirectory(registry, new InMemoryRegistryStore(), new AllowAll());
  for (let w = 0; w < WORKERS; w++) {
    const c = w % CAPABILITIES;
    // Half the workers of task-0 run the canary version.
    const version = c === 0 && Math.floor(w / CAPABILITIES) % 2 === 0 ? '2.0.0' : '1.0.0';
    await directory.register(
      {
        worker_id: `w-${w}`,
        worker_url: `https://w-${w}.workers.internal:8500`,
        capabilities: [capability(c, version)],
      },
      undefined,
    );
  }
  t += 1_000;
  const canaries = new CanaryBook();
  canaries.set(
    'run:task-0',
    { stableVersion: '1.0.0', canaryVersion: '2.0.0', percentage: 10 },
    'bench',
    t,
  );
  const random = seededRandom(7);
  const router = new CapabilityRouter(directory, canaries, random);
  const names = Array.from({ length: 4096 }, () => `task-${Math.floor(random() * CAPABILITIES)}`);
  const keys = Array.from({ length: 4096 }, (_, i) => `device-${i}`);
  let i = 0;
  const plain = measure(() => router.route({ verb: 'run', capability: names[i++ & 4095] }), {
    warmup: 20_000,
    iterations: IN_PROCESS_ITERATIONS,
  });
  let j = 0;
  const canary = measure(
    () => router.route({ verb: 'run', capability: 'task-0', routingKey: keys[j++ & 4095] }),
    { warmup: 20_000, iterations: IN_PROCESS_ITERATIONS },
  );
  let k = 0;
  const constrained = measure(
    () =>
      router.route({
        verb: 'run',
        capability: names[k++ & 4095],
        sloConstraints: { latency_p95_ms: 150 },
        budgetTokens: 5,
      }),
    { warmup: 20_000, iterations: IN_PROCESS_ITERATIONS },
  );
  return { plain, canary, constrained };
}

function post(agent: Agent, port: number, path: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(Number(process.hrtime.bigint() - started) / 1e6)
            : reject(new Error(`status ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function sequential(
  port: number,
  bodies: readonly string[],
): Promise<ReturnType<typeof summarize>> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < HTTP_WARMUP; i++)
    await post(agent, port, '/route', bodies[i % bodies.length]);
  const samples: number[] = [];
  for (let i = 0; i < HTTP_ITERATIONS; i++)
    samples.push(await post(agent, port, '/route', bodies[i % bodies.length]));
  agent.destroy();
  return summarize(samples);
}

async function endToEnd(): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-controller-'));
  const config = loadControllerConfig({
    LOG_LEVEL: 'silent',
    CONTROLLER_SLO_DIR: join(dir, 'slos'),
    CONTROLLER_SLO_WATCH: 'false',
    CONTROLLER_STATE_FILE: join(dir, 'registry.jsonl'),
    CONTROLLER_WORKER_URL_SCHEMES: 'http,https',
    CONTROLLER_WORKER_ALLOWED_CIDRS: '127.0.0.0/8',
  });
  const policy = createWorkerUrlPolicy({
    allowedSchemes: ['http', 'https'],
    allowedCidrs: ['127.0.0.0/8'],
  });
  const app = await createControllerApp({
    config,
    registryStore: await JsonlRegistryStore.open(config.CONTROLLER_STATE_FILE),
    idempotencyStore: new InMemoryIdempotencyStore<InvocationResponse>(),
    sloSource: new SloDirectorySource(config.CONTROLLER_SLO_DIR),
    urlGuard: new DnsWorkerUrlGuard({ policy }),
    invoker: new HttpWorkerInvoker({ policy }),
    timers: false,
  });
  const peer = Fastify({ logger: false });
  peer.post('/route', () =>
    Promise.resolve({ worker_url: 'http://127.0.0.1:8500', worker_id: 'w-1', version: '1.0.0' }),
  );
  try {
    await app.listen({ port: 0, host: '127.0.0.1' });
    const port = (app.getHttpServer().address() as AddressInfo).port;
    for (let w = 0; w < HTTP_WORKERS; w++) {
      const reg = JSON.stringify({
        worker_id: `w-${w}`,
        worker_url: `http://127.0.0.1:${9000 + w}`,
        capabilities: [capability(w % 20)],
      });
      await new Promise<void>((resolve, reject) => {
        const req = request(
          {
            host: '127.0.0.1',
            port,
            path: '/register',
            method: 'POST',
            headers: { 'content-type': 'application/json' },
          },
          (res) => {
            res.resume();
            res.on('end', () =>
              res.statusCode === 200 ? resolve() : reject(new Error(`register ${res.statusCode}`)),
            );
          },
        );
        req.end(reg);
      });
    }
    const bodies = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({ verb: 'run', capability: `task-${i}` }),
    );
    await peer.listen({ port: 0, host: '127.0.0.1' });
    const peerPort = (peer.server.address() as AddressInfo).port;
    const peerTiming = await sequential(peerPort, bodies);
    const controller = await sequential(port, bodies);
    const peerAgain = await sequential(peerPort, bodies);
    return { controller, peer: peerTiming, peerAgain };
  } finally {
    await app.close();
    await peer.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const local = await inProcess();
  const http = await endToEnd();
  const plain = local.plain as ReturnType<typeof summarize>;
  const canary = local.canary as ReturnType<typeof summarize>;
  const controller = http.controller as ReturnType<typeof summarize>;
  const peer = http.peer as ReturnType<typeof summarize>;
  const peerAgain = http.peerAgain as ReturnType<typeof summarize>;
  const peerP99 = Math.min(peer.p99Ms, peerAgain.p99Ms);
  console.log(
    `in process: p50 ${plain.p50Ms} ms, p99 ${plain.p99Ms} ms (canary p99 ${canary.p99Ms} ms)`,
  );
  console.log(
    `POST /route over loopback: p50 ${controller.p50Ms} ms, p99 ${controller.p99Ms} ms; bare Fastify p99 ${peerP99} ms`,
  );
  const worstInProcessP99 = Math.max(
    plain.p99Ms,
    canary.p99Ms,
    (local.constrained as ReturnType<typeof summarize>).p99Ms,
  );
  report('controller-route', {
    workers: WORKERS,
    capabilities: CAPABILITIES,
    httpWorkers: HTTP_WORKERS,
    inProcess: local,
    inProcessWorstP99Ms: worstInProcessP99,
    endToEnd: http,
    goalInProcessP99Ms: GOAL_IN_PROCESS_P99_MS,
    goalHttpP99Ms: GOAL_HTTP_P99_MS,
    meetsGoal: worstInProcessP99 <= GOAL_IN_PROCESS_P99_MS && controller.p99Ms <= GOAL_HTTP_P99_MS,
    inProcessP99ToGoal: round(worstInProcessP99 / GOAL_IN_PROCESS_P99_MS, 3),
    httpP99ToGoal: round(controller.p99Ms / GOAL_HTTP_P99_MS, 3),
    httpP99ToBareFastify: round(controller.p99Ms / peerP99, 3),
  });
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
