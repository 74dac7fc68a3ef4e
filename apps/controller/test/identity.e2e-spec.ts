/**
 * Caller identities end to end: mutual TLS where the SPIFFE id of the client certificate's URI
 * SAN is the caller (and the owner of the workers it registers), the BOLA rule that a worker may
 * heartbeat, deregister or re-register only itself, administrator-only operations, routing
 * policies keyed on what an identity offers, the trusted-header and `none` identity sources, and
 * state export/import between two controllers.
 */
import { createTestPki, type TestClientCertificate, type TestPki } from '@slo-engine/testing';
import {
  capability,
  type FakeWorker,
  json,
  type RunningController,
  startController,
  startFakeWorker,
} from './controller-fixture';
import {
  callHttps,
  httpsCaller,
  type HttpsAnswer,
  issueCraftedClientCertificate,
  type MtlsController,
  startMtlsController,
  tlsHandshake,
} from './identity-helpers';

const ALPHA = 'spiffe://slo.test/worker/alpha';
const BETA = 'spiffe://slo.test/worker/beta';
const ADMIN = 'spiffe://slo.test/ops/admin';
const PAYMENTS = 'spiffe://slo.test/worker/payments';
const AUDITOR = 'spiffe://slo.test/worker/auditor';
const STRANGER = 'spiffe://slo.test/worker/stranger';

const WORKER_URL = 'http://127.0.0.1:8501';
const OTHER_URL = 'http://127.0.0.1:8666';
const CANARY = { stable_version: '1.0.0', canary_version: '1.1.0', percentage: 10 };

function registration(
  workerId: string,
  caps = [capability('convert', 'convert_document_to_pdf')],
  url = WORKER_URL,
) {
  return { worker_id: workerId, worker_url: url, capabilities: caps };
}

interface ListedWorker {
  readonly worker_id: string;
  readonly worker_url: string;
  readonly last_heartbeat: string;
  readonly identity?: string;
  readonly origin?: string;
}

function workersOf(answer: HttpsAnswer): ListedWorker[] {
  expect(answer.status).toBe(200);
  return (answer.body as { workers: ListedWorker[] }).workers;
}

/** A problem document with this status and code (RFC 9457, `application/problem+json`). */
function expectProblem(answer: HttpsAnswer, status: number, code: string): void {
  expect(answer.status).toBe(status);
  expect(answer.headers['content-type']).toContain('application/problem+json');
  expect(answer.body).toMatchObject({ status, code });
}

let pki: TestPki;
let alpha: TestClientCertificate;
let beta: TestClientCertificate;
let admin: TestClientCertificate;
let payments: TestClientCertificate;
let auditor: TestClientCertificate;
let stranger: TestClientCertificate;
/** Another CA entirely: its certificates prove nothing to the controller. */
let foreignPki: TestPki;
let forgedAlpha: TestClientCertificate;

beforeAll(() => {
  pki = createTestPki();
  [alpha, beta, admin, payments, auditor, stranger] = [
    ALPHA,
    BETA,
    ADMIN,
    PAYMENTS,
    AUDITOR,
    STRANGER,
  ].map((id) => pki.issueClientCertificate(id));
  foreignPki = createTestPki();
  forgedAlpha = foreignPki.issueClientCertificate(ALPHA);
});
afterAll(() => {
  pki.dispose();
  foreignPki.dispose();
});

describe('mutual TLS: the client certificate SPIFFE id is the caller', () => {
  let mtls: MtlsController;
  let clock: RunningController['clock'];
  const as = (cert: TestClientCertificate) => httpsCaller(mtls.origin, pki, cert);

  beforeEach(async () => {
    // A list with blanks after the commas, as operators write it.
    mtls = await startMtlsController(pki, {
      CONTROLLER_ADMIN_IDENTITIES: `spiffe://slo.test/ops/other, ${ADMIN}`,
    });
    clock = mtls.controller.clock;
  });
  afterEach(() => mtls.controller.close());

  it('resolves the identity source to tls when TLS_CLIENT_CA_FILE is set', () => {
    expect(mtls.controller.config.identitySource).toBe('tls');
    expect(mtls.controller.config.TLS_CLIENT_CERT_REQUIRED).toBe(true);
  });

  it('refuses a client without a certificate, or with one from another CA, at the TLS handshake', async () => {
    expect(await tlsHandshake(mtls.origin, pki)).toEqual({
      accepted: false,
      code: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    });
    expect(await tlsHandshake(mtls.origin, pki, forgedAlpha)).toEqual({
      accepted: false,
      code: 'CLOSED_WITHOUT_ALERT',
    });
    expect(await tlsHandshake(mtls.origin, pki, alpha)).toEqual({ accepted: true });
    // A request without a certificate gets no HTTP answer at all.
    await expect(
      callHttps(mtls.origin, pki, {
        method: 'POST',
        path: '/register',
        body: registration('anonymous'),
      }),
    ).rejects.toHaveProperty('code');
    // Neither got as far as the registry.
    expect(workersOf(await as(alpha).get('/workers'))).toEqual([]);
  });

  it('gives no identity to a certificate with several SPIFFE URIs or a URI crafted to look like several', async () => {
    expect((await as(alpha).post('/register', registration('w-alpha'))).status).toBe(200);
    const twoIds = issueCraftedClientCertificate(pki, 'two-ids', [
      `URI.1 = ${BETA}`,
      `URI.2 = ${ALPHA}`,
    ]);
    // Node prints this single URI quoted with its commas escaped, so no ALPHA entry appears.
    const injected = issueCraftedClientCertificate(pki, 'injected', [
      `URI.1 = spiffe://x, URI:${ALPHA}, DNS:foo`,
    ]);
    for (const client of [twoIds, injected]) {
      const caller = httpsCaller(mtls.origin, pki, client);
      expectProblem(
        await caller.post('/heartbeat', { worker_id: 'w-alpha' }),
        403,
        'CONTROLLER.WORKER_OWNED_ELSEWHERE',
      );
      const notAdmin = await caller.get('/state');
      expectProblem(notAdmin, 403, 'CONTROLLER.NOT_AN_ADMIN');
      expect((notAdmin.body as { detail: string }).detail).toContain('unidentified');
    }
  });

  it('lets only the registering identity heartbeat or deregister its worker (BOLA)', async () => {
    const registered = await as(alpha).post('/register', registration('w-alpha'));
    expect(registered.status).toBe(200);
    expect(registered.body).toEqual({ status: 'registered', worker_id: 'w-alpha' });
    const registeredAt = new Date(clock.t).toISOString();
    expect(workersOf(await as(beta).get('/workers'))).toEqual([
      expect.objectContaining({
        worker_id: 'w-alpha',
        identity: ALPHA,
        last_heartbeat: registeredAt,
      }),
    ]);

    clock.advance(30_000);
    const foreignBeat = await as(beta).post('/heartbeat', { worker_id: 'w-alpha' });
    expectProblem(foreignBeat, 403, 'CONTROLLER.WORKER_OWNED_ELSEWHERE');
    const foreignRemoval = await as(beta).post('/deregister', { worker_id: 'w-alpha' });
    expectProblem(foreignRemoval, 403, 'CONTROLLER.WORKER_OWNED_ELSEWHERE');
    // Still registered, still owned by alpha, and beta's heartbeat refreshed nothing.
    expect(workersOf(await as(beta).get('/workers'))).toEqual([
      expect.objectContaining({
        worker_id: 'w-alpha',
        identity: ALPHA,
        last_heartbeat: registeredAt,
      }),
    ]);

    const beat = await as(alpha).post('/heartbeat', { worker_id: 'w-alpha' });
    expect(beat).toMatchObject({
      status: 200,
      body: { status: 'acknowledged', timestamp: new Date(clock.t).toISOString() },
    });
    const removed = await as(alpha).post('/deregister', { worker_id: 'w-alpha' });
    expect(removed).toMatchObject({
      status: 200,
      body: { status: 'deregistered', was_registered: true },
    });
    expect(workersOf(await as(alpha).get('/workers'))).toEqual([]);
  });

  it('refuses a re-registration of the worker_id by another identity, and lets the owner replace it', async () => {
    expect((await as(alpha).post('/register', registration('w-alpha'))).status).toBe(200);

    const hijack = await as(beta).post('/register', registration('w-alpha', undefined, OTHER_URL));
    expectProblem(hijack, 403, 'CONTROLLER.WORKER_OWNED_ELSEWHERE');
    expect(workersOf(await as(alpha).get('/workers'))).toEqual([
      expect.objectContaining({ worker_id: 'w-alpha', worker_url: WORKER_URL, identity: ALPHA }),
    ]);
    const routed = await as(beta).post('/route', {
      verb: 'convert',
      capability: 'convert_document_to_pdf',
    });
    expect(routed).toMatchObject({
      status: 200,
      body: { worker_id: 'w-alpha', worker_url: WORKER_URL },
    });

    const moved = await as(alpha).post(
      '/register',
      registration('w-alpha', undefined, 'http://127.0.0.1:8502'),
    );
    expect(moved.status).toBe(200);
    expect(workersOf(await as(alpha).get('/workers'))).toEqual([
      expect.objectContaining({
        worker_id: 'w-alpha',
        worker_url: 'http://127.0.0.1:8502',
        identity: ALPHA,
      }),
    ]);
  });

  it('refuses a capability whose spiffe_id is not the caller (CONTROLLER.IDENTITY_MISMATCH)', async () => {
    const claimed = await as(alpha).post(
      '/register',
      registration('w-alpha', [
        capability('convert', 'pdf'),
        capability('convert', 'png', { spiffe_id: BETA }),
      ]),
    );
    expectProblem(claimed, 403, 'CONTROLLER.IDENTITY_MISMATCH');
    expect(claimed.body).toMatchObject({ errors: [{ field: 'capabilities[1].spiffe_id' }] });
    expect(workersOf(await as(alpha).get('/workers'))).toEqual([]);

    const own = await as(alpha).post(
      '/register',
      registration('w-alpha', [capability('convert', 'png', { spiffe_id: ALPHA })]),
    );
    expect(own.status).toBe(200);
  });

  it('keeps canary changes, SLO reloads and state export/import to CONTROLLER_ADMIN_IDENTITIES', async () => {
    const canaryPath = '/capabilities/convert:pdf/canary';
    const state = { version: 1, exported_at: clock.t, workers: [] };
    const denied = [
      await as(alpha).put(canaryPath, CANARY),
      await callHttps(mtls.origin, pki, { method: 'DELETE', path: canaryPath, client: alpha }),
      await as(alpha).post('/slos/reload'),
      await as(alpha).get('/state'),
      await as(alpha).post('/state/import?controller_id=east', state),
    ];
    for (const answer of denied) {
      expectProblem(answer, 403, 'CONTROLLER.NOT_AN_ADMIN');
      expect((answer.body as { detail: string }).detail).toContain(ALPHA);
    }
    expectProblem(await as(alpha).get(canaryPath), 404, 'CONTROLLER.CANARY_NOT_FOUND');

    const set = await as(admin).put(canaryPath, CANARY);
    expect(set).toMatchObject({
      status: 200,
      body: { capability: 'convert:pdf', percentage: 10, updated_by: ADMIN },
    });
    expect((await as(admin).post('/slos/reload')).status).toBe(200);
    expect((await as(admin).get('/state')).body).toMatchObject({ version: 1, workers: [] });
    expect(await as(admin).post('/state/import?controller_id=east', state)).toMatchObject({
      status: 200,
      body: { imported: 0, skipped: 0 },
    });
    expect(
      (await callHttps(mtls.origin, pki, { method: 'DELETE', path: canaryPath, client: admin }))
        .status,
    ).toBe(204);
  });

  it('routes a guarded capability only to identities whose own workers offer what it requires', async () => {
    const guarded = capability('pay', 'charge', { required_capabilities: ['audit:write'] });
    expect((await as(payments).post('/register', registration('w-pay', [guarded]))).status).toBe(
      200,
    );
    expect(
      (
        await as(auditor).post(
          '/register',
          registration('w-audit', [capability('audit', 'write')], 'http://127.0.0.1:8502'),
        )
      ).status,
    ).toBe(200);

    const allowed = await as(auditor).post('/route', { verb: 'pay', capability: 'charge' });
    expect(allowed).toMatchObject({
      status: 200,
      body: { worker_id: 'w-pay', worker_url: WORKER_URL },
    });

    const refused = await as(stranger).post('/route', { verb: 'pay', capability: 'charge' });
    expectProblem(refused, 503, 'CONTROLLER.NO_WORKER_AVAILABLE');
    expect(refused.body).toMatchObject({
      error: 'no_worker_available',
      reason: 'policy_denied',
      rejected: [{ worker_id: 'w-pay', reason: 'policy_denied' }],
    });
    // The body's requester_identity is informational: it never borrows another identity's grants.
    const borrowed = await as(stranger).post('/route', {
      verb: 'pay',
      capability: 'charge',
      requester_identity: AUDITOR,
    });
    expectProblem(borrowed, 503, 'CONTROLLER.NO_WORKER_AVAILABLE');

    // The grant follows the auditor's workers: gone with them.
    expect((await as(auditor).post('/deregister', { worker_id: 'w-audit' })).status).toBe(200);
    const revoked = await as(auditor).post('/route', { verb: 'pay', capability: 'charge' });
    expectProblem(revoked, 503, 'CONTROLLER.NO_WORKER_AVAILABLE');
    expect(revoked.body).toMatchObject({ reason: 'policy_denied' });
  });
});

describe('mutual TLS with optional client certificates (TLS_CLIENT_CERT_REQUIRED=false)', () => {
  let mtls: MtlsController;
  beforeEach(async () => {
    mtls = await startMtlsController(pki, {
      TLS_CLIENT_CERT_REQUIRED: 'false',
      CONTROLLER_ADMIN_IDENTITIES: ALPHA,
    });
  });
  afterEach(() => mtls.controller.close());

  it('serves a client without a certificate as unidentified: its workers have no owner', async () => {
    const anonymous = httpsCaller(mtls.origin, pki);
    expect((await anonymous.post('/register', registration('w-anon'))).status).toBe(200);
    const [listed] = workersOf(await anonymous.get('/workers'));
    expect(listed.worker_id).toBe('w-anon');
    expect(listed).not.toHaveProperty('identity');
    // Nobody owns it, so any caller may act on it (identities are opt-in per caller here).
    expect(
      (await httpsCaller(mtls.origin, pki, beta).post('/heartbeat', { worker_id: 'w-anon' })).body,
    ).toMatchObject({
      status: 'acknowledged',
    });
  });

  it('never takes the SPIFFE id of a certificate the CA did not sign', async () => {
    expect(
      (await httpsCaller(mtls.origin, pki, alpha).post('/register', registration('w-alpha')))
        .status,
    ).toBe(200);
    const forged = httpsCaller(mtls.origin, pki, forgedAlpha);
    expectProblem(
      await forged.post('/heartbeat', { worker_id: 'w-alpha' }),
      403,
      'CONTROLLER.WORKER_OWNED_ELSEWHERE',
    );
    expectProblem(
      await forged.post('/deregister', { worker_id: 'w-alpha' }),
      403,
      'CONTROLLER.WORKER_OWNED_ELSEWHERE',
    );
    // ALPHA is an administrator, but the forged certificate is nobody.
    const notAdmin = await forged.get('/state');
    expectProblem(notAdmin, 403, 'CONTROLLER.NOT_AN_ADMIN');
    expect((notAdmin.body as { detail: string }).detail).toContain('unidentified');
    expect((await httpsCaller(mtls.origin, pki, alpha).get('/state')).status).toBe(200);
  });
});

describe('identity from a trusted header (CONTROLLER_IDENTITY_SOURCE=header)', () => {
  let controller: RunningController;
  const as = (identity: string | undefined): Record<string, string> =>
    identity === undefined ? {} : { 'x-caller-identity': identity };

  beforeEach(async () => {
    controller = await startController({
      env: { CONTROLLER_IDENTITY_SOURCE: 'header', CONTROLLER_ADMIN_IDENTITIES: ADMIN },
    });
  });
  afterEach(() => controller.close());

  it('applies the same ownership rules keyed on x-caller-identity', async () => {
    expect(
      (await controller.post('/register', registration('w-alpha'), as(ALPHA))).statusCode,
    ).toBe(200);
    expect(json<{ workers: ListedWorker[] }>(await controller.get('/workers')).workers).toEqual([
      expect.objectContaining({ worker_id: 'w-alpha', identity: ALPHA }),
    ]);

    for (const caller of [BETA, undefined, '   ']) {
      const beat = await controller.post('/heartbeat', { worker_id: 'w-alpha' }, as(caller));
      expect(beat.statusCode).toBe(403);
      expect(json(beat)).toMatchObject({ code: 'CONTROLLER.WORKER_OWNED_ELSEWHERE' });
    }
    const removal = await controller.post('/deregister', { worker_id: 'w-alpha' }, as(BETA));
    expect([removal.statusCode, json(removal).code]).toEqual([
      403,
      'CONTROLLER.WORKER_OWNED_ELSEWHERE',
    ]);
    const hijack = await controller.post(
      '/register',
      registration('w-alpha', undefined, OTHER_URL),
      as(BETA),
    );
    expect([hijack.statusCode, json(hijack).code]).toEqual([
      403,
      'CONTROLLER.WORKER_OWNED_ELSEWHERE',
    ]);
    const mismatch = await controller.post(
      '/register',
      registration('w-beta', [capability('convert', 'pdf', { spiffe_id: ALPHA })]),
      as(BETA),
    );
    expect([mismatch.statusCode, json(mismatch).code]).toEqual([
      403,
      'CONTROLLER.IDENTITY_MISMATCH',
    ]);
    expect(json<{ workers: ListedWorker[] }>(await controller.get('/workers')).workers).toEqual([
      expect.objectContaining({ worker_id: 'w-alpha', worker_url: WORKER_URL, identity: ALPHA }),
    ]);

    // Surrounding blanks are not part of the identity.
    expect(
      json(await controller.post('/heartbeat', { worker_id: 'w-alpha' }, as(` ${ALPHA} `))),
    ).toMatchObject({
      status: 'acknowledged',
    });
    expect(json(await controller.post('/deregister', { worker_id: 'w-alpha' }, as(ALPHA)))).toEqual(
      {
        status: 'deregistered',
        was_registered: true,
      },
    );
  });

  it('admits only administrator identities to operator actions', async () => {
    const path = '/capabilities/convert:pdf/canary';
    const denied = await controller.inject({
      method: 'PUT',
      url: path,
      payload: CANARY,
      headers: as(ALPHA),
    });
    expect([denied.statusCode, json(denied).code]).toEqual([403, 'CONTROLLER.NOT_AN_ADMIN']);
    const anonymous = await controller.post('/slos/reload', {});
    expect([anonymous.statusCode, json(anonymous).code]).toEqual([403, 'CONTROLLER.NOT_AN_ADMIN']);

    const allowed = await controller.inject({
      method: 'PUT',
      url: path,
      payload: CANARY,
      headers: as(ADMIN),
    });
    expect(allowed.statusCode).toBe(200);
    expect(json(allowed)).toMatchObject({ updated_by: ADMIN });
    expect((await controller.post('/slos/reload', {}, as(ADMIN))).statusCode).toBe(200);
    expect((await controller.get('/state', as(ADMIN))).statusCode).toBe(200);
  });

  it('reads the identity only from CONTROLLER_IDENTITY_HEADER', async () => {
    const custom = await startController({
      env: { CONTROLLER_IDENTITY_SOURCE: 'header', CONTROLLER_IDENTITY_HEADER: 'X-Mesh-Identity' },
    });
    try {
      await custom.post('/register', registration('w-alpha'), { 'x-mesh-identity': ALPHA });
      // The default header name means nothing here: this caller is unidentified.
      const spoofed = await custom.post(
        '/heartbeat',
        { worker_id: 'w-alpha' },
        { 'x-caller-identity': ALPHA },
      );
      expect([spoofed.statusCode, json(spoofed).code]).toEqual([
        403,
        'CONTROLLER.WORKER_OWNED_ELSEWHERE',
      ]);
      expect(
        json(
          await custom.post('/heartbeat', { worker_id: 'w-alpha' }, { 'x-mesh-identity': ALPHA }),
        ),
      ).toMatchObject({
        status: 'acknowledged',
      });
    } finally {
      await custom.close();
    }
  });
});

describe('no caller identities (CONTROLLER_IDENTITY_SOURCE=none)', () => {
  let controller: RunningController;
  beforeEach(async () => {
    controller = await startController({ env: { CONTROLLER_IDENTITY_SOURCE: 'none' } });
  });
  afterEach(() => controller.close());

  it('checks no ownership, ignores identity headers and allows operator actions', async () => {
    const headers = (identity: string) => ({ 'x-caller-identity': identity });
    const registered = await controller.post(
      '/register',
      registration('w-any', [capability('convert', 'pdf', { spiffe_id: BETA })]),
      headers(ALPHA),
    );
    expect(registered.statusCode).toBe(200);
    const [listed] = json<{ workers: ListedWorker[] }>(await controller.get('/workers')).workers;
    expect(listed.worker_id).toBe('w-any');
    expect(listed).not.toHaveProperty('identity');

    expect(
      json(await controller.post('/heartbeat', { worker_id: 'w-any' }, headers(BETA))),
    ).toMatchObject({ status: 'acknowledged' });
    expect(
      (
        await controller.post(
          '/register',
          registration('w-any', undefined, OTHER_URL),
          headers(BETA),
        )
      ).statusCode,
    ).toBe(200);
    expect(
      (
        await controller.inject({
          method: 'PUT',
          url: '/capabilities/convert:pdf/canary',
          payload: CANARY,
        })
      ).statusCode,
    ).toBe(200);
    expect((await controller.get('/state')).statusCode).toBe(200);
    expect(json(await controller.post('/deregister', { worker_id: 'w-any' }))).toEqual({
      status: 'deregistered',
      was_registered: true,
    });
  });
});

describe('state export and import between two controllers', () => {
  let east: RunningController;
  let west: RunningController;
  let worker: FakeWorker;
  beforeEach(async () => {
    worker = await startFakeWorker((call) => ({
      status: 200,
      body: { served: call.body.capability, echo: call.body.payload },
    }));
    east = await startController({ env: { CONTROLLER_IDENTITY_SOURCE: 'none' } });
    west = await startController({
      env: { CONTROLLER_IDENTITY_SOURCE: 'none' },
      clock: east.clock,
    });
  });
  afterEach(async () => {
    await east.close();
    await west.close();
    await worker.close();
  });

  it("routes and invokes the other controller's workers and shows where they came from", async () => {
    expect(
      (
        await east.post(
          '/register',
          registration('w-east', [capability('greet', 'hello')], worker.url),
        )
      ).statusCode,
    ).toBe(200);
    const exported = await east.get('/state');
    expect(exported.statusCode).toBe(200);
    const state = json<{
      version: number;
      exported_at: number;
      workers: { worker_id: string; worker_url: string }[];
    }>(exported);
    expect(state).toMatchObject({
      version: 1,
      exported_at: east.clock.t,
      workers: [{ worker_id: 'w-east', worker_url: worker.url }],
    });

    const imported = await west.post('/state/import?controller_id=ctrl-east', state);
    expect(imported.statusCode).toBe(200);
    expect(json(imported)).toEqual({ imported: 1, skipped: 0 });
    expect(json<{ workers: ListedWorker[] }>(await west.get('/workers')).workers).toEqual([
      expect.objectContaining({ worker_id: 'w-east', worker_url: worker.url, origin: 'ctrl-east' }),
    ]);

    const routed = await west.post('/route', { verb: 'greet', capability: 'hello' });
    expect(routed.statusCode).toBe(200);
    expect(json(routed)).toEqual({ worker_id: 'w-east', worker_url: worker.url, version: '1.0.0' });
    const invoked = await west.post('/invoke', {
      verb: 'greet',
      capability: 'hello',
      request_payload: { name: 'west' },
    });
    expect(invoked.statusCode).toBe(200);
    expect(json(invoked)).toMatchObject({
      worker_id: 'w-east',
      status: 200,
      result: { served: 'hello', echo: { name: 'west' } },
    });
    expect(worker.calls).toHaveLength(1);

    // Nothing newer there: importing the same state again adopts nothing.
    expect(json(await west.post('/state/import?controller_id=ctrl-east', state))).toEqual({
      imported: 0,
      skipped: 1,
    });
  });

  it('refuses an import without controller_id or with a malformed state, and adopts nothing', async () => {
    const state = json(await east.get('/state'));
    const anonymousOrigin = await west.post('/state/import', state);
    expect(anonymousOrigin.statusCode).toBe(400);
    expect(json(anonymousOrigin)).toMatchObject({
      code: 'CONTROLLER.INVALID_REGISTRATION',
      errors: [{ field: 'controller_id' }],
    });

    const malformed = await west.post('/state/import?controller_id=ctrl-east', {
      version: 1,
      exported_at: east.clock.t,
      workers: [
        {
          worker_id: 'w-bad',
          worker_url: worker.url,
          capabilities: 'none',
          registered_at: 0,
          last_heartbeat: 0,
        },
      ],
    });
    expect(malformed.statusCode).toBe(400);
    expect(json(malformed)).toMatchObject({ code: 'CONTROLLER.INVALID_REGISTRATION' });
    expect(json<{ errors: unknown[] }>(malformed).errors.length).toBeGreaterThan(0);
    expect(json(await west.get('/workers'))).toEqual({ workers: [] });
  });
});
