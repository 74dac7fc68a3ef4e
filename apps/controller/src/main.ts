import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { startTracing } from '@slo-engine/platform';
import { buildRuntime } from './build-runtime';
import { loadControllerConfig } from './config';

async function main(): Promise<void> {
  const config = loadControllerConfig();
  const stopTracing = startTracing(config);
  const logger = new Logger('SloEngineController');
  const runtime = await buildRuntime(config);
  const { createControllerApp } = await import('./create-controller-app.js');
  const app = await createControllerApp({
    ...runtime,
    onClose: async () => {
      await runtime.onClose?.();
      await stopTracing();
    },
  });
  await app.listen({ port: config.PORT, host: '0.0.0.0' });
  const scheme = config.TLS_CERT_FILE === undefined ? 'http' : 'https';
  logger.log(
    `SLO Engine controller on ${scheme}://localhost:${config.PORT} (registry in ${config.DATABASE_URL === undefined ? config.CONTROLLER_STATE_FILE : 'PostgreSQL'}, idempotency in ${config.REDIS_URL === undefined ? 'memory' : 'Redis'}, SLO files from ${config.CONTROLLER_SLO_DIR}, caller identities: ${config.identitySource}). Docs: ${scheme}://localhost:${config.PORT}/docs`,
  );
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
