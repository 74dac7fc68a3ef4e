// Lives in test/ rather than beside the code: it runs promtool (child_process, fs), and the
// dependency rule forbids Node I/O under the domain packages' src/ outside cli/ and files/.
// Checks the generated rules with Prometheus's own tool: `promtool check rules` parses them and
// `promtool test rules` evaluates them over synthetic series. Needs promtool (Debian/Ubuntu:
// `apt-get install prometheus`), found through $PROMTOOL or PATH.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { stringify } from 'yaml';

import {
  prometheusRulesFor,
  type AvailabilitySloAlertInput,
  type PrometheusAlertingRule,
} from '../../src/alerts/prometheus-rules';

const PROMTOOL = process.env.PROMTOOL ?? 'promtool';

function promtool(args: string[], cwd: string): { status: number | null; output: string } {
  const run = spawnSync(PROMTOOL, args, { cwd, encoding: 'utf8', timeout: 120_000 });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      `promtool not found (tried "${PROMTOOL}"): install the "prometheus" Debian package ` +
        '(sudo apt-get install prometheus), which ships /usr/bin/promtool, or set PROMTOOL to its path',
    );
  }
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

const slo: AvailabilitySloAlertInput = {
  service: 'checkout-service',
  name: 'requests-availability',
  target: 0.999,
  periodDays: 30,
};

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'slo-alerts-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('promtool check rules', () => {
  const variants: Array<[string, AvailabilitySloAlertInput]> = [
    ['30-day default SLI', slo],
    ['7-day period', { ...slo, periodDays: 7 }],
    ['28-day period', { ...slo, periodDays: 28 }],
    ['1-day period (period is a recorded window)', { ...slo, periodDays: 1 }],
    ['366-day period, target 0.99999', { ...slo, periodDays: 366, target: 0.99999 }],
    [
      'escaped status regex and other label names',
      {
        ...slo,
        sli: {
          metric: 'http_server_requests_total',
          serviceLabel: 'job',
          statusLabel: 'code',
          errorStatusRegex: '5\\d\\d|"429"',
        },
      },
    ],
    [
      'custom queries',
      {
        ...slo,
        service: 'payments.api_v2',
        sli: {
          errorQuery: 'sum(rate(grpc_server_handled_total{grpc_code!="OK"}[{{.window}}]))',
          totalQuery: 'sum(rate(grpc_server_handled_total[{{.window}}]))',
        },
      },
    ],
  ];

  it.each(variants)('accepts the rules for %s', (_label, input) => {
    const file = join(dir, 'check.yml');
    writeFileSync(file, prometheusRulesFor(input).yaml);
    const { status, output } = promtool(['check', 'rules', file], dir);
    expect(output).toMatch(/SUCCESS: \d+ rules found/);
    expect(status).toBe(0);
  });
});

describe('promtool test rules', () => {
  const result = prometheusRulesFor(slo);
  const [page, ticket] = result.ruleFile.groups[2].rules as PrometheusAlertingRule[];
  const firing = (rule: PrometheusAlertingRule): unknown[] => [
    {
      exp_labels: {
        ...rule.labels,
        sloth_id: result.sloId,
        sloth_service: slo.service,
        sloth_slo: slo.name,
      },
      exp_annotations: rule.annotations,
    },
  ];
  const requests = (status: string, values: string): { series: string; values: string } => ({
    series: `http_requests_total{service="checkout-service",status="${status}"}`,
    values,
  });
  const check = (evalTime: string, rule: PrometheusAlertingRule, fires: boolean): unknown => ({
    eval_time: evalTime,
    alertname: rule.alert,
    exp_alerts: fires ? firing(rule) : [],
  });

  it('fires and stays silent exactly where the burn-rate policy says', () => {
    writeFileSync(join(dir, 'rules.yml'), result.yaml);
    const tests = [
      {
        // 100% errors at 1 request/s for an hour: burn rate 1000, both alerts fire.
        name: 'total outage',
        interval: '1m',
        input_series: [requests('500', '0+60x60'), requests('200', '0+0x60')],
        alert_rule_test: [
          check('10m', page, true),
          check('1h', page, true),
          check('1h', ticket, true),
        ],
      },
      {
        // 0.05% errors (burn rate 0.5 for 99.9%) for a day: the budget lasts, nothing fires.
        name: 'errors within budget',
        interval: '1m',
        input_series: [requests('500', '0+0.5x1440'), requests('200', '0+999.5x1440')],
        alert_rule_test: [
          check('1h', page, false),
          check('6h', page, false),
          check('6h', ticket, false),
          check('1d', page, false),
          check('1d', ticket, false),
        ],
      },
      {
        // 0.5% errors (burn rate 5) for a day: above the ticket factors (3 and 1), below the
        // page factors (14.4 and 6).
        name: 'slow burn',
        interval: '1m',
        input_series: [requests('500', '0+5x1440'), requests('200', '0+995x1440')],
        alert_rule_test: [
          check('1d', ticket, true),
          check('1d', page, false),
          check('6h', page, false),
        ],
      },
      {
        // 1 hour clean, 10 minutes at 50% errors, then clean again: pages during the burn and
        // stops once the short windows (5m, 30m) no longer see errors, although the long ones do.
        name: 'short spike resets',
        interval: '1m',
        input_series: [requests('500', '0x60 60+60x9 600x120'), requests('200', '0+60x190')],
        alert_rule_test: [
          check('55m', page, false),
          check('70m', page, true),
          check('90m', page, true),
          check('110m', page, false),
        ],
      },
    ];
    const testFile = join(dir, 'rules.test.yml');
    writeFileSync(
      testFile,
      stringify({ rule_files: ['rules.yml'], evaluation_interval: '1m', tests }, { lineWidth: 0 }),
    );
    const { status, output } = promtool(['test', 'rules', testFile], dir);
    expect(output).toContain('SUCCESS');
    expect(status).toBe(0);
  }, 60_000);

  it('really fails a wrong expectation (the test above is not vacuous)', () => {
    writeFileSync(join(dir, 'rules.yml'), result.yaml);
    const testFile = join(dir, 'wrong.test.yml');
    writeFileSync(
      testFile,
      stringify({
        rule_files: ['rules.yml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            input_series: [requests('500', '0+0.5x120'), requests('200', '0+999.5x120')],
            alert_rule_test: [check('1h', page, true)],
          },
        ],
      }),
    );
    const { status, output } = promtool(['test', 'rules', testFile], dir);
    expect(status).toBe(1);
    expect(output).toContain('FAILED');
  });
});
