import { type DynamicModule, Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { type Logger } from 'pino';
import { type IncomingMessage } from 'node:http';
import { resolveCorrelationId, CORRELATION_ID_HEADER } from '../correlation/correlation-id';

/** Injection token of the app's root pino logger (the one {@link LoggingModule.forRoot} was given). */
export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

export interface LoggingModuleOptions {
  /** From {@link createLogger}; shared with the problem-details filter by `configureApp`. */
  readonly logger: Logger;
  /** Request paths (exact, without query) that get no "request completed" line, e.g. health probes. */
  readonly quietPaths?: readonly string[];
}

/**
 * nestjs-pino wired to SLO Engine's conventions: one "request completed" line per request with
 * `req.id` (the correlation id, same as the `x-request-id` response header), method, path, status
 * and `responseTime`; every log written while serving a request through Nest's `Logger` or
 * `PinoLogger` carries the same `req` binding and the active `trace_id`/`span_id`.
 */
@Global()
@Module({})
export class LoggingModule {
  static forRoot(options: LoggingModuleOptions): DynamicModule {
    const quiet = new Set(options.quietPaths ?? []);
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger: options.logger,
            // createFastifyApp's genReqId already put the correlation id on the raw request;
            // this fallback only serves apps wired without it.
            genReqId: (req: IncomingMessage) =>
              resolveCorrelationId(req.headers[CORRELATION_ID_HEADER]),
            autoLogging: {
              // Behind Fastify's middleware layer `url` is relative to the mount point;
              // `originalUrl` is the path the client asked for.
              ignore: (req: IncomingMessage & { originalUrl?: string }) =>
                quiet.has((req.originalUrl ?? req.url ?? '').split('?')[0] ?? ''),
            },
            customLogLevel: (_req, res, err) =>
              err !== undefined || res.statusCode >= 500
                ? 'error'
                : res.statusCode >= 400
                  ? 'warn'
                  : 'info',
          },
        }),
      ],
      providers: [{ provide: ROOT_LOGGER, useValue: options.logger }],
      exports: [ROOT_LOGGER],
    };
  }
}
