import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { type FastifyInstance } from 'fastify';
import { API_KEY_SCHEME, BEARER_SCHEME } from '../auth/access';
import { FieldErrorSchema, ProblemDetailsSchema } from './problem-details.schema';

export interface OpenApiOptions {
  readonly title: string;
  readonly version: string;
  readonly description?: string;
  /** Swagger UI path; the JSON document is served at `<path>-json`. `/docs` by default. */
  readonly path?: string;
  /** ReDoc path; `/redoc` by default. */
  readonly redocPath?: string;
}

/**
 * The OpenAPI 3 document of the app's controllers, with `ProblemDetails` and `FieldError`
 * registered as components. Works on a created (not listening) app, so a script can write
 * `openapi.json` without opening a port.
 */
export function buildOpenApiDocument(
  app: INestApplication,
  options: OpenApiOptions,
): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle(options.title)
    .setVersion(options.version)
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description: 'A service caller key (`sloe_…`), created by an sre_admin.',
      },
      API_KEY_SCHEME,
    )
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An OIDC access token.' },
      BEARER_SCHEME,
    );
  if (options.description !== undefined) builder.setDescription(options.description);
  return SwaggerModule.createDocument(app, builder.build(), {
    extraModels: [ProblemDetailsSchema, FieldErrorSchema],
  });
}

/** Files of swagger-ui-dist the Swagger UI page loads; nothing else of that folder is served. */
const SWAGGER_ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};

/**
 * Mounts Swagger UI at `/docs`, the JSON document at `/docs-json` and ReDoc at `/redoc`, all from
 * local files (no CDN: the docs work offline and under a strict CSP). Call before `listen()`.
 * Serves the assets itself rather than through `@fastify/static`, which the workspace does not carry.
 */
export function setupOpenApi(app: INestApplication, options: OpenApiOptions): OpenAPIObject {
  const document = buildOpenApiDocument(app, options);
  const docsPath = normalise(options.path ?? '/docs');
  const redocPath = normalise(options.redocPath ?? '/redoc');
  const jsonPath = `${docsPath}-json`;
  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  const title = escapeHtml(options.title);

  const json = JSON.stringify(document);
  fastify.get(jsonPath, (_request, reply) => {
    void reply.header('content-type', 'application/json; charset=utf-8').send(json);
  });

  const swaggerDir = swaggerUiDistPath();
  const swaggerHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<link rel="stylesheet" href="${docsPath}/swagger-ui.css"><link rel="icon" href="${docsPath}/favicon-32x32.png"></head>
<body><div id="swagger-ui"></div>
<script src="${docsPath}/swagger-ui-bundle.js"></script>
<script src="${docsPath}/swagger-ui-standalone-preset.js"></script>
<script src="${docsPath}/swagger-ui-init.js"></script></body></html>`;
  const swaggerInit = `window.onload = function () {
  window.ui = SwaggerUIBundle({ url: ${JSON.stringify(jsonPath)}, dom_id: '#swagger-ui', deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset], layout: 'StandaloneLayout' });
};`;
  fastify.get(docsPath, (_request, reply) => {
    void reply.header('content-type', 'text/html; charset=utf-8').send(swaggerHtml);
  });
  fastify.get(`${docsPath}/swagger-ui-init.js`, (_request, reply) => {
    void reply.header('content-type', SWAGGER_ASSETS['swagger-ui-bundle.js']).send(swaggerInit);
  });
  for (const [file, contentType] of Object.entries(SWAGGER_ASSETS)) {
    serveFile(fastify, `${docsPath}/${file}`, join(swaggerDir, file), contentType);
  }

  const redocBundle = `${redocPath}/redoc.standalone.js`;
  const redocHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body><redoc spec-url="${jsonPath}"></redoc><script src="${redocBundle}"></script></body></html>`;
  fastify.get(redocPath, (_request, reply) => {
    void reply.header('content-type', 'text/html; charset=utf-8').send(redocHtml);
  });
  serveFile(
    fastify,
    redocBundle,
    require.resolve('redoc/bundles/redoc.standalone.js'),
    'application/javascript; charset=utf-8',
  );
  return document;
}

/** Reads the file on first request and keeps it: these bundles are megabytes and never change. */
function serveFile(
  fastify: FastifyInstance,
  route: string,
  file: string,
  contentType: string,
): void {
  let content: Buffer | undefined;
  fastify.get(route, (_request, reply) => {
    content ??= readFileSync(file);
    void reply
      .header('content-type', contentType)
      .header('cache-control', 'public, max-age=86400')
      .send(content);
  });
}

/** swagger-ui-dist comes with @nestjs/swagger; resolved from there, as pnpm does not hoist it. */
/** swagger-ui-dist is pinned to the version @nestjs/swagger ships with. */
function swaggerUiDistPath(): string {
  return dirname(require.resolve('swagger-ui-dist/package.json'));
}

function normalise(path: string): string {
  return `/${path.replace(/^\/+|\/+$/g, '')}`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
