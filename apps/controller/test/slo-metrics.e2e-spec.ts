/**
 * The CI SLO gate's input (spec 000 session 4): real invocations of the three example capabilities
 * through the controller, measured end to end. With SLO_METRICS_OUTPUT set (the slo-check workflow
 * does), the latencies and outcomes are written in slo-check's metrics format, and slo-check then
 * fails the build if the controller path got slower than the example SLO files allow.
 */
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { SloMetricsRecorder } from '@slo-engine/testing';
import {
  capability,
  type FakeWorker,
  json,
  type RunningController,
  startController,
  startFakeWorker,
} from './controller-fixture';

const EXAMPLE_SLOS = join(__dirname, '../../../packages/slo-schema/examples/slos');
const CAPABILITIES = [
  ['classify', 'classify_email', '2.1'],
  ['convert', 'convert_document_to_pdf', '1.0'],
  ['example', 'example_capability', '1.0'],
] as const;
const REQUESTS_PER_CAPABILITY = 100;

describe('controller path against the example SLO files', () => {
  const recorder = new SloMetricsRecorder();
  let controller: RunningController;
  const workers: FakeWorker[] = [];

  beforeAll(async () => {
    controller = await startController({ sloDir: EXAMPLE_SLOS });
    for (const [verb, name, version] of CAPABILITIES) {
      const worker = await startFakeWorker((call) => ({
        status: 200,
        body: { ok: true, echo: call.body.payload },
      }));
      workers.push(worker);
      await controller.post('/register', {
        worker_id: `${verb}-worker`,
        worker_url: worker.url,
        capabilities: [capability(verb, name, { version })],
      });
    }
  });

  afterAll(async () => {
    await recorder.writeIfRequested();
    for (const w of workers) await w.close();
    await controller.close();
  });

  it('loads the three example SLO files', async () => {
    const body = json<{ slos: { capability: string }[]; issues: unknown[] }>(
      await controller.get('/slos'),
    );
    expect(body.slos.map((s) => s.capability).sort()).toEqual(
      CAPABILITIES.map(([v, n]) => `${v}:${n}`).sort(),
    );
    expect(body.issues).toEqual([]);
  });

  it.each(CAPABILITIES)(
    'invokes %s:%s through the controller and stays within its SLO',
    async (verb, name) => {
      const key = `${verb}:${name}`;
      for (let i = 0; i < REQUESTS_PER_CAPABILITY; i++) {
        const started = performance.now();
        const response = await controller.post('/invoke', {
          verb,
          capability: name,
          request_payload: { i },
        });
        recorder.record(key, performance.now() - started, response.statusCode < 500);
        expect(response.statusCode).toBe(200);
      }
      const slo = json<{
        slos: { capability: string; compliant: boolean; sli: { requests: number } }[];
      }>(await controller.get('/slos')).slos.find((s) => s.capability === key);
      expect(slo).toMatchObject({ compliant: true, sli: { requests: REQUESTS_PER_CAPABILITY } });
    },
  );
});
