import { fingerprint, type IdempotencyService, scopeKey } from '@slo-engine/idempotency';
import { DomainError } from '../../shared/domain-error';
import { type CapabilityRouter, type RouteDecision, type RouteQuery } from '../capability-router';
import { ControllerErrorCodes } from '../controller-errors';
import { type RequestPriority, type SloBook } from '../slo-enforcement/slo-book';
import { type InvocationOutcome, type WorkerInvoker } from '../worker-invoker.port';

export interface InvokeCapabilityInput extends RouteQuery {
  readonly payload: unknown;
  readonly priority: RequestPriority;
  /** Caller identity that scopes idempotency keys (two tenants may use the same key). */
  readonly caller: string;
  readonly idempotencyKey?: string;
  /** Headers passed on to the worker (trace context, correlation id). */
  readonly headers: Readonly<Record<string, string>>;
}

/** The answer the caller gets; stored as is for idempotent replay. */
export interface InvocationResponse {
  /** HTTP status for the caller: the worker's 2xx/4xx, 502/504 when the worker failed. */
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
}

export interface InvokeCapabilityOutput {
  readonly response: InvocationResponse;
  /** `replayed`: served from the idempotency store, nothing was executed. */
  readonly execution: 'executed' | 'replayed';
  /** For metrics and logs at the edge; absent on replay. */
  readonly route?: RouteDecision;
  readonly outcome?: InvocationOutcome;
  /** A dark-launch mirror request in flight (the app may await it in tests). */
  readonly mirror?: Promise<InvocationOutcome>;
}

export interface InvokeCapabilityOptions {
  readonly now: () => number;
  readonly workerTimeoutMs: number;
}

const INVOKE_ROUTE = '/invoke';

/**
 * `POST /invoke` (spec 000 session 3): shed low-priority work while an enforced SLO is violated,
 * deduplicate by idempotency key (scoped by caller), route (canary, filters, round-robin), forward
 * the payload, and record latency and outcome per capability and version for the SLO book.
 * Worker 5xx and transport failures are never stored for replay, so a retry executes again.
 */
export class InvokeCapabilityUseCase {
  constructor(
    private readonly router: CapabilityRouter,
    private readonly invoker: WorkerInvoker,
    private readonly slos: SloBook,
    private readonly idempotency: IdempotencyService<InvocationResponse>,
    private readonly options: InvokeCapabilityOptions,
  ) {}

  async execute(input: InvokeCapabilityInput): Promise<InvokeCapabilityOutput> {
    const key = `${input.verb}:${input.capability}`;
    this.slos.assertAdmitted(key, input.priority, this.options.now());

    if (input.idempotencyKey === undefined) return this.forward(input);

    let executed: InvokeCapabilityOutput | undefined;
    const scoped = scopeKey({
      principal: input.caller,
      method: 'POST',
      route: INVOKE_ROUTE,
      idempotencyKey: input.idempotencyKey,
    });
    const requestFingerprint = fingerprint({
      method: 'POST',
      route: INVOKE_ROUTE,
      body: { verb: input.verb, capability: input.capability, payload: input.payload ?? null },
    });
    const result = await this.idempotency.run(scoped, requestFingerprint, async () => {
      executed = await this.forward(input, input.idempotencyKey);
      return executed.response;
    });
    switch (result.kind) {
      case 'executed':
        return executed as InvokeCapabilityOutput;
      case 'replay':
        return { response: result.response, execution: 'replayed' };
      case 'conflict_in_flight':
        throw new DomainError(
          ControllerErrorCodes.IDEMPOTENCY_IN_FLIGHT,
          'A request with this Idempotency-Key is still being executed; retry after it completes.',
          { retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) },
        );
      case 'mismatch':
        throw new DomainError(
          ControllerErrorCodes.IDEMPOTENCY_KEY_REUSED,
          `This Idempotency-Key was used for a different request (now ${result.recordState}); use a new key for a new request.`,
        );
      case 'store_full':
        throw new DomainError(
          ControllerErrorCodes.IDEMPOTENCY_STORE_FULL,
          'The idempotency store is full of requests in flight; retry shortly.',
          { retryAfterSeconds: Math.max(1, Math.ceil(result.retryAfterMs / 1000)) },
        );
    }
  }

  private async forward(
    input: InvokeCapabilityInput,
    idempotencyKey?: string,
  ): Promise<InvokeCapabilityOutput> {
    const route = this.router.route(input);
    const headers =
      idempotencyKey === undefined
        ? input.headers
        : { ...input.headers, 'idempotency-key': idempotencyKey };
    const send = (target: { workerId: string; workerUrl: string; version: string }) =>
      this.invoker.invoke({
        workerId: target.workerId,
        workerUrl: target.workerUrl,
        verb: input.verb,
        capability: input.capability,
        version: target.version,
        payload: input.payload ?? null,
        headers,
        timeoutMs: this.options.workerTimeoutMs,
      });
    // The mirror runs beside the real request; only its version's SLIs see it.
    const mirror =
      route.mirror === undefined
        ? undefined
        : send(route.mirror).then((outcome) => {
            // Nobody awaits the mirror on the request path: it must never reject.
            try {
              this.slos.recordVersion(
                route.key,
                (route.mirror as { version: string }).version,
                outcome.durationMs,
                succeeded(outcome),
                this.options.now(),
              );
            } catch {
              // A sample the SLO book refuses is lost; the caller's answer does not depend on it.
            }
            return outcome;
          });
    const outcome = await send(route);
    this.slos.record(
      route.key,
      route.version,
      outcome.durationMs,
      succeeded(outcome),
      this.options.now(),
    );
    return {
      response: responseOf(route, outcome),
      execution: 'executed',
      route,
      outcome,
      ...(mirror === undefined ? {} : { mirror }),
    };
  }
}

/** Availability counts the worker's fault only: 5xx and transport failures; 4xx are the caller's. */
export function succeeded(outcome: InvocationOutcome): boolean {
  return outcome.kind === 'response' && outcome.status < 500;
}

function responseOf(route: RouteDecision, outcome: InvocationOutcome): InvocationResponse {
  const about = {
    worker_id: route.workerId,
    version: route.version,
    ...(route.canary === undefined ? {} : { canary: route.canary.side }),
  };
  if (outcome.kind === 'response' && outcome.status < 500)
    return {
      status: outcome.status,
      body: {
        ...about,
        status: outcome.status,
        duration_ms: round(outcome.durationMs),
        result: outcome.body,
      },
    };
  const timeout = outcome.kind === 'failed' && outcome.reason === 'timeout';
  const detail =
    outcome.kind === 'failed'
      ? `${route.workerId} failed: ${outcome.detail}`
      : `${route.workerId} answered ${outcome.status}`;
  // Never stored for replay (5xx): the app renders it as a problem document from `code`.
  return {
    status: timeout ? 504 : 502,
    body: {
      code: timeout ? ControllerErrorCodes.WORKER_TIMEOUT : ControllerErrorCodes.WORKER_FAILED,
      detail,
      ...about,
      ...(outcome.kind === 'failed'
        ? { reason: outcome.reason }
        : { worker_status: outcome.status, worker_body: outcome.body }),
    },
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
