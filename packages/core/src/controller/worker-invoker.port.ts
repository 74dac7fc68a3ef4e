/** One forwarded invocation: `POST {workerUrl}/invoke` with `{ verb, capability, version, payload }`. */
export interface WorkerInvocation {
  readonly workerId: string;
  readonly workerUrl: string;
  readonly verb: string;
  readonly capability: string;
  readonly version: string;
  readonly payload: unknown;
  /** Headers to pass on: `traceparent`/`tracestate`, `idempotency-key`, `x-correlation-id`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
}

/** Why an invocation got no usable HTTP answer. */
export type InvocationFailureReason =
  | 'timeout'
  | 'connection_failed'
  | 'forbidden_address'
  | 'redirect_refused'
  | 'response_too_large'
  | 'invalid_response';

export type InvocationOutcome =
  | {
      readonly kind: 'response';
      /** The worker's status code (redirects are never followed; 3xx arrive as `redirect_refused`). */
      readonly status: number;
      /** The parsed JSON body, or `null` for an empty body. */
      readonly body: unknown;
      readonly durationMs: number;
    }
  | {
      readonly kind: 'failed';
      readonly reason: InvocationFailureReason;
      readonly detail: string;
      readonly durationMs: number;
    };

/** Sends an invocation to a worker. Never throws for worker or network failures: it answers `failed`. */
export abstract class WorkerInvoker {
  abstract invoke(invocation: WorkerInvocation): Promise<InvocationOutcome>;
}
