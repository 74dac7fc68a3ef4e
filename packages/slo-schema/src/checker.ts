import { type PathSegments, type RawIssue } from './issues';

/** Raw source text of the scalar at a path, when the input was YAML (for precise hints). */
export type SourceLookup = (segments: PathSegments) => string | undefined;

export type PlainMapping = Readonly<Record<string, unknown>>;

/** Array.isArray without narrowing typed arrays to any[]. */
export function isList(value: unknown): value is readonly unknown[] {
  return Array.isArray(value);
}

export function isPlainMapping(value: unknown): value is PlainMapping {
  return (
    typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Map)
  );
}

/** Short description of a value for messages: `number 1`, `string "yes"`, `a list`. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `number ${formatNumber(value)}`;
  if (typeof value === 'boolean') return `boolean ${String(value)}`;
  return typeof value;
}

/** Numbers in messages: rounded to 9 decimals (no floating-point noise like 0.30000000000000004). */
export function formatNumber(value: number): string {
  if (Number.isInteger(value) || !Number.isFinite(value)) return String(value);
  const rounded = Math.round(value * 1e9) / 1e9;
  return rounded === 0 ? String(value) : String(rounded);
}

const YAML_1_1_BOOLEANS = new Set(['yes', 'no', 'on', 'off', 'y', 'n', 'true', 'false']);

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}

function suggestion(key: string, allowed: readonly string[]): string {
  let best: string | undefined;
  let bestDistance = 3;
  const lower = key.toLowerCase();
  for (const candidate of allowed) {
    // A truncated key ("p95" for "p95_ms") counts as a near miss too.
    const d = lower.length >= 3 && candidate.startsWith(lower) ? 1 : editDistance(lower, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : ` (did you mean "${best}"?)`;
}

/**
 * Collects every problem of a plain-data document. Each method checks one value, records what is
 * wrong with it and returns the value when usable (`undefined` otherwise) so callers can keep
 * checking the rest of the document instead of stopping at the first problem.
 */
export class Checker {
  readonly issues: RawIssue[] = [];

  constructor(private readonly source?: SourceLookup) {}

  error(segments: PathSegments, reason: string, at: 'key' | 'value' = 'value'): void {
    this.issues.push({ segments, reason, severity: 'error', at });
  }

  warning(segments: PathSegments, reason: string): void {
    this.issues.push({ segments, reason, severity: 'warning', at: 'value' });
  }

  /** A mapping with exactly the `required` keys plus any of `optional`; unknown keys are errors. */
  mapping(
    value: unknown,
    segments: PathSegments,
    required: readonly string[],
    optional: readonly string[] = [],
  ): PlainMapping | undefined {
    const allowed = [...required, ...optional];
    if (!isPlainMapping(value)) {
      this.error(
        segments,
        `must be a mapping with keys ${allowed.join(', ')}; got ${describe(value)}`,
      );
      return undefined;
    }
    for (const key of Object.keys(value)) {
      if (!allowed.includes(key)) {
        this.error(
          [...segments, key],
          `unknown key "${key}"${suggestion(key, allowed)}; allowed keys: ${allowed.join(', ')}`,
          'key',
        );
      }
    }
    for (const key of required) {
      // An explicit undefined (possible from JavaScript callers) counts as missing.
      if (value[key] === undefined) this.error([...segments, key], 'is required');
    }
    return value;
  }

  list(value: unknown, segments: PathSegments): readonly unknown[] | undefined {
    if (!Array.isArray(value)) {
      this.error(segments, `must be a list; got ${describe(value)}`);
      return undefined;
    }
    return value as readonly unknown[];
  }

  /** A string with at least one non-blank character. */
  string(value: unknown, segments: PathSegments): string | undefined {
    if (typeof value === 'string') {
      if (value.trim() !== '') return value;
      this.error(segments, 'must be a non-empty string');
      return undefined;
    }
    if (typeof value === 'number' || typeof value === 'boolean') {
      const raw = this.source?.(segments);
      const quoted = JSON.stringify(raw ?? String(value));
      this.error(
        segments,
        raw !== undefined && raw !== String(value)
          ? `must be a string; YAML read ${raw} as the ${typeof value} ${String(value)}: quote it (${quoted}) to keep it a string`
          : `must be a string; got ${describe(value)} (in YAML, quote it: ${quoted})`,
      );
      return undefined;
    }
    this.error(segments, `must be a non-empty string; got ${describe(value)}`);
    return undefined;
  }

  boolean(value: unknown, segments: PathSegments): boolean | undefined {
    if (typeof value === 'boolean') return value;
    const hint =
      typeof value === 'string' && YAML_1_1_BOOLEANS.has(value.trim().toLowerCase())
        ? ` (YAML 1.2 reads ${value} as a string here: write true or false without quotes)`
        : '';
    this.error(segments, `must be true or false; got ${describe(value)}${hint}`);
    return undefined;
  }

  /** A finite number (a numeric string is refused with a hint, never coerced). */
  number(value: unknown, segments: PathSegments): number | undefined {
    if (typeof value === 'number') {
      if (Number.isFinite(value)) return value;
      this.error(segments, `must be a finite number; got ${String(value)}`);
      return undefined;
    }
    let hint = '';
    if (typeof value === 'string') {
      const trimmed = value.trim();
      if (/^[0-9.]+\s*%$/.test(trimmed)) hint = ' (write a plain number, not a percentage string)';
      else if (trimmed !== '' && Number.isFinite(Number(trimmed)))
        hint = ' (remove the quotes so YAML reads a number)';
    }
    this.error(segments, `must be a number; got ${describe(value)}${hint}`);
    return undefined;
  }

  /** A whole number ≥ `min`; `unit` names what it counts, for the message. */
  integer(value: unknown, segments: PathSegments, min: number, unit: string): number | undefined {
    const n = this.number(value, segments);
    if (n === undefined) return undefined;
    if (!Number.isSafeInteger(n)) {
      this.error(segments, `must be a whole number of ${unit}; got ${formatNumber(n)}`);
      return undefined;
    }
    if (n < min) {
      this.error(segments, `must be at least ${min}; got ${n}`);
      return undefined;
    }
    return n;
  }
}
