import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createFastifyApp, setupOpenApi } from '@slo-engine/platform';
import { type FastifyInstance } from 'fastify';
import { createControllerModule, statusByCode } from './controller.module';
import { attachCaller, resolveCaller } from './identity/caller-identity';
import { type ControllerRuntime } from './runtime';

export const OPENAPI = {
  title: 'SLO Engine Controller',
  version: '1.0.0',
  description:
    'Workers register their capabilities and heartbeat; callers route or invoke by capability, with idempotency, SLO enforcement per capability and canary releases between worker versions. Errors are RFC 9457 problem details.',
} as const;

/** The configured controller (not listening): used by main, the e2e tests, the benchmarks and the OpenAPI script. */
export async function createControllerApp(
  runtime: ControllerRuntime,
  options: { readonly abortOnError?: boolean } = {},
): Promise<NestFastifyApplication> {
  const app = await createFastifyApp(createControllerModule(runtime), {
    config: runtime.config,
    statusByCode,
    nestOptions: { abortOnError: options.abortOnError ?? true },
  });
  const { identitySource, CONTROLLER_IDENTITY_HEADER } = runtime.config;
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('onRequest', (request, _reply, done) => {
    attachCaller(request, resolveCaller(request, identitySource, CONTROLLER_IDENTITY_HEADER));
    done();
  });
  setupOpenApi(app, { ...OPENAPI, path: '/docs' });
  return app;
}
