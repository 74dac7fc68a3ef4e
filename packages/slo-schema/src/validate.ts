import { Checker, formatNumber, type SourceLookup } from './checker';
import { SloSchemaError } from './errors';
import { type RawIssue, toIssues, toResult } from './issues';
import {
  type SloBudgetAlert,
  type SloCapability,
  type SloEnforcement,
  type SloFile,
  type SloLatency,
  type SloMetadata,
  type ValidationResult,
} from './types';

/**
 * Allowed gap between `monthly_pct` and (1 − target) × 100: relative 1e-6 of the expected value,
 * so 0.1 and 0.1000000000000001 (floating point) agree but 0.1 and 0.2 do not.
 */
export const MONTHLY_PCT_RELATIVE_TOLERANCE = 1e-6;

/** The error budget in percent that an availability target implies: (1 − target) × 100. */
export function impliedMonthlyPct(target: number): number {
  // Rounded to 12 significant decimals so that 0.999 gives 0.1, not 0.10000000000000009.
  return Number(((1 - target) * 100).toFixed(12));
}

/** Whether `monthlyPct` agrees with `target` within MONTHLY_PCT_RELATIVE_TOLERANCE. */
export function isMonthlyPctConsistent(monthlyPct: number, target: number): boolean {
  const expected = (1 - target) * 100;
  return Math.abs(monthlyPct - expected) <= 1e-12 + MONTHLY_PCT_RELATIVE_TOLERANCE * expected;
}

const KEY_UNSAFE = /[:\s]/;

function checkCapability(c: Checker, input: unknown): SloCapability | undefined {
  const at = ['capability'];
  const m = c.mapping(input, at, ['verb', 'name', 'version']);
  if (m === undefined) return undefined;
  const keyPart = (field: 'verb' | 'name'): string | undefined => {
    if (m[field] === undefined) return undefined; // reported as missing
    const s = c.string(m[field], [...at, field]);
    if (s !== undefined && KEY_UNSAFE.test(s)) {
      c.error(
        [...at, field],
        `must not contain ":" or whitespace (the capability key is verb:name); got ${JSON.stringify(s)}`,
      );
      return undefined;
    }
    return s;
  };
  const verb = keyPart('verb');
  const name = keyPart('name');
  const version = m.version === undefined ? undefined : c.string(m.version, [...at, 'version']);
  return verb !== undefined && name !== undefined && version !== undefined
    ? { verb, name, version }
    : undefined;
}

function checkLatency(c: Checker, input: unknown): SloLatency | undefined {
  const at = ['slo', 'latency'];
  const m = c.mapping(input, at, ['p50_ms', 'p95_ms', 'p99_ms']);
  if (m === undefined) return undefined;
  const fields = ['p50_ms', 'p95_ms', 'p99_ms'] as const;
  const values = fields.map((f) =>
    m[f] === undefined ? undefined : c.integer(m[f], [...at, f], 1, 'milliseconds'),
  );
  // Order is checked between neighbouring valid values, so one bad field does not hide the rest.
  let previous: number | undefined;
  for (let i = 0; i < fields.length; i++) {
    const v = values[i];
    if (v === undefined) continue;
    if (previous !== undefined && v < values[previous]!) {
      c.error(
        [...at, fields[i]],
        `${fields[i]} (${v}) is below ${fields[previous]} (${values[previous]}); percentiles must satisfy p50_ms ≤ p95_ms ≤ p99_ms`,
      );
    }
    previous = i;
  }
  const [p50_ms, p95_ms, p99_ms] = values;
  if (p50_ms === undefined || p95_ms === undefined || p99_ms === undefined) return undefined;
  return p50_ms <= p95_ms && p95_ms <= p99_ms ? { p50_ms, p95_ms, p99_ms } : undefined;
}

function checkTarget(c: Checker, input: unknown): number | undefined {
  const at = ['slo', 'availability'];
  const m = c.mapping(input, at, ['target']);
  if (m === undefined || m.target === undefined) return undefined;
  const target = c.number(m.target, [...at, 'target']);
  if (target === undefined) return undefined;
  if (target > 0 && target < 1) return target;
  let hint = '';
  if (target === 1) hint = ' (a target of 1 leaves no error budget)';
  else if (target > 1 && target <= 100)
    hint = ` (it looks like a percentage: write ${formatNumber(target / 100)} for ${formatNumber(target)}%)`;
  c.error(
    [...at, 'target'],
    `must be strictly between 0 and 1; got ${formatNumber(target)}${hint}`,
  );
  return undefined;
}

function checkAlerts(
  c: Checker,
  input: unknown,
  at: readonly (string | number)[],
): SloBudgetAlert[] | undefined {
  const list = c.list(input, at);
  if (list === undefined) return undefined;
  const alerts: SloBudgetAlert[] = [];
  let valid = true;
  let previous: number | undefined;
  list.forEach((item, i) => {
    const itemAt = [...at, i];
    const m = c.mapping(item, itemAt, ['threshold', 'channel']);
    if (m === undefined) {
      valid = false;
      return;
    }
    let threshold =
      m.threshold === undefined ? undefined : c.number(m.threshold, [...itemAt, 'threshold']);
    if (threshold !== undefined && !(threshold > 0 && threshold <= 1)) {
      const hint =
        threshold > 1 && threshold <= 100
          ? ` (it looks like a percentage: write ${formatNumber(threshold / 100)} for ${formatNumber(threshold)}% of the budget)`
          : '';
      c.error(
        [...itemAt, 'threshold'],
        `must be a fraction of the budget in (0, 1]; got ${formatNumber(threshold)}${hint}`,
      );
      threshold = undefined;
    }
    if (threshold !== undefined && previous !== undefined && threshold <= previous) {
      c.error(
        [...itemAt, 'threshold'],
        `alert thresholds must be strictly increasing; ${formatNumber(threshold)} follows ${formatNumber(previous)}`,
      );
      valid = false;
    }
    if (threshold !== undefined) previous = threshold;
    const channel =
      m.channel === undefined ? undefined : c.string(m.channel, [...itemAt, 'channel']);
    if (threshold === undefined || channel === undefined) valid = false;
    else alerts.push({ threshold, channel });
  });
  return valid ? alerts : undefined;
}

function checkEnforcement(c: Checker, input: unknown): SloEnforcement | undefined {
  const at = ['enforcement'];
  const m = c.mapping(input, at, ['reject_on_violation', 'grace_period_days']);
  if (m === undefined) return undefined;
  const reject =
    m.reject_on_violation === undefined
      ? undefined
      : c.boolean(m.reject_on_violation, [...at, 'reject_on_violation']);
  const grace =
    m.grace_period_days === undefined
      ? undefined
      : c.integer(m.grace_period_days, [...at, 'grace_period_days'], 0, 'days');
  return reject !== undefined && grace !== undefined
    ? { reject_on_violation: reject, grace_period_days: grace }
    : undefined;
}

function checkMetadata(c: Checker, input: unknown): SloMetadata | undefined {
  const at = ['metadata'];
  const m = c.mapping(input, at, ['owner', 'cost_center', 'tier']);
  if (m === undefined) return undefined;
  const get = (f: keyof SloMetadata): string | undefined =>
    m[f] === undefined ? undefined : c.string(m[f], [...at, f]);
  const owner = get('owner');
  const cost_center = get('cost_center');
  const tier = get('tier');
  return owner !== undefined && cost_center !== undefined && tier !== undefined
    ? { owner, cost_center, tier }
    : undefined;
}

/**
 * Checks a whole SLO document and returns a normalised copy (known keys only) when it is valid.
 * Internal form: issues stay raw so YAML callers can attach line numbers.
 */
export function checkSloDocument(
  input: unknown,
  source?: SourceLookup,
): { value?: SloFile; issues: RawIssue[] } {
  const c = new Checker(source);
  if (input === null || input === undefined) {
    c.error(
      [],
      'the document is empty; expected a mapping with capability, slo, enforcement and metadata',
    );
    return { issues: c.issues };
  }
  const root = c.mapping(input, [], ['capability', 'slo', 'enforcement', 'metadata']);
  if (root === undefined) return { issues: c.issues };

  const capability =
    root.capability === undefined ? undefined : checkCapability(c, root.capability);
  let latency: SloLatency | undefined;
  let target: number | undefined;
  let monthlyPct: number | undefined;
  let alerts: SloBudgetAlert[] | undefined;
  if (root.slo !== undefined) {
    const slo = c.mapping(root.slo, ['slo'], ['latency', 'availability', 'error_budget']);
    if (slo !== undefined) {
      if (slo.latency !== undefined) latency = checkLatency(c, slo.latency);
      if (slo.availability !== undefined) target = checkTarget(c, slo.availability);
      if (slo.error_budget !== undefined) {
        const at = ['slo', 'error_budget'];
        const budget = c.mapping(slo.error_budget, at, ['monthly_pct', 'alerts']);
        if (budget !== undefined) {
          if (budget.monthly_pct !== undefined) {
            const pct = c.number(budget.monthly_pct, [...at, 'monthly_pct']);
            if (pct !== undefined && !(pct > 0 && pct <= 100)) {
              c.error(
                [...at, 'monthly_pct'],
                `must be a percentage in (0, 100]; got ${formatNumber(pct)}`,
              );
            } else if (
              pct !== undefined &&
              target !== undefined &&
              !isMonthlyPctConsistent(pct, target)
            ) {
              c.error(
                [...at, 'monthly_pct'],
                `${formatNumber(pct)} does not match slo.availability.target ${formatNumber(target)}: the error budget is (1 − target) × 100 = ${formatNumber(impliedMonthlyPct(target))}`,
              );
            } else {
              monthlyPct = pct;
            }
          }
          if (budget.alerts !== undefined)
            alerts = checkAlerts(c, budget.alerts, [...at, 'alerts']);
        }
      }
    }
  }
  const enforcement =
    root.enforcement === undefined ? undefined : checkEnforcement(c, root.enforcement);
  const metadata = root.metadata === undefined ? undefined : checkMetadata(c, root.metadata);

  if (
    c.issues.some((i) => i.severity === 'error') ||
    capability === undefined ||
    latency === undefined ||
    target === undefined ||
    monthlyPct === undefined ||
    alerts === undefined ||
    enforcement === undefined ||
    metadata === undefined
  ) {
    return { issues: c.issues };
  }
  return {
    value: {
      capability,
      slo: { latency, availability: { target }, error_budget: { monthly_pct: monthlyPct, alerts } },
      enforcement,
      metadata,
    },
    issues: c.issues,
  };
}

export interface ValidateOptions {
  /** Name reported in every issue; default `<input>`. */
  readonly file?: string;
}

export function fileOption(options: ValidateOptions | undefined, fallback: string): string {
  if (options === undefined) return fallback;
  if (typeof options !== 'object' || options === null) {
    throw new SloSchemaError(
      'SLO_SCHEMA.INVALID_ARGUMENT',
      `options must be an object; got ${typeof options}`,
    );
  }
  if (options.file === undefined) return fallback;
  if (typeof options.file !== 'string') {
    throw new SloSchemaError(
      'SLO_SCHEMA.INVALID_ARGUMENT',
      `options.file must be a string; got ${typeof options.file}`,
    );
  }
  return options.file;
}

/**
 * Validates an already parsed SLO document (e.g. from JSON) and reports every problem with its
 * path and reason. On success `value` is a normalised copy holding only the known keys.
 */
export function validateSloDocument(
  input: unknown,
  options?: ValidateOptions,
): ValidationResult<SloFile> {
  const file = fileOption(options, '<input>');
  const { value, issues } = checkSloDocument(input);
  return toResult(value, toIssues(file, issues));
}

/** The key an SLO is looked up by: `verb:name`. */
export function sloKey(slo: Pick<SloFile, 'capability'>): string {
  return `${slo.capability.verb}:${slo.capability.name}`;
}
