import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { context, propagation } from '@opentelemetry/api';
import {
  ControllerErrorCodes,
  DomainError,
  DomainErrorCodes,
  InvokeCapabilityUseCase,
  WorkerDirectory,
  succeeded,
} from '@slo-engine/core';
import { validateIdempotencyKey } from '@slo-engine/idempotency';
import { ApiProblemResponse, PROBLEM_CONTENT_TYPE, problemTypeFor } from '@slo-engine/platform';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import { ControllerMetrics } from '../controller-metrics';
import { type Caller, CurrentCaller } from '../identity/caller-identity';
import { InvokeRequestDto, InvokeResponseDto } from './invoke.dto';

const FORWARDED_HEADERS = ['traceparent', 'tracestate', 'baggage'] as const;

/** `POST /invoke`: route and forward in one call, with idempotency and SLO enforcement (spec 000). */
@ApiTags('invocation')
@Controller()
export class InvokeController {
  constructor(
    private readonly invoke: InvokeCapabilityUseCase,
    private readonly directory: WorkerDirectory,
    private readonly metrics: ControllerMetrics,
  ) {}

  @Post('invoke')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Route a request to a worker and return its answer',
    description:
      "Forwards request_payload to `POST {worker_url}/invoke` and answers with the worker's status and JSON. With an Idempotency-Key (scoped by caller identity) a completed request is replayed with `Idempotent-Replayed: true` (and spec 000's `X-Idempotent-Replay: true`); the same key with a different request is a 422; while the first is in flight, a 409 with Retry-After. Worker failures (5xx, timeout, connection) answer 502/504 and are never stored, so a retry executes again.",
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: '1–255 printable characters.',
  })
  @ApiOkResponse({ type: InvokeResponseDto })
  @ApiProblemResponse(409, 'The same Idempotency-Key is in flight (Retry-After).')
  @ApiProblemResponse(422, 'The Idempotency-Key was used for a different request.')
  @ApiProblemResponse(502, 'The worker failed (5xx, connection, redirect, invalid answer).')
  @ApiProblemResponse(
    503,
    'No worker available, or a low-priority request shed during an SLO violation (Retry-After).',
  )
  @ApiProblemResponse(504, 'The worker did not answer in time.')
  async handle(
    @Body() body: InvokeRequestDto,
    @Headers('idempotency-key') headerKey: string | undefined,
    @CurrentCaller() caller: Caller,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    const idempotencyKey = this.idempotencyKeyOf(headerKey, body.idempotency_key);
    const key = `${body.verb}:${body.capability}`;
    let output;
    try {
      output = await this.invoke.execute({
        verb: body.verb,
        capability: body.capability,
        payload: body.request_payload,
        priority: body.priority ?? 'normal',
        caller: caller.scope,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        ...(body.routing_key === undefined ? {} : { routingKey: body.routing_key }),
        requester: this.directory.requesterFor(caller.identity),
        ...(body.slo_constraints === undefined ? {} : { sloConstraints: body.slo_constraints }),
        ...(body.budget_tokens === undefined ? {} : { budgetTokens: body.budget_tokens }),
        headers: outboundHeaders(request),
      });
    } catch (error) {
      if (error instanceof DomainError) {
        if (error.code === ControllerErrorCodes.SLO_VIOLATION)
          this.metrics.shed.inc({ capability: key });
        if (error.code === ControllerErrorCodes.NO_WORKER_AVAILABLE)
          this.metrics.routeDecisions.inc({ capability: key, outcome: 'no_worker', side: 'none' });
      }
      throw error;
    }

    if (output.execution === 'replayed') {
      this.metrics.idempotencyHits.inc({ capability: key });
      void reply.header('idempotent-replayed', 'true').header('x-idempotent-replay', 'true');
    } else if (output.route !== undefined && output.outcome !== undefined) {
      this.metrics.routeDecisions.inc({
        capability: key,
        outcome: 'routed',
        side: output.route.canary?.side ?? 'none',
      });
      this.metrics.observeInvocation(
        key,
        output.outcome.durationMs / 1000,
        succeeded(output.outcome),
      );
    }
    const { status, body: answer } = output.response;
    void reply.status(status);
    if (status < 500) return answer;
    // Worker failures become problem documents; their `code` says which.
    const code = String(answer.code);
    void reply.header('content-type', PROBLEM_CONTENT_TYPE);
    return {
      type: problemTypeFor(code),
      title: status === 504 ? 'Worker timeout' : 'Worker failed',
      status,
      instance: request.url.split('?')[0],
      correlationId: String(request.id),
      ...answer,
    };
  }

  private idempotencyKeyOf(
    header: string | undefined,
    fromBody: string | undefined,
  ): string | undefined {
    if (header !== undefined && fromBody !== undefined && header !== fromBody)
      throw new DomainError(
        DomainErrorCodes.INVALID_INPUT,
        'The Idempotency-Key header and idempotency_key differ.',
        {
          fieldErrors: [
            {
              field: 'idempotency_key',
              message: 'must equal the Idempotency-Key header when both are sent',
            },
          ],
        },
      );
    const key = header ?? fromBody;
    if (key === undefined) return undefined;
    try {
      return validateIdempotencyKey(key);
    } catch (error) {
      throw new DomainError(DomainErrorCodes.INVALID_INPUT, 'The Idempotency-Key is invalid.', {
        fieldErrors: [
          {
            field: 'Idempotency-Key',
            message: error instanceof Error ? error.message.replace(/^.*?: /, '') : String(error),
          },
        ],
      });
    }
  }
}

/**
 * Trace context for the worker: the active span's context when the OpenTelemetry SDK is on
 * (the worker's span becomes a child of this request's span), else the caller's headers as
 * they came, so a trace started upstream still reaches the worker. Plus the correlation id.
 */
function outboundHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': String(request.id) };
  for (const name of FORWARDED_HEADERS) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  propagation.inject(context.active(), headers);
  return headers;
}
