import {
  capability,
  json,
  ManualClock,
  type RunningController,
  startController,
} from './controller-fixture';

const WORKER_URL = 'http://127.0.0.1:8501';

function registration(
  workerId: string,
  caps = [capability('convert', 'convert_document_to_pdf')],
  url = WORKER_URL,
) {
  return { worker_id: workerId, worker_url: url, capabilities: caps };
}

describe('controller registry over HTTP (spec 002)', () => {
  let controller: RunningController;
  beforeEach(async () => {
    controller = await startController();
  });
  afterEach(() => controller.close());

  it('answers GET /health', async () => {
    const response = await controller.get('/health');
    expect(response.statusCode).toBe(200);
  });

  it('registers, lists, heartbeats and deregisters a worker', async () => {
    const registered = await controller.post('/register', registration('worker-doc-1'));
    expect(registered.statusCode).toBe(200);
    expect(json(registered)).toEqual({ status: 'registered', worker_id: 'worker-doc-1' });

    const capabilities = json(await controller.get('/capabilities'));
    expect(capabilities).toMatchObject({
      capabilities: [
        {
          verb: 'convert',
          capability: 'convert_document_to_pdf',
          workers: ['worker-doc-1'],
          version: '1.0.0',
        },
      ],
      total_workers: 1,
      healthy_workers: 1,
    });
    const workers = json<{ workers: Record<string, unknown>[] }>(await controller.get('/workers'));
    expect(workers.workers).toEqual([
      expect.objectContaining({
        worker_id: 'worker-doc-1',
        worker_url: WORKER_URL,
        is_healthy: true,
        capabilities: ['convert:convert_document_to_pdf'],
      }),
    ]);

    controller.clock.advance(30_000);
    const beat = await controller.post('/heartbeat', { worker_id: 'worker-doc-1' });
    expect(json(beat)).toEqual({
      status: 'acknowledged',
      timestamp: new Date(controller.clock.t).toISOString(),
    });

    const gone = await controller.post('/deregister', { worker_id: 'worker-doc-1' });
    expect(json(gone)).toEqual({ status: 'deregistered', was_registered: true });
    expect(json(await controller.get('/workers'))).toEqual({ workers: [] });
  });

  it('answers worker_not_registered to a heartbeat from an unknown worker', async () => {
    const beat = await controller.post('/heartbeat', { worker_id: 'ghost' });
    expect(beat.statusCode).toBe(200);
    expect(json(beat)).toEqual({ error: 'worker_not_registered', worker_id: 'ghost' });
  });

  it('rejects an invalid registration naming every field, and stores nothing', async () => {
    const response = await controller.post('/register', {
      worker_id: '',
      worker_url: WORKER_URL,
      capabilities: [
        {
          verb: 'convert',
          name: 'pdf',
          version: '1',
          requires_gpu: 'no',
          max_concurrency: 0,
          slo: { availability: 2 },
        },
      ],
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const fields = json<{ code: string; errors: { field: string }[] }>(response).errors.map(
      (e) => e.field,
    );
    expect(fields).toEqual(
      expect.arrayContaining([
        'worker_id',
        'capabilities[0].input_schema',
        'capabilities[0].requires_gpu',
        'capabilities[0].max_concurrency',
        'capabilities[0].slo.availability',
      ]),
    );
    expect(json(await controller.get('/workers'))).toEqual({ workers: [] });
  });

  it('routes round-robin across healthy workers and says why when none is available', async () => {
    await controller.post('/register', registration('w1', undefined, 'http://127.0.0.1:8501'));
    await controller.post('/register', registration('w2', undefined, 'http://127.0.0.1:8502'));
    const chosen: string[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await controller.post('/route', {
        verb: 'convert',
        capability: 'convert_document_to_pdf',
      });
      expect(response.statusCode).toBe(200);
      chosen.push(json<{ worker_id: string }>(response).worker_id);
    }
    expect(chosen).toEqual(['w1', 'w2', 'w1', 'w2']);

    const miss = await controller.post('/route', {
      verb: 'classify',
      capability: 'image.classify',
    });
    expect(miss.statusCode).toBe(503);
    expect(json(miss)).toMatchObject({
      code: 'CONTROLLER.NO_WORKER_AVAILABLE',
      error: 'no_worker_available',
      capability: 'classify:image.classify',
    });
  });

  it('rejects unknown route fields and bad types precisely', async () => {
    const response = await controller.post('/route', { verb: 'convert', capability: 7, budget: 3 });
    expect(response.statusCode).toBe(400);
    const fields = json<{ errors: { field: string }[] }>(response).errors.map((e) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['capability', 'budget']));
  });

  it('filters by slo_constraints and budget_tokens (cheapest first) and reports rejections', async () => {
    await controller.post(
      '/register',
      registration(
        'fast-expensive',
        [
          capability('rank', 'search', {
            slo: { latency_p95_ms: 50 },
            cost_tokens_per_invocation: 9,
          }),
        ],
        'http://127.0.0.1:8601',
      ),
    );
    await controller.post(
      '/register',
      registration(
        'slow-cheap',
        [
          capability('rank', 'search', {
            slo: { latency_p95_ms: 400 },
            cost_tokens_per_invocation: 1,
          }),
        ],
        'http://127.0.0.1:8602',
      ),
    );
    const fast = await controller.post('/route', {
      verb: 'rank',
      capability: 'search',
      slo_constraints: { latency_p95_ms: 100 },
    });
    expect(json(fast)).toMatchObject({ worker_id: 'fast-expensive' });
    const cheap = await controller.post('/route', {
      verb: 'rank',
      capability: 'search',
      budget_tokens: 10,
    });
    expect(json(cheap)).toMatchObject({ worker_id: 'slow-cheap' });
    const none = await controller.post('/route', {
      verb: 'rank',
      capability: 'search',
      slo_constraints: { latency_p95_ms: 100 },
      budget_tokens: 5,
    });
    expect(none.statusCode).toBe(503);
    const rejected = json<{ reason: string; rejected: { worker_id: string; reason: string }[] }>(
      none,
    );
    expect(rejected.reason).toBe('over_budget');
    expect(rejected.rejected).toContainEqual(
      expect.objectContaining({ worker_id: 'fast-expensive', reason: 'over_budget' }),
    );
  });

  it('denies a worker whose required_capabilities the requester lacks (policy hook)', async () => {
    await controller.post(
      '/register',
      registration(
        'guarded',
        [capability('pay', 'charge', { required_capabilities: ['audit:write'] })],
        'http://127.0.0.1:8701',
      ),
    );
    const response = await controller.post('/route', { verb: 'pay', capability: 'charge' });
    expect(response.statusCode).toBe(503);
    expect(json(response)).toMatchObject({ reason: 'policy_denied' });
  });

  it('never routes to a worker silent for 120 s, still routes one that heartbeat at 119 s, and the sweep removes the silent one', async () => {
    await controller.post('/register', registration('quiet', undefined, 'http://127.0.0.1:8501'));
    await controller.post('/register', registration('chatty', undefined, 'http://127.0.0.1:8502'));
    controller.clock.advance(119_000);
    expect(json(await controller.post('/heartbeat', { worker_id: 'chatty' }))).toMatchObject({
      status: 'acknowledged',
    });
    controller.clock.advance(1_000); // quiet: 120 s since registration; chatty: 1 s since its heartbeat
    for (let i = 0; i < 6; i++)
      expect(
        json(
          await controller.post('/route', {
            verb: 'convert',
            capability: 'convert_document_to_pdf',
          }),
        ),
      ).toMatchObject({ worker_id: 'chatty' });
    expect(await controller.lifecycle.sweep()).toEqual(['quiet']);
    const workers = json<{ workers: { worker_id: string }[] }>(await controller.get('/workers'));
    expect(workers.workers.map((w) => w.worker_id)).toEqual(['chatty']);
    expect(json(await controller.post('/heartbeat', { worker_id: 'quiet' }))).toEqual({
      error: 'worker_not_registered',
      worker_id: 'quiet',
    });
  });

  it('exposes spec 000 and registry metrics', async () => {
    await controller.post('/register', registration('w1'));
    const text = (await controller.get('/metrics')).body;
    for (const name of [
      'controller_slo_latency_seconds',
      'controller_slo_requests_total',
      'controller_slo_violations_total',
      'controller_idempotency_hits_total',
      'controller_idempotency_cache_size',
    ])
      expect(text).toContain(`# TYPE ${name}`);
    expect(text).toContain('controller_registered_workers{status="healthy"} 1');
    expect(text).toContain('controller_registered_capabilities 1');
  });
});

describe('restart recovery (spec 002)', () => {
  it('restores workers from the registry file as needs-verification, routes them for one heartbeat interval, and they come back by re-registering', async () => {
    const clock = new ManualClock();
    const first = await startController({ clock });
    await first.post('/register', registration('w1', undefined, 'http://127.0.0.1:8501'));
    await first.post('/register', registration('w2', undefined, 'http://127.0.0.1:8502'));
    const stateFile = first.config.CONTROLLER_STATE_FILE;
    await first.app.close();

    clock.advance(5_000);
    const second = await startController({ clock, stateFile });
    try {
      const workers = json<{
        workers: { worker_id: string; status: string; is_healthy: boolean }[];
      }>(await second.get('/workers'));
      expect(workers.workers.map((w) => [w.worker_id, w.status, w.is_healthy])).toEqual([
        ['w1', 'needs_verification', true],
        ['w2', 'needs_verification', true],
      ]);
      // No mass eviction: still routed during the grace.
      expect(
        (await second.post('/route', { verb: 'convert', capability: 'convert_document_to_pdf' }))
          .statusCode,
      ).toBe(200);
      // Their next heartbeat tells them to re-register; w1 does, w2 never comes back.
      expect(json(await second.post('/heartbeat', { worker_id: 'w1' }))).toEqual({
        error: 'worker_not_registered',
        worker_id: 'w1',
      });
      await second.post('/register', registration('w1', undefined, 'http://127.0.0.1:8501'));
      second.clock.advance(30_000);
      expect(await second.lifecycle.sweep()).toEqual(['w2']);
      const after = json<{ workers: { worker_id: string; status: string }[] }>(
        await second.get('/workers'),
      );
      expect(after.workers).toEqual([
        expect.objectContaining({ worker_id: 'w1', status: 'healthy' }),
      ]);
    } finally {
      await second.close();
    }
  });
});

describe('SSRF protection of worker URLs', () => {
  let controller: RunningController;
  beforeAll(async () => {
    controller = await startController({ strictUrls: true });
  });
  afterAll(() => controller.close());

  it.each([
    ['http://worker.example.com:8500', 'scheme'],
    ['https://127.0.0.1:8500', 'loopback'],
    ['https://localhost:8500', 'loopback name'],
    ['https://169.254.169.254/latest/meta-data', 'cloud metadata'],
    ['https://10.1.2.3:8500', 'private'],
    ['https://[::1]:8500', 'IPv6 loopback'],
    ['https://[::ffff:127.0.0.1]:8500', 'IPv4-mapped loopback'],
  ])('refuses %s (%s) with 422 and registers nothing', async (url) => {
    const response = await controller.post('/register', registration('evil', undefined, url));
    expect(response.statusCode).toBe(422);
    expect(json(response)).toMatchObject({
      code: 'CONTROLLER.WORKER_URL_REFUSED',
      errors: [{ field: 'worker_url' }],
    });
    expect(json(await controller.get('/workers'))).toEqual({ workers: [] });
  });

  it('refuses credentials in the URL as a schema error (400) before any address check', async () => {
    const response = await controller.post(
      '/register',
      registration('evil', undefined, 'https://user:pw@worker.example.com'),
    );
    expect(response.statusCode).toBe(400);
    expect(json(response)).toMatchObject({
      errors: [{ field: 'worker_url', message: 'must not carry credentials' }],
    });
  });
});
