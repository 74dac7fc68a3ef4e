import type { ProblemDetails } from './wire';

/** Stable machine-readable codes of every error the SDK reports or throws. */
export type WorkerSdkErrorCode =
  /** An option handed to `WorkerAgent` or `createInvocationHandler` is missing or out of range. */
  | 'WORKER_SDK.INVALID_OPTION'
  /** No HTTP answer from the controller: refused, reset, DNS, TLS or `requestTimeoutMs` elapsed. Retried. */
  | 'WORKER_SDK.CONTROLLER_UNREACHABLE'
  /** The controller answered 5xx, 408 or 429, or an unreadable 2xx. Retried, honouring Retry-After. */
  | 'WORKER_SDK.CONTROLLER_UNAVAILABLE'
  /** The controller refused the registration (4xx other than 408/429): a configuration error. Fatal. */
  | 'WORKER_SDK.REGISTRATION_REJECTED'
  /** The controller refused a heartbeat (4xx other than 408/429); the agent registers again. */
  | 'WORKER_SDK.HEARTBEAT_REJECTED'
  /** `POST /deregister` during `stop()` failed or timed out; the controller's stale sweep removes the worker. */
  | 'WORKER_SDK.DEREGISTRATION_FAILED'
  /** `stop()` was called before the registration `start()` waited for succeeded. */
  | 'WORKER_SDK.STOPPED';

const PREFIX = '@slo-engine/worker-sdk: ';

/** Everything the agent reports (`onError`, `start()` rejection) or throws. Branch on `code`. */
export class WorkerSdkError extends Error {
  override readonly name = 'WorkerSdkError';
  readonly code: WorkerSdkErrorCode;
  /** True when the agent keeps trying by itself after this error. */
  readonly retryable: boolean;
  /** The controller's HTTP status, when it answered. */
  readonly status: number | undefined;
  /** The controller's problem details, when it answered with one. */
  readonly problem: ProblemDetails | undefined;

  constructor(
    code: WorkerSdkErrorCode,
    message: string,
    details: {
      readonly retryable?: boolean;
      readonly status?: number;
      readonly problem?: ProblemDetails;
      readonly cause?: unknown;
    } = {},
  ) {
    super(PREFIX + message, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.retryable = details.retryable ?? false;
    this.status = details.status;
    this.problem = details.problem;
  }
}

/**
 * Thrown by a capability handler to answer a specific problem instead of a generic 500: its
 * `status`, `code`, `detail` and `errors` reach the caller as they are, so put nothing secret in them.
 *
 * ```ts
 * throw new InvocationError(422, 'GREET.NAME_TOO_LONG', 'name has more than 64 characters');
 * ```
 */
export class InvocationError extends Error {
  override readonly name = 'InvocationError';
  readonly status: number;
  readonly code: string;
  readonly errors: readonly { readonly field: string; readonly message: string }[];

  constructor(
    status: number,
    code: string,
    detail: string,
    errors: readonly { readonly field: string; readonly message: string }[] = [],
  ) {
    super(detail);
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new WorkerSdkError(
        'WORKER_SDK.INVALID_OPTION',
        `InvocationError status must be an integer in [400, 599], got ${String(status)}`,
      );
    }
    this.status = status;
    this.code = code;
    this.errors = errors;
  }
}
