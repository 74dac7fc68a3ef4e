/**
 * Writes the API's OpenAPI document to apps/api/openapi.json (`pnpm openapi`), or with `--check`
 * fails when the committed file differs from what the code declares (`pnpm openapi:check`, in CI).
 * Needs no database: the data source is created but never connected.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createDataSource } from '@slo-engine/adapters';
import { buildOpenApiDocument } from '@slo-engine/platform';
import { loadApiConfig } from '../config';
import { OPENAPI, createApiApp } from '../create-api-app';

const OUTPUT = resolve(__dirname, '..', '..', 'openapi.json');

async function main(check: boolean): Promise<number> {
  const config = loadApiConfig({ LOG_LEVEL: 'silent', METRICS_ENABLED: 'false' });
  const dataSource = createDataSource({ url: 'postgres://openapi@127.0.0.1:1/unused' });
  const app = await createApiApp({ config, dataSource });
  const document = buildOpenApiDocument(app, OPENAPI);
  await app.close();
  const text = `${JSON.stringify(document, null, 2)}\n`;
  if (!check) {
    writeFileSync(OUTPUT, text);
    console.log(`wrote ${OUTPUT}`);
    return 0;
  }
  let committed = '';
  try {
    committed = readFileSync(OUTPUT, 'utf8');
  } catch {
    // missing file: reported below
  }
  if (committed !== text) {
    console.error(`${OUTPUT} is out of date with the code; run \`pnpm openapi\` and commit it.`);
    return 1;
  }
  console.log('openapi.json is up to date');
  return 0;
}

main(process.argv.includes('--check')).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
