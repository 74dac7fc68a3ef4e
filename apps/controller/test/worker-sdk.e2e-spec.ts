/**
 * The worker SDK against the real controller (spec 002 session 4): workers register on start,
 * heartbeat, are invoked through the controller, survive a controller restart mid-flight by
 * re-registering on the first heartbeat the new controller answers, and deregister on stop.
 * Real timers with short intervals: the SDK's loop and the controller's sockets are real.
 */
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import {
  type ReregistrationEvent,
  WorkerAgent,
  createInvocationHandler,
} from '@slo-engine/worker-sdk';
import {
  capability,
  json,
  type RunningController,
  startController,
  WallClock,
} from './controller-fixture';

const HEARTBEAT_MS = 250;
const WORKERS = 5;

async function until(
  condition: () => Promise<boolean> | boolean,
  deadlineMs = 15_000,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met before the deadline');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface RunningWorker {
  readonly agent: WorkerAgent;
  readonly server: Server;
  readonly reregistrations: ReregistrationEvent[];
}

describe('worker SDK against the real controller', () => {
  let controller: RunningController;
  let port: number;
  const workers: RunningWorker[] = [];
  const env = {
    CONTROLLER_HEARTBEAT_INTERVAL: `${HEARTBEAT_MS}ms`,
    CONTROLLER_STALE_TIMEOUT: `${HEARTBEAT_MS * 4}ms`,
  };

  async function listen(c: RunningController, at = 0): Promise<number> {
    await c.app.listen({ port: at, host: '127.0.0.1' });
    return (c.app.getHttpServer().address() as AddressInfo).port;
  }

  async function healthyIds(c: RunningController): Promise<string[]> {
    const body = json<{ workers: { worker_id: string; status: string; is_healthy: boolean }[] }>(
      await c.get('/workers'),
    );
    return body.workers
      .filter((w) => w.status === 'healthy' && w.is_healthy)
      .map((w) => w.worker_id)
      .sort();
  }

  beforeAll(async () => {
    controller = await startController({ clock: new WallClock(), env });
    port = await listen(controller);
    for (let i = 0; i < WORKERS; i++) {
      const server = createServer(
        createInvocationHandler({
          'greet:hello': (payload, ctx) =>
            Promise.resolve({
              hello: (payload as { name: string }).name,
              worker: i,
              version: ctx.version,
            }),
        }),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const reregistrations: ReregistrationEvent[] = [];
      const agent = new WorkerAgent({
        controllerUrl: `http://127.0.0.1:${port}`,
        workerId: `hello-${i}`,
        workerUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        capabilities: [capability('greet', 'hello')],
        heartbeatIntervalMs: HEARTBEAT_MS,
        backoff: { initialMs: 20, maxMs: 100 },
        requestTimeoutMs: 1_000,
        onReregistered: (event) => reregistrations.push(event),
      });
      workers.push({ agent, server, reregistrations });
    }
    await Promise.all(workers.map((w) => w.agent.start()));
  });

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.agent.stop()));
    for (const w of workers) await new Promise<void>((resolve) => w.server.close(() => resolve()));
    await controller.close();
  });

  it('registers every worker on start and keeps them healthy by heartbeats', async () => {
    expect(await healthyIds(controller)).toEqual(workers.map((_, i) => `hello-${i}`));
    await until(() => workers.every((w) => w.agent.metrics().heartbeatsOk >= 2));
    expect(workers.every((w) => w.agent.state === 'registered')).toBe(true);
  });

  it('invokes a worker through the controller', async () => {
    const response = await controller.post('/invoke', {
      verb: 'greet',
      capability: 'hello',
      request_payload: { name: 'ada' },
    });
    expect(response.statusCode).toBe(200);
    expect(json(response)).toMatchObject({
      status: 200,
      result: { hello: 'ada', version: '1.0.0' },
    });
  });

  it('gets every worker back after a controller restart mid-flight, each by re-registering on its first heartbeat', async () => {
    const stateFile = controller.config.CONTROLLER_STATE_FILE;
    await controller.app.close();
    // The workers keep heartbeating into the void and back off.
    await until(() => workers.every((w) => w.agent.metrics().heartbeatsFailed >= 1));
    const before = workers.map((w) => w.reregistrations.length);

    controller = await startController({ clock: new WallClock(), env, stateFile });
    const restartedAt = Date.now();
    await listen(controller, port);
    // Restored from the registry file: routable at once, while each is verified.
    const restored = json<{ workers: { status: string }[] }>(
      await controller.get('/workers'),
    ).workers;
    expect(restored.length).toBe(WORKERS);
    expect(
      (await controller.post('/route', { verb: 'greet', capability: 'hello' })).statusCode,
    ).toBe(200);

    await until(async () => (await healthyIds(controller)).length === WORKERS);
    const recoveredInMs = Date.now() - restartedAt;
    // The controller counts a worker healthy as soon as it handled the registration; the agent
    // reports it when the answer reaches it, a moment later.
    await until(() => workers.every((w, i) => w.reregistrations.length > before[i]));
    process.stdout.write(
      `all ${WORKERS} workers re-registered ${recoveredInMs} ms after the restart (heartbeat interval ${HEARTBEAT_MS} ms)\n`,
    );
    workers.forEach((w, i) => {
      const events = w.reregistrations.slice(before[i]);
      // Exactly one re-registration each, caused by the restored registry's worker_not_registered.
      expect(events.map((e) => e.reason)).toEqual(['worker_not_registered']);
      expect(w.agent.state).toBe('registered');
    });
  });

  it('deregisters a worker on stop', async () => {
    const last = workers[WORKERS - 1];
    await last.agent.stop();
    await until(async () => !(await healthyIds(controller)).includes(`hello-${WORKERS - 1}`));
    const all = json<{ workers: { worker_id: string }[] }>(
      await controller.get('/workers'),
    ).workers.map((w) => w.worker_id);
    expect(all).not.toContain(`hello-${WORKERS - 1}`);
  });
});
