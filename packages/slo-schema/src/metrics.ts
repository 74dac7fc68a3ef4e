import { Checker, describe, formatNumber, isPlainMapping, type SourceLookup } from './checker';
import { type RawIssue, toIssues, toResult } from './issues';
import { requireText } from './parse';
import { type SloMetricName, type SloMetrics, type ValidationResult } from './types';
import { fileOption, type ValidateOptions } from './validate';
import { locateIssues, parseLocated } from './yaml-source';

/** The metric names understood in metrics files and by `checkCompliance`, in report order. */
export const SLO_METRIC_NAMES: readonly SloMetricName[] = [
  'p50_ms',
  'p95_ms',
  'p99_ms',
  'availability',
  'error_budget_consumed',
];

const CAPABILITY_KEY = /^[^:\s]+:[^:\s]+$/;

export function isMetricName(name: string): name is SloMetricName {
  return (SLO_METRIC_NAMES as readonly string[]).includes(name);
}

/** Why a measured value is unusable, or undefined when it is fine. */
export function metricProblem(metric: SloMetricName, value: unknown): string | undefined {
  if (typeof value !== 'number' || !Number.isFinite(value))
    return `must be a finite number; got ${describe(value)}`;
  if (value < 0) return `must not be negative; got ${formatNumber(value)}`;
  if (metric === 'availability' && value > 1) {
    return `must be a fraction in [0, 1]; got ${formatNumber(value)}${
      value <= 100 ? ` (it looks like a percentage: write ${formatNumber(value / 100)})` : ''
    }`;
  }
  return undefined;
}

function checkMetricsDocument(
  input: unknown,
  source?: SourceLookup,
): { value?: Record<string, SloMetrics>; issues: RawIssue[] } {
  const c = new Checker(source);
  if (input === null || input === undefined) {
    c.error([], 'the metrics document is empty; expected a mapping of verb:name to metrics');
    return { issues: c.issues };
  }
  if (!isPlainMapping(input)) {
    c.error([], `must be a mapping of verb:name to metrics; got ${describe(input)}`);
    return { issues: c.issues };
  }
  // Spec 000's pytest plugin nests everything under `capabilities`; that key holds no ':', so it
  // can never be a capability key and unwrapping it is unambiguous.
  const keys = Object.keys(input);
  const wrapped = keys.length === 1 && keys[0] === 'capabilities';
  const at = wrapped ? ['capabilities'] : [];
  const body: unknown = wrapped ? input.capabilities : input;
  if (!isPlainMapping(body)) {
    c.error(at, `must be a mapping of verb:name to metrics; got ${describe(body)}`);
    return { issues: c.issues };
  }
  const value: Record<string, SloMetrics> = {};
  for (const [key, raw] of Object.entries(body)) {
    if (!CAPABILITY_KEY.test(key)) {
      c.error(
        [...at, key],
        `capability keys are written verb:name; got ${JSON.stringify(key)}`,
        'key',
      );
      continue;
    }
    const m = c.mapping(raw, [...at, key], [], SLO_METRIC_NAMES);
    if (m === undefined) continue;
    const metrics: Partial<Record<SloMetricName, number>> = {};
    for (const [name, measured] of Object.entries(m)) {
      if (!isMetricName(name)) continue; // already reported as an unknown key
      const problem = metricProblem(name, measured);
      if (problem === undefined) metrics[name] = measured as number;
      else c.error([...at, key, name], problem);
    }
    value[key] = metrics;
  }
  return c.issues.some((i) => i.severity === 'error')
    ? { issues: c.issues }
    : { value, issues: c.issues };
}

/**
 * Validates a parsed metrics document: a mapping `verb:name` → `{ p50_ms?, p95_ms?, p99_ms?,
 * availability?, error_budget_consumed? }`, optionally nested under a single `capabilities` key.
 */
export function validateMetricsDocument(
  input: unknown,
  options?: ValidateOptions,
): ValidationResult<Record<string, SloMetrics>> {
  const file = fileOption(options, '<metrics>');
  const { value, issues } = checkMetricsDocument(input);
  return toResult(value, toIssues(file, issues));
}

/** Parses and validates a metrics file's text (YAML, or JSON, which YAML reads too). */
export function parseMetricsYaml(
  text: string,
  options?: ValidateOptions,
): ValidationResult<Record<string, SloMetrics>> {
  requireText(text, 'text');
  const file = fileOption(options, '<metrics>');
  const { document, issues } = parseLocated(text, file);
  if (document === undefined) return toResult<Record<string, SloMetrics>>(undefined, issues);
  const checked = checkMetricsDocument(document.value, document.source);
  return toResult(checked.value, [...issues, ...locateIssues(file, document, checked.issues)]);
}
