/**
 * The HTTP side of the Prometheus telemetry source (spec 004 §6.1): PromQL over the Prometheus (or
 * Mimir) HTTP API with bearer or basic auth, a timeout per request, retries with jittered
 * exponential backoff on transient failures only, and a circuit breaker (cockatiel) over single
 * attempts. Queries are POSTed form-encoded, so no URL length limit applies to them.
 */
import { performance } from 'node:perf_hooks';
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  DelegateBackoff,
  circuitBreaker,
  handleWhen,
  retry,
  type CircuitBreakerPolicy,
  type IRetryBackoffContext,
  type RetryPolicy,
} from 'cockatiel';
import { DomainError, TelemetryUnavailableError, type TelemetryHealth } from '@slo-engine/core';
import {
  badResponse,
  excerpt,
  parseMatrix,
  parseVector,
  unwrapEnvelope,
  type MatrixSeries,
  type VectorSample,
} from './prometheus-response';

export type PrometheusAuth =
  | { readonly type: 'bearer'; readonly token: string }
  | { readonly type: 'basic'; readonly username: string; readonly password: string };

export interface PrometheusRetryOptions {
  /** Retries after the first attempt (default 3: four attempts in all). */
  readonly maxRetries?: number;
  /** Delay before the first retry, doubled for each next one (default 1000: 1 s, 2 s, 4 s). */
  readonly initialDelayMs?: number;
  /** Upper bound of one delay (default 30000). */
  readonly maxDelayMs?: number;
  /** Each delay is scaled by a random factor in [1 − jitter, 1 + jitter] (default 0.2). */
  readonly jitter?: number;
}

export interface PrometheusCircuitBreakerOptions {
  /** Consecutive failed attempts that open the breaker (default 10). */
  readonly consecutiveFailures?: number;
  /** How long it stays open before one probe may pass (default 30000). */
  readonly halfOpenAfterMs?: number;
}

/** Why a query failed, for metrics (`slo_engine_prometheus_query_errors_total{kind}`). */
export type PrometheusErrorKind =
  'timeout' | 'network' | 'http_429' | 'http_5xx' | 'http_4xx' | 'bad_response' | 'circuit_open';

/** One query, retries included, as the observer sees it. */
export interface PrometheusQueryEvent {
  /** What the query was for, e.g. `request_counts` (a small fixed set: fine as a metric label). */
  readonly purpose: string;
  readonly endpoint: 'query' | 'query_range';
  /** From the first attempt to the answer or the final error, backoff delays included. */
  readonly durationSeconds: number;
  readonly outcome: 'ok' | 'error';
  readonly errorKind?: PrometheusErrorKind;
  /** HTTP requests made (0 when the breaker rejected the query). */
  readonly attempts: number;
}

/** Framework-free hook so the app can feed its metrics; exceptions it throws are ignored. */
export interface PrometheusQueryObserver {
  onQuery(event: PrometheusQueryEvent): void;
}

export interface PrometheusHttpOptions {
  /** Base URL of the Prometheus API, e.g. `http://prometheus:9090` or `http://mimir/prometheus`. */
  readonly url: string;
  /** Credentials in the URL (`http://user:pass@host`) are taken as basic auth when this is unset. */
  readonly auth?: PrometheusAuth;
  /** Extra request headers, e.g. `{ 'X-Scope-OrgID': 'team-a' }` for a multi-tenant Mimir. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Per HTTP request, body included (default 10000). Also sent as the query's `timeout`. */
  readonly timeoutMs?: number;
  readonly retry?: PrometheusRetryOptions;
  readonly circuitBreaker?: PrometheusCircuitBreakerOptions;
  /** Uniform on [0, 1), for the backoff jitter (default Math.random; inject a seeded one in tests). */
  readonly random?: () => number;
  readonly observer?: PrometheusQueryObserver;
  /** The fetch to use (default the global one). */
  readonly fetch?: typeof fetch;
}

export const PROMETHEUS_HTTP_DEFAULTS = Object.freeze({
  timeoutMs: 10_000,
  maxRetries: 3,
  initialDelayMs: 1_000,
  maxDelayMs: 30_000,
  jitter: 0.2,
  consecutiveFailures: 10,
  halfOpenAfterMs: 30_000,
});

/** A failure worth retrying: no answer, or an answer that says "not now" (429, 5xx). */
class TransientPrometheusError extends Error {
  override readonly name = 'TransientPrometheusError';

  constructor(
    message: string,
    readonly kind: 'timeout' | 'network' | 'http_429' | 'http_5xx',
    readonly retryAfterMs?: number,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

const isTransient = (error: unknown): boolean => error instanceof TransientPrometheusError;

type Attempt<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

const HEADER_SAFE = /^[\t\x20-\x7e\x80-\xff]*$/;

function positive(
  value: number | undefined,
  fallback: number,
  name: string,
  allowZero = false,
): number {
  const result = value ?? fallback;
  if (!Number.isFinite(result) || result < 0 || (!allowZero && result === 0)) {
    throw new Error(
      `PrometheusHttpClient: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} number, got ${result}`,
    );
  }
  return result;
}

/** Seconds since the epoch with millisecond precision, as the API's time parameters take them. */
export function apiTime(ms: number): string {
  return (ms / 1000).toFixed(3);
}

export class PrometheusHttpClient {
  private readonly baseUrl: string;
  private readonly displayUrl: string;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly timeoutMs: number;
  private readonly halfOpenAfterMs: number;
  private readonly fetchFn: typeof fetch;
  private readonly observer?: PrometheusQueryObserver;
  private readonly retryPolicy: RetryPolicy;
  private readonly breaker: CircuitBreakerPolicy;
  private openedAt = 0;

  constructor(options: PrometheusHttpOptions) {
    let url: URL;
    try {
      url = new URL(options.url);
    } catch {
      throw new Error('PrometheusHttpClient: url is not a valid URL');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new Error(`PrometheusHttpClient: url must be http or https, got ${url.protocol}`);
    }
    let auth = options.auth;
    if (url.username !== '' || url.password !== '') {
      auth ??= {
        type: 'basic',
        username: decodeURIComponent(url.username),
        password: decodeURIComponent(url.password),
      };
      url.username = '';
      url.password = '';
    }
    url.search = '';
    url.hash = '';
    this.baseUrl = url.toString().replace(/\/+$/, '');
    this.displayUrl = this.baseUrl;

    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': 'slo-engine',
    };
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || !HEADER_SAFE.test(value)) {
        throw new Error(
          `PrometheusHttpClient: header ${JSON.stringify(name)} is not a valid header`,
        );
      }
      headers[name.toLowerCase()] = value;
    }
    if (auth) headers.authorization = authorizationOf(auth);
    this.headers = Object.freeze(headers);

    this.timeoutMs = positive(options.timeoutMs, PROMETHEUS_HTTP_DEFAULTS.timeoutMs, 'timeoutMs');
    const maxRetries = positive(
      options.retry?.maxRetries,
      PROMETHEUS_HTTP_DEFAULTS.maxRetries,
      'retry.maxRetries',
      true,
    );
    if (!Number.isInteger(maxRetries))
      throw new Error('PrometheusHttpClient: retry.maxRetries must be an integer');
    const initialDelayMs = positive(
      options.retry?.initialDelayMs,
      PROMETHEUS_HTTP_DEFAULTS.initialDelayMs,
      'retry.initialDelayMs',
      true,
    );
    const maxDelayMs = positive(
      options.retry?.maxDelayMs,
      PROMETHEUS_HTTP_DEFAULTS.maxDelayMs,
      'retry.maxDelayMs',
      true,
    );
    const jitter = positive(
      options.retry?.jitter,
      PROMETHEUS_HTTP_DEFAULTS.jitter,
      'retry.jitter',
      true,
    );
    if (jitter > 1)
      throw new Error(`PrometheusHttpClient: retry.jitter must be at most 1, got ${jitter}`);
    const consecutiveFailures = positive(
      options.circuitBreaker?.consecutiveFailures,
      PROMETHEUS_HTTP_DEFAULTS.consecutiveFailures,
      'circuitBreaker.consecutiveFailures',
    );
    this.halfOpenAfterMs = positive(
      options.circuitBreaker?.halfOpenAfterMs,
      PROMETHEUS_HTTP_DEFAULTS.halfOpenAfterMs,
      'circuitBreaker.halfOpenAfterMs',
    );
    const random = options.random ?? Math.random;
    this.fetchFn = options.fetch ?? globalThis.fetch;
    this.observer = options.observer;

    // Retries wrap the breaker: every attempt counts towards the consecutive failures, and an open
    // breaker (BrokenCircuitError, not transient) ends the retries at once.
    this.retryPolicy = retry(handleWhen(isTransient), {
      maxAttempts: maxRetries,
      backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
        const exponential = Math.min(maxDelayMs, initialDelayMs * 2 ** (context.attempt - 1));
        const jittered = exponential * (1 - jitter + 2 * jitter * random());
        const failure = 'error' in context.result ? context.result.error : undefined;
        const asked = failure instanceof TransientPrometheusError ? (failure.retryAfterMs ?? 0) : 0;
        return Math.round(Math.max(jittered, Math.min(asked, maxDelayMs)));
      }),
    });
    this.breaker = circuitBreaker(handleWhen(isTransient), {
      halfOpenAfter: this.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(consecutiveFailures),
    });
    this.breaker.onBreak(() => {
      this.openedAt = Date.now();
    });
  }

  /** The breaker's state: `closed`, `open` (rejecting) or `half-open` (one probe in flight). */
  get circuitState(): 'closed' | 'open' | 'half-open' | 'isolated' {
    switch (this.breaker.state) {
      case CircuitState.Closed:
        return 'closed';
      case CircuitState.Open:
        return 'open';
      case CircuitState.HalfOpen:
        return 'half-open';
      default:
        return 'isolated';
    }
  }

  /** An instant query evaluated at `time` (`/api/v1/query`); the result must be a vector. */
  query(purpose: string, promql: string, time: Date | number): Promise<VectorSample[]> {
    const params = new URLSearchParams({ query: promql, time: apiTime(+time) });
    return this.run(purpose, 'query', params, parseVector);
  }

  /**
   * A range query (`/api/v1/query_range`) evaluated at start, start + step, … ≤ end (times in epoch
   * milliseconds). The caller keeps (end − start) / step + 1 within Prometheus' 11,000 points.
   */
  queryRange(
    purpose: string,
    promql: string,
    startMs: number,
    endMs: number,
    stepMs: number,
  ): Promise<MatrixSeries[]> {
    const params = new URLSearchParams({
      query: promql,
      start: apiTime(startMs),
      end: apiTime(endMs),
      step: (stepMs / 1000).toString(),
    });
    return this.run(purpose, 'query_range', params, parseMatrix);
  }

  /**
   * Whether Prometheus answers: `/api/v1/status/buildinfo` (Prometheus and Mimir), else `/-/ready`.
   * One attempt, outside the retries and the breaker; never throws.
   */
  async checkHealth(): Promise<TelemetryHealth> {
    const breakerNote =
      this.breaker.state === CircuitState.Open
        ? `; circuit breaker open, next probe in ${this.secondsUntilProbe()} s`
        : '';
    try {
      const info = await this.send('GET', '/api/v1/status/buildinfo');
      if (info.status >= 200 && info.status < 300) {
        const data = unwrapEnvelope(parseJson(info.text, info.status), info.status) as
          { version?: unknown } | undefined;
        const version = typeof data?.version === 'string' ? ` ${data.version}` : '';
        return {
          ok: true,
          detail: `Prometheus${version} answers at ${this.displayUrl}${breakerNote}`,
        };
      }
      if (info.status === 404) {
        const ready = await this.send('GET', '/-/ready');
        if (ready.status >= 200 && ready.status < 300) {
          return { ok: true, detail: `Prometheus is ready at ${this.displayUrl}${breakerNote}` };
        }
        return {
          ok: false,
          detail: `Prometheus at ${this.displayUrl} is not ready: HTTP ${ready.status} ${excerpt(ready.text, 200)}`,
        };
      }
      return {
        ok: false,
        detail: `Prometheus at ${this.displayUrl} answered HTTP ${info.status}: ${excerpt(info.text, 200)}`,
      };
    } catch (error) {
      return {
        ok: false,
        detail: `Prometheus at ${this.displayUrl} does not answer: ${(error as Error).message}${breakerNote}`,
      };
    }
  }

  private async run<T>(
    purpose: string,
    endpoint: 'query' | 'query_range',
    params: URLSearchParams,
    parse: (data: unknown) => T,
  ): Promise<T> {
    params.set('timeout', (this.timeoutMs / 1000).toString());
    const started = performance.now();
    let attempts = 0;
    const report = (outcome: 'ok' | 'error', errorKind?: PrometheusErrorKind): void => {
      try {
        this.observer?.onQuery({
          purpose,
          endpoint,
          durationSeconds: (performance.now() - started) / 1000,
          outcome,
          ...(errorKind ? { errorKind } : {}),
          attempts,
        });
      } catch {
        // An observer must not break queries.
      }
    };
    try {
      // A definite answer (2xx, or a 4xx that says the query is wrong) is a success for the
      // breaker: Prometheus is up. It travels out as a value and is thrown after the policies.
      const attempt: Attempt<T> = await this.retryPolicy.execute(() =>
        this.breaker.execute(async (): Promise<Attempt<T>> => {
          attempts += 1;
          try {
            return { ok: true, value: await this.post(endpoint, params, parse) };
          } catch (error) {
            if (isTransient(error)) throw error;
            return { ok: false, error };
          }
        }),
      );
      if (!attempt.ok) throw attempt.error;
      report('ok');
      return attempt.value;
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        report('error', 'circuit_open');
        throw new TelemetryUnavailableError(
          `Prometheus is unavailable: its circuit breaker is open after repeated failures (${purpose} not queried).`,
          this.secondsUntilProbe(),
          error,
        );
      }
      if (error instanceof TransientPrometheusError) {
        report('error', error.kind);
        throw new TelemetryUnavailableError(
          `Prometheus did not answer ${purpose} after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${error.message}`,
          this.secondsUntilProbe(),
          error,
        );
      }
      const status = error instanceof DomainError ? error.details.httpStatus : undefined;
      report(
        'error',
        typeof status === 'number' && status >= 400 && status < 500 ? 'http_4xx' : 'bad_response',
      );
      throw error;
    }
  }

  /** Until the breaker lets a probe through; otherwise its half-open time, a sensible pause. */
  private secondsUntilProbe(): number {
    const remaining =
      this.breaker.state === CircuitState.Open
        ? this.openedAt + this.halfOpenAfterMs - Date.now()
        : this.halfOpenAfterMs;
    return Math.max(1, Math.ceil(remaining / 1000));
  }

  private async post<T>(
    endpoint: 'query' | 'query_range',
    params: URLSearchParams,
    parse: (data: unknown) => T,
  ): Promise<T> {
    const answer = await this.send('POST', `/api/v1/${endpoint}`, params);
    const { status, text } = answer;
    if (status === 429 || status >= 500) {
      const detail = errorText(text);
      throw new TransientPrometheusError(
        `HTTP ${status}${detail ? `: ${detail}` : ''}`,
        status === 429 ? 'http_429' : 'http_5xx',
        retryAfterMs(answer.retryAfter),
      );
    }
    if (status >= 300 && status < 400) {
      throw badResponse(
        `Prometheus answered a redirect (HTTP ${status}); set its URL to where it redirects (credentials are not sent on).`,
        { httpStatus: status },
      );
    }
    if (status === 401 || status === 403) {
      throw badResponse(
        `Prometheus refused the credentials (HTTP ${status}): ${excerpt(errorText(text) ?? text, 200)}`,
        {
          httpStatus: status,
        },
      );
    }
    // 2xx, and 4xx whose body explains the error (400 bad_data, 422 execution, 404 wrong path).
    return parse(unwrapEnvelope(parseJson(text, status), status));
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    body?: URLSearchParams,
  ): Promise<{ status: number; text: string; retryAfter: string | null }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const response = await this.fetchFn(`${this.baseUrl}${path}`, {
        method,
        headers: body
          ? { ...this.headers, 'content-type': 'application/x-www-form-urlencoded' }
          : this.headers,
        body: body?.toString(),
        redirect: 'manual',
        signal: controller.signal,
      });
      const text = await response.text();
      return { status: response.status, text, retryAfter: response.headers.get('retry-after') };
    } catch (error) {
      if (controller.signal.aborted) {
        throw new TransientPrometheusError(
          `timed out after ${this.timeoutMs} ms`,
          'timeout',
          undefined,
          error,
        );
      }
      const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
      const reason = typeof cause?.code === 'string' ? cause.code : (error as Error).message;
      throw new TransientPrometheusError(`network error (${reason})`, 'network', undefined, error);
    } finally {
      clearTimeout(timer);
    }
  }
}

function authorizationOf(auth: PrometheusAuth): string {
  if (auth.type === 'bearer') {
    if (!auth.token || !HEADER_SAFE.test(auth.token) || /[\t]/.test(auth.token)) {
      throw new Error('PrometheusHttpClient: auth.token is empty or contains control characters');
    }
    return `Bearer ${auth.token}`;
  }
  if (auth.type === 'basic') {
    if (auth.username.includes(':'))
      throw new Error('PrometheusHttpClient: a basic-auth username cannot contain ":"');
    return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
  }
  throw new Error('PrometheusHttpClient: auth.type must be "bearer" or "basic"');
}

function parseJson(text: string, status: number): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badResponse(
      `Prometheus answered HTTP ${status} that is not JSON: ${excerpt(text, 200) || '(empty body)'}`,
      {
        httpStatus: status,
      },
    );
  }
}

/** Prometheus' `error` field when the body is its JSON envelope, else a short excerpt. */
function errorText(text: string): string | undefined {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    if (typeof body.error === 'string') return excerpt(body.error);
  } catch {
    // not JSON
  }
  return text.trim() === '' ? undefined : excerpt(text, 200);
}

/** `Retry-After` in seconds (dates are ignored: clocks differ). */
function retryAfterMs(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Number(header.trim()) * 1000;
}
