import fc from 'fast-check';
import { DomainError, TelemetryErrorCodes } from '@slo-engine/core';
import {
  assertSafeLabelValue,
  DEFAULT_PROMQL_TEMPLATES,
  escapePromqlString,
  escapeRegex,
  labelValueProblem,
  MAX_LABEL_VALUE_LENGTH,
  PromqlBuilder,
  promqlDuration,
} from './promql';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The values of every double-quoted literal in a query, decoded as PromQL (Go) would. */
function literals(query: string): string[] {
  return [...query.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`) as string);
}

function thrown(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('PromqlBuilder with the spec 004 §6.1 defaults', () => {
  const promql = new PromqlBuilder();

  it('exports the defaults of the spec', () => {
    expect(DEFAULT_PROMQL_TEMPLATES).toEqual({
      requestsMetric: 'http_requests_total',
      serviceLabel: 'service',
      statusLabel: 'status',
      errorStatusRegex: '5..',
      latencyBucketMetric: 'http_request_duration_seconds_bucket',
      latencyUnitMs: 1000,
      throttlingMetric: 'container_cpu_cfs_throttled_seconds_total',
      throttlingSelector: 'pod=~"{{serviceRegex}}-.*"',
      extraMatchers: '',
    });
    expect(Object.isFrozen(DEFAULT_PROMQL_TEMPLATES)).toBe(true);
  });

  it('builds one service’s request and error increases', () => {
    expect(promql.serviceRequests('checkout', HOUR, false)).toBe(
      'sum(increase(http_requests_total{service="checkout"}[1h]))',
    );
    expect(promql.serviceRequests('checkout', HOUR, true)).toBe(
      'sum(increase(http_requests_total{service="checkout",status=~"5.."}[1h]))',
    );
  });

  it('builds set and fleet queries with sum by (service)', () => {
    expect(promql.servicesRequests(['a', 'api.gateway', 'c'], 30 * DAY, false)).toBe(
      'sum by (service) (increase(http_requests_total{service=~"^(a|api\\\\.gateway|c)$"}[30d]))',
    );
    expect(promql.fleetRequests(28 * DAY, true)).toBe(
      'sum by (service) (increase(http_requests_total{service!="",status=~"5.."}[28d]))',
    );
  });

  it('builds histogram queries', () => {
    expect(promql.serviceLatencyBuckets('search', 300_000)).toBe(
      'sum by (le) (increase(http_request_duration_seconds_bucket{service="search"}[5m]))',
    );
    expect(promql.fleetLatencyQuantile(0.99, 7 * DAY)).toBe(
      'histogram_quantile(0.99, sum by (service, le) (increase(http_request_duration_seconds_bucket{service!=""}[7d])))',
    );
    expect(() => promql.fleetLatencyQuantile(1.5, DAY)).toThrow(RangeError);
  });

  it('selects throttling by pod name prefix, regex-escaped', () => {
    expect(promql.serviceThrottling('api.gateway', DAY)).toBe(
      'sum(rate(container_cpu_cfs_throttled_seconds_total{pod=~"api\\\\.gateway-.*"}[1d]))',
    );
  });
});

describe('PromqlBuilder with organisation templates', () => {
  const promql = new PromqlBuilder({
    requestsMetric: 'grpc_server_handled_total',
    serviceLabel: 'grpc_service',
    statusLabel: 'grpc_code',
    errorStatusRegex: 'Unavailable|Internal|DeadlineExceeded',
    latencyBucketMetric: 'grpc_server_handling_ms_bucket',
    latencyUnitMs: 1,
    throttlingMetric: 'cfs_throttled_seconds_total',
    throttlingSelector: 'container="{{service}}", namespace=~"prod-.*"',
    extraMatchers: 'cluster="eu-1"',
  });

  it('uses the configured metric names, labels and matchers everywhere', () => {
    expect(promql.serviceRequests('Payments', HOUR, true)).toBe(
      'sum(increase(grpc_server_handled_total{grpc_service="Payments",grpc_code=~"Unavailable|Internal|DeadlineExceeded",cluster="eu-1"}[1h]))',
    );
    expect(promql.servicesRequests(['a', 'b'], HOUR, false)).toBe(
      'sum by (grpc_service) (increase(grpc_server_handled_total{grpc_service=~"^(a|b)$",cluster="eu-1"}[1h]))',
    );
    expect(promql.fleetLatencyQuantile(0.5, DAY)).toBe(
      'histogram_quantile(0.5, sum by (grpc_service, le) (increase(grpc_server_handling_ms_bucket{grpc_service!="",cluster="eu-1"}[1d])))',
    );
    expect(promql.serviceThrottling('pay"ments', 90_000)).toBe(
      'sum(rate(cfs_throttled_seconds_total{container="pay\\"ments", namespace=~"prod-.*"}[90s]))',
    );
    expect(promql.templates.latencyUnitMs).toBe(1);
  });

  it('keeps unset keys at their defaults', () => {
    expect(new PromqlBuilder({ serviceLabel: 'app' }).serviceRequests('x', HOUR, true)).toBe(
      'sum(increase(http_requests_total{app="x",status=~"5.."}[1h]))',
    );
  });

  it.each([
    [{ requestsMetric: 'http-requests' }, 'requestsMetric is not a metric name'],
    [{ serviceLabel: '__name__' }, 'serviceLabel is not a label name'],
    [{ statusLabel: 'status code' }, 'statusLabel is not a label name'],
    [{ errorStatusRegex: '' }, 'errorStatusRegex is empty'],
    [{ latencyUnitMs: 0 }, 'latencyUnitMs'],
    [{ throttlingSelector: 'pod=~"checkout-.*"' }, 'no {{service}} or {{serviceRegex}}'],
    [{ throttlingSelector: 'pod=~{{serviceRegex}}' }, 'throttlingSelector is not a list'],
    [{ throttlingSelector: 'pod=~"{{serviceRegex}}"} or vector(1)' }, 'throttlingSelector is not'],
    [{ extraMatchers: 'env="prod"}) or on() vector(1' }, 'extraMatchers is not'],
    [{ extraMatchers: 'x="{{service}}"' }, 'extraMatchers may not contain placeholders'],
  ])('rejects invalid templates %p', (templates, message) => {
    expect(() => new PromqlBuilder(templates)).toThrow(message);
  });
});

describe('SEC-008 label validation', () => {
  it.each([
    'checkout',
    'api.gateway',
    'payments-v2',
    'team/search',
    'svc_2024',
    'ünïcode-dienst',
    'a',
    'x'.repeat(MAX_LABEL_VALUE_LENGTH),
    'release-1.2.3',
    'redis:6379',
    'build-123456',
  ])('accepts %p', (value) => {
    expect(labelValueProblem(value)).toBeNull();
    expect(assertSafeLabelValue(value)).toBe(value);
  });

  it.each([
    ['', 'empty', ''],
    ["'x'.repeat(129)", 'too_long', 'x'.repeat(MAX_LABEL_VALUE_LENGTH + 1)],
    ["'a'.repeat(100000)", 'too_long', 'a'.repeat(100_000)],
    ['check out', 'whitespace_or_control', 'check out'],
    ['checkout\n', 'whitespace_or_control', 'checkout\n'],
    ['tab\there', 'whitespace_or_control', 'tab\there'],
    ['nul\u0000', 'whitespace_or_control', 'nul\u0000'],
    ['zero\u200bwidth', 'whitespace_or_control', 'zero\u200bwidth'],
    ['bidi\u202eevil', 'whitespace_or_control', 'bidi\u202eevil'],
    ['lone\ud800surrogate', 'whitespace_or_control', 'lone\ud800surrogate'],
    ['jane.doe@example.com', 'email', 'jane.doe@example.com'],
    ['svc-for-j.doe+tag@mail.example.org', 'email', 'svc-for-j.doe+tag@mail.example.org'],
    ['10.0.0.12', 'ip_address', '10.0.0.12'],
    ['ip-192-168-1-20', 'ip_address', 'ip-192-168-1-20'],
    ['host-8.8.8.8-svc', 'ip_address', 'host-8.8.8.8-svc'],
    ['fe80::1ff:fe23:4567:890a', 'ip_address', 'fe80::1ff:fe23:4567:890a'],
    ['::1', 'ip_address', '::1'],
    ['2001:db8:85a3:0:0:8a2e:370:7334', 'ip_address', '2001:db8:85a3:0:0:8a2e:370:7334'],
    ['123e4567-e89b-12d3-a456-426614174000', 'uuid', '123e4567-e89b-12d3-a456-426614174000'],
    ['user-123E4567E89B12D3A456426614174000', 'uuid', 'user-123E4567E89B12D3A456426614174000'],
    ['svc-5551234567', 'digit_run', 'svc-5551234567'],
    ['call-555-123-4567', 'digit_run', 'call-555-123-4567'],
    ['4111-1111-1111-1111', 'digit_run', '4111-1111-1111-1111'],
    ['+44.20.7946.0958', 'digit_run', '+44.20.7946.0958'],
  ])('rejects %s as %s', (_label, reason, value) => {
    expect(labelValueProblem(value)).toBe(reason);
    const error = thrown(() => assertSafeLabelValue(value));
    expect(error.code).toBe(TelemetryErrorCodes.INVALID_LABEL);
    expect(error.details).toEqual({ reason, label: 'service id' });
    expect(error.message).toMatch(/SEC-008/);
    if (value.length > 3) expect(error.message).not.toContain(value);
  });

  it('rejects non-strings at run time', () => {
    expect(labelValueProblem(42)).toBe('not_a_string');
    expect(labelValueProblem(undefined)).toBe('not_a_string');
  });

  it('never echoes the rejected value in full', () => {
    fc.assert(
      fc.property(fc.emailAddress(), (email) => {
        const error = thrown(() => assertSafeLabelValue(email));
        expect(error.message).not.toContain(email);
        expect(JSON.stringify(error.details)).not.toContain(email);
      }),
    );
  });

  it('is enforced by every query builder', () => {
    const promql = new PromqlBuilder();
    const bad = 'jane@example.com';
    for (const build of [
      () => promql.serviceRequests(bad, HOUR, false),
      () => promql.servicesRequests(['ok', bad], HOUR, false),
      () => promql.serviceLatencyBuckets(bad, HOUR),
      () => promql.serviceThrottling(bad, HOUR),
      () => promql.chunkServiceIds(['ok', bad], 8192),
    ]) {
      expect(thrown(build).code).toBe(TelemetryErrorCodes.INVALID_LABEL);
    }
  });
});

describe('escaping', () => {
  // Any printable text, including quotes, backslashes, RE2 metacharacters and non-BMP characters.
  const accepted = fc
    .string({
      unit: fc.oneof(
        fc.constantFrom(...'"\\.+*?()|[]{}^$-/:@\'`'),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
      ),
      minLength: 1,
      maxLength: 40,
    })
    .filter((value) => labelValueProblem(value) === null);

  it('string literals decode back to the value (JSON and PromQL share the escapes used)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const escaped = escapePromqlString(value);
        expect(JSON.parse(`"${escaped}"`)).toBe(value);
        const raw = [...escaped].filter((char) => {
          const code = char.codePointAt(0)!;
          return (
            code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029
          );
        });
        expect(raw).toEqual([]);
      }),
    );
    expect(escapePromqlString('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });

  it('an escaped regex matches exactly the literal value', () => {
    fc.assert(
      fc.property(accepted, fc.string({ unit: 'binary', maxLength: 40 }), (value, other) => {
        const regex = new RegExp(`^(?:${escapeRegex(value)})$`, 'u');
        expect(regex.test(value)).toBe(true);
        if (other !== value) expect(regex.test(other)).toBe(false);
        expect(regex.test(`${value}x`)).toBe(false);
        expect(regex.test(`x${value}`)).toBe(false);
      }),
    );
    expect(escapeRegex('a.b*(c)|[d]{1}^$\\+?')).toBe(
      'a\\.b\\*\\(c\\)\\|\\[d\\]\\{1\\}\\^\\$\\\\\\+\\?',
    );
  });

  it('every accepted value round-trips through the queries that carry it', () => {
    const promql = new PromqlBuilder();
    fc.assert(
      fc.property(accepted, accepted, (a, b) => {
        expect(literals(promql.serviceRequests(a, HOUR, true))).toEqual([a, '5..']);
        const [set] = literals(promql.servicesRequests([a, b], HOUR, false));
        const regex = new RegExp(set, 'u');
        expect(regex.test(a) && regex.test(b)).toBe(true);
        expect(regex.test(`${a}${b}`)).toBe(false);
        const [pods] = literals(promql.serviceThrottling(a, HOUR));
        expect(new RegExp(`^(?:${pods})$`, 'u').test(`${a}-7f9c4-x2`)).toBe(true);
      }),
    );
  });
});

describe('promqlDuration', () => {
  it.each([
    [90 * DAY, '90d'],
    [HOUR, '1h'],
    [36 * HOUR, '36h'],
    [90_000, '90s'],
    [300_000, '5m'],
    [1_500, '1500ms'],
  ])('%p ms → %p', (ms, text) => expect(promqlDuration(ms)).toBe(text));

  it('rejects what Prometheus cannot parse', () => {
    expect(() => promqlDuration(0)).toThrow(RangeError);
    expect(() => promqlDuration(1.5)).toThrow(RangeError);
  });
});

describe('chunkServiceIds', () => {
  const promql = new PromqlBuilder();

  it('keeps each regex within the byte budget, every id once, in order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.stringMatching(/^[a-z][a-z.-]{0,30}$/), { maxLength: 60 }),
        fc.integer({ min: 40, max: 400 }),
        (ids, maxBytes) => {
          const chunks = promql.chunkServiceIds(ids, maxBytes);
          expect(chunks.flat()).toEqual(ids);
          for (const chunk of chunks) {
            const bytes = chunk.reduce(
              (sum, id) => sum + Buffer.byteLength(escapePromqlString(escapeRegex(id))) + 1,
              0,
            );
            expect(chunk.length === 1 || bytes <= maxBytes).toBe(true);
          }
        },
      ),
    );
  });

  it('puts everything in one chunk under the default 8 KB', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `service-${i}`);
    expect(promql.chunkServiceIds(ids, 8192)).toHaveLength(1);
    expect(promql.chunkServiceIds(ids, 1024).length).toBeGreaterThan(1);
  });
});
