import { type ValidationIssue, type ValidationResult } from './types';

/** A path into a document: keys of mappings and indexes of lists. */
export type PathSegments = readonly (string | number)[];

/**
 * A problem before it is tied to a file: where (`segments`), why, and whether the mapping key
 * (`at: 'key'`, for unknown keys) or the value is at fault, so YAML positions can point at either.
 */
export interface RawIssue {
  readonly segments: PathSegments;
  readonly reason: string;
  readonly severity: 'error' | 'warning';
  readonly at: 'key' | 'value';
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** `['slo', 'error_budget', 'alerts', 1, 'threshold']` → `slo.error_budget.alerts[1].threshold`. */
export function formatPath(segments: PathSegments): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * One line per issue, compiler style: `file:line:column path: reason` (position and path only
 * when known), prefixed with `warning: ` for warnings.
 */
export function formatIssue(issue: ValidationIssue): string {
  let where = issue.file;
  if (issue.line !== undefined) {
    where += `:${issue.line}`;
    if (issue.column !== undefined) where += `:${issue.column}`;
  }
  const prefix = issue.severity === 'warning' ? 'warning: ' : '';
  return issue.path === ''
    ? `${prefix}${where}: ${issue.reason}`
    : `${prefix}${where} ${issue.path}: ${issue.reason}`;
}

/** Issues without positions, for inputs that were not YAML text. */
export function toIssues(file: string, raw: readonly RawIssue[]): ValidationIssue[] {
  return raw.map((r) => ({
    file,
    path: formatPath(r.segments),
    reason: r.reason,
    severity: r.severity,
  }));
}

/** Splits issues into the result shape every validating function returns. */
export function toResult<T>(
  value: T | undefined,
  issues: readonly ValidationIssue[],
): ValidationResult<T> {
  const errors = issues.filter((i) => i.severity === 'error');
  const warnings = issues.filter((i) => i.severity === 'warning');
  if (errors.length > 0 || value === undefined) return { ok: false, issues: errors, warnings };
  return { ok: true, value, warnings };
}
