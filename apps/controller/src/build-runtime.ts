import { readFileSync } from 'node:fs';
import {
  createDataSource,
  createRedisClient,
  DnsWorkerUrlGuard,
  HttpWorkerInvoker,
  JsonlRegistryStore,
  PostgresRegistryStore,
  RedisIdempotencyStore,
  runMigrations,
  SloDirectorySource,
} from '@slo-engine/adapters';
import { type InvocationResponse, type RegistryStore } from '@slo-engine/core';
import { type IdempotencyStore, InMemoryIdempotencyStore } from '@slo-engine/idempotency';
import { createWorkerUrlPolicy } from '@slo-engine/registry';
import { Logger } from '@nestjs/common';
import { type ControllerConfig } from './config';
import { type ControllerRuntime } from './runtime';

/**
 * The runtime main starts: PostgreSQL (migrated) when DATABASE_URL is set, else the JSONL file
 * of embedded mode; Redis for idempotency when REDIS_URL is set (its own connection, optionally
 * its own database), else a bounded in-memory store; the SLO directory; the SSRF-checked HTTP side.
 */
export async function buildRuntime(config: ControllerConfig): Promise<ControllerRuntime> {
  const logger = new Logger('Controller');
  const closers: (() => Promise<unknown>)[] = [];
  const policy = createWorkerUrlPolicy({
    allowedSchemes: config.CONTROLLER_WORKER_URL_SCHEMES.split(',').map((s) => s.trim()),
    allowedCidrs: list(config.CONTROLLER_WORKER_ALLOWED_CIDRS),
  });

  let registryStore: RegistryStore;
  if (config.DATABASE_URL !== undefined) {
    const dataSource = createDataSource({ url: config.DATABASE_URL });
    await dataSource.initialize();
    const applied = await runMigrations(dataSource);
    if (applied.length > 0) logger.log(`applied migrations: ${applied.join(', ')}`);
    registryStore = new PostgresRegistryStore(dataSource);
    closers.push(() => dataSource.destroy());
  } else {
    registryStore = await JsonlRegistryStore.open(config.CONTROLLER_STATE_FILE, {
      onWarning: (warning) => logger.warn(`${config.CONTROLLER_STATE_FILE}: ${warning.message}`),
    });
  }

  let idempotencyStore: IdempotencyStore<InvocationResponse>;
  if (config.REDIS_URL !== undefined) {
    const url = new URL(config.REDIS_URL);
    if (config.CONTROLLER_IDEMPOTENCY_REDIS_DB !== undefined)
      url.pathname = `/${config.CONTROLLER_IDEMPOTENCY_REDIS_DB}`;
    const redis = createRedisClient(url.toString(), {
      connectionName: 'slo-engine-controller-idempotency',
      lazyConnect: true,
      onError: (error) => logger.warn(`idempotency Redis: ${error.message}`),
    });
    await redis.connect();
    idempotencyStore = new RedisIdempotencyStore<InvocationResponse>(redis, {
      prefix: config.CONTROLLER_IDEMPOTENCY_KEY_PREFIX,
      capacity: config.CONTROLLER_IDEMPOTENCY_CAPACITY,
    });
    closers.push(() => redis.quit());
  } else {
    idempotencyStore = new InMemoryIdempotencyStore<InvocationResponse>({
      capacity: config.CONTROLLER_IDEMPOTENCY_CAPACITY,
    });
  }

  const read = (file: string | undefined) => (file === undefined ? undefined : readFileSync(file));
  const cert = read(config.CONTROLLER_WORKER_CLIENT_CERT_FILE);
  const key = read(config.CONTROLLER_WORKER_CLIENT_KEY_FILE);
  const ca = read(config.CONTROLLER_WORKER_CA_FILE);
  return {
    config,
    registryStore,
    idempotencyStore,
    sloSource: new SloDirectorySource(config.CONTROLLER_SLO_DIR, {
      logger: {
        info: (_context, message) => logger.log(message),
        warn: (_context, message) => logger.warn(message),
      },
    }),
    urlGuard: new DnsWorkerUrlGuard({ policy }),
    invoker: new HttpWorkerInvoker({
      policy,
      maxResponseBytes: config.CONTROLLER_WORKER_MAX_RESPONSE_BYTES,
      ...(cert === undefined ? {} : { cert }),
      ...(key === undefined ? {} : { key }),
      ...(ca === undefined ? {} : { ca }),
    }),
    onClose: async () => {
      for (const close of closers.reverse()) await close();
    },
  };
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
