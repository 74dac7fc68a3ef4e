// The controller's wire shapes (spec 002), declared here rather than imported from
// @slo-engine/registry so the SDK installs with zero dependencies. They are structurally identical
// to the registry's `Capability` and `WorkerRegistration`, so values of either type fit the other.

/** Declared service levels of a capability (spec 002 `slo`). Latencies in ms, availability in (0, 1]. */
export interface WorkerCapabilitySlo {
  readonly latency_p50_ms?: number;
  readonly latency_p95_ms?: number;
  readonly latency_p99_ms?: number;
  readonly availability?: number;
  readonly error_budget_pct?: number;
}

/** A worker's bid for economic routing (spec 002 `slo_bid`). */
export interface WorkerSloBid {
  readonly latency_ms?: number;
  readonly budget_tokens?: number;
}

/** One capability a worker offers: the spec 002 schema, seven core fields and optional extensions. */
export interface WorkerCapability {
  readonly verb: string;
  readonly name: string;
  readonly version: string;
  readonly input_schema: Readonly<Record<string, unknown>>;
  readonly output_schema: Readonly<Record<string, unknown>>;
  readonly requires_gpu: boolean;
  readonly max_concurrency: number;
  readonly runtime?: string;
  readonly env_profile?: string;
  readonly constraints?: Readonly<Record<string, unknown>>;
  readonly slo?: WorkerCapabilitySlo;
  readonly spiffe_id?: string;
  readonly required_capabilities?: readonly string[];
  readonly cost_tokens_per_invocation?: number;
  readonly slo_bid?: WorkerSloBid;
  readonly controller_affinity?: string;
}

/** Body of `POST /register`. */
export interface RegisterRequestBody {
  readonly worker_id: string;
  readonly worker_url: string;
  readonly capabilities: readonly WorkerCapability[];
}

/** One invalid field named by a problem's `errors[]`. */
export interface ProblemFieldError {
  /** The offending field's path; the controller writes `field`, the registry `path`: both are read. */
  readonly field: string;
  readonly message: string;
}

/**
 * An RFC 9457 problem (`application/problem+json`) as the controller and this SDK's invocation
 * handler write it: the standard members plus `code` (stable, machine-readable) and `errors`.
 */
export interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: string;
  readonly instance?: string;
  readonly correlationId?: string;
  readonly errors?: readonly ProblemFieldError[];
}

/** Body the controller POSTs to `${worker_url}/invoke`. */
export interface InvocationRequestBody {
  readonly verb: string;
  readonly capability: string;
  readonly version: string;
  readonly payload: unknown;
}

/** The media type of problem answers. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The `error` value of a heartbeat answer from a controller that does not know the worker. */
export const WORKER_NOT_REGISTERED = 'worker_not_registered';
