/**
 * Writes the API's OpenAPI document to apps/api/openapi.json (`pnpm openapi`), or with `--check`
 * fails when the committed file differs from what the code declares (`pnpm openapi:check`, in CI).
 * Needs no database: the data source is created but never connected.
 */
import 'reflect-metadata';
import { resolve } from 'node:path';
import { createDataSource } from '@slo-engine/adapters';
import { writeOpenApiFile } from '@slo-engine/platform';
import { loadApiConfig } from '../config';
import { OPENAPI, createApiApp } from '../create-api-app';

async function main(check: boolean): Promise<number> {
  const config = loadApiConfig({ LOG_LEVEL: 'silent', METRICS_ENABLED: 'false' });
  const dataSource = createDataSource({ url: 'postgres://openapi@127.0.0.1:1/unused' });
  const app = await createApiApp({ config, dataSource });
  return writeOpenApiFile(app, OPENAPI, resolve(__dirname, '..', '..', 'openapi.json'), { check });
}

main(process.argv.includes('--check')).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
