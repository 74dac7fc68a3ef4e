import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { buildOpenApiDocument, type OpenApiOptions } from './setup-openapi';

/**
 * The body of each app's `pnpm openapi` script: builds the app's OpenAPI document, closes the app,
 * then writes it to `output` or, with `check`, compares it with the committed file. Returns the
 * process exit code (1: the committed file is stale or missing).
 */
export async function writeOpenApiFile(
  app: INestApplication,
  options: OpenApiOptions,
  output: string,
  { check }: { readonly check: boolean },
): Promise<number> {
  const document = buildOpenApiDocument(app, options);
  await app.close();
  const text = `${JSON.stringify(document, null, 2)}\n`;
  const name = relative(process.cwd(), output) || output;
  if (!check) {
    writeFileSync(output, text);
    process.stdout.write(`wrote ${name}\n`);
    return 0;
  }
  let committed = '';
  try {
    committed = readFileSync(output, 'utf8');
  } catch {
    // missing file: reported below
  }
  if (committed !== text) {
    console.error(`${name} is out of date with the code; run \`pnpm openapi\` and commit it.`);
    return 1;
  }
  process.stdout.write(`${name} is up to date\n`);
  return 0;
}
