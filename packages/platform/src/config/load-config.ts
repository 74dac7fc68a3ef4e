import { readFileSync } from 'node:fs';
import { type ConfigOf, type ConfigSchema } from './config-schema';

/** One variable that failed validation. */
export interface ConfigProblem {
  readonly variable: string;
  readonly problem: string;
}

/**
 * Thrown by {@link loadConfig} with every problem at once, so an operator fixes the environment in
 * one round trip: `Invalid configuration:\n  PORT: must be an integer 1..65535, got "abc"`.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
        problems.map(({ variable, problem }) => `  ${variable}: ${problem}`).join('\n'),
    );
  }
}

/** Identity with inference: declares an app's schema so `loadConfig` returns its typed shape. */
export function defineConfig<const S extends ConfigSchema>(schema: S): S {
  return schema;
}

/** A source of raw values, usually `process.env`. */
export type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Parses every variable of `schema` from `env` and returns a frozen typed object, or throws one
 * {@link ConfigError} naming every bad variable. Variables the schema does not name are ignored.
 *
 * Any variable may instead come from a file named by `<VARIABLE>_FILE` (Docker and Kubernetes
 * secrets mounted as files, SEC-010); trailing newlines are dropped. Setting both is an error.
 */
export function loadConfig<S extends ConfigSchema>(
  schema: S,
  env: Environment,
  readSecretFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): ConfigOf<S> {
  const values: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [variable, field] of Object.entries(schema)) {
    const raw = rawValue(variable, env, readSecretFile);
    if (!raw.ok) {
      problems.push({ variable: raw.variable, problem: raw.problem });
      continue;
    }
    const result = field.parse(raw.value);
    if (result.ok) values[variable] = result.value;
    else problems.push({ variable, problem: result.problem });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(values) as ConfigOf<S>;
}

type RawValue =
  | { readonly ok: true; readonly value: string | undefined }
  | { readonly ok: false; readonly variable: string; readonly problem: string };

function rawValue(
  variable: string,
  env: Environment,
  readSecretFile: (path: string) => string,
): RawValue {
  const fileVariable = `${variable}_FILE`;
  const path = env[fileVariable];
  if (path === undefined || path.trim() === '') return { ok: true, value: env[variable] };
  if (env[variable] !== undefined && env[variable].trim() !== '') {
    return { ok: false, variable, problem: `set either ${variable} or ${fileVariable}, not both` };
  }
  try {
    return { ok: true, value: readSecretFile(path.trim()).replace(/\r?\n$/, '') };
  } catch (error) {
    const reason = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
    return { ok: false, variable: fileVariable, problem: `cannot read ${path.trim()} (${reason})` };
  }
}
