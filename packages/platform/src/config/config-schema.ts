/**
 * A tiny, dependency-free schema DSL for environment variables. Each field parses one raw string
 * (or its absence) into a typed value or explains, in one sentence, why it cannot.
 *
 * ```ts
 * const schema = defineConfig({ PORT: int({ min: 1, max: 65535, default: 8000 }) });
 * const config = loadConfig(schema, process.env); // { PORT: number }
 * ```
 */

/** The outcome of parsing one variable: a value, or a problem sentence ("must be …, got …"). */
export type FieldResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly problem: string };

export interface ConfigField<T> {
  /** Parses the raw value; `undefined` means the variable is absent or empty. */
  parse(raw: string | undefined): FieldResult<T>;
  /** One line for documentation and error messages, e.g. `an integer 1..65535`. */
  readonly description: string;
}

export type ConfigSchema = Readonly<Record<string, ConfigField<unknown>>>;

/** The typed object a schema produces. */
export type ConfigOf<S extends ConfigSchema> = {
  readonly [K in keyof S]: S[K] extends ConfigField<infer T> ? T : never;
};

interface Presence<T> {
  /** Used when the variable is absent or empty. */
  readonly default?: T;
  /** When true and no default is given, absence yields `undefined` instead of a problem. */
  readonly optional?: boolean;
}

type Typed<T, O> = O extends { readonly default: T }
  ? T
  : O extends { readonly optional: true }
    ? T | undefined
    : T;

const ok = <T>(value: T): FieldResult<T> => ({ ok: true, value });
const problem = <T>(text: string): FieldResult<T> => ({ ok: false, problem: text });
const quoted = (raw: string): string => JSON.stringify(raw);

function field<T, O extends Presence<T>>(
  options: O | undefined,
  description: string,
  parsePresent: (raw: string) => FieldResult<T>,
): ConfigField<Typed<T, O>> {
  return {
    description,
    parse(raw) {
      if (raw === undefined || raw.trim() === '') {
        if (options?.default !== undefined) return ok(options.default as Typed<T, O>);
        if (options?.optional === true) return ok(undefined as Typed<T, O>);
        return problem(`is required (${description})`);
      }
      return parsePresent(raw.trim()) as FieldResult<Typed<T, O>>;
    },
  };
}

export interface StringOptions<T extends string = string> extends Presence<T> {
  readonly minLength?: number;
  readonly maxLength?: number;
}

export function string<O extends StringOptions = Presence<string>>(
  options?: O,
): ConfigField<Typed<string, O>> {
  const min = options?.minLength ?? 0;
  const max = options?.maxLength ?? Number.POSITIVE_INFINITY;
  const description = Number.isFinite(max) ? `a string of ${min}..${max} characters` : 'a string';
  return field<string, O>(options, description, (raw) =>
    raw.length < min || raw.length > max
      ? problem(`must be ${description}, got ${raw.length} characters`)
      : ok(raw),
  );
}

export interface UrlOptions extends Presence<string> {
  /** Allowed schemes without the colon, e.g. `['postgres', 'postgresql']`. */
  readonly protocols?: readonly string[];
}

/** A URL, kept as the string the operator wrote (drivers take strings). */
export function url<O extends UrlOptions = Presence<string>>(
  options?: O,
): ConfigField<Typed<string, O>> {
  const protocols = options?.protocols;
  const description = protocols ? `a ${protocols.join('/')} URL` : 'a URL';
  return field<string, O>(options, description, (raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      return problem(`must be ${description}, got ${quoted(redactUrl(raw))}`);
    }
    const scheme = parsed.protocol.slice(0, -1);
    if (protocols && !protocols.includes(scheme)) {
      return problem(`must be ${description}, got scheme "${scheme}"`);
    }
    return ok(raw);
  });
}

export interface IntOptions extends Presence<number> {
  readonly min?: number;
  readonly max?: number;
}

export function int<O extends IntOptions = Presence<number>>(
  options?: O,
): ConfigField<Typed<number, O>> {
  const min = options?.min ?? Number.MIN_SAFE_INTEGER;
  const max = options?.max ?? Number.MAX_SAFE_INTEGER;
  const range =
    options?.min !== undefined || options?.max !== undefined
      ? ` ${options?.min ?? '-∞'}..${options?.max ?? '∞'}`
      : '';
  const description = `an integer${range}`;
  return field<number, O>(options, description, (raw) => {
    const value = /^[+-]?\d+$/.test(raw) ? Number(raw) : Number.NaN;
    return Number.isSafeInteger(value) && value >= min && value <= max
      ? ok(value)
      : problem(`must be ${description}, got ${quoted(raw)}`);
  });
}

export function oneOf<
  const V extends readonly string[],
  O extends Presence<V[number]> = Presence<V[number]>,
>(values: V, options?: O): ConfigField<Typed<V[number], O>> {
  const description = `one of ${values.join(', ')}`;
  return field<V[number], O>(options, description, (raw) =>
    values.includes(raw) ? ok(raw) : problem(`must be ${description}, got ${quoted(raw)}`),
  );
}

const TRUE = ['true', '1', 'yes', 'on'];
const FALSE = ['false', '0', 'no', 'off'];

export function boolean<O extends Presence<boolean> = Presence<boolean>>(
  options?: O,
): ConfigField<Typed<boolean, O>> {
  const description = 'a boolean (true/false, 1/0, yes/no, on/off)';
  return field<boolean, O>(options, description, (raw) => {
    const lower = raw.toLowerCase();
    if (TRUE.includes(lower)) return ok(true);
    if (FALSE.includes(lower)) return ok(false);
    return problem(`must be ${description}, got ${quoted(raw)}`);
  });
}

const DURATION_UNITS_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** A duration such as `500ms`, `30s`, `5m`, `2h`, `7d` (a bare number means milliseconds); parsed to milliseconds. */
export function duration<O extends Presence<number> = Presence<number>>(
  options?: O,
): ConfigField<Typed<number, O>> {
  const description = 'a duration like 500ms, 30s, 5m, 2h or 7d';
  return field<number, O>(options, description, (raw) => {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw);
    if (!match) return problem(`must be ${description}, got ${quoted(raw)}`);
    const unit = DURATION_UNITS_MS[match[2] ?? 'ms'] ?? 1;
    return ok(Math.round(Number(match[1]) * unit));
  });
}

/** Hides a password in a URL before it reaches an error message or a log. */
export function redactUrl(raw: string): string {
  return raw.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}
