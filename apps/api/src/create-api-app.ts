import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createFastifyApp, setupOpenApi } from '@slo-engine/platform';
import { createAppModule, statusByCode, type ApiRuntime } from './app.module';

export const OPENAPI = {
  title: 'SLO Engine API',
  version: '1.0.0',
  description:
    'Recommends the availability and latency SLOs each service can keep, from its history and its dependencies. Errors are RFC 9457 problem details.',
} as const;

/** The configured API application (not listening): used by main, the e2e tests and the OpenAPI script. */
export async function createApiApp(
  runtime: ApiRuntime,
  options: { readonly abortOnError?: boolean } = {},
): Promise<NestFastifyApplication> {
  const app = await createFastifyApp(createAppModule(runtime), {
    config: runtime.config,
    statusByCode,
    nestOptions: { abortOnError: options.abortOnError ?? true },
  });
  setupOpenApi(app, { ...OPENAPI, path: '/docs' });
  return app;
}
