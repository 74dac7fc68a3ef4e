/**
 * Authentication, authorisation and rate limits over HTTP (spec 004 FR-8, SEC-002…SEC-004,
 * SEC-009): every way a credential can be wrong, BOLA, API-key lifecycle, and a rate limit shared
 * by two API instances through Redis.
 */
import { createTestRedis, type TestRedis } from '@slo-engine/testing';
import { API, createApiFixture, expectJson, expectProblem, type ApiFixture } from './api-fixture';

const SERVICES = `${API}/services`;

describe('authentication', () => {
  let fixture: ApiFixture;
  beforeAll(async () => {
    fixture = await createApiFixture();
    await fixture.ingest({
      source: 'manual',
      nodes: [
        { service_id: 'payment-service', metadata: { team: 'payments', criticality: 'high' } },
        { service_id: 'search-service', metadata: { team: 'search', criticality: 'medium' } },
      ],
      edges: [],
    });
  });
  afterAll(() => fixture.close());

  const listWith = (headers: Record<string, string | undefined>) =>
    fixture.request({ method: 'GET', url: SERVICES, headers });

  it('serves health and readiness without credentials, and nothing else', async () => {
    expect((await listWith({ 'x-api-key': undefined })).statusCode).toBe(401);
    const health = await fixture.request({
      method: 'GET',
      url: `${API}/health`,
      headers: { 'x-api-key': undefined },
    });
    expect(health.statusCode).toBe(200);
  });

  it('answers 401 with a challenge when credentials are missing', async () => {
    const response = await listWith({ 'x-api-key': undefined });
    expectProblem(response, 401, 'AUTH.UNAUTHENTICATED');
    expect(response.headers['www-authenticate']).toContain('Bearer');
  });

  it('accepts the admin API key', async () => {
    expectJson(await listWith({ 'x-api-key': fixture.adminApiKey }));
  });

  it.each([
    ['a malformed key', 'not-a-key'],
    ['an unknown key', 'sloe_AAAAAAAAAAAA_' + 'A'.repeat(43)],
  ])('refuses %s with one public message', async (_label, key) => {
    const problem = expectProblem(
      await listWith({ 'x-api-key': key }),
      401,
      'AUTH.INVALID_API_KEY',
    );
    expect(problem.detail).toBe('The API key is not valid.');
  });

  it('refuses a known key id with the wrong secret, with the same message', async () => {
    const wrongSecret = `${fixture.adminApiKey.slice(0, 'sloe_'.length + 12 + 1)}${'B'.repeat(43)}`;
    const problem = expectProblem(
      await listWith({ 'x-api-key': wrongSecret }),
      401,
      'AUTH.INVALID_API_KEY',
    );
    expect(problem.detail).toBe('The API key is not valid.');
  });

  it('creates a key shown once, lists it without secrets, and stops accepting it once revoked', async () => {
    const created = expectJson<{ id: string; api_key: string; role: string }>(
      await fixture.request({
        method: 'POST',
        url: `${API}/api-keys`,
        payload: { name: 'backstage', role: 'viewer' },
      }),
      201,
    );
    expect(created.api_key).toMatch(/^sloe_/);
    expectJson(await listWith({ 'x-api-key': created.api_key }));

    const listed = await fixture.request({ method: 'GET', url: `${API}/api-keys` });
    expect(listed.body).not.toContain(created.api_key.slice(-20));
    expect(listed.body).not.toMatch(/scrypt|secret_hash/);

    const revoked = await fixture.request({
      method: 'DELETE',
      url: `${API}/api-keys/${created.id}`,
    });
    expect(revoked.statusCode).toBe(204);
    expectProblem(await listWith({ 'x-api-key': created.api_key }), 401, 'AUTH.INVALID_API_KEY');
  });

  it('lets a viewer key read but not write', async () => {
    const viewer = expectJson<{ api_key: string }>(
      await fixture.request({
        method: 'POST',
        url: `${API}/api-keys`,
        payload: { name: 'read-only', role: 'viewer' },
      }),
      201,
    );
    expectJson(await listWith({ 'x-api-key': viewer.api_key }));
    const write = await fixture.request({
      method: 'POST',
      url: `${API}/api-keys`,
      headers: { 'x-api-key': viewer.api_key },
      payload: { name: 'escalation', role: 'sre_admin' },
    });
    expectProblem(write, 403, 'AUTH.FORBIDDEN');
  });

  describe('bearer tokens', () => {
    const jane = { sub: 'jane', email: 'jane.doe@company.com', roles: ['viewer'] };

    it('accepts a valid token', async () => {
      expectJson(await listWith(await fixture.asUser(jane)));
    });

    it.each<[string, () => Promise<string>]>([
      ['expired', () => fixture.tokenFor(jane, { expiresInSeconds: -600 })],
      ['without exp', () => fixture.tokenFor(jane, { expiresInSeconds: null })],
      ['from another issuer', () => fixture.tokenFor(jane, { issuer: 'https://evil.example' })],
      ['for another audience', () => fixture.tokenFor(jane, { audience: 'another-api' })],
      ['unsigned (alg: none)', () => Promise.resolve(unsigned(jane))],
      ['with a forged signature', async () => forged(await fixture.tokenFor(jane))],
      ['malformed', () => Promise.resolve('not.a.jwt')],
    ])('refuses a token %s', async (_label, token) => {
      const response = await listWith({ authorization: `Bearer ${await token()}` });
      expectProblem(response, 401, 'AUTH.INVALID_TOKEN');
    });

    it('refuses other authorization schemes', async () => {
      expectProblem(
        await listWith({ authorization: 'Basic YWRtaW46YWRtaW4=' }),
        401,
        'AUTH.UNSUPPORTED_AUTHORIZATION',
      );
    });

    it('gives a token without a known role nothing', async () => {
      const response = await listWith(await fixture.asUser({ sub: 'x', roles: ['superuser'] }));
      expectProblem(response, 403, 'AUTH.FORBIDDEN');
    });
  });

  it('lets viewers read recommendations but only the owning team force a regeneration', async () => {
    const url = `${SERVICES}/payment-service/slo-recommendations`;
    const viewer = await fixture.asUser({ sub: 'vic', roles: ['viewer'], groups: ['payments'] });
    const owner = await fixture.asUser({
      sub: 'olu',
      roles: ['service_owner'],
      groups: ['payments'],
    });
    const stranger = await fixture.asUser({
      sub: 'sam',
      roles: ['service_owner'],
      groups: ['search'],
    });
    const get = (query: string, headers: Record<string, string>) =>
      fixture.request({ method: 'GET', url: `${url}${query}`, headers });

    expectJson(await get('', viewer));
    expectProblem(await get('?force_regenerate=true', viewer), 403, 'AUTH.FORBIDDEN');
    expectProblem(await get('?force_regenerate=true', stranger), 403, 'AUTH.FORBIDDEN');
    expectJson(await get('?force_regenerate=true', owner));
  });

  describe('service ownership (BOLA)', () => {
    const cycleRoute = `${API}/graph/cycles`;

    it('does not let an API key act where a person must', async () => {
      const response = await fixture.request({
        method: 'POST',
        url: `${SERVICES}/payment-service/slos`,
        payload: {
          recommendation_id: '00000000-0000-4000-8000-000000000000',
          action: 'reject',
          rationale: 'x',
        },
      });
      expectProblem(response, 403, 'AUTH.FORBIDDEN');
    });

    it("refuses a service owner on another team's service and admits them on their own", async () => {
      const owner = await fixture.asUser({
        sub: 'olu',
        roles: ['service_owner'],
        groups: ['payments'],
      });
      const decide = (serviceId: string) =>
        fixture.request({
          method: 'POST',
          url: `${SERVICES}/${serviceId}/slos`,
          headers: owner,
          payload: {
            recommendation_id: '00000000-0000-4000-8000-000000000000',
            action: 'reject',
            rationale: 'x',
          },
        });
      expectProblem(await decide('search-service'), 403, 'AUTH.FORBIDDEN');
      // Past the guard, the handler answers for its own reasons (no such recommendation).
      expect((await decide('payment-service')).statusCode).toBe(404);
      expect(cycleRoute).toBeDefined();
    });
  });
});

describe('rate limits shared by two instances through Redis', () => {
  let redis: TestRedis;
  let fixture: ApiFixture;
  beforeAll(async () => {
    redis = await createTestRedis();
    fixture = await createApiFixture({
      RATE_LIMITS_ENABLED: 'true',
      REDIS_URL: redis.url,
      RATE_LIMIT_KEY_PREFIX: `${redis.keyPrefix}ratelimit:`,
    });
  });
  afterAll(async () => {
    await fixture.close();
    await redis.cleanup();
  });

  it('admits exactly L of 2L requests spread over two instances, with headers and Retry-After', async () => {
    const other = await fixture.startAnotherInstance();
    const limit = 30; // GET /api/v1/services: 30 requests per minute
    const list = { method: 'GET' as const, url: SERVICES };
    const answers = await Promise.all(
      Array.from({ length: 2 * limit }, (_, i) =>
        i % 2 === 0 ? fixture.request(list) : other.request(list),
      ),
    );
    const statuses = answers.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 200)).toHaveLength(limit);
    expect(statuses.filter((status) => status === 429)).toHaveLength(limit);

    const admitted = answers.find((response) => response.statusCode === 200);
    expect(admitted?.headers['ratelimit-policy']).toBe(`${limit};w=60`);
    expect(admitted?.headers['x-ratelimit-limit']).toBe(String(limit));
    const refused = answers.find((response) => response.statusCode === 429);
    expect(refused).toBeDefined();
    expectProblem(refused!, 429, 'RATE_LIMIT.EXCEEDED');
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused?.headers['x-ratelimit-remaining']).toBe('0');
  });

  it('counts each caller separately', async () => {
    const viewer = await fixture.asUser({ sub: 'fresh-viewer', roles: ['viewer'] });
    expectJson(await fixture.request({ method: 'GET', url: SERVICES, headers: viewer }));
  });
});

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A token with `alg: none` and no signature: must never be accepted. */
function unsigned(claims: Record<string, unknown>): string {
  const now = Math.floor(Date.now() / 1000);
  return `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ ...claims, iat: now, exp: now + 300 })}.`;
}

/** The same header and payload with another signature. */
function forged(token: string): string {
  const [header, payload] = token.split('.');
  return `${header}.${payload}.${Buffer.from('forged-signature').toString('base64url')}`;
}
