import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeController } from './__fixtures__/fake-controller';
import { FakeScheduler } from './__fixtures__/fake-scheduler';
import type { WorkerSdkError } from './errors';
import { WorkerAgent, type WorkerAgentOptions } from './worker-agent';

interface Pki {
  readonly ca: Buffer;
  readonly serverCert: Buffer;
  readonly serverKey: Buffer;
  readonly clientCert: Buffer;
  readonly clientKey: Buffer;
}

let dir: string;
let pki: Pki;

/** A throwaway CA, a server certificate for 127.0.0.1 and a client certificate for the worker. */
function makePki(): Pki {
  dir = mkdtempSync(join(tmpdir(), 'worker-sdk-tls-'));
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
  );
  writeFileSync(
    join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n',
  );
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, subject] of [
    ['server', '/CN=controller'],
    ['client', '/CN=worker-hello'],
  ] as const) {
    openssl(
      'req',
      '-new',
      ...ec,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  }
  const read = (file: string): Buffer => readFileSync(join(dir, file));
  return {
    ca: read('ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
  };
}

beforeAll(() => {
  pki = makePki();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

let controller: FakeController;
let controllerUrl: string;
const agents: WorkerAgent[] = [];

beforeEach(async () => {
  controller = new FakeController({
    cert: pki.serverCert,
    key: pki.serverKey,
    ca: pki.ca,
    requestCert: true,
    rejectUnauthorized: true,
  });
  controllerUrl = await controller.listen();
});

afterEach(async () => {
  await Promise.all(agents.splice(0).map((agent) => agent.stop()));
  await controller.close();
});

function agentWith(overrides: Partial<WorkerAgentOptions>): {
  agent: WorkerAgent;
  scheduler: FakeScheduler;
  errors: WorkerSdkError[];
} {
  const scheduler = new FakeScheduler();
  const errors: WorkerSdkError[] = [];
  const agent = new WorkerAgent({
    controllerUrl,
    workerId: 'worker-hello',
    workerUrl: 'https://127.0.0.1:8500',
    capabilities: [
      {
        verb: 'greet',
        name: 'hello',
        version: '1.0.0',
        input_schema: {},
        output_schema: {},
        requires_gpu: false,
        max_concurrency: 1,
      },
    ],
    scheduler,
    onError: (error) => errors.push(error),
    ...overrides,
  });
  agents.push(agent);
  return { agent, scheduler, errors };
}

describe('WorkerAgent over mTLS', () => {
  it('registers, heartbeats and deregisters presenting its client certificate', async () => {
    const { agent, scheduler } = agentWith({
      tls: { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey },
    });
    await agent.start();
    scheduler.fire();
    await controller.waitForRequests(2);
    await scheduler.nextWait();
    await agent.stop();

    expect(controller.paths()).toEqual(['/register', '/heartbeat', '/deregister']);
    expect(controller.requests.map((request) => request.clientCertificateCn)).toEqual([
      'worker-hello',
      'worker-hello',
      'worker-hello',
    ]);
  });

  it('backs off, as for any unreachable controller, when the controller refuses a worker without a certificate', async () => {
    const { agent, scheduler, errors } = agentWith({ tls: { ca: pki.ca } });
    const starting = agent.start().catch((error: unknown) => error);

    expect(await scheduler.nextWait()).toBe(250);
    expect(errors[0]).toMatchObject({ code: 'WORKER_SDK.CONTROLLER_UNREACHABLE', retryable: true });
    expect(controller.requests).toHaveLength(0);
    await agent.stop();
    expect(await starting).toMatchObject({ code: 'WORKER_SDK.STOPPED' });
  });

  it('does not trust a controller whose CA it was not given', async () => {
    const { agent, scheduler, errors } = agentWith({
      tls: { cert: pki.clientCert, key: pki.clientKey },
    });
    const starting = agent.start().catch((error: unknown) => error);

    await scheduler.nextWait();
    expect(errors[0]?.code).toBe('WORKER_SDK.CONTROLLER_UNREACHABLE');
    expect(errors[0]?.message).toMatch(/certificate/i);
    expect(controller.requests).toHaveLength(0);
    await agent.stop();
    await starting;
  });
});
