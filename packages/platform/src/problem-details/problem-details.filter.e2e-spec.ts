import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { captureLogs, createTestApp, ready } from '../__fixtures__/test-app';

describe('ProblemDetailsFilter (over HTTP)', () => {
  let app: NestFastifyApplication;
  const logs = captureLogs();
  let nextId = 0;

  beforeAll(async () => {
    app = await ready(
      await createTestApp({
        logDestination: logs.destination,
        bodyLimitBytes: 1024,
        generateRequestId: () => `generated-${++nextId}`,
      }),
    );
  });
  afterAll(() => app.close());

  const validEdge = { source: 'web', target: 'api', discoverySource: 'manual' };

  it('maps a DomainError to its status with a type derived from the code', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/services/missing/dependencies?depth=2',
      headers: { 'x-request-id': 'req-789' },
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json(;|$)/);
    expect(response.headers['x-request-id']).toBe('req-789');
    expect(response.json()).toEqual({
      type: 'https://slo-engine.dev/problems/graph-service-not-found',
      title: 'Service not found',
      status: 404,
      detail: "Service 'missing' is not registered.",
      instance: '/api/v1/services/missing/dependencies',
      code: 'GRAPH.SERVICE_NOT_FOUND',
      correlationId: 'req-789',
    });
  });

  it("carries a DomainError's fieldErrors as errors[]", async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/services/conflicting/dependencies',
    });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'VALIDATION.INVALID_INPUT',
      errors: [{ field: 'edges[0].target', message: 'target is the source itself' }],
    });
  });

  it('answers 500 for a DomainError code missing from the table and warns', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/services/unmapped/dependencies',
    });
    expect(response.statusCode).toBe(500);
    expect(response.json()).toMatchObject({
      status: 500,
      code: 'GRAPH.NOT_IN_THE_TABLE',
      detail: 'An unexpected error occurred',
    });
    const warning = logs.lines.find((line) => line.code === 'GRAPH.NOT_IN_THE_TABLE');
    expect(warning).toMatchObject({
      level: 'warn',
      correlationId: response.headers['x-request-id'],
    });
  });

  it('answers a temporary DomainError with 503 and Retry-After, without logging it as a fault', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/services/busy/dependencies',
      headers: { 'x-request-id': 'busy-1' },
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('13');
    expect(response.json()).toMatchObject({ status: 503, code: 'TELEMETRY.UNAVAILABLE' });
    expect(
      logs.lines.filter((line) => line.correlationId === 'busy-1' && line.level === 'error'),
    ).toEqual([]);
  });

  it('hides an unknown error behind a generic 500 and logs it with the correlation id and stack', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/services/crash/dependencies',
      headers: { 'x-request-id': 'crash-1' },
    });
    expect(response.statusCode).toBe(500);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json(;|$)/);
    expect(response.json()).toEqual({
      type: 'about:blank',
      title: 'Internal Server Error',
      status: 500,
      detail: 'An unexpected error occurred',
      instance: '/api/v1/services/crash/dependencies',
      code: 'HTTP.INTERNAL_SERVER_ERROR',
      correlationId: 'crash-1',
    });
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(response.body).not.toContain('at ');
    const logged = logs.lines.find(
      (line) => line.correlationId === 'crash-1' && line.err !== undefined,
    );
    expect(logged).toMatchObject({ level: 'error' });
    const err = logged?.err as { message: string; stack: string };
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.stack).toContain('ServicesController');
  });

  it('reports every invalid field with its nested path', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/services/dependencies',
      payload: {
        edges: [
          validEdge,
          validEdge,
          validEdge,
          { source: 'a', target: '', discoverySource: 'guess' },
        ],
        owner: { team: 42 },
        unexpected: true,
      },
    });
    expect(response.statusCode).toBe(400);
    const problem = response.json<{ errors: { field: string; message: string }[] }>();
    expect(problem).toMatchObject({
      type: 'https://slo-engine.dev/problems/validation-invalid-input',
      code: 'VALIDATION.INVALID_INPUT',
      status: 400,
    });
    expect(problem.errors.map((e) => e.field).sort()).toEqual(
      [
        'edges[3].discoverySource',
        'edges[3].target',
        'owner.team',
        'owner.team',
        'unexpected',
      ].sort(),
    );
    expect(problem.errors).toContainEqual({
      field: 'unexpected',
      message: 'property unexpected should not exist',
    });
  });

  it('turns a valid body into DTO instances', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/services/dependencies',
      payload: { edges: [validEdge] },
    });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ edges: 1, firstIsEdgeDto: true });
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await app.inject({ method: 'GET', url: '/api/v1/nowhere' });
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json(;|$)/);
    expect(response.json()).toMatchObject({
      type: 'about:blank',
      title: 'Not Found',
      code: 'HTTP.NOT_FOUND',
      instance: '/api/v1/nowhere',
      correlationId: response.headers['x-request-id'],
    });
  });

  it('answers an oversized body with 413', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/services/dependencies',
      payload: { edges: Array.from({ length: 40 }, () => validEdge) },
    });
    expect(response.statusCode).toBe(413);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json(;|$)/);
    expect(response.json()).toMatchObject({
      status: 413,
      title: 'Payload Too Large',
      code: 'HTTP.PAYLOAD_TOO_LARGE',
    });
  });

  it('answers malformed JSON with 400', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/services/dependencies',
      headers: { 'content-type': 'application/json' },
      payload: '{"edges": [',
    });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json(;|$)/);
    expect(response.json()).toMatchObject({
      status: 400,
      code: 'HTTP.BAD_REQUEST',
      type: 'about:blank',
    });
  });

  it('answers an unsupported media type with 415', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/services/dependencies',
      headers: { 'content-type': 'application/xml' },
      payload: '<edges/>',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ status: 415, code: 'HTTP.UNSUPPORTED_MEDIA_TYPE' });
  });

  it('replaces an unacceptable x-request-id with a generated one', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/api/v1/services/missing/dependencies',
      headers: { 'x-request-id': 'has spaces and\ttabs' },
    });
    expect(response.headers['x-request-id']).toMatch(/^generated-\d+$/);
    expect(response.json()).toMatchObject({ correlationId: response.headers['x-request-id'] });
  });
});
