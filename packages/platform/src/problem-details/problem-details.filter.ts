import { inspect } from 'node:util';
import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import { DomainError } from '@slo-engine/core';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import {
  PLAIN_HTTP_PROBLEM_TYPE,
  PROBLEM_CONTENT_TYPE,
  type ProblemDetails,
  VALIDATION_ERROR_CODE,
  httpCodeFor,
  httpTitleFor,
  problemTitleFor,
  problemTypeFor,
} from './problem-details';
import { RequestValidationException } from './request-validation.exception';

/** The two log calls the filter makes; a pino `Logger` fits as it is. */
export interface ProblemLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ProblemDetailsFilterOptions {
  /** The app's one table from DomainError code to HTTP status, e.g. `{ 'GRAPH.SERVICE_NOT_FOUND': 404 }`. */
  readonly statusByCode: Readonly<Record<string, number>>;
  /** Where unexpected errors and unmapped codes are reported; Nest's logger by default. */
  readonly logger?: ProblemLogger;
}

export const UNEXPECTED_ERROR_DETAIL = 'An unexpected error occurred';

interface Outcome {
  readonly problem: Omit<ProblemDetails, 'instance' | 'correlationId'>;
  /** `Retry-After` seconds for a temporary condition (503, 429), from `details.retryAfterSeconds`. */
  readonly retryAfterSeconds?: number;
  /** Logged as an error with its stack (server faults), never sent. */
  readonly fault?: unknown;
}

/**
 * The one global exception filter: turns everything thrown while serving a request into an RFC 9457
 * `application/problem+json` answer.
 *
 * - `DomainError` → the status its code maps to, `type` derived from the code, `errors` from
 *   `details.fieldErrors`. An unmapped code is a wiring bug: 500, logged as a warning.
 * - {@link RequestValidationException} (from {@link createValidationPipe}) → 400 with `errors[]`.
 * - Nest `HttpException` (404 unknown route, 405, …) and Fastify's own client errors (413 body
 *   too large, 415, 400 invalid JSON) → the plain HTTP status with `type: about:blank`.
 * - Anything else → 500 with a generic detail; the error and its stack go to the log with the
 *   correlation id, never to the client.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly statusByCode: Readonly<Record<string, number>>;
  private readonly logger: ProblemLogger;

  constructor(options: ProblemDetailsFilterOptions) {
    this.statusByCode = options.statusByCode;
    this.logger = options.logger ?? nestProblemLogger(new Logger(ProblemDetailsFilter.name));
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const correlationId = String(request.id);
    const instance = request.url.split('?')[0] ?? request.url;

    const outcome = this.outcomeFor(exception, correlationId);
    if (outcome.fault !== undefined) {
      const err =
        outcome.fault instanceof Error
          ? outcome.fault
          : new Error(`Non-error thrown: ${inspect(outcome.fault)}`);
      this.logger.error(
        { err, correlationId, method: request.method, instance },
        `Unexpected error while serving ${request.method} ${instance}`,
      );
    }
    const problem: ProblemDetails = { ...outcome.problem, instance, correlationId };
    if (reply.sent) return;
    if (outcome.retryAfterSeconds !== undefined) {
      void reply.header('retry-after', String(Math.max(1, Math.ceil(outcome.retryAfterSeconds))));
    }
    void reply.status(problem.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problem);
  }

  private outcomeFor(exception: unknown, correlationId: string): Outcome {
    if (exception instanceof DomainError) return this.domainOutcome(exception, correlationId);
    if (exception instanceof RequestValidationException) {
      return {
        problem: {
          type: problemTypeFor(VALIDATION_ERROR_CODE),
          title: problemTitleFor(VALIDATION_ERROR_CODE),
          status: HttpStatus.BAD_REQUEST,
          detail: exception.message,
          code: VALIDATION_ERROR_CODE,
          errors: exception.fieldErrors,
        },
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      return {
        problem: plainHttpProblem(status, httpExceptionDetail(exception)),
        fault: status >= 500 ? exception : undefined,
      };
    }
    const clientError = fastifyClientError(exception);
    if (clientError) return { problem: plainHttpProblem(clientError.status, clientError.detail) };
    return { problem: unexpectedProblem(), fault: exception };
  }

  private domainOutcome(error: DomainError, correlationId: string): Outcome {
    const status = this.statusByCode[error.code];
    const fieldErrors = error.details.fieldErrors;
    if (status === undefined) {
      this.logger.warn(
        { code: error.code, correlationId },
        `DomainError code ${error.code} has no HTTP status in statusByCode; answering 500`,
      );
      return { problem: { ...unexpectedProblem(), code: error.code }, fault: error };
    }
    const retryAfter = error.details.retryAfterSeconds;
    return {
      ...(typeof retryAfter === 'number' && Number.isFinite(retryAfter)
        ? { retryAfterSeconds: retryAfter }
        : {}),
      problem: {
        type: problemTypeFor(error.code),
        title: problemTitleFor(error.code),
        status,
        detail: error.message,
        code: error.code,
        ...(fieldErrors && fieldErrors.length > 0 ? { errors: fieldErrors } : {}),
        // RFC 9457 §3.2 extension members the core chose to expose (never overriding the standard ones).
        ...extensionsOf(error.details.extensions),
      },
      // 503 is an expected, temporary condition (a dependency is down): the code says which.
      fault: status >= 500 && status !== 503 ? error : undefined,
    };
  }
}

const STANDARD_MEMBERS = new Set([
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'errors',
  'correlationId',
]);

function extensionsOf(extensions: unknown): Record<string, unknown> {
  if (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions)) return {};
  return Object.fromEntries(
    Object.entries(extensions).filter(([name]) => !STANDARD_MEMBERS.has(name)),
  );
}

function plainHttpProblem(status: number, detail: string): Outcome['problem'] {
  return {
    type: PLAIN_HTTP_PROBLEM_TYPE,
    title: httpTitleFor(status),
    status,
    detail,
    code: httpCodeFor(status),
  };
}

function unexpectedProblem(): Outcome['problem'] {
  return plainHttpProblem(HttpStatus.INTERNAL_SERVER_ERROR, UNEXPECTED_ERROR_DETAIL);
}

function httpExceptionDetail(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  if (typeof message === 'string') return message;
  if (Array.isArray(message)) return message.map(String).join('; ');
  return exception.message;
}

/**
 * Fastify rejects some requests before Nest sees them and Nest passes a few of those through
 * unchanged: the JSON parser's SyntaxError (400, `FST_ERR_CTP_INVALID_JSON_BODY` in some versions)
 * and `FST_ERR_CTP_*` errors (413 body too large, 415 unsupported media type). They carry a 4xx
 * `statusCode` and a client-safe message.
 */
function fastifyClientError(exception: unknown): { status: number; detail: string } | undefined {
  if (!(exception instanceof Error)) return undefined;
  const { statusCode, code } = exception as Error & { statusCode?: unknown; code?: unknown };
  if (typeof statusCode !== 'number' || statusCode < 400 || statusCode > 499) return undefined;
  if (exception instanceof SyntaxError) {
    return {
      status: statusCode,
      detail: `The request body is not valid JSON: ${exception.message}`,
    };
  }
  if (typeof code === 'string' && code.startsWith('FST_')) {
    return { status: statusCode, detail: exception.message };
  }
  return undefined;
}

function nestProblemLogger(logger: Logger): ProblemLogger {
  return {
    warn: (fields, message) => logger.warn(`${message} ${JSON.stringify(fields)}`),
    error: (fields, message) => {
      const { err, ...rest } = fields;
      const stack = err instanceof Error ? err.stack : undefined;
      logger.error(`${message} ${JSON.stringify(rest)}`, stack);
    },
  };
}
