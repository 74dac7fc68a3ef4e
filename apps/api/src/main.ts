import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createDataSource, runMigrations } from '@slo-engine/adapters';
import { RefreshDashboardUseCase } from '@slo-engine/core';
import { startTracing } from '@slo-engine/platform';
import { loadApiConfig } from './config';
import { startEmbeddedDatabase, type EmbeddedDatabase } from './embedded/embedded-database';
import { embeddedAdminKey } from './embedded/embedded-admin-key';
import { seedDemoTopology } from './embedded/seed-demo';

async function main(): Promise<void> {
  let config = loadApiConfig();
  const stopTracing = startTracing(config);
  const logger = new Logger('SloEngineApi');

  let embedded: EmbeddedDatabase | undefined;
  let adminKey: { readonly key: string; readonly file: string } | undefined;
  let databaseUrl = config.DATABASE_URL;
  if (!databaseUrl) {
    embedded = await startEmbeddedDatabase(config.EMBEDDED_DATA_DIR);
    databaseUrl = embedded.url;
    if (config.AUTH_BOOTSTRAP_API_KEY === undefined) {
      adminKey = embeddedAdminKey(config.EMBEDDED_DATA_DIR);
      config = Object.freeze({ ...config, AUTH_BOOTSTRAP_API_KEY: adminKey.key });
    }
  }
  const dataSource = createDataSource({ url: databaseUrl });
  await dataSource.initialize();
  const applied = await runMigrations(dataSource);

  const { createApiApp } = await import('./create-api-app.js');
  const app = await createApiApp({ config, dataSource });
  app.enableShutdownHooks();
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onClose', async () => {
      await dataSource.destroy();
      await embedded?.stop();
      await stopTracing();
    });
  await app.init();
  if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`);
  if (embedded && config.SEED_DEMO) {
    const seeded = await seedDemoTopology(app);
    if (seeded > 0) {
      logger.log(`seeded the demo topology: ${seeded} services`);
      // The dashboard's views were filled when the database was still empty; show the demo now.
      await app.get(RefreshDashboardUseCase).execute();
    }
  }
  await app.listen({ port: config.PORT, host: '0.0.0.0' });
  const base = `http://localhost:${config.PORT}`;
  if (adminKey) {
    logger.log(
      `sre_admin API key of this embedded instance (kept in ${adminKey.file}): ${adminKey.key} — e.g. curl -H 'X-API-Key: ${adminKey.key}' ${base}/api/v1/services`,
    );
  }
  logger.log(
    `SLO Engine API on ${base} (${embedded ? `embedded PostgreSQL in ${config.EMBEDDED_DATA_DIR}` : 'PostgreSQL from DATABASE_URL'}). ` +
      `Docs: ${base}/docs, ReDoc: ${base}/redoc, try ${base}/api/v1/services/checkout-service/dependencies and ${base}/api/v1/services/checkout-service/slo-recommendations`,
  );
}

main().catch((error: unknown) => {
  // Configuration errors name every bad variable; anything else is a start-up failure.
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
