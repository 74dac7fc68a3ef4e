/**
 * Writes the controller's OpenAPI document to apps/controller/openapi.json (`pnpm openapi`), or with
 * `--check` fails when the committed file differs from what the code declares (CI). Touches no
 * file, network or server: in-memory stores, an SLO directory that is never read.
 */
import 'reflect-metadata';
import { resolve } from 'node:path';
import { DnsWorkerUrlGuard, HttpWorkerInvoker, SloDirectorySource } from '@slo-engine/adapters';
import { InMemoryRegistryStore, type InvocationResponse } from '@slo-engine/core';
import { InMemoryIdempotencyStore } from '@slo-engine/idempotency';
import { writeOpenApiFile } from '@slo-engine/platform';
import { loadControllerConfig } from '../config';
import { createControllerApp, OPENAPI } from '../create-controller-app';

async function main(check: boolean): Promise<number> {
  const config = loadControllerConfig({ LOG_LEVEL: 'silent', METRICS_ENABLED: 'false' });
  const app = await createControllerApp({
    config,
    registryStore: new InMemoryRegistryStore(),
    idempotencyStore: new InMemoryIdempotencyStore<InvocationResponse>(),
    sloSource: new SloDirectorySource(config.CONTROLLER_SLO_DIR),
    urlGuard: new DnsWorkerUrlGuard(),
    invoker: new HttpWorkerInvoker(),
    timers: false,
  });
  return writeOpenApiFile(app, OPENAPI, resolve(__dirname, '..', '..', 'openapi.json'), { check });
}

main(process.argv.includes('--check')).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
