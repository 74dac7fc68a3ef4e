import fc from 'fast-check';
import { thrown, arbSloFile, edit, validSlo } from './__fixtures__/slo';
import {
  checkCompliance,
  checkFleetCompliance,
  errorBudgetConsumed,
  errorBudgetMinutes,
  type SloFile,
  type SloMetrics,
} from './index';

const slo = validSlo(); // p50 50, p95 100, p99 200 ms; availability 0.999; alerts 0.5 slack, 0.9 pagerduty

const meeting: SloMetrics = {
  p50_ms: 50,
  p95_ms: 100,
  p99_ms: 200,
  availability: 0.999,
  error_budget_consumed: 1,
};

describe('checkCompliance', () => {
  it('is compliant when every metric is exactly on its objective', () => {
    expect(checkCompliance(slo, meeting)).toEqual({
      key: 'convert:convert_document_to_pdf',
      compliant: true,
      violations: [],
      notMeasured: [],
      triggeredAlerts: [
        { threshold: 0.5, channel: 'slack' },
        { threshold: 0.9, channel: 'pagerduty' },
      ],
    });
  });

  it.each<[keyof SloMetrics, number, number, string]>([
    ['p50_ms', 51, 50, 'p50 latency 51 ms > target 50 ms'],
    ['p95_ms', 250, 100, 'p95 latency 250 ms > target 100 ms'],
    ['p99_ms', 200.5, 200, 'p99 latency 200.5 ms > target 200 ms'],
    ['availability', 0.9985, 0.999, 'availability 0.9985 < target 0.999'],
    ['error_budget_consumed', 1.25, 1, 'error budget 125% consumed > 100%'],
  ])('reports a violated %s with actual, target and message', (metric, actual, target, message) => {
    const result = checkCompliance(slo, { ...meeting, [metric]: actual });
    expect(result.compliant).toBe(false);
    expect(result.violations).toEqual([{ metric, actual, target, message }]);
  });

  it('reports every violated metric at once, in a fixed order', () => {
    const result = checkCompliance(slo, {
      availability: 0.5,
      p99_ms: 1000,
      p50_ms: 1000,
      p95_ms: 1000,
      error_budget_consumed: 500,
    });
    expect(result.violations.map((v) => v.metric)).toEqual([
      'p50_ms',
      'p95_ms',
      'p99_ms',
      'availability',
      'error_budget_consumed',
    ]);
  });

  it('reports missing metrics as not measured, never as violations', () => {
    expect(checkCompliance(slo, { p95_ms: 80 })).toEqual({
      key: 'convert:convert_document_to_pdf',
      compliant: true,
      violations: [],
      notMeasured: ['p50_ms', 'p99_ms', 'availability', 'error_budget_consumed'],
      triggeredAlerts: [],
    });
  });

  it('triggers the alerts whose threshold the consumed budget reached', () => {
    expect(checkCompliance(slo, { error_budget_consumed: 0.49 }).triggeredAlerts).toEqual([]);
    expect(checkCompliance(slo, { error_budget_consumed: 0.5 }).triggeredAlerts).toEqual([
      { threshold: 0.5, channel: 'slack' },
    ]);
  });

  it('ignores metrics given as undefined', () => {
    expect(checkCompliance(slo, { p50_ms: undefined }).notMeasured).toContain('p50_ms');
  });

  it.each<[string, unknown, string]>([
    [
      'an unknown metric',
      { p90_ms: 3 },
      'metrics for "convert:convert_document_to_pdf": unknown metric "p90_ms"; known metrics: p50_ms, p95_ms, p99_ms, availability, error_budget_consumed',
    ],
    [
      'a negative latency',
      { p95_ms: -1 },
      'metrics for "convert:convert_document_to_pdf": p95_ms must not be negative; got -1',
    ],
    [
      'a NaN',
      { p95_ms: NaN },
      'metrics for "convert:convert_document_to_pdf": p95_ms must be a finite number; got number NaN',
    ],
    [
      'a percentage availability',
      { availability: 99.9 },
      'metrics for "convert:convert_document_to_pdf": availability must be a fraction in [0, 1]; got 99.9 (it looks like a percentage: write 0.999)',
    ],
    [
      'a string',
      { p50_ms: '10' },
      'metrics for "convert:convert_document_to_pdf": p50_ms must be a finite number; got string "10"',
    ],
    ['no object', null, 'metrics for "convert:convert_document_to_pdf" must be an object'],
  ])('throws INVALID_METRICS for %s', (_, metrics, message) => {
    expect(() => checkCompliance(slo, metrics as SloMetrics)).toThrow(
      thrown({
        code: 'SLO_SCHEMA.INVALID_METRICS',
        message: `@slo-engine/slo-schema: ${message}`,
      }),
    );
  });

  it('throws INVALID_SLO for data that is not an SLO file', () => {
    expect(() => checkCompliance({} as SloFile, {})).toThrow(
      thrown({ code: 'SLO_SCHEMA.INVALID_SLO' }),
    );
    const broken = edit(slo, ['slo', 'latency', 'p95_ms'], 'fast') as SloFile;
    expect(() => checkCompliance(broken, {})).toThrow(
      '@slo-engine/slo-schema: slo "convert":"convert_document_to_pdf" is not a valid SloFile (see validateSloDocument)',
    );
  });

  it('is compliant for any metrics within the objectives and not for any outside', () => {
    fc.assert(
      fc.property(arbSloFile, fc.double({ min: 0, max: 1, noNaN: true }), (s, fraction) => {
        const { latency, availability } = s.slo;
        const within: SloMetrics = {
          p50_ms: latency.p50_ms * fraction,
          p95_ms: latency.p95_ms * fraction,
          p99_ms: latency.p99_ms * fraction,
          availability: availability.target + (1 - availability.target) * fraction,
          error_budget_consumed: fraction,
        };
        expect(checkCompliance(s, within).compliant).toBe(true);
        const outside = checkCompliance(s, { ...within, p99_ms: latency.p99_ms + 1 + fraction });
        expect(outside.violations.map((v) => v.metric)).toEqual(['p99_ms']);
      }),
      { numRuns: 200 },
    );
  });
});

describe('checkFleetCompliance', () => {
  const other = edit(slo, ['capability', 'name'], 'convert_image') as SloFile;

  it('checks each SLO against its capability and lists metrics without an SLO', () => {
    const result = checkFleetCompliance([slo, other], {
      'convert:convert_document_to_pdf': { p95_ms: 300 },
      'zzz:unknown': { p95_ms: 1 },
      'aaa:unknown': {},
    });
    expect(result.compliant).toBe(false);
    expect(result.violationCount).toBe(1);
    expect(result.results.map((r) => [r.key, r.compliant, r.notMeasured.length])).toEqual([
      ['convert:convert_document_to_pdf', false, 4],
      ['convert:convert_image', true, 5],
    ]);
    expect(result.unknownCapabilities).toEqual(['aaa:unknown', 'zzz:unknown']);
  });

  it('accepts a Map of metrics', () => {
    const result = checkFleetCompliance(
      [slo],
      new Map([['convert:convert_document_to_pdf', meeting]]),
    );
    expect(result).toMatchObject({ compliant: true, violationCount: 0, unknownCapabilities: [] });
    expect(result.results[0].notMeasured).toEqual([]);
  });

  it('is compliant for an empty fleet', () => {
    expect(checkFleetCompliance([], {})).toEqual({
      compliant: true,
      results: [],
      violationCount: 0,
      unknownCapabilities: [],
    });
  });

  it('throws for two SLOs with the same key', () => {
    expect(() => checkFleetCompliance([slo, slo], {})).toThrow(
      thrown({
        code: 'SLO_SCHEMA.DUPLICATE_CAPABILITY',
        message:
          '@slo-engine/slo-schema: two SLOs for capability "convert:convert_document_to_pdf"',
      }),
    );
  });

  it('throws for arguments of the wrong type', () => {
    expect(() => checkFleetCompliance(slo as never, {})).toThrow(
      thrown({ code: 'SLO_SCHEMA.INVALID_ARGUMENT' }),
    );
    expect(() => checkFleetCompliance([slo], null as never)).toThrow(
      thrown({ code: 'SLO_SCHEMA.INVALID_ARGUMENT' }),
    );
  });
});

describe('error budget helpers', () => {
  it('turns a monthly percentage into minutes of full outage', () => {
    expect(errorBudgetMinutes(0.1)).toBeCloseTo(43.2, 10);
    expect(errorBudgetMinutes(1, 7)).toBeCloseTo(100.8, 10);
    expect(errorBudgetMinutes(100, 1)).toBe(1440);
  });

  it('measures budget consumption as spec 003 does', () => {
    expect(errorBudgetConsumed(0.999, 1)).toBe(0);
    expect(errorBudgetConsumed(0.99, 0.995)).toBeCloseTo(0.5, 10);
    expect(errorBudgetConsumed(0.99, 0.98)).toBeCloseTo(2, 10);
  });

  it.each<[string, () => unknown]>([
    ['a zero budget', () => errorBudgetMinutes(0)],
    ['a budget over 100%', () => errorBudgetMinutes(101)],
    ['a zero window', () => errorBudgetMinutes(1, 0)],
    ['an infinite window', () => errorBudgetMinutes(1, Infinity)],
    ['a target of 1', () => errorBudgetConsumed(1, 0.5)],
    ['an availability above 1', () => errorBudgetConsumed(0.9, 1.5)],
  ])('throws INVALID_ARGUMENT for %s', (_, call) => {
    expect(call).toThrow(thrown({ code: 'SLO_SCHEMA.INVALID_ARGUMENT' }));
  });
});
