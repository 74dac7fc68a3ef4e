import {
  type CanaryTargets,
  DEFAULT_SLI_BUCKET_MS,
  DEFAULT_SLI_WINDOW_MS,
  RegistryError,
  RollingSliWindow,
  type SliSnapshot,
  emptySliSnapshot,
} from '@slo-engine/registry';
import { checkCompliance, type SloMetricName, type ValidationIssue } from '@slo-engine/slo-schema';
import { DomainError, DomainErrorCodes, type FieldError } from '../../shared/domain-error';
import { ControllerErrorCodes } from '../controller-errors';
import { type SloDefinitionEntry, type SloLoadReport } from '../slo-definition-source.port';

/** The `priority` of a routed request (spec 000): only `low` is ever shed. */
export type RequestPriority = 'low' | 'normal' | 'high';

export type SloEvaluationMetric = 'latency_p50' | 'latency_p95' | 'latency_p99' | 'availability';

export interface SloEvaluationViolation {
  readonly metric: SloEvaluationMetric;
  readonly actual: number;
  readonly target: number;
  /** e.g. `p95 latency 250.4 ms > target 100 ms`, `availability 99.5 % (5 of 1000 failed) < target 99.9 %`. */
  readonly message: string;
}

/** How one capability stands against its SLO file over the rolling window, at `evaluatedAt`. */
export interface SloEvaluation {
  /** `verb:name`. */
  readonly capability: string;
  readonly hasSlo: boolean;
  /** No violation; also true without an SLO and with too few requests to judge. */
  readonly compliant: boolean;
  readonly violations: readonly SloEvaluationViolation[];
  /** `reject_on_violation` is on and the grace period is over: low-priority requests are shed while non-compliant. */
  readonly enforcing: boolean;
  /** Before `graceEndsAt` (reported whether or not the file asks for rejection). */
  readonly inGrace: boolean;
  /** File `changedAt` + `grace_period_days`, ms since the epoch; present when `hasSlo`. */
  readonly graceEndsAt?: number;
  /** Fewer than `minRequests` in the window: compliant because there is no evidence either way. */
  readonly insufficientData: boolean;
  /** One sentence for logs: the verdict, its evidence and the enforcement mode. */
  readonly summary: string;
  readonly sli: SliSnapshot;
  readonly evaluatedAt: number;
}

export type SloAdmission =
  | { readonly admit: true }
  | {
      readonly admit: false;
      /** Seconds the caller should wait (the `Retry-After` header). */
      readonly retryAfterSeconds: number;
      readonly evaluation: SloEvaluation;
    };

export interface SloBookOptions {
  /** Length of the rolling SLI window. Default 300,000 (5 minutes). */
  readonly windowMs?: number;
  /** Granularity at which old requests leave the window; divides `windowMs`. Default 10,000. */
  readonly bucketMs?: number;
  /** Requests the window needs before a capability can be non-compliant. Default 20. */
  readonly minRequests?: number;
  /** `Retry-After` of a shed request. Default 30. */
  readonly retryAfterSeconds?: number;
  /** How long `admit` reuses an evaluation; 0 evaluates on every low-priority request. Default 1,000. */
  readonly evaluationCacheMs?: number;
}

export const DEFAULT_SLO_MIN_REQUESTS = 20;
export const DEFAULT_SLO_RETRY_AFTER_SECONDS = 30;
export const DEFAULT_SLO_EVALUATION_CACHE_MS = 1_000;

const DAY_MS = 86_400_000;
const ADMITTED: SloAdmission = Object.freeze({ admit: true });
const NONE: readonly never[] = Object.freeze([]);

const METRIC_OF: Readonly<Partial<Record<SloMetricName, SloEvaluationMetric>>> = {
  p50_ms: 'latency_p50',
  p95_ms: 'latency_p95',
  p99_ms: 'latency_p99',
  availability: 'availability',
};
const LATENCY_LABEL: Readonly<Record<'p50_ms' | 'p95_ms' | 'p99_ms', string>> = {
  p50_ms: 'p50',
  p95_ms: 'p95',
  p99_ms: 'p99',
};

/** Histogram percentiles are 2 % estimates: one decimal is all the precision there is. */
function formatMs(value: number): string {
  const rounded = value >= 10 ? Math.round(value * 10) / 10 : Math.round(value * 100) / 100;
  return `${rounded} ms`;
}

function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100_000) / 1000} %`;
}

/** The capability's window and one per version; either may be absent until its first request. */
interface CapabilityWindows {
  all: RollingSliWindow | undefined;
  readonly versions: Map<string, RollingSliWindow>;
}

/**
 * The controller's SLO state (spec 000): the SLO files, rolling SLIs per capability and per
 * version, compliance, the grace period and low-priority shedding. Pure bookkeeping on an
 * injected clock (every call takes `now`); the caller logs, counts metrics and answers HTTP.
 *
 * The error budget of the file (`error_budget`, monthly) is not judged here: a five-minute window
 * says nothing about a month. Burn-rate alerts on the budget come from Prometheus rules.
 */
export class SloBook {
  private readonly windowMs: number;
  private readonly bucketMs: number;
  private readonly minRequests: number;
  private readonly retryAfterSeconds: number;
  private readonly evaluationCacheMs: number;
  private byCapability = new Map<string, SloDefinitionEntry>();
  private loadIssues: readonly ValidationIssue[] = NONE;
  private readonly windows = new Map<string, CapabilityWindows>();
  private readonly cache = new Map<string, SloEvaluation>();

  constructor(options: SloBookOptions = {}) {
    this.windowMs = options.windowMs ?? DEFAULT_SLI_WINDOW_MS;
    this.bucketMs = options.bucketMs ?? DEFAULT_SLI_BUCKET_MS;
    this.minRequests = options.minRequests ?? DEFAULT_SLO_MIN_REQUESTS;
    this.retryAfterSeconds = options.retryAfterSeconds ?? DEFAULT_SLO_RETRY_AFTER_SECONDS;
    this.evaluationCacheMs = options.evaluationCacheMs ?? DEFAULT_SLO_EVALUATION_CACHE_MS;
    const problems: FieldError[] = [];
    try {
      // Windows are created per capability on demand; building one now surfaces a bad
      // windowMs/bucketMs at start-up instead of on the first routed request.
      new RollingSliWindow({ windowMs: this.windowMs, bucketMs: this.bucketMs });
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      problems.push({ field: 'windowMs', message: error.message });
    }
    if (!Number.isSafeInteger(this.minRequests) || this.minRequests < 1)
      problems.push({ field: 'minRequests', message: 'must be an integer ≥ 1' });
    if (!Number.isSafeInteger(this.retryAfterSeconds) || this.retryAfterSeconds < 1)
      problems.push({ field: 'retryAfterSeconds', message: 'must be an integer ≥ 1' });
    if (!(Number.isFinite(this.evaluationCacheMs) && this.evaluationCacheMs >= 0))
      problems.push({ field: 'evaluationCacheMs', message: 'must be a finite number ≥ 0' });
    if (problems.length > 0)
      throw new DomainError(
        DomainErrorCodes.INVALID_INPUT,
        `SloBook options: ${problems.map((p) => `${p.field} ${p.message}`).join('; ')}`,
        { fieldErrors: problems },
      );
  }

  /**
   * Swaps in the definitions of a fresh load of the SLO directory. The SLI windows stay: traffic
   * measured before a reload still describes the capability. When two entries share a key the
   * last wins (the source reports duplicates as issues).
   */
  replace(report: SloLoadReport): void {
    const next = new Map<string, SloDefinitionEntry>();
    for (const entry of report.definitions) next.set(entry.loaded.key, entry);
    this.byCapability = next;
    this.loadIssues = report.issues;
    this.cache.clear(); // cached evaluations may belong to targets that no longer exist
  }

  /** The loaded definitions, sorted by capability key. */
  definitions(): readonly SloDefinitionEntry[] {
    return [...this.byCapability.values()].sort((a, b) =>
      a.loaded.key < b.loaded.key ? -1 : a.loaded.key > b.loaded.key ? 1 : 0,
    );
  }

  definition(capability: string): SloDefinitionEntry | undefined {
    return this.byCapability.get(capability);
  }

  /** Problems of the last load: errors of skipped files, warnings of loaded ones. */
  issues(): readonly ValidationIssue[] {
    return this.loadIssues;
  }

  /** The SLO's objectives as canary targets, or undefined without an SLO file. */
  canaryTargets(capability: string): CanaryTargets | undefined {
    const slo = this.byCapability.get(capability)?.loaded.slo.slo;
    if (slo === undefined) return undefined;
    return {
      p50Ms: slo.latency.p50_ms,
      p95Ms: slo.latency.p95_ms,
      p99Ms: slo.latency.p99_ms,
      availability: slo.availability.target,
    };
  }

  /**
   * Counts a request the capability answered, in the capability's window and in its version's
   * (canary judging compares versions). Capabilities without an SLO file are measured too.
   */
  record(capability: string, version: string, latencyMs: number, ok: boolean, now: number): void {
    const windows = this.windowsOf(capability);
    (windows.all ??= this.newWindow()).record(now, latencyMs, ok);
    this.versionWindow(windows, version).record(now, latencyMs, ok);
  }

  /**
   * Counts a request in the version's window only: a dark-launch mirror, whose answer nobody
   * received, must not move the capability's SLO.
   */
  recordVersion(
    capability: string,
    version: string,
    latencyMs: number,
    ok: boolean,
    now: number,
  ): void {
    this.versionWindow(this.windowsOf(capability), version).record(now, latencyMs, ok);
  }

  /** SLIs of the capability, or of one of its versions, over the window ending at `now`. */
  snapshot(capability: string, now: number, version?: string): SliSnapshot {
    const windows = this.windows.get(capability);
    const window = version === undefined ? windows?.all : windows?.versions.get(version);
    return window?.snapshot(now) ?? emptySliSnapshot(this.windowMs);
  }

  /** Compares the capability's current SLIs with its SLO file. Always fresh (and refreshes `admit`'s cache). */
  evaluate(capability: string, now: number): SloEvaluation {
    const evaluation = this.computeEvaluation(capability, now);
    this.cache.set(capability, evaluation);
    return evaluation;
  }

  /**
   * The routing decision of spec 000: shed a request only when it is low priority, the SLO file
   * asks for rejection, the grace period is over and the capability is non-compliant. Normal and
   * high priority are always admitted. On the hot path: no evaluation unless all the cheap
   * conditions hold, and then one at most every `evaluationCacheMs` (a request may see a verdict
   * that old). While shed requests are not recorded, the bad samples age out of the window, so
   * shedding ends at the latest one window after the capability stops misbehaving.
   */
  admit(capability: string, priority: RequestPriority, now: number): SloAdmission {
    if (priority !== 'low') return ADMITTED;
    const entry = this.byCapability.get(capability);
    if (entry === undefined || !entry.loaded.slo.enforcement.reject_on_violation) return ADMITTED;
    if (now < graceEndOf(entry)) return ADMITTED;
    const cached = this.cache.get(capability);
    const evaluation =
      cached !== undefined &&
      now >= cached.evaluatedAt &&
      now - cached.evaluatedAt < this.evaluationCacheMs
        ? cached
        : this.evaluate(capability, now);
    if (!evaluation.enforcing || evaluation.compliant) return ADMITTED;
    return { admit: false, retryAfterSeconds: this.retryAfterSeconds, evaluation };
  }

  /**
   * {@link admit}, as the request path uses it: throws `CONTROLLER.SLO_VIOLATION` (503 with
   * Retry-After, the violations as problem extensions) when the request is shed.
   */
  assertAdmitted(capability: string, priority: RequestPriority, now: number): void {
    const admission = this.admit(capability, priority, now);
    if (admission.admit) return;
    throw new DomainError(
      ControllerErrorCodes.SLO_VIOLATION,
      `${capability} violates its SLO (${admission.evaluation.violations.map((v) => v.message).join('; ')}); low-priority requests are shed until it recovers.`,
      {
        retryAfterSeconds: admission.retryAfterSeconds,
        extensions: {
          error: 'slo_violation',
          capability,
          violations: admission.evaluation.violations,
        },
      },
    );
  }

  /**
   * The periodic check: a fresh evaluation of every capability with an SLO file, sorted by
   * capability (feed for violation metrics and logs). Also drops windows with nothing left in
   * them, so versions long gone do not accumulate.
   */
  check(now: number): SloEvaluation[] {
    const evaluations = this.definitions().map((entry) => this.evaluate(entry.loaded.key, now));
    this.dropIdleWindows(now);
    return evaluations;
  }

  /** Windows currently held (capability and version windows), for a gauge. */
  windowCount(): number {
    let count = 0;
    for (const windows of this.windows.values())
      count += windows.versions.size + (windows.all === undefined ? 0 : 1);
    return count;
  }

  private computeEvaluation(capability: string, now: number): SloEvaluation {
    const sli = this.snapshot(capability, now);
    const seconds = `${this.windowMs / 1000} s`;
    const entry = this.byCapability.get(capability);
    if (entry === undefined)
      return {
        capability,
        hasSlo: false,
        compliant: true,
        violations: NONE,
        enforcing: false,
        inGrace: false,
        insufficientData: sli.requests < this.minRequests,
        summary: `${capability} has no SLO file; ${sli.requests} requests in the last ${seconds}`,
        sli,
        evaluatedAt: now,
      };
    const { enforcement } = entry.loaded.slo;
    const graceEndsAt = graceEndOf(entry);
    const inGrace = now < graceEndsAt;
    const enforcing = enforcement.reject_on_violation && !inGrace;
    const mode = !enforcement.reject_on_violation
      ? 'log only (reject_on_violation is false)'
      : inGrace
        ? `grace period until ${new Date(graceEndsAt).toISOString()}, log only`
        : 'enforced: low-priority requests are shed while non-compliant';
    const base = {
      capability,
      hasSlo: true,
      enforcing,
      inGrace,
      graceEndsAt,
      sli,
      evaluatedAt: now,
    };
    if (sli.requests < this.minRequests)
      return {
        ...base,
        compliant: true,
        violations: NONE,
        insufficientData: true,
        summary: `${capability}: ${sli.requests} requests in the last ${seconds}, fewer than the ${this.minRequests} needed to judge, so compliant for now; ${mode}`,
      };
    const violations = this.violationsOf(entry, sli);
    return {
      ...base,
      compliant: violations.length === 0,
      violations,
      insufficientData: false,
      summary:
        violations.length === 0
          ? `${capability} meets its SLO over ${sli.requests} requests in the last ${seconds}; ${mode}`
          : `${capability} violates its SLO over ${sli.requests} requests in the last ${seconds} (${violations.map((v) => v.message).join('; ')}); ${mode}`,
    };
  }

  private violationsOf(entry: SloDefinitionEntry, sli: SliSnapshot): SloEvaluationViolation[] {
    // checkCompliance owns the comparison rule (latency > target, availability < target, values
    // on the objective comply); the messages are rewritten for histogram estimates and counts.
    const result = checkCompliance(entry.loaded.slo, {
      ...(sli.p50Ms === undefined ? {} : { p50_ms: sli.p50Ms }),
      ...(sli.p95Ms === undefined ? {} : { p95_ms: sli.p95Ms }),
      ...(sli.p99Ms === undefined ? {} : { p99_ms: sli.p99Ms }),
      availability: sli.availability,
    });
    const violations: SloEvaluationViolation[] = [];
    for (const v of result.violations) {
      const metric = METRIC_OF[v.metric];
      if (metric === undefined) continue;
      const message =
        v.metric === 'availability'
          ? `availability ${formatPercent(v.actual)} (${sli.failures} of ${sli.requests} failed) < target ${formatPercent(v.target)}`
          : `${LATENCY_LABEL[v.metric as 'p50_ms' | 'p95_ms' | 'p99_ms']} latency ${formatMs(v.actual)} > target ${formatMs(v.target)}`;
      violations.push({ metric, actual: v.actual, target: v.target, message });
    }
    return violations;
  }

  private windowsOf(capability: string): CapabilityWindows {
    let windows = this.windows.get(capability);
    if (windows === undefined) {
      windows = { all: undefined, versions: new Map() };
      this.windows.set(capability, windows);
    }
    return windows;
  }

  private versionWindow(windows: CapabilityWindows, version: string): RollingSliWindow {
    let window = windows.versions.get(version);
    if (window === undefined) {
      window = this.newWindow();
      windows.versions.set(version, window);
    }
    return window;
  }

  private newWindow(): RollingSliWindow {
    return new RollingSliWindow({ windowMs: this.windowMs, bucketMs: this.bucketMs });
  }

  private dropIdleWindows(now: number): void {
    for (const [capability, windows] of this.windows) {
      if (windows.all?.isIdle(now) === true) windows.all = undefined;
      for (const [version, window] of windows.versions)
        if (window.isIdle(now)) windows.versions.delete(version);
      if (windows.all === undefined && windows.versions.size === 0) this.windows.delete(capability);
    }
  }
}

/**
 * Enforcement starts `grace_period_days` after the file last changed, so editing a file (say,
 * tightening a target) restarts its grace: a new objective is observed before it sheds traffic.
 */
function graceEndOf(entry: SloDefinitionEntry): number {
  return entry.changedAt + entry.loaded.slo.enforcement.grace_period_days * DAY_MS;
}
