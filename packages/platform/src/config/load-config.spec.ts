import { boolean, duration, int, oneOf, string, url } from './config-schema';
import { ConfigError, defineConfig, loadConfig } from './load-config';
import { platformConfigSchema } from './platform-config';

describe('loadConfig', () => {
  const schema = defineConfig({
    PORT: int({ min: 1, max: 65535, default: 8000 }),
    MODE: oneOf(['a', 'b'] as const),
    DATABASE_URL: url({ protocols: ['postgres', 'postgresql'], optional: true }),
    NAME: string({ minLength: 2, maxLength: 5 }),
    ENABLED: boolean({ default: false }),
    STALE_AFTER: duration({ default: 7 * 86_400_000 }),
  });

  it('parses and types every field, applying defaults', () => {
    const config = loadConfig(schema, {
      MODE: 'b',
      NAME: 'api',
      ENABLED: 'YES',
      STALE_AFTER: '90s',
    });
    expect(config).toEqual({
      PORT: 8000,
      MODE: 'b',
      DATABASE_URL: undefined,
      NAME: 'api',
      ENABLED: true,
      STALE_AFTER: 90_000,
    });
    // Compile-time types: these assignments fail typechecking if inference regresses.
    const port: number = config.PORT;
    const mode: 'a' | 'b' = config.MODE;
    const database: string | undefined = config.DATABASE_URL;
    expect([port, mode, database]).toEqual([8000, 'b', undefined]);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('treats an empty value as absent', () => {
    expect(loadConfig(schema, { MODE: 'a', NAME: 'api', PORT: '  ' }).PORT).toBe(8000);
  });

  it('collects every problem into one ConfigError naming each variable and why', () => {
    const env = {
      PORT: 'abc',
      MODE: 'c',
      DATABASE_URL: 'mysql://u:secret@db/x',
      NAME: 'toolong',
      ENABLED: 'maybe',
      STALE_AFTER: '5 weeks',
    };
    let error: unknown;
    try {
      loadConfig(schema, env);
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const configError = error as ConfigError;
    expect(configError.problems.map((p) => p.variable)).toEqual([
      'PORT',
      'MODE',
      'DATABASE_URL',
      'NAME',
      'ENABLED',
      'STALE_AFTER',
    ]);
    expect(configError.message).toContain('PORT: must be an integer 1..65535, got "abc"');
    expect(configError.message).toContain('MODE: must be one of a, b, got "c"');
    expect(configError.message).toContain(
      'DATABASE_URL: must be a postgres/postgresql URL, got scheme "mysql"',
    );
    expect(configError.message).toContain(
      'NAME: must be a string of 2..5 characters, got 7 characters',
    );
    expect(configError.message).toContain('ENABLED: must be a boolean');
    expect(configError.message).toContain('STALE_AFTER: must be a duration');
  });

  it('reports a missing required variable', () => {
    expect(() => loadConfig(schema, { NAME: 'api' })).toThrow(/MODE: is required \(one of a, b\)/);
  });

  it('rejects out-of-range and non-integer numbers, never leaking a URL password', () => {
    expect(() => loadConfig(schema, { MODE: 'a', NAME: 'api', PORT: '70000' })).toThrow(
      'PORT: must be an integer 1..65535, got "70000"',
    );
    expect(() => loadConfig(schema, { MODE: 'a', NAME: 'api', PORT: '80.5' })).toThrow(/PORT/);
    const unparsable = () =>
      loadConfig(schema, { MODE: 'a', NAME: 'api', DATABASE_URL: 'postgres//u:hunter2@' });
    expect(unparsable).toThrow(
      'DATABASE_URL: must be a postgres/postgresql URL, got "postgres//u:***@"',
    );
  });
});

describe('platformConfigSchema', () => {
  it('gives the shared defaults on an empty environment (embedded mode)', () => {
    expect(loadConfig(platformConfigSchema, {})).toEqual({
      NODE_ENV: 'development',
      PORT: 8000,
      LOG_LEVEL: 'info',
      DATABASE_URL: undefined,
      REDIS_URL: undefined,
      PROMETHEUS_URL: undefined,
      OTEL_EXPORTER_OTLP_ENDPOINT: undefined,
      OTEL_SERVICE_NAME: 'slo-engine',
      METRICS_ENABLED: true,
      TRACING_ENABLED: false,
      BODY_LIMIT_BYTES: 10 * 1024 * 1024,
      TRUST_PROXY: false,
    });
  });

  it('can be extended by an app schema', () => {
    const apiSchema = defineConfig({
      ...platformConfigSchema,
      STALENESS: duration({ default: 1000 }),
    });
    const config = loadConfig(apiSchema, { DATABASE_URL: 'postgresql://u:p@localhost:5432/db' });
    expect(config.DATABASE_URL).toBe('postgresql://u:p@localhost:5432/db');
    expect(config.STALENESS).toBe(1000);
  });
});

describe('loadConfig from secret files (<VARIABLE>_FILE)', () => {
  const secretSchema = defineConfig({ TOKEN: string({ minLength: 1, optional: true }) });
  const files: Record<string, string> = { '/run/secrets/token': 's3cret\n' };
  const read = (path: string): string => {
    const content = files[path];
    if (content === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
    return content;
  };

  it('reads the value from the file, without its trailing newline', () => {
    expect(loadConfig(secretSchema, { TOKEN_FILE: '/run/secrets/token' }, read).TOKEN).toBe(
      's3cret',
    );
  });

  it('refuses both the variable and its file', () => {
    expect(() =>
      loadConfig(secretSchema, { TOKEN: 'x', TOKEN_FILE: '/run/secrets/token' }, read),
    ).toThrow('TOKEN: set either TOKEN or TOKEN_FILE, not both');
  });

  it('names the file variable when the file cannot be read', () => {
    expect(() => loadConfig(secretSchema, { TOKEN_FILE: '/nope' }, read)).toThrow(
      'TOKEN_FILE: cannot read /nope (ENOENT)',
    );
  });
});
