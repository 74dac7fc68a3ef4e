/** Milliseconds since the epoch; injected so tests control time without sleeping. */
export type Clock = () => number;

/** One validation problem: `path` is a JSONPath-like location such as `capabilities[0].slo.availability`. */
export interface FieldError {
  readonly path: string;
  readonly message: string;
}

/** Declared service levels of a capability (spec 002 `slo`). Latencies in ms, availability in (0, 1]. */
export interface CapabilitySlo {
  readonly latency_p50_ms?: number;
  readonly latency_p95_ms?: number;
  readonly latency_p99_ms?: number;
  readonly availability?: number;
  readonly error_budget_pct?: number;
}

/** A worker's bid for economic routing (spec 002 `slo_bid`). */
export interface SloBid {
  readonly latency_ms?: number;
  readonly budget_tokens?: number;
}

/** The extended capability schema of spec 002: seven core fields, the rest optional. */
export interface Capability {
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
  readonly slo?: CapabilitySlo;
  readonly spiffe_id?: string;
  readonly required_capabilities?: readonly string[];
  readonly cost_tokens_per_invocation?: number;
  readonly slo_bid?: SloBid;
  readonly controller_affinity?: string;
}

/** Body of `POST /register` (spec 002). */
export interface WorkerRegistration {
  readonly worker_id: string;
  readonly worker_url: string;
  readonly capabilities: readonly Capability[];
}
