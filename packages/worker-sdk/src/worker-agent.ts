import {
  backoffDelay,
  type BackoffPolicy,
  DEFAULT_BACKOFF,
  parseRetryAfter,
  retryAfterDelay,
} from './backoff';
import {
  type ControllerAnswer,
  ControllerClient,
  type ControllerTlsOptions,
} from './controller-client';
import { WorkerSdkError, type WorkerSdkErrorCode } from './errors';
import { SILENT_LOGGER, type WorkerSdkLogger } from './logger';
import { pause, type Scheduler, systemScheduler } from './scheduler';
import {
  type ProblemDetails,
  type ProblemFieldError,
  type RegisterRequestBody,
  type WorkerCapability,
  WORKER_NOT_REGISTERED,
} from './wire';

/**
 * - `starting`: `start()` was called, the first registration has not succeeded yet (the controller
 *   may be down: the agent is backing off).
 * - `registered`: the controller accepted the registration and the last heartbeat, if any.
 * - `reconnecting`: registered before, now a heartbeat failed or the controller forgot the worker;
 *   the agent is retrying or registering again.
 * - `stopped`: not running: before `start()`, after `stop()`, or after a rejected registration.
 */
export type WorkerAgentState = 'starting' | 'registered' | 'reconnecting' | 'stopped';

/** Why the agent registered again after a first success. */
export type ReregistrationReason =
  /** A heartbeat answered `worker_not_registered`: the controller restarted or swept the worker. */
  | 'worker_not_registered'
  /** A heartbeat was refused with a 4xx; registering again lets the controller say what it wants. */
  | 'heartbeat_rejected';

/** Passed to `onRegistered` (first success) and `onReregistered` (later ones). */
export interface RegistrationEvent {
  readonly workerId: string;
  /** Successful registrations by this agent, this one included. */
  readonly registrations: number;
}

export interface ReregistrationEvent extends RegistrationEvent {
  readonly reason: ReregistrationReason;
}

export interface WorkerAgentOptions {
  /** Base URL of the controller, e.g. `https://controller.internal:9000`; a path prefix is kept. */
  readonly controllerUrl: string;
  /** Unique id of this worker instance, e.g. `worker-streaming-7f9c`. */
  readonly workerId: string;
  /** Where the controller reaches this worker; it POSTs invocations to `${workerUrl}/invoke`. */
  readonly workerUrl: string;
  /** What the worker offers. The controller validates the full schema and answers 422 if it disagrees. */
  readonly capabilities: readonly WorkerCapability[];
  /** Wait between the end of one heartbeat and the next. Default 30 000 (spec 002). */
  readonly heartbeatIntervalMs?: number;
  /** Deadline of each request to the controller. Default 5 000. */
  readonly requestTimeoutMs?: number;
  /** Deadline of the `POST /deregister` that `stop()` sends. Default 5 000. */
  readonly stopTimeoutMs?: number;
  /** Retry waits after failures; full jitter. Default `{ initialMs: 500, maxMs: 30_000 }`. */
  readonly backoff?: Partial<BackoffPolicy>;
  /** `true` (default): `start()` resolves once registered. `false`: it resolves at once, the agent keeps trying. */
  readonly waitForRegistration?: boolean;
  /** CA and client certificate for (m)TLS to an `https` controller. */
  readonly tls?: ControllerTlsOptions;
  /** Where the agent writes what it does. Default: silent. */
  readonly logger?: WorkerSdkLogger;
  /** Timers, randomness and time; override parts of it in tests. Default: Node's. */
  readonly scheduler?: Partial<Scheduler>;
  /** The first registration after `start()` succeeded. */
  readonly onRegistered?: (event: RegistrationEvent) => void;
  /** A later registration succeeded (after a controller restart, for instance). */
  readonly onReregistered?: (event: ReregistrationEvent) => void;
  /** Every failure; `error.retryable` says whether the agent keeps trying by itself. */
  readonly onError?: (error: WorkerSdkError) => void;
}

/** A snapshot of the agent's counters, for a worker's own metrics or health endpoint. */
export interface WorkerAgentMetrics {
  readonly state: WorkerAgentState;
  /** Successful registrations, re-registrations included. */
  readonly registrations: number;
  readonly reregistrations: number;
  /** Registration attempts that failed, for whatever reason. */
  readonly registrationFailures: number;
  readonly heartbeatsOk: number;
  /** Heartbeats that were not acknowledged, `worker_not_registered` answers included. */
  readonly heartbeatsFailed: number;
  /** Failures since the last success; drives the backoff. */
  readonly consecutiveFailures: number;
  /** Scheduler time (ms since the epoch) of the last successful registration. */
  readonly lastRegisteredAt: number | undefined;
  /** Scheduler time of the last acknowledged heartbeat. */
  readonly lastHeartbeatAt: number | undefined;
  readonly lastError:
    | { readonly code: WorkerSdkErrorCode; readonly message: string; readonly at: number }
    | undefined;
}

/** One `start()`…`stop()` cycle; a later `start()` gets a fresh one, so a late answer of an old cycle touches nothing. */
interface Run {
  readonly abort: AbortController;
  readonly client: ControllerClient;
  /** A registration was sent and not refused since: `stop()` must deregister. */
  mayBeRegistered: boolean;
  registeredOnce: boolean;
  loop: Promise<void>;
  started: Promise<void>;
  resolveStart: (() => void) | undefined;
  rejectStart: ((error: unknown) => void) | undefined;
}

/** What one request came to, from the loop's point of view. */
type Step =
  | { readonly kind: 'ok' }
  | { readonly kind: 'not_registered' }
  | { readonly kind: 'retry'; readonly error: WorkerSdkError; readonly retryAfterMs?: number }
  | { readonly kind: 'rejected'; readonly error: WorkerSdkError }
  | { readonly kind: 'aborted' };

const MAX_IDENTIFIER_LENGTH = 256;

/**
 * Keeps one worker registered with the SLO Engine controller (spec 002): registers on `start()`,
 * heartbeats, registers again the moment the controller says it forgot the worker (a restart),
 * backs off with full jitter while the controller is unreachable, honours Retry-After, stops on a
 * refused registration (a configuration error) and deregisters on `stop()`.
 */
export class WorkerAgent {
  readonly workerId: string;
  private readonly registration: RegisterRequestBody;
  private readonly controllerUrl: URL;
  private readonly tls: ControllerTlsOptions | undefined;
  private readonly heartbeatIntervalMs: number;
  private readonly requestTimeoutMs: number;
  private readonly stopTimeoutMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly waitForRegistration: boolean;
  private readonly logger: WorkerSdkLogger;
  private readonly scheduler: Scheduler;
  private readonly callbacks: Pick<
    WorkerAgentOptions,
    'onRegistered' | 'onReregistered' | 'onError'
  >;

  private currentState: WorkerAgentState = 'stopped';
  private run: Run | undefined;
  private stopping: Promise<void> | undefined;
  private counters = {
    registrations: 0,
    reregistrations: 0,
    registrationFailures: 0,
    heartbeatsOk: 0,
    heartbeatsFailed: 0,
    consecutiveFailures: 0,
    lastRegisteredAt: undefined as number | undefined,
    lastHeartbeatAt: undefined as number | undefined,
    lastError: undefined as WorkerAgentMetrics['lastError'],
  };

  /** @throws WorkerSdkError `WORKER_SDK.INVALID_OPTION` naming the bad option. */
  constructor(options: WorkerAgentOptions) {
    this.controllerUrl = parseControllerUrl(options.controllerUrl);
    this.workerId = requireIdentifier(options.workerId, 'workerId');
    parseHttpUrl(options.workerUrl, 'workerUrl');
    requireCapabilities(options.capabilities);
    this.heartbeatIntervalMs = positiveDuration(
      options.heartbeatIntervalMs,
      30_000,
      'heartbeatIntervalMs',
    );
    this.requestTimeoutMs = positiveDuration(options.requestTimeoutMs, 5_000, 'requestTimeoutMs');
    this.stopTimeoutMs = positiveDuration(options.stopTimeoutMs, 5_000, 'stopTimeoutMs');
    this.backoff = {
      initialMs: positiveDuration(
        options.backoff?.initialMs,
        DEFAULT_BACKOFF.initialMs,
        'backoff.initialMs',
      ),
      maxMs: positiveDuration(options.backoff?.maxMs, DEFAULT_BACKOFF.maxMs, 'backoff.maxMs'),
    };
    if (this.backoff.maxMs < this.backoff.initialMs) {
      throw invalidOption('backoff.maxMs must be at least backoff.initialMs');
    }
    this.tls = checkTls(options.tls, this.controllerUrl);
    this.waitForRegistration = options.waitForRegistration ?? true;
    this.logger = options.logger ?? SILENT_LOGGER;
    this.scheduler = withDefaults(options.scheduler);
    this.callbacks = {
      onRegistered: options.onRegistered,
      onReregistered: options.onReregistered,
      onError: options.onError,
    };
    // Serialised once, now: a capability that cannot become JSON (a BigInt, a cycle) is a
    // configuration error to report at construction, not a mystery inside the retry loop; the
    // copy also keeps later mutations of the caller's objects out of re-registrations.
    try {
      this.registration = JSON.parse(
        JSON.stringify({
          worker_id: this.workerId,
          worker_url: options.workerUrl,
          capabilities: options.capabilities,
        }),
      ) as RegisterRequestBody;
    } catch (error) {
      throw invalidOption(`capabilities cannot be serialised to JSON: ${describe(error)}`);
    }
  }

  get state(): WorkerAgentState {
    return this.currentState;
  }

  /**
   * Starts registering and heartbeating. With `waitForRegistration` (default) the promise resolves
   * once the controller accepted the registration, however long an outage lasts, and rejects with
   * `WORKER_SDK.REGISTRATION_REJECTED` (a configuration error) or `WORKER_SDK.STOPPED`. Calling it
   * again while running returns the same promise; after `stop()` it starts a new cycle.
   */
  start(): Promise<void> {
    if (this.run) return this.run.started;
    if (this.stopping) return this.stopping.then(() => this.start());

    const run: Run = {
      abort: new AbortController(),
      client: new ControllerClient(this.controllerUrl, this.tls, 'slo-engine-worker-sdk'),
      mayBeRegistered: false,
      registeredOnce: false,
      loop: Promise.resolve(),
      started: Promise.resolve(),
      resolveStart: undefined,
      rejectStart: undefined,
    };
    if (this.waitForRegistration) {
      run.started = new Promise<void>((resolve, reject) => {
        run.resolveStart = resolve;
        run.rejectStart = reject;
      });
    }
    this.run = run;
    this.counters.consecutiveFailures = 0;
    this.setState(run, 'starting');
    this.logger.info(
      { workerId: this.workerId, controllerUrl: this.controllerUrl.href },
      'worker agent starting',
    );
    run.loop = this.loop(run).catch((error: unknown) => {
      // The loop handles every answer itself; reaching here is a defect, so fail loudly and stop.
      this.logger.error({ workerId: this.workerId, err: error }, 'worker agent loop crashed');
      this.halt(run, error);
    });
    return run.started;
  }

  /**
   * Stops the loop, aborts a request in flight and sends `POST /deregister` (bounded by
   * `stopTimeoutMs`) if the controller may know the worker. Never throws; a failed deregistration is
   * logged and reported to `onError` (the controller's stale sweep removes the worker anyway).
   */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    const run = this.run;
    if (!run) {
      this.currentState = 'stopped';
      return Promise.resolve();
    }
    this.run = undefined;
    this.currentState = 'stopped';
    run.abort.abort();
    run.rejectStart?.(
      new WorkerSdkError(
        'WORKER_SDK.STOPPED',
        'stop() was called before the registration succeeded',
      ),
    );
    this.stopping = this.finishStop(run).finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  /** A copy of the counters; cheap, call it from a metrics scrape. */
  metrics(): WorkerAgentMetrics {
    return { state: this.currentState, ...this.counters };
  }

  private async loop(run: Run): Promise<void> {
    const signal = run.abort.signal;
    let next: 'register' | 'heartbeat' = 'register';
    let reason: ReregistrationReason = 'worker_not_registered';

    while (!signal.aborted) {
      let waitMs = 0;
      if (next === 'register') {
        const step = await this.register(run);
        if (step.kind === 'aborted' || signal.aborted) return;
        if (step.kind === 'rejected') {
          // Stopped first, reported second: an onError handler reading `state` sees the outcome.
          this.halt(run, step.error);
          this.report(step.error);
          return;
        }
        if (step.kind === 'ok') {
          this.registered(run, reason);
          next = 'heartbeat';
          waitMs = this.heartbeatIntervalMs;
        } else if (step.kind === 'retry') {
          waitMs = this.retryWait(step);
        }
      } else {
        const step = await this.heartbeat(run);
        if (step.kind === 'aborted' || signal.aborted) return;
        if (step.kind === 'ok') {
          waitMs = this.heartbeatIntervalMs;
        } else if (step.kind === 'not_registered') {
          // spec 002 recovery flow: the controller restarted (or swept us); register at once so
          // routing recovers within one heartbeat cycle.
          next = 'register';
          reason = 'worker_not_registered';
        } else if (step.kind === 'rejected') {
          next = 'register';
          reason = 'heartbeat_rejected';
        } else if (step.kind === 'retry') {
          waitMs = this.retryWait(step);
        }
      }
      if (waitMs > 0) await pause(this.scheduler, waitMs, signal);
    }
  }

  private async register(run: Run): Promise<Step> {
    run.mayBeRegistered = true;
    const answer = await run.client.post('/register', this.registration, {
      timeoutMs: this.requestTimeoutMs,
      signal: run.abort.signal,
    });
    let step = this.interpret(answer, 'register');
    if (step.kind === 'ok' || step.kind === 'aborted') return step;
    if (step.kind === 'not_registered') step = { kind: 'retry', error: unexpectedNotRegistered() };
    this.counters.registrationFailures += 1;
    if (step.kind === 'rejected') {
      run.mayBeRegistered = false;
      return step; // the loop halts, then reports
    }
    this.setState(run, run.registeredOnce ? 'reconnecting' : 'starting');
    this.report(step.error);
    return step;
  }

  private async heartbeat(run: Run): Promise<Step> {
    const answer = await run.client.post(
      '/heartbeat',
      { worker_id: this.workerId },
      { timeoutMs: this.requestTimeoutMs, signal: run.abort.signal },
    );
    const step = this.interpret(answer, 'heartbeat');
    if (step.kind === 'aborted') return step;
    if (step.kind === 'ok') {
      this.counters.heartbeatsOk += 1;
      this.counters.consecutiveFailures = 0;
      this.counters.lastHeartbeatAt = this.scheduler.now();
      this.setState(run, 'registered');
      return step;
    }
    this.counters.heartbeatsFailed += 1;
    this.setState(run, 'reconnecting');
    if (step.kind === 'not_registered') {
      run.mayBeRegistered = false;
      this.logger.info(
        { workerId: this.workerId },
        'the controller does not know this worker (restarted?); registering again',
      );
    } else {
      this.report(step.error);
    }
    return step;
  }

  /** Sorts an answer into what the loop does next. */
  private interpret(answer: ControllerAnswer, action: 'register' | 'heartbeat'): Step {
    if (answer.kind === 'aborted') return answer;
    if (answer.kind === 'unreachable') {
      return {
        kind: 'retry',
        error: new WorkerSdkError(
          'WORKER_SDK.CONTROLLER_UNREACHABLE',
          `${action}: the controller is unreachable: ${answer.error.message}`,
          { retryable: true, cause: answer.error },
        ),
      };
    }
    const { status, body, headers } = answer;
    const problem = readProblem(body, status);
    if (action === 'heartbeat' && saysNotRegistered(body, problem)) {
      return { kind: 'not_registered' };
    }
    if (status >= 200 && status < 300) return { kind: 'ok' };
    if (status === 408 || status === 429 || status >= 500) {
      const honoursRetryAfter = status === 429 || status === 503;
      const header = headers['retry-after'];
      const retryAfterMs = honoursRetryAfter
        ? parseRetryAfter(header, this.scheduler.now())
        : undefined;
      return {
        kind: 'retry',
        retryAfterMs,
        error: new WorkerSdkError(
          'WORKER_SDK.CONTROLLER_UNAVAILABLE',
          `${action}: the controller answered ${describeAnswer(status, problem)}`,
          { retryable: true, status, problem },
        ),
      };
    }
    // 3xx (redirects are not followed: fix controllerUrl) and the remaining 4xx will not change by
    // repeating the same request.
    return action === 'register'
      ? {
          kind: 'rejected',
          error: new WorkerSdkError(
            'WORKER_SDK.REGISTRATION_REJECTED',
            `the controller rejected the registration of ${this.workerId}: ${describeAnswer(status, problem)}`,
            { retryable: false, status, problem },
          ),
        }
      : {
          kind: 'rejected',
          error: new WorkerSdkError(
            'WORKER_SDK.HEARTBEAT_REJECTED',
            `the controller rejected a heartbeat of ${this.workerId}: ${describeAnswer(status, problem)}; registering again`,
            { retryable: true, status, problem },
          ),
        };
  }

  private retryWait(step: Extract<Step, { kind: 'retry' }>): number {
    this.counters.consecutiveFailures += 1;
    const random = (): number => this.scheduler.random();
    const backoffMs = backoffDelay(this.counters.consecutiveFailures, this.backoff, random);
    // Retry-After is a lower bound, never a licence to go faster than the backoff: a controller
    // answering "Retry-After: 0" to every request must not get a tight loop.
    const waitMs =
      step.retryAfterMs === undefined
        ? backoffMs
        : Math.max(backoffMs, retryAfterDelay(step.retryAfterMs, random));
    this.logger.info(
      { workerId: this.workerId, waitMs, consecutiveFailures: this.counters.consecutiveFailures },
      step.retryAfterMs === undefined ? 'backing off' : 'waiting as Retry-After asks',
    );
    return waitMs;
  }

  private registered(run: Run, reason: ReregistrationReason): void {
    const first = !run.registeredOnce;
    run.registeredOnce = true;
    this.counters.registrations += 1;
    this.counters.consecutiveFailures = 0;
    this.counters.lastRegisteredAt = this.scheduler.now();
    this.setState(run, 'registered');
    if (first) {
      this.logger.info({ workerId: this.workerId }, 'registered with the controller');
      const registrations = this.counters.registrations;
      this.notify(() => this.callbacks.onRegistered?.({ workerId: this.workerId, registrations }));
      run.resolveStart?.();
      return;
    }
    this.counters.reregistrations += 1;
    this.logger.info({ workerId: this.workerId, reason }, 'registered with the controller again');
    const registrations = this.counters.registrations;
    this.notify(() =>
      this.callbacks.onReregistered?.({ workerId: this.workerId, registrations, reason }),
    );
  }

  /** Ends a run on a fatal error (a refused registration): nothing more to try without a fix. */
  private halt(run: Run, error: unknown): void {
    if (this.run !== run) return;
    this.run = undefined;
    this.currentState = 'stopped';
    run.abort.abort();
    run.client.close();
    run.rejectStart?.(error);
  }

  private async finishStop(run: Run): Promise<void> {
    try {
      await run.loop;
      if (!run.mayBeRegistered) return;
      const answer = await run.client.post(
        '/deregister',
        { worker_id: this.workerId },
        { timeoutMs: this.stopTimeoutMs },
      );
      const problem =
        answer.kind === 'response' ? readProblem(answer.body, answer.status) : undefined;
      if (
        answer.kind === 'response' &&
        ((answer.status >= 200 && answer.status < 300) || saysNotRegistered(answer.body, problem))
      ) {
        this.logger.info({ workerId: this.workerId }, 'deregistered from the controller');
        return;
      }
      this.report(
        new WorkerSdkError(
          'WORKER_SDK.DEREGISTRATION_FAILED',
          `deregistration failed: ${
            answer.kind === 'response'
              ? `the controller answered ${describeAnswer(answer.status, problem)}`
              : answer.kind === 'unreachable'
                ? `the controller is unreachable: ${answer.error.message}`
                : 'aborted'
          }; the controller's stale sweep will remove the worker`,
          answer.kind === 'response' ? { status: answer.status, problem } : {},
        ),
      );
    } catch (error) {
      this.logger.error({ workerId: this.workerId, err: error }, 'stop() failed');
    } finally {
      run.client.close();
    }
  }

  private setState(run: Run, state: WorkerAgentState): void {
    // A request of a stopped run may still answer; it must not revive the state.
    if (this.run === run) this.currentState = state;
  }

  private report(error: WorkerSdkError): void {
    this.counters.lastError = {
      code: error.code,
      message: error.message,
      at: this.scheduler.now(),
    };
    const bindings = {
      workerId: this.workerId,
      code: error.code,
      status: error.status,
      problemCode: error.problem?.code,
      retryable: error.retryable,
    };
    if (error.retryable) this.logger.warn(bindings, error.message);
    else this.logger.error(bindings, error.message);
    this.notify(() => this.callbacks.onError?.(error));
  }

  /** A throwing callback is the caller's bug; it must not kill the heartbeat loop. */
  private notify(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.logger.error({ workerId: this.workerId, err: error }, 'a worker agent callback threw');
    }
  }
}

/**
 * Fills the gaps of a partial scheduler with the system one. Methods are called on the given
 * object, not copied off it: a spread would lose a class instance's prototype methods and `this`.
 */
function withDefaults(custom: Partial<Scheduler> | undefined): Scheduler {
  if (custom === undefined) return systemScheduler;
  return {
    setTimeout: (callback, delayMs) =>
      custom.setTimeout
        ? custom.setTimeout(callback, delayMs)
        : systemScheduler.setTimeout(callback, delayMs),
    clearTimeout: (handle) =>
      custom.clearTimeout ? custom.clearTimeout(handle) : systemScheduler.clearTimeout(handle),
    random: () => (custom.random ? custom.random() : systemScheduler.random()),
    now: () => (custom.now ? custom.now() : systemScheduler.now()),
  };
}

function saysNotRegistered(body: unknown, problem: ProblemDetails | undefined): boolean {
  if (isRecord(body) && body.error === WORKER_NOT_REGISTERED) return true;
  return problem !== undefined && problem.code.endsWith('WORKER_NOT_REGISTERED');
}

function unexpectedNotRegistered(): WorkerSdkError {
  return new WorkerSdkError(
    'WORKER_SDK.CONTROLLER_UNAVAILABLE',
    'register: the controller answered worker_not_registered to a registration',
    { retryable: true },
  );
}

/** Reads an RFC 9457 body leniently: the controller's own problems and a proxy's bare JSON errors alike. */
function readProblem(body: unknown, status: number): ProblemDetails | undefined {
  if (!isRecord(body) || status < 300) return undefined;
  const text = (value: unknown): string | undefined =>
    typeof value === 'string' && value !== '' ? value : undefined;
  const errors: ProblemFieldError[] = [];
  if (Array.isArray(body.errors)) {
    for (const entry of body.errors as unknown[]) {
      if (!isRecord(entry)) continue;
      errors.push({
        field: text(entry.field) ?? text(entry.path) ?? '',
        message: text(entry.message) ?? '',
      });
    }
  }
  return {
    type: text(body.type) ?? 'about:blank',
    title: text(body.title) ?? '',
    status: typeof body.status === 'number' ? body.status : status,
    detail: text(body.detail) ?? '',
    code: text(body.code) ?? '',
    instance: text(body.instance),
    correlationId: text(body.correlationId),
    errors: errors.length > 0 ? errors : undefined,
  };
}

function describeAnswer(status: number, problem: ProblemDetails | undefined): string {
  if (!problem) return `HTTP ${status}`;
  const head = [String(status), problem.code].filter((part) => part !== '').join(' ');
  const detail = problem.detail || problem.title;
  const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ');
  return [head, detail, fields].filter((part) => part !== '').join(' - ');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function invalidOption(message: string): WorkerSdkError {
  return new WorkerSdkError('WORKER_SDK.INVALID_OPTION', message);
}

function parseHttpUrl(value: unknown, option: string): URL {
  if (typeof value !== 'string') throw invalidOption(`${option} must be a URL string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalidOption(`${option} is not an absolute URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalidOption(`${option} must use http or https, got ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    // Credentials in a URL end up in logs and proxies; mTLS or headers are the way to authenticate.
    throw invalidOption(`${option} must not contain credentials`);
  }
  return url;
}

function parseControllerUrl(value: unknown): URL {
  const url = parseHttpUrl(value, 'controllerUrl');
  if (url.search !== '' || url.hash !== '') {
    throw invalidOption('controllerUrl must not have a query or a fragment');
  }
  return url;
}

function requireIdentifier(value: unknown, option: string): string {
  if (typeof value !== 'string' || value.trim() === '' || value.length > MAX_IDENTIFIER_LENGTH) {
    throw invalidOption(
      `${option} must be a non-empty string of at most ${MAX_IDENTIFIER_LENGTH} characters`,
    );
  }
  return value;
}

function requireCapabilities(value: unknown): void {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidOption('capabilities must be a non-empty array');
  }
  (value as unknown[]).forEach((capability, index) => {
    if (!isRecord(capability)) throw invalidOption(`capabilities[${index}] must be an object`);
    for (const field of ['verb', 'name', 'version'] as const) {
      if (typeof capability[field] !== 'string' || capability[field] === '') {
        throw invalidOption(`capabilities[${index}].${field} must be a non-empty string`);
      }
    }
  });
}

function positiveDuration(value: number | undefined, fallback: number, option: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw invalidOption(
      `${option} must be a positive number of milliseconds, got ${String(value)}`,
    );
  }
  return value;
}

function checkTls(
  tls: ControllerTlsOptions | undefined,
  controllerUrl: URL,
): ControllerTlsOptions | undefined {
  if (tls === undefined) return undefined;
  if (controllerUrl.protocol !== 'https:') {
    // Certificates next to an http URL mean the operator believes the link is protected: refuse.
    throw invalidOption('tls is set but controllerUrl is not https');
  }
  if ((tls.cert === undefined) !== (tls.key === undefined)) {
    throw invalidOption('tls.cert and tls.key go together');
  }
  return tls;
}
