/**
 * The end-to-end fixture: the real API (createApiApp) on a fresh, migrated PostgreSQL database of
 * its own, driven through Fastify's in-process `inject` (no port). One per test file.
 */
import { type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createDataSource, InProcessIngestionQueue, runMigrations } from '@slo-engine/adapters';
import { IngestionQueue, newRawApiKey } from '@slo-engine/core';
import {
  createTestDatabase,
  startLocalIdentityProvider,
  type LocalIdentityProvider,
  type SignOptions,
  type TestDatabase,
} from '@slo-engine/testing';
import { type DataSource } from 'typeorm';
import { type ApiConfig, loadApiConfig } from '../src/config';
import { createApiApp } from '../src/create-api-app';

export type InjectOptions = Exclude<Parameters<NestFastifyApplication['inject']>[0], string>;
export type InjectResponse = Awaited<ReturnType<NestFastifyApplication['inject']>>;

export const API = '/api/v1';
export const SUBMIT_URL = `${API}/services/dependencies`;

// ---------------------------------------------------------------------------------------------
// Wire shapes (snake_case, as the API answers them)
// ---------------------------------------------------------------------------------------------

export interface FieldErrorBody {
  readonly field: string;
  readonly message: string;
}

export interface ProblemBody {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly instance: string;
  readonly code: string;
  readonly correlationId: string;
  readonly errors?: readonly FieldErrorBody[];
}

export interface AcceptedBody {
  readonly ingestion_id: string;
  readonly status: string;
  readonly nodes_received: number;
  readonly edges_received: number;
  readonly estimated_completion_seconds: number;
  readonly status_url: string;
}

export interface ConflictBody {
  readonly source: string;
  readonly target: string;
  readonly attribute: string;
  readonly kept: { readonly discovery_source: string; readonly value: unknown };
  readonly overridden: ReadonlyArray<{
    readonly discovery_source: string;
    readonly value: unknown;
  }>;
}

export interface DetectedCycleBody {
  readonly path: readonly string[];
  readonly members: readonly string[];
  readonly new_alert: boolean;
  readonly alert_id: string;
}

export interface DivergenceBody {
  readonly source: string;
  readonly target: string;
  readonly kind: 'declared_not_observed' | 'observed_not_declared';
  readonly declared_by: readonly string[];
  readonly observed_by: readonly string[];
}

export interface IngestionResultBody {
  readonly services_created: number;
  readonly services_updated: number;
  readonly placeholders_created: readonly string[];
  readonly edges_created: number;
  readonly edges_updated: number;
  readonly edges_unchanged: number;
  readonly edges_marked_stale: number;
  readonly conflicts: readonly ConflictBody[];
  readonly cycles: readonly DetectedCycleBody[];
  readonly divergences: readonly DivergenceBody[];
  readonly warnings: readonly string[];
}

export interface IngestionBody {
  readonly ingestion_id: string;
  readonly source: string;
  readonly status: 'queued' | 'processing' | 'completed' | 'failed';
  readonly nodes_received: number;
  readonly edges_received: number;
  readonly submitted_at: string;
  readonly started_at: string | null;
  readonly completed_at: string | null;
  readonly result: IngestionResultBody | null;
  readonly error: string | null;
}

export interface ServiceBody {
  readonly service_id: string;
  readonly team: string | null;
  readonly criticality: string;
  readonly service_type: string;
  readonly discovered: boolean;
  readonly metadata: Record<string, unknown>;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface PageBody<T> {
  readonly items: readonly T[];
  readonly next_cursor: string | null;
}

export interface SubgraphNodeBody extends ServiceBody {
  readonly depth: number;
  readonly cycle_id: string | null;
}

export interface SubgraphEdgeBody {
  readonly source: string;
  readonly target: string;
  readonly communication_mode: string;
  readonly criticality: string;
  readonly protocol: string | null;
  readonly timeout_ms: number | null;
  readonly retry_config: {
    readonly max_retries?: number;
    readonly backoff_strategy?: string;
  } | null;
  readonly redundancy_group: string | null;
  readonly discovery_sources: readonly string[];
  readonly confidence_score: number;
  readonly last_observed_at: string;
  readonly in_cycle: boolean;
}

export interface SubgraphBody {
  readonly service: ServiceBody;
  readonly direction: string;
  readonly depth: number;
  readonly include_external: boolean;
  readonly graph_version: number;
  readonly nodes: readonly SubgraphNodeBody[];
  readonly edges: readonly SubgraphEdgeBody[];
  readonly truncated: boolean;
  readonly cycles: ReadonlyArray<{
    readonly cycle_id: string;
    readonly members: readonly string[];
    readonly path: readonly string[];
  }>;
}

export interface CycleAlertBody {
  readonly id: string;
  readonly cycle_path: readonly string[];
  readonly members: readonly string[];
  readonly status: 'open' | 'acknowledged' | 'resolved';
  readonly detected_at: string;
  readonly acknowledged_by: string | null;
  readonly resolution_notes: string | null;
  readonly updated_at: string;
}

/** What a client may POST (loosely typed on purpose: the validation tests send broken ones). */
export interface GraphPayload {
  source?: unknown;
  timestamp?: unknown;
  nodes?: unknown;
  edges?: unknown;
  [key: string]: unknown;
}

export interface RowCounts {
  readonly services: number;
  readonly service_dependencies: number;
  readonly circular_dependency_alerts: number;
  readonly ingestion_jobs: number;
  /** graph_state.version: bumped by every ingestion that changed the graph. */
  readonly graph_version: number;
}

// ---------------------------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------------------------

/** Claims of a test user's token; `roles` and `groups` are what the API's RBAC reads. */
export interface TestUserClaims {
  readonly sub: string;
  readonly email?: string;
  readonly roles?: readonly string[];
  readonly groups?: readonly string[];
  readonly [claim: string]: unknown;
}

export interface ApiFixture {
  readonly app: NestFastifyApplication;
  readonly dataSource: DataSource;
  readonly database: TestDatabase;
  /** The sre_admin API key the fixture registers (AUTH_BOOTSTRAP_API_KEY). */
  readonly adminApiKey: string;
  /** The local OpenID provider whose JWKS the API trusts. */
  readonly identityProvider: LocalIdentityProvider;
  /**
   * `app.inject` with a typed response. Sends the admin API key unless the request names its own
   * credentials (`authorization` or `x-api-key`); a header set to `undefined` is left out, so
   * `headers: { 'x-api-key': undefined }` sends no credentials at all.
   */
  request(options: InjectOptions): Promise<InjectResponse>;
  /**
   * A second API instance on the same database and configuration (same admin key, same Redis),
   * as a second replica behind a load balancer would be; `request` sends the admin key like ours.
   */
  startAnotherInstance(): Promise<{
    request(options: InjectOptions): Promise<InjectResponse>;
    close(): Promise<void>;
  }>;
  /** A bearer token for a user of the local identity provider. */
  tokenFor(claims: TestUserClaims, options?: SignOptions): Promise<string>;
  /** `{ authorization: 'Bearer …' }` for a user, to spread into request headers. */
  asUser(claims: TestUserClaims, options?: SignOptions): Promise<{ authorization: string }>;
  /** POSTs a graph and expects 202; returns the accepted body. */
  submit(payload: GraphPayload): Promise<AcceptedBody>;
  /** Polls `GET /ingestions/:id` until the ingestion is completed or failed. */
  waitForIngestion(ingestionId: string): Promise<IngestionBody>;
  /** submit + waitForIngestion, expecting `completed`. */
  ingest(payload: GraphPayload): Promise<IngestionBody>;
  /** Rows in the FR-1 tables, to prove a rejected request stored nothing. */
  counts(): Promise<RowCounts>;
  close(): Promise<void>;
}

/**
 * Starts the API on its own database. `env` overrides configuration variables (strings, as the
 * environment would carry them), e.g. `{ BODY_LIMIT_BYTES: '65536' }`.
 */
export async function createApiFixture(
  env: Readonly<Record<string, string>> = {},
): Promise<ApiFixture> {
  const database = await createTestDatabase('slo_api_e2e');
  let dataSource: DataSource | undefined;
  let app: NestFastifyApplication | undefined;
  let identityProvider: LocalIdentityProvider | undefined;
  let config: ApiConfig | undefined;
  const adminApiKey = newRawApiKey();
  try {
    identityProvider = await startLocalIdentityProvider();
    dataSource = createDataSource({ url: database.url });
    await dataSource.initialize();
    await runMigrations(dataSource);
    config = loadApiConfig({
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      AUTH_BOOTSTRAP_API_KEY: adminApiKey,
      AUTH_JWKS_URL: identityProvider.jwksUrl,
      AUTH_ISSUER: identityProvider.issuer,
      AUTH_AUDIENCE: identityProvider.audience,
      // One admin key drives whole test files; the rate-limit tests turn limits back on.
      RATE_LIMITS_ENABLED: 'false',
      ...env,
    });
    app = await createApiApp({ config, dataSource }, { abortOnError: false });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  } catch (error) {
    await app?.close().catch(() => undefined);
    await dataSource?.destroy().catch(() => undefined);
    await identityProvider?.close().catch(() => undefined);
    await database.drop().catch(() => undefined);
    throw error;
  }
  return fixtureOf(app, dataSource, database, identityProvider, adminApiKey, config);
}

function fixtureOf(
  app: NestFastifyApplication,
  dataSource: DataSource,
  database: TestDatabase,
  identityProvider: LocalIdentityProvider,
  adminApiKey: string,
  config: ApiConfig,
): ApiFixture {
  const queue = app.get(IngestionQueue);
  const withCredentials = (options: InjectOptions): InjectOptions => {
    const given = { ...(options.headers ?? {}) } as Record<string, unknown>;
    const namesCredentials = 'authorization' in given || 'x-api-key' in given;
    const headers = Object.fromEntries(
      Object.entries(namesCredentials ? given : { ...given, 'x-api-key': adminApiKey }).filter(
        ([, value]) => value !== undefined,
      ),
    ) as InjectOptions['headers'];
    return { ...options, headers };
  };
  const request = (options: InjectOptions): Promise<InjectResponse> =>
    app.inject(withCredentials(options));
  const others: Array<() => Promise<void>> = [];
  const startAnotherInstance: ApiFixture['startAnotherInstance'] = async () => {
    const otherDataSource = createDataSource({ url: database.url, poolSize: 4 });
    await otherDataSource.initialize();
    const other = await createApiApp(
      { config, dataSource: otherDataSource },
      { abortOnError: false },
    );
    await other.init();
    await other.getHttpAdapter().getInstance().ready();
    let closed = false;
    const closeOther = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      await other.close();
      await otherDataSource.destroy();
    };
    others.push(closeOther);
    return {
      request: (options: InjectOptions) => other.inject(withCredentials(options)),
      close: closeOther,
    };
  };
  const tokenFor = (claims: TestUserClaims, options?: SignOptions): Promise<string> =>
    identityProvider.sign(claims, options);
  const asUser = async (
    claims: TestUserClaims,
    options?: SignOptions,
  ): Promise<{ authorization: string }> => ({
    authorization: `Bearer ${await tokenFor(claims, options)}`,
  });

  const submit = async (payload: GraphPayload): Promise<AcceptedBody> => {
    const response = await request({ method: 'POST', url: SUBMIT_URL, payload });
    if (response.statusCode !== 202) {
      throw new Error(`POST ${SUBMIT_URL} answered ${response.statusCode}: ${response.body}`);
    }
    return response.json<AcceptedBody>();
  };

  const waitForIngestion = async (ingestionId: string): Promise<IngestionBody> => {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const response = await request({ method: 'GET', url: `${API}/ingestions/${ingestionId}` });
      if (response.statusCode !== 200) {
        throw new Error(`GET ingestion ${ingestionId} answered ${response.statusCode}`);
      }
      const body = response.json<IngestionBody>();
      if (body.status === 'completed' || body.status === 'failed') return body;
      if (Date.now() > deadline) {
        throw new Error(`ingestion ${ingestionId} is still ${body.status} after 60 s`);
      }
      // The in-process queue runs the job after the 202; wait for it to go idle, then look again.
      if (queue instanceof InProcessIngestionQueue) await queue.drain();
      else await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  const ingest = async (payload: GraphPayload): Promise<IngestionBody> => {
    const accepted = await submit(payload);
    const done = await waitForIngestion(accepted.ingestion_id);
    if (done.status !== 'completed') {
      throw new Error(`ingestion ${done.ingestion_id} ${done.status}: ${String(done.error)}`);
    }
    return done;
  };

  const counts = async (): Promise<RowCounts> => {
    const [row] = await dataSource.query<
      Array<{ [K in keyof RowCounts]: number }>
    >(`SELECT (SELECT count(*)::int FROM services) AS services,
              (SELECT count(*)::int FROM service_dependencies) AS service_dependencies,
              (SELECT count(*)::int FROM circular_dependency_alerts) AS circular_dependency_alerts,
              (SELECT count(*)::int FROM ingestion_jobs) AS ingestion_jobs,
              (SELECT version::int FROM graph_state) AS graph_version`);
    return row;
  };

  const close = async (): Promise<void> => {
    try {
      await Promise.all(others.map((closeOther) => closeOther()));
      await app.close();
    } finally {
      try {
        await dataSource.destroy();
      } finally {
        await identityProvider.close().catch(() => undefined);
        await database.drop();
      }
    }
  };

  return {
    app,
    dataSource,
    database,
    adminApiKey,
    identityProvider,
    request,
    startAnotherInstance,
    tokenFor,
    asUser,
    submit,
    waitForIngestion,
    ingest,
    counts,
    close,
  };
}

// ---------------------------------------------------------------------------------------------
// Assertions and small helpers
// ---------------------------------------------------------------------------------------------

/** Asserts an RFC 9457 answer with this status (and code, when given) and returns its body. */
export function expectProblem(
  response: InjectResponse,
  status: number,
  code?: string,
): ProblemBody {
  expect({ status: response.statusCode, body: response.body }).toMatchObject({ status });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json(;|$)/);
  const problem = response.json<ProblemBody>();
  expect(problem).toMatchObject({
    status,
    title: expect.any(String) as unknown,
    detail: expect.any(String) as unknown,
    type: expect.any(String) as unknown,
    correlationId: response.headers['x-request-id'],
    ...(code !== undefined ? { code } : {}),
  });
  expect(problem.instance).toBe(problem.instance.split('?')[0]);
  expect(response.body).not.toMatch(/\n\s+at /); // never a stack trace
  return problem;
}

/** The fields named by a problem's `errors[]`. */
export function problemFields(problem: ProblemBody): string[] {
  return (problem.errors ?? []).map((error) => error.field);
}

/** A JSON body, expecting the status first (the body is shown when it differs). */
export function expectJson<T>(response: InjectResponse, status = 200): T {
  expect({ status: response.statusCode, body: response.body }).toMatchObject({ status });
  expect(response.headers['content-type']).toMatch(/^application\/json(;|$)/);
  return response.json<T>();
}

/** mulberry32: a small seeded PRNG, so generated graphs are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Sorted copy (code-unit order), for comparing sets of ids. */
export function sorted(values: Iterable<string>): string[] {
  return [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
