import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type OpenAPIObject } from '@nestjs/swagger';
import { createTestApp, ready } from '../__fixtures__/test-app';
import { buildOpenApiDocument, setupOpenApi } from './setup-openapi';

describe('setupOpenApi (over HTTP)', () => {
  let app: NestFastifyApplication;
  const options = { title: 'SLO Engine <API>', version: '1.2.3', description: 'Recommendations.' };

  beforeAll(async () => {
    app = await createTestApp();
    setupOpenApi(app, options);
    await ready(app);
  });
  afterAll(() => app.close());

  it('serves the OpenAPI document with the ProblemDetails component', async () => {
    const response = await app.inject({ method: 'GET', url: '/docs-json' });
    expect(response.statusCode).toBe(200);
    const document = response.json<OpenAPIObject>();
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info).toMatchObject({ title: 'SLO Engine <API>', version: '1.2.3' });
    expect(document.components?.schemas?.ProblemDetails).toMatchObject({
      type: 'object',
      required: expect.arrayContaining([
        'type',
        'title',
        'status',
        'detail',
        'instance',
        'code',
        'correlationId',
      ]) as string[],
    });
    expect(document.components?.schemas?.FieldError).toBeDefined();
    const operation = document.paths['/api/v1/services/{id}/dependencies']?.get;
    expect(operation?.responses['404']).toEqual({
      description: 'No service has this id.',
      content: {
        'application/problem+json': { schema: { $ref: '#/components/schemas/ProblemDetails' } },
      },
    });
    expect(document.paths['/api/v1/health/ready']).toBeDefined();
    expect(document.paths['/metrics']).toBeUndefined();
  });

  it('serves Swagger UI from local assets', async () => {
    const page = await app.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('SLO Engine &#60;API&#62;');
    expect(page.body).not.toMatch(/https?:\/\//);
    const init = await app.inject({ method: 'GET', url: '/docs/swagger-ui-init.js' });
    expect(init.body).toContain('"/docs-json"');
    const bundle = await app.inject({ method: 'GET', url: '/docs/swagger-ui-bundle.js' });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.body).toContain('SwaggerUIBundle');
  });

  it('serves ReDoc with the locally served standalone bundle', async () => {
    const page = await app.inject({ method: 'GET', url: '/redoc' });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<redoc spec-url="/docs-json">');
    expect(page.body).toContain('<script src="/redoc/redoc.standalone.js">');
    const bundle = await app.inject({ method: 'GET', url: '/redoc/redoc.standalone.js' });
    expect(bundle.statusCode).toBe(200);
    expect(bundle.headers['content-type']).toContain('javascript');
    expect(bundle.body.length).toBeGreaterThan(100_000);
  });

  it('builds the same document without serving it (for the openapi.json script)', async () => {
    const served = (await app.inject({ method: 'GET', url: '/docs-json' })).json<OpenAPIObject>();
    expect(JSON.parse(JSON.stringify(buildOpenApiDocument(app, options)))).toEqual(served);
  });
});
