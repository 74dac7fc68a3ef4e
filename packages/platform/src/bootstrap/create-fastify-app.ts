import { readFileSync } from 'node:fs';
import { type IncomingMessage } from 'node:http';
import helmet from '@fastify/helmet';
import { type INestApplication, type NestApplicationOptions, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyInstance } from 'fastify';
import { Logger as NestPinoLogger } from 'nestjs-pino';
import { type Logger } from 'pino';
import { CORRELATION_ID_HEADER, resolveCorrelationId } from '../correlation/correlation-id';
import { ROOT_LOGGER } from '../logging/logging.module';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { ProblemDetailsFilter } from '../problem-details/problem-details.filter';
import { createValidationPipe } from '../problem-details/request-validation.exception';
import { installRequestTracing } from '../tracing/request-tracing';

export interface FastifyAppConfig {
  /** Largest accepted body in bytes (`BODY_LIMIT_BYTES`); larger bodies answer 413. */
  readonly BODY_LIMIT_BYTES: number;
  /** Trust `X-Forwarded-*` (client ip, protocol) from the ingress in front of the app. */
  readonly TRUST_PROXY?: boolean;
  /** PEM files: with both set the app serves HTTPS only, TLS 1.3, and sends HSTS. */
  readonly TLS_CERT_FILE?: string | undefined;
  readonly TLS_KEY_FILE?: string | undefined;
  /**
   * PEM bundle of the CAs that sign client certificates: with it the app asks every client for a
   * certificate (mutual TLS). The controller reads worker identities (SPIFFE ids) from them.
   */
  readonly TLS_CLIENT_CA_FILE?: string | undefined;
  /** With TLS_CLIENT_CA_FILE: refuse handshakes without a valid client certificate (default true). */
  readonly TLS_CLIENT_CERT_REQUIRED?: boolean | undefined;
}

/** HTTPS options of {@link tlsOptionsOf}. */
export interface TlsOptions {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly minVersion: 'TLSv1.3';
  readonly ca?: Buffer;
  readonly requestCert?: boolean;
  readonly rejectUnauthorized?: boolean;
}

/** The HTTPS options of the config, or null for plain HTTP; half a pair is a configuration error. */
export function tlsOptionsOf(config: FastifyAppConfig): TlsOptions | null {
  const { TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile, TLS_CLIENT_CA_FILE: clientCa } = config;
  if (certFile === undefined && keyFile === undefined) {
    if (clientCa !== undefined)
      throw new Error('TLS_CLIENT_CA_FILE needs TLS_CERT_FILE and TLS_KEY_FILE');
    return null;
  }
  if (certFile === undefined || keyFile === undefined) {
    throw new Error('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  }
  const server = {
    cert: readFileSync(certFile),
    key: readFileSync(keyFile),
    minVersion: 'TLSv1.3',
  } as const;
  if (clientCa === undefined) return server;
  return {
    ...server,
    ca: readFileSync(clientCa),
    requestCert: true,
    rejectUnauthorized: config.TLS_CLIENT_CERT_REQUIRED ?? true,
  };
}

export interface ConfigureAppOptions {
  /** The app's DomainError code → HTTP status table. */
  readonly statusByCode: Readonly<Record<string, number>>;
}

export interface CreateFastifyAppOptions extends ConfigureAppOptions {
  readonly config: FastifyAppConfig;
  /** Generates correlation ids for requests without an acceptable `x-request-id`; UUID v4 by default. */
  readonly generateRequestId?: () => string;
  /** Passed to `NestFactory.create`, e.g. `{ abortOnError: false }` in tests. */
  readonly nestOptions?: NestApplicationOptions;
}

/**
 * The Fastify adapter every app uses: body limit from config, trust-proxy, and the correlation id
 * as Fastify's request id (so `request.id`, pino's `req.id`, the `x-request-id` response header
 * and problem `correlationId` are one value).
 */
export function createFastifyAdapter(
  config: FastifyAppConfig,
  generateRequestId?: () => string,
): FastifyAdapter {
  const https = tlsOptionsOf(config);
  return new FastifyAdapter({
    ...(https ? { https } : {}),
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustProxy: config.TRUST_PROXY ?? false,
    genReqId: (raw: IncomingMessage) => {
      const id = resolveCorrelationId(raw.headers[CORRELATION_ID_HEADER], generateRequestId);
      // pino-http (nestjs-pino) reuses `req.id` of the raw request instead of making its own.
      (raw as IncomingMessage & { id?: string }).id = id;
      return id;
    },
  });
}

/**
 * Creates the Nest app on Fastify and wires it with {@link configureApp}. The caller adds
 * `setupOpenApi` if it wants docs, then `listen`s.
 */
export async function createFastifyApp(
  module: Type<unknown>,
  options: CreateFastifyAppOptions,
): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    module,
    createFastifyAdapter(options.config, options.generateRequestId),
    { bufferLogs: true, ...options.nestOptions },
  );
  // The adapter validated and read the pair; here it only matters whether TLS is on.
  await installSecurityHeaders(app, { hsts: options.config.TLS_CERT_FILE !== undefined });
  configureApp(app, options);
  return app;
}

/**
 * Security headers on every answer (@fastify/helmet): nosniff, frame denial, no referrer, same-origin
 * resource policy, HSTS when the app itself serves TLS (behind a TLS-terminating ingress, HSTS is
 * the ingress's to send). Helmet's CSP is off because Swagger UI at /docs runs inline scripts;
 * JSON and problem answers get the strictest policy instead, which is what an API needs.
 */
export async function installSecurityHeaders(
  app: NestFastifyApplication,
  options: { readonly hsts: boolean },
): Promise<void> {
  // @fastify/helmet is typed against its own copy of fastify's types (a patch release apart from
  // Nest's adapter's); the plugin contract is the same, so only the type is bridged.
  const plugin = helmet as unknown as Parameters<NestFastifyApplication['register']>[0];
  await app.register(plugin, {
    contentSecurityPolicy: false,
    hsts: options.hsts ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    crossOriginEmbedderPolicy: false,
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && /^application\/(problem\+)?json/.test(type)) {
      void reply.header('content-security-policy', "default-src 'none'; frame-ancestors 'none'");
    }
    done(null, payload);
  });
}

/**
 * Wires an app that runs on {@link createFastifyAdapter}: pino as Nest's logger (when
 * `LoggingModule` is imported), the `x-request-id` response header, request spans and HTTP metrics
 * (Fastify hooks, so 404s and 413s that never reach a Nest interceptor are counted and traced), the
 * problem-details filter, the validation pipe and shutdown hooks (SIGTERM closes the app, running
 * `onModuleDestroy`/`beforeApplicationShutdown`). Call once, before `init`/`listen`.
 */
export function configureApp(app: INestApplication, options: ConfigureAppOptions): void {
  const rootLogger = optional<Logger>(app, ROOT_LOGGER);
  const nestLogger = optional<NestPinoLogger>(app, NestPinoLogger);
  if (nestLogger) {
    app.useLogger(nestLogger);
    // Nest flushes logs buffered during creation only on listen(); tests and scripts never listen.
    app.flushLogs();
  }

  const fastify = app.getHttpAdapter().getInstance() as FastifyInstance;
  fastify.addHook('onRequest', (request, reply, done) => {
    void reply.header(CORRELATION_ID_HEADER, request.id);
    done();
  });
  installRequestTracing(fastify);
  const metrics = optional<MetricsRegistry>(app, MetricsRegistry);
  if (metrics?.enabled) {
    fastify.addHook('onResponse', (request, reply, done) => {
      metrics.observeHttpRequest(
        request.method,
        request.routeOptions.url,
        reply.statusCode,
        reply.elapsedTime / 1000,
      );
      done();
    });
  }

  app.useGlobalFilters(
    new ProblemDetailsFilter({
      statusByCode: options.statusByCode,
      ...(rootLogger ? { logger: rootLogger } : {}),
    }),
  );
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks();
}

function optional<T>(app: INestApplication, token: Type<unknown> | symbol): T | undefined {
  try {
    return app.get<unknown, T>(token, { strict: false });
  } catch {
    return undefined;
  }
}
