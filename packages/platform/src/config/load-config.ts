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
 */
export function loadConfig<S extends ConfigSchema>(schema: S, env: Environment): ConfigOf<S> {
  const values: Record<string, unknown> = {};
  const problems: ConfigProblem[] = [];
  for (const [variable, field] of Object.entries(schema)) {
    const result = field.parse(env[variable]);
    if (result.ok) values[variable] = result.value;
    else problems.push({ variable, problem: result.problem });
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(values) as ConfigOf<S>;
}
