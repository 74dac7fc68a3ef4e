/**
 * What the platform wiring gives the API: health and readiness, Prometheus metrics labelled by
 * route template, the OpenAPI document with every FR-1 path, Swagger UI and ReDoc, 404 problems
 * for unknown routes and the correlation id on every answer.
 */
import { API, type ApiFixture, createApiFixture, expectJson, expectProblem } from './api-fixture';

interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<
    string,
    Record<string, { responses?: Record<string, unknown>; requestBody?: unknown }>
  >;
  components?: { schemas?: Record<string, unknown> };
}

describe('platform endpoints (e2e)', () => {
  let api: ApiFixture;
  const get = (url: string, headers: Record<string, string> = {}) =>
    api.request({ method: 'GET', url, headers });

  beforeAll(async () => {
    api = await createApiFixture();
  });
  afterAll(() => api.close());

  it('GET /api/v1/health answers 200 while the process serves', async () => {
    expect(expectJson(await get(`${API}/health`))).toEqual({ status: 'ok' });
  });

  it('GET /api/v1/health/ready reports the database and telemetry checks', async () => {
    const response = await get(`${API}/health/ready`);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(expectJson(response)).toEqual({
      status: 'ready',
      checks: [
        { name: 'database', status: 'up', durationMs: expect.any(Number) as unknown },
        { name: 'telemetry', status: 'up', durationMs: expect.any(Number) as unknown },
      ],
    });
  });

  it('GET /metrics counts requests by route template, not by raw path', async () => {
    await get(`${API}/services/some-unknown-service/dependencies`);
    await get(`${API}/services?limit=1`);
    const response = await get('/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    const body = response.body;
    expect(body).toContain('# TYPE slo_engine_http_requests_total counter');
    expect(body).toMatch(
      /^slo_engine_http_requests_total\{method="GET",route="\/api\/v1\/services\/:serviceId\/dependencies",status="404"\} \d+$/m,
    );
    expect(body).toMatch(
      /^slo_engine_http_requests_total\{method="GET",route="\/api\/v1\/services",status="200"\} \d+$/m,
    );
    expect(body).toContain('slo_engine_http_request_duration_seconds_bucket{');
    expect(body).not.toContain('some-unknown-service');
  });

  describe('OpenAPI', () => {
    let document: OpenApiDocument;

    beforeAll(async () => {
      document = expectJson<OpenApiDocument>(await get('/docs-json'));
    });

    it('/docs-json is an OpenAPI 3 document of the API', () => {
      expect(document.openapi).toMatch(/^3\./);
      expect(document.info).toMatchObject({ title: 'SLO Engine API', version: '1.0.0' });
      expect(document.components?.schemas).toHaveProperty('ProblemDetails');
    });

    it.each([
      ['post', `${API}/services/dependencies`, ['202', '400', '413']],
      ['get', `${API}/ingestions/{id}`, ['200', '404']],
      ['get', `${API}/services`, ['200', '400']],
      ['get', `${API}/services/{serviceId}/dependencies`, ['200', '400', '404']],
      ['get', `${API}/graph/cycles`, ['200']],
      ['patch', `${API}/graph/cycles/{id}`, ['200', '404', '409']],
      ['get', `${API}/health`, ['200']],
      ['get', `${API}/health/ready`, ['200', '503']],
    ])('documents %s %s with its responses', (method, path, statuses) => {
      const operation = document.paths[path]?.[method];
      expect(operation).toBeDefined();
      expect(Object.keys(operation?.responses ?? {})).toEqual(expect.arrayContaining(statuses));
    });

    it('documents the ingestion body, the redundancy group included', () => {
      const operation = document.paths[`${API}/services/dependencies`].post;
      expect(operation.requestBody).toBeDefined();
      const text = JSON.stringify(document);
      for (const field of ['redundancy_group', 'confidence_score', 'communication_mode']) {
        expect(text).toContain(field);
      }
    });

    it('does not document the metrics endpoint', () => {
      expect(Object.keys(document.paths)).not.toContain('/metrics');
    });
  });

  it('/docs serves Swagger UI from local files', async () => {
    const page = await get('/docs');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('swagger-ui');
    const init = await get('/docs/swagger-ui-init.js');
    expect(init.statusCode).toBe(200);
    expect(init.body).toContain('"/docs-json"');
    const css = await get('/docs/swagger-ui.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
  });

  it('/redoc serves ReDoc pointing at the document', async () => {
    const page = await get('/redoc');
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('<redoc spec-url="/docs-json">');
  });

  it('answers an unknown route with a 404 problem', async () => {
    const problem = expectProblem(await get(`${API}/nowhere`), 404, 'HTTP.NOT_FOUND');
    expect(problem).toMatchObject({
      type: 'about:blank',
      title: 'Not Found',
      instance: `${API}/nowhere`,
    });
  });

  it('answers a method the route does not have with a problem', async () => {
    const response = await api.request({ method: 'DELETE', url: `${API}/services` });
    expect([404, 405]).toContain(response.statusCode);
    expectProblem(response, response.statusCode);
  });

  it('echoes x-request-id, and uses it as the problem correlationId', async () => {
    const response = await get(`${API}/services/nope/dependencies`, {
      'x-request-id': 'e2e-request-42',
    });
    expect(response.headers['x-request-id']).toBe('e2e-request-42');
    expect(expectProblem(response, 404).correlationId).toBe('e2e-request-42');

    const ok = await get(`${API}/health`, { 'x-request-id': 'e2e-request-43' });
    expect(ok.headers['x-request-id']).toBe('e2e-request-43');
  });

  it('generates a correlation id when none or an unacceptable one is sent', async () => {
    const none = await get(`${API}/nowhere`);
    const generated = none.headers['x-request-id'];
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    expect(expectProblem(none, 404).correlationId).toBe(generated);

    const forged = await get(`${API}/nowhere`, { 'x-request-id': 'has spaces\tand tabs' });
    expect(forged.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(forged.headers['x-request-id']).not.toBe(generated);
  });
});
