export {};
export {
  WorkerAgent,
  type RegistrationEvent,
  type ReregistrationEvent,
  type ReregistrationReason,
  type WorkerAgentMetrics,
  type WorkerAgentOptions,
  type WorkerAgentState,
} from './worker-agent';
export {
  createInvocationHandler,
  type CapabilityHandler,
  type CapabilityKey,
  type InvocationContext,
  type InvocationHandlerOptions,
  type InvocationHandlers,
  type InvocationListener,
  type InvocationProblemCode,
} from './invocation-handler';
export { InvocationError, WorkerSdkError, type WorkerSdkErrorCode } from './errors';
export {
  backoffDelay,
  DEFAULT_BACKOFF,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  retryAfterDelay,
  type BackoffPolicy,
} from './backoff';
export { systemScheduler, type Scheduler } from './scheduler';
export { type ControllerTlsOptions } from './controller-client';
export { SILENT_LOGGER, type WorkerSdkLogger } from './logger';
export {
  PROBLEM_CONTENT_TYPE,
  WORKER_NOT_REGISTERED,
  type InvocationRequestBody,
  type ProblemDetails,
  type ProblemFieldError,
  type RegisterRequestBody,
  type WorkerCapability,
  type WorkerCapabilitySlo,
  type WorkerSloBid,
} from './wire';
