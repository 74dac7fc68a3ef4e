import { parse } from 'yaml';

import { SloSchemaError } from '../errors';
import {
  prometheusRulesFor,
  promQlString,
  type AvailabilitySloAlertInput,
  type PrometheusAlertingRule,
  type PrometheusRecordingRule,
} from './prometheus-rules';

const base: AvailabilitySloAlertInput = {
  service: 'checkout-service',
  name: 'requests-availability',
  target: 0.999,
  periodDays: 30,
};

const recordings = (input: AvailabilitySloAlertInput): PrometheusRecordingRule[] =>
  prometheusRulesFor(input).ruleFile.groups[0].rules as PrometheusRecordingRule[];
const alerts = (input: AvailabilitySloAlertInput): PrometheusAlertingRule[] =>
  prometheusRulesFor(input).ruleFile.groups[2].rules as PrometheusAlertingRule[];

describe('prometheusRulesFor: names', () => {
  it('records the SLI error ratio under Sloth names for every window and the period', () => {
    const rules = recordings(base);
    expect(rules.map((r) => r.record)).toEqual(
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d'].map((w) => `slo:sli_error:ratio_rate${w}`),
    );
    expect(rules[0].labels).toEqual({
      sloth_id: 'checkout-service-requests-availability',
      sloth_service: 'checkout-service',
      sloth_slo: 'requests-availability',
      sloth_window: '5m',
    });
    expect(rules[7].labels.sloth_window).toBe('30d');
  });

  it('names groups, meta series and alerts after the SLO', () => {
    const result = prometheusRulesFor(base);
    expect(result.sloId).toBe('checkout-service-requests-availability');
    expect(result.ruleFile.groups.map((g) => g.name)).toEqual([
      'slo-sli-recordings-checkout-service-requests-availability',
      'slo-meta-recordings-checkout-service-requests-availability',
      'slo-alerts-checkout-service-requests-availability',
    ]);
    expect(
      (result.ruleFile.groups[1].rules as PrometheusRecordingRule[]).map((r) => r.record),
    ).toEqual([
      'slo:objective:ratio',
      'slo:error_budget:ratio',
      'slo:time_period:days',
      'slo:current_burn_rate:ratio',
      'slo:period_burn_rate:ratio',
      'slo:period_error_budget_remaining:ratio',
    ]);
    expect(result.alertNames).toEqual({
      page: 'CheckoutServiceRequestsAvailabilitySLOPageBurnRate',
      ticket: 'CheckoutServiceRequestsAvailabilitySLOTicketBurnRate',
    });
    const [page, ticket] = alerts(base);
    expect(page.alert).toBe(result.alertNames.page);
    expect(page.labels).toEqual({
      severity: 'page',
      sloth_severity: 'page',
      category: 'availability',
    });
    expect(ticket.labels.severity).toBe('ticket');
  });

  it('does not record the 1d or 3d window twice when it is the period', () => {
    for (const periodDays of [1, 3]) {
      const names = recordings({ ...base, periodDays }).map((r) => r.record);
      expect(names).toHaveLength(7);
      expect(new Set(names).size).toBe(7);
    }
    expect(recordings({ ...base, periodDays: 28 }).at(-1)!.record).toBe(
      'slo:sli_error:ratio_rate28d',
    );
  });
});

describe('prometheusRulesFor: queries and thresholds', () => {
  it('builds the default SLI from http_requests_total (spec 004 §6.1)', () => {
    expect(recordings(base)[2].expr).toBe(
      '(sum(rate(http_requests_total{service="checkout-service",status=~"5.."}[1h])))\n' +
        '/\n' +
        '(sum(rate(http_requests_total{service="checkout-service"}[1h])))\n',
    );
  });

  it('takes other metric and label names and escapes the status regex', () => {
    const expr = recordings({
      ...base,
      sli: {
        metric: 'http_server_requests_total',
        serviceLabel: 'job',
        statusLabel: 'code',
        errorStatusRegex: '5\\d\\d|"429"',
      },
    })[0].expr;
    expect(expr).toContain(
      'http_server_requests_total{job="checkout-service",code=~"5\\\\d\\\\d|\\"429\\""}[5m]',
    );
  });

  it('substitutes {{.window}} in custom queries', () => {
    const expr = recordings({
      ...base,
      sli: {
        errorQuery: 'sum(rate(errors_total{app="x"}[{{.window}}]))',
        totalQuery: 'sum(rate(requests_total{app="x"}[{{.window}}]))',
      },
    })[6].expr;
    expect(expr).toBe(
      '(sum(rate(errors_total{app="x"}[3d])))\n/\n(sum(rate(requests_total{app="x"}[3d])))\n',
    );
  });

  it('pages on 14.4× over 1h and 5m or 6× over 6h and 30m; tickets on 3× (1d, 2h) or 1× (3d, 6h)', () => {
    const [page, ticket] = alerts(base);
    const sel =
      '{sloth_id="checkout-service-requests-availability", sloth_service="checkout-service", sloth_slo="requests-availability"}';
    expect(page.expr).toBe(
      '(\n' +
        `  max(slo:sli_error:ratio_rate5m${sel} > (14.4 * 0.001)) without (sloth_window)\n` +
        '  and\n' +
        `  max(slo:sli_error:ratio_rate1h${sel} > (14.4 * 0.001)) without (sloth_window)\n` +
        ')\nor\n(\n' +
        `  max(slo:sli_error:ratio_rate30m${sel} > (6 * 0.001)) without (sloth_window)\n` +
        '  and\n' +
        `  max(slo:sli_error:ratio_rate6h${sel} > (6 * 0.001)) without (sloth_window)\n` +
        ')\n',
    );
    expect(ticket.expr).toContain(`max(slo:sli_error:ratio_rate2h${sel} > (3 * 0.001))`);
    expect(ticket.expr).toContain(`max(slo:sli_error:ratio_rate3d${sel} > (1 * 0.001))`);
    expect(page.annotations.summary).toBe(
      'checkout-service requests-availability SLO error budget burn rate is too fast (page): 99.9% over 30d',
    );
    expect(page.annotations.burn_rate_thresholds).toBe(
      '1h/5m: 14.4 (error ratio > 0.0144); 6h/30m: 6 (error ratio > 0.006)',
    );
    expect(ticket.annotations.description).toBe(
      'checkout-service requests-availability burns its error budget (0.1% over 30d) faster than ' +
        '3× over 1d and 2h (10% of the budget in 1d) or 1× over 3d and 6h (10% of the budget in 3d).',
    );
  });

  it('uses the scaled factors for a 7-day period and warns about factors below 1', () => {
    const result = prometheusRulesFor({ ...base, periodDays: 7 });
    expect(result.thresholds.map((t) => t.factor)).toEqual([3.36, 1.4, 0.7, 0.233333333333]);
    expect(alerts({ ...base, periodDays: 7 })[0].expr).toContain('> (3.36 * 0.001)');
    expect(result.warnings).toEqual([
      'ticket condition 0.7× over 1d and 2h is below burn rate 1 for a 7d period: it fires while the budget would last the period',
      'ticket condition 0.233333333333× over 3d and 6h is below burn rate 1 for a 7d period: it fires while the budget would last the period',
    ]);
    expect(prometheusRulesFor(base).warnings).toEqual([]);
  });

  it('warns when a loose target makes a condition impossible', () => {
    const result = prometheusRulesFor({ ...base, target: 0.9 });
    expect(result.thresholds[0].errorRatio).toBe(1.44);
    expect(result.warnings).toEqual([
      'page condition 14.4× over 1h and 5m needs an error ratio above 1.44, which cannot happen: with target 0.9 it never fires',
    ]);
  });
});

describe('prometheusRulesFor: YAML', () => {
  it('serialises the same object, with a header comment and unfolded queries', () => {
    const { yaml, ruleFile } = prometheusRulesFor(base);
    expect(
      yaml.startsWith('# Generated by SLO Engine (@slo-engine/slo-schema): do not edit.\n'),
    ).toBe(true);
    expect(parse(yaml)).toEqual(ruleFile);
    expect(yaml).toContain('      - record: slo:sli_error:ratio_rate5m\n        expr: |\n');
    const longLine = (alerts(base)[0].expr.split('\n')[1] ?? '').trim();
    expect(longLine.length).toBeGreaterThan(150);
    expect(yaml).toContain(`\n            ${longLine}\n`); // never folded
  });
});

describe('prometheusRulesFor: validation', () => {
  const cases: Array<[string, Partial<Record<keyof AvailabilitySloAlertInput, unknown>>, string]> =
    [
      ['target 1', { target: 1 }, 'slo.target must be a number in the open interval (0, 1), got 1'],
      ['target 0', { target: 0 }, 'slo.target must be a number in the open interval (0, 1), got 0'],
      ['target 99.9', { target: 99.9 }, 'got 99.9 (a ratio: 0.999?)'],
      ['target NaN', { target: Number.NaN }, 'slo.target must be a number'],
      ['target string', { target: '0.999' }, 'got "0.999"'],
      [
        'period 0',
        { periodDays: 0 },
        'slo.periodDays must be a whole number of days from 1 to 366, got 0',
      ],
      [
        'period 367',
        { periodDays: 367 },
        'slo.periodDays must be a whole number of days from 1 to 366, got 367',
      ],
      ['period 7.5', { periodDays: 7.5 }, 'got 7.5'],
      [
        'service with a space',
        { service: 'check out' },
        'slo.service must be a Prometheus-safe name',
      ],
      ['service with a quote', { service: 'a"b' }, 'got "a\\"b"'],
      ['name starting with a digit', { name: '9lives' }, 'slo.name must be a Prometheus-safe name'],
      ['empty name', { name: '' }, 'slo.name must be a Prometheus-safe name'],
      ['name of 64 characters', { name: 'a'.repeat(64) }, 'at most 63 characters'],
      [
        'query without {{.window}}',
        { sli: { errorQuery: 'sum(rate(e[5m]))', totalQuery: 't[{{.window}}]' } },
        'slo.sli.errorQuery must contain the placeholder {{.window}}',
      ],
      [
        'missing totalQuery',
        { sli: { errorQuery: 'e[{{.window}}]' } },
        'slo.sli.totalQuery must be a non-empty PromQL query, got undefined',
      ],
      [
        'mixed sli',
        { sli: { errorQuery: 'e[{{.window}}]', totalQuery: 't[{{.window}}]', metric: 'x' } },
        'takes only errorQuery and totalQuery, not metric',
      ],
      ['unknown sli key', { sli: { metrc: 'x' } }, 'slo.sli has unknown key metrc'],
      [
        'bad metric',
        { sli: { metric: 'http-requests' } },
        'slo.sli.metric must be a Prometheus metric name, got "http-requests"',
      ],
      [
        'bad label',
        { sli: { serviceLabel: '1abc' } },
        'slo.sli.serviceLabel must be a Prometheus label name',
      ],
      [
        'same labels',
        { sli: { serviceLabel: 'code', statusLabel: 'code' } },
        'must differ, both are "code"',
      ],
      [
        'empty regex',
        { sli: { errorStatusRegex: '' } },
        'slo.sli.errorStatusRegex must be a non-empty string',
      ],
    ];

  it.each(cases)('rejects %s', (_label, patch, message) => {
    const run = (): unknown =>
      prometheusRulesFor({ ...base, ...patch } as AvailabilitySloAlertInput);
    expect(run).toThrow(SloSchemaError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (error) {
      expect((error as SloSchemaError).code).toBe('SLO_SCHEMA.INVALID_ARGUMENT');
      expect((error as Error).message.startsWith('@slo-engine/slo-schema: ')).toBe(true);
    }
  });

  it('rejects a non-object', () => {
    expect(() => prometheusRulesFor(null as never)).toThrow('slo must be an object, got null');
  });

  it('accepts names with dots and underscores', () => {
    const result = prometheusRulesFor({
      ...base,
      service: 'payments.api_v2',
      name: 'availability',
    });
    expect(result.alertNames.page).toBe('PaymentsApiV2AvailabilitySLOPageBurnRate');
  });
});

describe('promQlString', () => {
  it('escapes backslashes, quotes and control characters', () => {
    expect(promQlString('plain')).toBe('"plain"');
    expect(promQlString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(promQlString('x\ny\tz\r\u0001')).toBe('"x\\ny\\tz\\r\\x01"');
    expect(promQlString('café ✓')).toBe('"café ✓"');
  });
});
