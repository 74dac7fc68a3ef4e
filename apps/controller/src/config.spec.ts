import { ConfigError } from '@slo-engine/platform';
import { loadControllerConfig } from './config';

/** The problems of the ConfigError loadControllerConfig throws: which variable, and why. */
function problemsOf(env: NodeJS.ProcessEnv): ConfigError['problems'] {
  try {
    loadControllerConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected loadControllerConfig to throw a ConfigError');
}

/** Asserts exactly one problem, on `variable`, whose text mentions `mention`. */
function expectOneProblem(env: NodeJS.ProcessEnv, variable: string, mention: string): void {
  const problems = problemsOf(env);
  expect(problems.map((p) => p.variable)).toEqual([variable]);
  expect(problems[0].problem).toContain(mention);
}

describe('loadControllerConfig', () => {
  it('defaults to no caller identities without TLS_CLIENT_CA_FILE, and to tls with it', () => {
    expect(loadControllerConfig({}).identitySource).toBe('none');
    expect(loadControllerConfig({ TLS_CLIENT_CA_FILE: '/etc/slo/ca.pem' }).identitySource).toBe(
      'tls',
    );
    expect(
      loadControllerConfig({
        TLS_CLIENT_CA_FILE: '/etc/slo/ca.pem',
        CONTROLLER_IDENTITY_SOURCE: 'header',
      }).identitySource,
    ).toBe('header');
    expect(loadControllerConfig({ CONTROLLER_IDENTITY_SOURCE: 'header' }).identitySource).toBe(
      'header',
    );
  });

  it('returns a frozen config', () => {
    expect(Object.isFrozen(loadControllerConfig({}))).toBe(true);
  });

  it('refuses CONTROLLER_IDENTITY_SOURCE=tls without TLS_CLIENT_CA_FILE', () => {
    expectOneProblem(
      { CONTROLLER_IDENTITY_SOURCE: 'tls' },
      'CONTROLLER_IDENTITY_SOURCE',
      'TLS_CLIENT_CA_FILE',
    );
  });

  it('refuses an unknown identity source', () => {
    expect(problemsOf({ CONTROLLER_IDENTITY_SOURCE: 'jwt' }).map((p) => p.variable)).toEqual([
      'CONTROLLER_IDENTITY_SOURCE',
    ]);
  });

  it.each([
    ['ftp', 'ftp'],
    ['http,gopher', 'gopher'],
    ['https,', 'only http and https'],
  ])('refuses CONTROLLER_WORKER_URL_SCHEMES=%s', (schemes, mention) => {
    expectOneProblem(
      { CONTROLLER_WORKER_URL_SCHEMES: schemes },
      'CONTROLLER_WORKER_URL_SCHEMES',
      mention,
    );
  });

  it('accepts http and https, with blanks after the commas', () => {
    expect(
      loadControllerConfig({ CONTROLLER_WORKER_URL_SCHEMES: 'https, http' })
        .CONTROLLER_WORKER_URL_SCHEMES,
    ).toBe('https, http');
    expect(loadControllerConfig({}).CONTROLLER_WORKER_URL_SCHEMES).toBe('https');
  });

  it('refuses half a worker client-certificate pair, naming the missing half', () => {
    expectOneProblem(
      { CONTROLLER_WORKER_CLIENT_CERT_FILE: '/etc/slo/client.crt' },
      'CONTROLLER_WORKER_CLIENT_KEY_FILE',
      'together',
    );
    expectOneProblem(
      { CONTROLLER_WORKER_CLIENT_KEY_FILE: '/etc/slo/client.key' },
      'CONTROLLER_WORKER_CLIENT_CERT_FILE',
      'together',
    );
    const both = loadControllerConfig({
      CONTROLLER_WORKER_CLIENT_CERT_FILE: '/etc/slo/client.crt',
      CONTROLLER_WORKER_CLIENT_KEY_FILE: '/etc/slo/client.key',
    });
    expect(both.CONTROLLER_WORKER_CLIENT_KEY_FILE).toBe('/etc/slo/client.key');
  });
});
