/**
 * Starts the real API (built apps/api) on an ephemeral port against a fresh PostgreSQL database
 * from @slo-engine/testing, for the HTTP benchmarks. Requests go over real TCP.
 */
import { type AddressInfo } from 'node:net';
import { createDataSource, runMigrations } from '@slo-engine/adapters';
import { newRawApiKey } from '@slo-engine/core';
import { createTestDatabase } from '@slo-engine/testing';
import { loadApiConfig } from '../apps/api/dist/config';
import { createApiApp } from '../apps/api/dist/create-api-app';

export interface RunningApi {
  readonly baseUrl: string;
  /** `fetch` with the benchmark's sre_admin API key (authentication is on, as in production). */
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** One SQL statement on the API's database (for seeding rows no endpoint writes). */
  query<T = Record<string, unknown>>(sql: string, parameters?: readonly unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

/**
 * `env` adds to the API's configuration, e.g. `{ PROMETHEUS_URL }` to read telemetry from a real
 * Prometheus instead of the synthetic fleet of the stored graph.
 */
export async function startApi(env: Readonly<Record<string, string>> = {}): Promise<RunningApi> {
  const db = await createTestDatabase('slo_bench');
  const dataSource = createDataSource({ url: db.url });
  await dataSource.initialize();
  await runMigrations(dataSource);
  const apiKey = newRawApiKey();
  const config = loadApiConfig({
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'silent',
    METRICS_ENABLED: 'true',
    AUTH_BOOTSTRAP_API_KEY: apiKey,
    // One key drives thousands of requests a minute; the per-caller limits would refuse them.
    RATE_LIMITS_ENABLED: 'false',
    ...env,
  });
  const app = await createApiApp({ config, dataSource });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    baseUrl,
    fetch: (path, init = {}) =>
      fetch(`${baseUrl}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string> | undefined), 'x-api-key': apiKey },
      }),
    query: <T>(sql: string, parameters: readonly unknown[] = []) =>
      dataSource.query<T[]>(sql, [...parameters]),
    close: async () => {
      await app.close();
      await dataSource.destroy();
      await db.drop();
    },
  };
}

/** A fleet with hubs: edge endpoints drawn with a power law, so some services have hundreds of callers. */
export function hubbyGraph(
  services: number,
  edges: number,
  random: () => number,
): {
  nodes: Array<{ service_id: string; metadata: Record<string, unknown> }>;
  edges: Array<{ source: string; target: string; attributes: Record<string, unknown> }>;
} {
  const id = (i: number): string => `svc-${i.toString().padStart(5, '0')}`;
  const teams = ['payments', 'checkout', 'search', 'identity', 'catalog', 'platform'];
  const nodes = Array.from({ length: services }, (_, i) => ({
    service_id: id(i),
    metadata: {
      team: teams[i % teams.length],
      criticality: (['critical', 'high', 'medium', 'low'] as const)[i % 4],
      tier: 1 + (i % 3),
    },
  }));
  const seen = new Set<string>();
  const out: Array<{ source: string; target: string; attributes: Record<string, unknown> }> = [];
  const powerLaw = (): number => Math.min(services - 1, Math.floor(services * random() ** 3));
  while (out.length < edges) {
    const source = Math.floor(random() * services);
    const target = powerLaw();
    if (source === target) continue;
    const key = `${source}>${target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({
      source: id(source),
      target: id(target),
      attributes: {
        communication_mode: random() < 0.8 ? 'sync' : 'async',
        criticality: random() < 0.85 ? 'hard' : 'soft',
        protocol: random() < 0.5 ? 'grpc' : 'http',
        timeout_ms: 500 + Math.floor(random() * 4500),
      },
    });
  }
  return { nodes, edges: out };
}

export async function waitForIngestion(
  api: RunningApi,
  ingestionId: string,
  timeoutMs = 120_000,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await api.fetch(`/api/v1/ingestions/${ingestionId}`);
    const body = (await response.json()) as Record<string, unknown>;
    if (body.status === 'completed' || body.status === 'failed') return body;
    if (Date.now() > deadline)
      throw new Error(`ingestion ${ingestionId} still ${String(body.status)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
