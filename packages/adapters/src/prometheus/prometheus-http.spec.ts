import { createServer } from 'node:net';
import { DomainError, TelemetryErrorCodes, TelemetryUnavailableError } from '@slo-engine/core';
import {
  type FakePrometheus,
  matrix,
  startFakePrometheus,
  vector,
} from './__fixtures__/fake-prometheus';
import {
  PrometheusHttpClient,
  type PrometheusHttpOptions,
  type PrometheusQueryEvent,
} from './prometheus-http';
import { parseSampleValue } from './prometheus-response';

const AT = new Date('2025-01-31T00:00:00Z');
const ok = vector([{ metric: { service: 'a' }, value: [AT.getTime() / 1000, '1'] }]);
const unavailable = {
  status: 503,
  body: { status: 'error', errorType: 'unavailable', error: 'busy' },
};

let fake: FakePrometheus;
let events: PrometheusQueryEvent[];

beforeEach(async () => {
  fake = await startFakePrometheus(() => ok);
  events = [];
});
afterEach(() => fake.close());

/** Fast policies for tests: 10 ms backoff without jitter, 200 ms timeout. */
function client(overrides: Partial<PrometheusHttpOptions> = {}): PrometheusHttpClient {
  return new PrometheusHttpClient({
    url: fake.url,
    timeoutMs: 200,
    retry: { initialDelayMs: 10, jitter: 0 },
    circuitBreaker: { halfOpenAfterMs: 300 },
    observer: { onQuery: (event) => events.push(event) },
    ...overrides,
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('requests', () => {
  it('POSTs form-encoded instant queries with time and timeout', async () => {
    const samples = await client().query('test', 'sum(up{job="x"})', AT);
    expect(samples).toEqual([
      { metric: { service: 'a' }, timestamp: AT.getTime() / 1000, value: 1 },
    ]);
    const [request] = fake.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe('/api/v1/query');
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(request.params)).toEqual({
      query: 'sum(up{job="x"})',
      time: '1738281600.000',
      timeout: '0.2',
    });
    expect(request.headers.authorization).toBeUndefined();
  });

  it('POSTs range queries with start, end and step', async () => {
    fake.handle(() => matrix([{ values: [[1738281600, '2']] }]));
    const series = await client().queryRange(
      'test',
      'x',
      1738278000_000,
      1738281600_000,
      3_600_000,
    );
    expect(series).toEqual([{ metric: {}, values: [[1738281600, 2]] }]);
    expect(fake.requests[0].path).toBe('/api/v1/query_range');
    expect(Object.fromEntries(fake.requests[0].params)).toMatchObject({
      start: '1738278000.000',
      end: '1738281600.000',
      step: '3600',
    });
  });

  it('keeps a path prefix (Mimir) and drops a trailing slash', async () => {
    await client({ url: `${fake.url}/prometheus/` }).query('test', 'x', AT);
    expect(fake.requests[0].path).toBe('/prometheus/api/v1/query');
  });

  it('sends bearer auth and extra headers', async () => {
    await client({
      auth: { type: 'bearer', token: 's3cr3t' },
      headers: { 'X-Scope-OrgID': 'team-a' },
    }).query('test', 'x', AT);
    expect(fake.requests[0].headers.authorization).toBe('Bearer s3cr3t');
    expect(fake.requests[0].headers['x-scope-orgid']).toBe('team-a');
  });

  it('sends basic auth, also when given in the URL', async () => {
    await client({ auth: { type: 'basic', username: 'slo', password: 'pä:ss' } }).query(
      'test',
      'x',
      AT,
    );
    await client({ url: fake.url.replace('http://', 'http://u%40x:p%3Aw@') }).query(
      'test',
      'x',
      AT,
    );
    const decode = (header: string | undefined): string =>
      Buffer.from(header!.replace(/^Basic /, ''), 'base64').toString('utf8');
    expect(decode(fake.requests[0].headers.authorization)).toBe('slo:pä:ss');
    expect(decode(fake.requests[1].headers.authorization)).toBe('u@x:p:w');
  });

  it('rejects bad configuration at construction', () => {
    expect(() => client({ url: 'ftp://x' })).toThrow('http or https');
    expect(() => client({ url: 'not a url' })).toThrow('not a valid URL');
    expect(() => client({ auth: { type: 'bearer', token: 'a\nb' } })).toThrow('control characters');
    expect(() => client({ headers: { 'bad header': 'x' } })).toThrow('not a valid header');
    expect(() => client({ timeoutMs: 0 })).toThrow('timeoutMs');
    expect(() => client({ retry: { maxRetries: 1.5 } })).toThrow('integer');
  });
});

describe('retries', () => {
  it('retries 503 with exponential backoff and succeeds', async () => {
    let calls = 0;
    fake.handle(() => (++calls <= 2 ? unavailable : ok));
    await client({ retry: { initialDelayMs: 40, jitter: 0 } }).query('test', 'x', AT);
    const [first, second, third] = fake.requests.map((r) => r.at);
    expect(fake.requests).toHaveLength(3);
    expect(second - first).toBeGreaterThanOrEqual(35);
    expect(third - second).toBeGreaterThanOrEqual(75);
    expect(events).toEqual([
      expect.objectContaining({ purpose: 'test', outcome: 'ok', attempts: 3 }),
    ]);
  });

  it('gives up after 3 retries (4 attempts) with TelemetryUnavailableError', async () => {
    fake.handle(() => unavailable);
    const error = await rejection(client().query('request_totals', 'x', AT));
    expect(fake.requests).toHaveLength(4);
    expect(error).toBeInstanceOf(TelemetryUnavailableError);
    expect((error as TelemetryUnavailableError).code).toBe(TelemetryErrorCodes.UNAVAILABLE);
    expect(error.message).toContain('after 4 attempts: HTTP 503: busy');
    expect((error as TelemetryUnavailableError).retryAfterSeconds).toBe(1);
    expect(events).toEqual([
      expect.objectContaining({
        purpose: 'request_totals',
        endpoint: 'query',
        outcome: 'error',
        errorKind: 'http_5xx',
        attempts: 4,
      }),
    ]);
    expect(events[0].durationSeconds).toBeGreaterThan(0.06); // 10 + 20 + 40 ms of backoff
  });

  it('jitters each delay within ±jitter of the exponential value (seeded random)', async () => {
    fake.handle(() => unavailable);
    const gapsWith = async (random: () => number): Promise<number[]> => {
      fake.requests.length = 0;
      await rejection(
        client({ retry: { initialDelayMs: 40, jitter: 0.5 }, random }).query('t', 'x', AT),
      );
      return fake.requests.slice(1).map((r, i) => r.at - fake.requests[i].at);
    };
    // random → 1: 1.5 × (40, 80, 160) ms.
    const slow = await gapsWith(() => 0.999);
    expect(slow[0]).toBeGreaterThanOrEqual(55);
    expect(slow[1]).toBeGreaterThanOrEqual(115);
    expect(slow[2]).toBeGreaterThanOrEqual(235);
    // random → 0: 0.5 × (40, 80, 160) = 140 ms in all, far below the 420 ms above.
    const fast = await gapsWith(() => 0);
    expect(fast.reduce((a, b) => a + b, 0)).toBeLessThan(400);
  });

  it('retries 429, honouring Retry-After up to the maximum delay', async () => {
    let calls = 0;
    fake.handle(() =>
      ++calls === 1 ? { status: 429, headers: { 'retry-after': '1' }, body: 'slow down' } : ok,
    );
    await client({ retry: { initialDelayMs: 10, jitter: 0, maxDelayMs: 150 } }).query('t', 'x', AT);
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1].at - fake.requests[0].at).toBeGreaterThanOrEqual(140);
  });

  it('times out a request that hangs, and retries it', async () => {
    fake.handle(() => ({ hang: true }));
    const started = Date.now();
    const error = await rejection(
      client({ timeoutMs: 100, retry: { maxRetries: 1, initialDelayMs: 10 } }).query('t', 'x', AT),
    );
    expect(fake.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(error).toBeInstanceOf(TelemetryUnavailableError);
    expect(error.message).toContain('timed out after 100 ms');
    expect(events[0]).toMatchObject({ outcome: 'error', errorKind: 'timeout', attempts: 2 });
  });

  it('times out a body that never ends', async () => {
    fake.handle(() => ({ ...ok, stallBody: true }));
    const error = await rejection(
      client({ timeoutMs: 100, retry: { maxRetries: 0 } }).query('t', 'x', AT),
    );
    expect(error.message).toContain('timed out');
  });

  it('retries network errors', async () => {
    const port = await closedPort();
    const error = await rejection(client({ url: `http://127.0.0.1:${port}` }).query('t', 'x', AT));
    expect(error).toBeInstanceOf(TelemetryUnavailableError);
    expect(error.message).toMatch(/after 4 attempts: network error \(ECONNREFUSED\)/);
    expect(events[0]).toMatchObject({ errorKind: 'network', attempts: 4 });
  });

  it.each([
    [400, 'bad_data', 'parse error at char 5: unclosed left parenthesis', 'http_4xx'],
    [422, 'execution', 'query processing would load too many samples into memory', 'http_4xx'],
  ])(
    'never retries HTTP %i: BAD_RESPONSE with Prometheus’ error',
    async (status, errorType, text, kind) => {
      fake.handle(() => ({ status, body: { status: 'error', errorType, error: text } }));
      const error = await rejection(client().query('t', 'sum(', AT));
      expect(fake.requests).toHaveLength(1);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).not.toBeInstanceOf(TelemetryUnavailableError);
      expect((error as DomainError).code).toBe(TelemetryErrorCodes.BAD_RESPONSE);
      expect(error.message).toContain(`HTTP ${status}, ${errorType}): ${text}`);
      expect((error as DomainError).details).toEqual({ httpStatus: status, errorType });
      expect(events[0]).toMatchObject({ outcome: 'error', errorKind: kind, attempts: 1 });
    },
  );

  it.each([401, 403])('never retries HTTP %i: the credentials are wrong', async (status) => {
    fake.handle(() => ({ status, body: 'Unauthorized' }));
    const error = await rejection(client().query('t', 'x', AT));
    expect(fake.requests).toHaveLength(1);
    expect((error as DomainError).code).toBe(TelemetryErrorCodes.BAD_RESPONSE);
    expect(error.message).toContain('refused the credentials');
  });

  it('does not follow redirects (credentials stay with the configured host)', async () => {
    fake.handle(() => ({
      status: 302,
      headers: { location: 'http://elsewhere.invalid/' },
      body: '',
    }));
    const error = await rejection(
      client({ auth: { type: 'bearer', token: 't' } }).query('t', 'x', AT),
    );
    expect(fake.requests).toHaveLength(1);
    expect((error as DomainError).code).toBe(TelemetryErrorCodes.BAD_RESPONSE);
    expect(error.message).toContain('redirect');
  });
});

describe('response parsing', () => {
  it.each([
    [
      'a body that is not JSON',
      { body: '<html>proxy error</html>' },
      'not JSON: <html>proxy error</html>',
    ],
    [
      'status "error" with HTTP 200',
      { body: { status: 'error', errorType: 'x', error: 'boom' } },
      'boom',
    ],
    [
      'a scalar where a vector was expected',
      { body: { status: 'success', data: { resultType: 'scalar', result: [1, '1'] } } },
      'scalar where a vector',
    ],
    [
      'a value that is not a number',
      {
        body: {
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: [1, 'abc'] }] },
        },
      },
      'not a number',
    ],
    [
      'a sample without time',
      {
        body: {
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: {}, value: ['1'] }] },
        },
      },
      'not [time, "value"]',
    ],
    [
      'a label that is not a string',
      {
        body: {
          status: 'success',
          data: { resultType: 'vector', result: [{ metric: { a: 1 }, value: [1, '1'] }] },
        },
      },
      'label a',
    ],
  ])('turns %s into BAD_RESPONSE, without retrying', async (_what, answer, message) => {
    fake.handle(() => answer);
    const error = await rejection(client().query('t', 'x', AT));
    expect((error as DomainError).code).toBe(TelemetryErrorCodes.BAD_RESPONSE);
    expect(error.message).toContain(message);
    expect(fake.requests).toHaveLength(1);
    expect(events[0].errorKind).toBe('bad_response');
  });

  it('reads NaN and infinities', async () => {
    fake.handle(() =>
      vector([
        { metric: { q: 'nan' }, value: [1, 'NaN'] },
        { metric: { q: 'inf' }, value: [1, '+Inf'] },
        { metric: { q: '-inf' }, value: [1, '-Inf'] },
        { metric: { q: 'exp' }, value: [1, '1.5e-7'] },
      ]),
    );
    const values = (await client().query('t', 'x', AT)).map((s) => s.value);
    expect(values).toEqual([Number.NaN, Infinity, -Infinity, 1.5e-7]);
    expect(() => parseSampleValue('')).toThrow('not a number');
    expect(() => parseSampleValue(1)).toThrow('not a number');
  });
});

describe('circuit breaker', () => {
  it('opens after 10 consecutive failures, rejects without calling, lets one probe through', async () => {
    fake.handle(() => unavailable);
    const prometheus = client({
      retry: { maxRetries: 0 },
      circuitBreaker: { halfOpenAfterMs: 300 },
    });
    for (let i = 0; i < 9; i++) await rejection(prometheus.query('t', 'x', AT));
    expect(prometheus.circuitState).toBe('closed');
    await rejection(prometheus.query('t', 'x', AT));
    expect(prometheus.circuitState).toBe('open');
    expect(fake.requests).toHaveLength(10);

    const rejected = await rejection(prometheus.query('t', 'x', AT));
    expect(fake.requests).toHaveLength(10);
    expect(rejected).toBeInstanceOf(TelemetryUnavailableError);
    expect(rejected.message).toContain('circuit breaker is open');
    expect((rejected as TelemetryUnavailableError).retryAfterSeconds).toBe(1);
    expect(events.at(-1)).toMatchObject({
      outcome: 'error',
      errorKind: 'circuit_open',
      attempts: 0,
    });

    // Half-open: the first call is the only probe; calls meanwhile wait for its outcome.
    await new Promise((resolve) => setTimeout(resolve, 320));
    let probes = 0;
    fake.handle(() => {
      probes += 1;
      return { ...ok, delayMs: 100 };
    });
    const calls = [1, 2, 3].map(() => prometheus.query('t', 'x', AT));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(prometheus.circuitState).toBe('half-open');
    expect(probes).toBe(1);
    await Promise.all(calls);
    expect(prometheus.circuitState).toBe('closed');
    expect(probes).toBe(3);
  });

  it('re-opens when the probe fails', async () => {
    fake.handle(() => unavailable);
    const prometheus = client({
      retry: { maxRetries: 0 },
      circuitBreaker: { consecutiveFailures: 2, halfOpenAfterMs: 100 },
    });
    await rejection(prometheus.query('t', 'x', AT));
    await rejection(prometheus.query('t', 'x', AT));
    expect(prometheus.circuitState).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 120));
    await rejection(prometheus.query('t', 'x', AT));
    expect(fake.requests).toHaveLength(3);
    expect(prometheus.circuitState).toBe('open');
    await rejection(prometheus.query('t', 'x', AT));
    expect(fake.requests).toHaveLength(3);
  });

  it('counts every attempt, so retries stop as soon as it opens', async () => {
    fake.handle(() => unavailable);
    const prometheus = client({ circuitBreaker: { consecutiveFailures: 6 } });
    await rejection(prometheus.query('t', 'x', AT)); // 4 attempts
    const error = await rejection(prometheus.query('t', 'x', AT)); // 2 more open it
    expect(fake.requests).toHaveLength(6);
    expect(error).toBeInstanceOf(TelemetryUnavailableError);
    expect(prometheus.circuitState).toBe('open');
  });

  it('treats a definite answer (4xx) as Prometheus being up', async () => {
    const prometheus = client({
      retry: { maxRetries: 0 },
      circuitBreaker: { consecutiveFailures: 3 },
    });
    fake.handle(() => unavailable);
    await rejection(prometheus.query('t', 'x', AT));
    await rejection(prometheus.query('t', 'x', AT));
    fake.handle(() => ({
      status: 400,
      body: { status: 'error', errorType: 'bad_data', error: 'no' },
    }));
    await rejection(prometheus.query('t', 'x', AT));
    fake.handle(() => unavailable);
    await rejection(prometheus.query('t', 'x', AT));
    await rejection(prometheus.query('t', 'x', AT));
    expect(prometheus.circuitState).toBe('closed');
  });
});

describe('checkHealth', () => {
  it('reports the version from buildinfo', async () => {
    fake.handle(() => ({ body: { status: 'success', data: { version: '2.42.0' } } }));
    const health = await client({ auth: { type: 'bearer', token: 't' } }).checkHealth();
    expect(health).toEqual({ ok: true, detail: `Prometheus 2.42.0 answers at ${fake.url}` });
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/api/v1/status/buildinfo' });
    expect(fake.requests[0].headers.authorization).toBe('Bearer t');
  });

  it('falls back to /-/ready', async () => {
    fake.handle((request) =>
      request.path === '/-/ready'
        ? { body: 'Prometheus Server is Ready.' }
        : { status: 404, body: '404 page not found' },
    );
    expect(await client().checkHealth()).toEqual({
      ok: true,
      detail: `Prometheus is ready at ${fake.url}`,
    });
  });

  it('never throws', async () => {
    fake.handle(() => ({ status: 503, body: 'Service Unavailable' }));
    const refused = await client().checkHealth();
    expect(refused.ok).toBe(false);
    expect(refused.detail).toContain('HTTP 503');
    fake.handle(() => ({ hang: true }));
    const hung = await client({ timeoutMs: 50 }).checkHealth();
    expect(hung.ok).toBe(false);
    expect(hung.detail).toContain('timed out');
    const port = await closedPort();
    expect(await client({ url: `http://u:secret@127.0.0.1:${port}` }).checkHealth()).toEqual({
      ok: false,
      detail: `Prometheus at http://127.0.0.1:${port} does not answer: network error (ECONNREFUSED)`,
    });
  });

  it('mentions an open breaker', async () => {
    fake.handle(() => unavailable);
    const prometheus = client({
      retry: { maxRetries: 0 },
      circuitBreaker: { consecutiveFailures: 1, halfOpenAfterMs: 5_000 },
    });
    await rejection(prometheus.query('t', 'x', AT));
    fake.handle(() => ({ body: { status: 'success', data: { version: '2.42.0' } } }));
    const health = await prometheus.checkHealth();
    expect(health.ok).toBe(true);
    expect(health.detail).toMatch(/circuit breaker open, next probe in [1-5] s/);
  });
});

describe('observer', () => {
  it('is optional, and its exceptions never break a query', async () => {
    await expect(client({ observer: undefined }).query('t', 'x', AT)).resolves.toHaveLength(1);
    const throwing = client({
      observer: {
        onQuery: () => {
          throw new Error('metrics down');
        },
      },
    });
    await expect(throwing.query('t', 'x', AT)).resolves.toHaveLength(1);
  });
});
