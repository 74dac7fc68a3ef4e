/**
 * The engine's own Prometheus rules (infra/prometheus): promtool accepts them and their unit tests
 * pass, every alert is unit-tested both firing and silent and carries what on-call needs, and
 * every metric and label the rules read is one the code exports (or the workers app must export).
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

import { prometheusBinaries } from '@slo-engine/testing';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';

import { controllerConfigSchema } from '../../apps/controller/src/config';

import { exportedByCode, WORKERS_METRICS_TO_COME } from './metrics-catalogue';

const ROOT = join(__dirname, '..', '..');
const PROMETHEUS_DIR = join(ROOT, 'infra', 'prometheus');
const RULES_DIR = join(PROMETHEUS_DIR, 'rules');
const TESTS_DIR = join(PROMETHEUS_DIR, 'tests');

/** Routing keys of spec 003's Alertmanager configuration. */
const SEVERITIES = new Set(['page', 'ticket', 'warning']);
/** Alerts link to a heading of the operations guide named after them. */
const RUNBOOK = 'docs/guides/operations.md';

/** Labels Prometheus attaches to every scraped series. */
const TARGET_LABELS = new Set(['job', 'instance']);
const HISTOGRAM_SERIES = /^(.+)_(bucket|count|sum)$/;

// ---------------------------------------------------------------------------------------------
// Rule and test files
// ---------------------------------------------------------------------------------------------

interface AlertingRule {
  readonly alert: string;
  readonly expr: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

interface RecordingRule {
  readonly record: string;
  readonly expr: string;
}

interface RuleFile {
  readonly path: string;
  readonly alerts: readonly AlertingRule[];
  readonly records: readonly RecordingRule[];
}

interface AlertCase {
  readonly alertname: string;
  readonly fires: boolean;
}

interface TestFile {
  readonly path: string;
  readonly ruleFiles: readonly string[];
  readonly alertCases: readonly AlertCase[];
}

function record(value: unknown, where: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`${where}: expected a mapping`);
  }
  return value as Record<string, unknown>;
}

function list(value: unknown, where: string): readonly unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${where}: expected a list`);
  return value;
}

function text(value: unknown, where: string): string {
  if (typeof value !== 'string') throw new Error(`${where}: expected a string`);
  return value;
}

function stringMap(value: unknown, where: string): Readonly<Record<string, string>> {
  if (value === undefined) return {};
  return Object.fromEntries(
    Object.entries(record(value, where)).map(([key, v]) => [key, text(v, `${where}.${key}`)]),
  );
}

function yamlFiles(dir: string, suffix: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => join(dir, name));
}

function readRuleFile(path: string): RuleFile {
  const alerts: AlertingRule[] = [];
  const records: RecordingRule[] = [];
  const where = relative(ROOT, path);
  const groups = list(record(parseYaml(readFileSync(path, 'utf8')), where).groups, where);
  for (const [g, group] of groups.entries()) {
    const rules = list(record(group, `${where} group ${g}`).rules, `${where} group ${g}`);
    for (const [r, raw] of rules.entries()) {
      const rule = record(raw, `${where} group ${g} rule ${r}`);
      const expr = text(rule.expr, `${where} group ${g} rule ${r} expr`);
      if (rule.record !== undefined) {
        records.push({ record: text(rule.record, `${where} rule ${r}`), expr });
      } else {
        const alert = text(rule.alert, `${where} group ${g} rule ${r} alert`);
        alerts.push({
          alert,
          expr,
          labels: stringMap(rule.labels, `${alert}.labels`),
          annotations: stringMap(rule.annotations, `${alert}.annotations`),
        });
      }
    }
  }
  return { path, alerts, records };
}

function readTestFile(path: string): TestFile {
  const where = relative(ROOT, path);
  const file = record(parseYaml(readFileSync(path, 'utf8')), where);
  const ruleFiles = list(file.rule_files, `${where} rule_files`).map((entry) =>
    resolve(dirname(path), text(entry, `${where} rule_files`)),
  );
  const alertCases = list(file.tests, `${where} tests`).flatMap((test, t) =>
    list(record(test, `${where} test ${t}`).alert_rule_test, `${where} test ${t}`).map((raw, c) => {
      const check = record(raw, `${where} test ${t} alert_rule_test ${c}`);
      return {
        alertname: text(check.alertname, `${where} test ${t} alert_rule_test ${c} alertname`),
        fires: list(check.exp_alerts, `${where} test ${t} exp_alerts`).length > 0,
      };
    }),
  );
  return { path, ruleFiles, alertCases };
}

const ruleFiles = yamlFiles(RULES_DIR, '.yml').map(readRuleFile);
const testFiles = yamlFiles(TESTS_DIR, '.test.yml').map(readTestFile);
const alerts = ruleFiles.flatMap((file) => file.alerts);
const recordingRules = ruleFiles.flatMap((file) => file.records);

// ---------------------------------------------------------------------------------------------
// promtool
// ---------------------------------------------------------------------------------------------

interface ProcessResult {
  readonly code: number | null;
  readonly output: string;
}

function run(command: string, args: readonly string[]): Promise<ProcessResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: PROMETHEUS_DIR });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, output }));
  });
}

// ---------------------------------------------------------------------------------------------
// PromQL: the series selectors of an expression
// ---------------------------------------------------------------------------------------------

interface Selector {
  readonly metric: string;
  /** Label names of its matchers, in order. */
  readonly labels: readonly string[];
}

const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
]);
/** Keywords followed by a parenthesised list of label names. */
const LABEL_LIST_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
]);
const OTHER_KEYWORDS = new Set(['and', 'or', 'unless', 'offset', 'bool', 'atan2', 'inf', 'nan']);

type Token =
  | { readonly kind: 'identifier'; readonly text: string }
  | { readonly kind: 'string' | 'number' | 'punctuation'; readonly text: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
    } else if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < expr.length && expr[j] !== c) j += expr[j] === '\\' && c !== '`' ? 2 : 1;
      tokens.push({ kind: 'string', text: expr.slice(i, j + 1) });
      i = j + 1;
    } else if (/[A-Za-z_:]/.test(c)) {
      const match = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(expr.slice(i))![0];
      tokens.push({ kind: 'identifier', text: match });
      i += match.length;
    } else if (/[0-9.]/.test(c)) {
      const match = /^[0-9.][0-9A-Za-z.]*/.exec(expr.slice(i))![0];
      tokens.push({ kind: 'number', text: match });
      i += match.length;
    } else {
      tokens.push({ kind: 'punctuation', text: c });
      i++;
    }
  }
  return tokens;
}

/** Index of the token closing the bracket opened at `open`. */
function closing(tokens: readonly Token[], open: number, opener: string, closer: string): number {
  let depth = 0;
  for (let i = open; i < tokens.length; i++) {
    if (tokens[i].kind !== 'punctuation') continue;
    if (tokens[i].text === opener) depth++;
    else if (tokens[i].text === closer && --depth === 0) return i;
  }
  throw new Error(`unbalanced ${opener}${closer}`);
}

/** Every series selector (`metric{label="…"}`) of a PromQL expression, in order. */
function selectorsOf(expr: string): Selector[] {
  const tokens = tokenize(expr);
  const selectors: Selector[] = [];
  const next = (i: number): string | undefined => tokens[i + 1]?.text;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token.kind === 'punctuation' && token.text === '[') {
      i = closing(tokens, i, '[', ']'); // a range or subquery: durations only
      continue;
    }
    if (token.kind !== 'identifier') continue;
    const word = token.text;
    if (LABEL_LIST_KEYWORDS.has(word)) {
      if (next(i) === '(') i = closing(tokens, i + 1, '(', ')');
      continue;
    }
    if (OTHER_KEYWORDS.has(word) || AGGREGATIONS.has(word) || next(i) === '(') continue;
    const labels: string[] = [];
    if (next(i) === '{') {
      const end = closing(tokens, i + 1, '{', '}');
      for (let j = i + 2; j < end; j++) {
        const previous = tokens[j - 1].text;
        if (tokens[j].kind === 'identifier' && (previous === '{' || previous === ',')) {
          labels.push(tokens[j].text);
        }
      }
      i = end;
    }
    selectors.push({ metric: word, labels });
  }
  return selectors;
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

describe('the engine Prometheus rules (infra/prometheus)', () => {
  it('are found: rule files, alerts, recording rules and promtool unit tests', () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
    expect(alerts.length).toBeGreaterThan(0);
    expect(recordingRules.length).toBeGreaterThan(0);
    expect(testFiles.length).toBeGreaterThan(0);
  });

  it('pass `promtool check rules`', async () => {
    const { promtool } = prometheusBinaries();
    const result = await run(promtool, ['check', 'rules', ...ruleFiles.map((file) => file.path)]);
    expect({ exitCode: result.code, output: result.output }).toEqual({
      exitCode: 0,
      output: expect.stringContaining('SUCCESS') as unknown,
    });
  }, 60_000);

  it.each(testFiles.map((file) => [relative(PROMETHEUS_DIR, file.path), file.path]))(
    'pass the promtool unit tests of %s',
    async (_name, path) => {
      const { promtool } = prometheusBinaries();
      const result = await run(promtool, ['test', 'rules', path]);
      // The output names each failing alert or expression with what it expected and got.
      expect({ exitCode: result.code, output: result.output }).toEqual({
        exitCode: 0,
        output: expect.stringContaining('SUCCESS') as unknown,
      });
    },
    60_000,
  );

  it('are all loaded by the unit tests, which load nothing else', () => {
    const loaded = new Set(testFiles.flatMap((file) => file.ruleFiles));
    expect([...loaded].sort()).toEqual(ruleFiles.map((file) => file.path).sort());
  });

  it('unit-test every alert both firing on a bad series and silent on a healthy one', () => {
    const cases = testFiles.flatMap((file) => file.alertCases);
    const missing = alerts.flatMap(({ alert }) => {
      const own = cases.filter((c) => c.alertname === alert);
      return [
        ...(own.some((c) => c.fires) ? [] : [`${alert}: no test where it fires`]),
        ...(own.some((c) => !c.fires) ? [] : [`${alert}: no test where it stays silent`]),
      ];
    });
    const unknown = cases
      .map((c) => c.alertname)
      .filter((name) => !alerts.some((a) => a.alert === name));
    expect({ missing, unknown }).toEqual({ missing: [], unknown: [] });
  });

  it('give every alert a unique name, a severity, a summary, a description and a runbook', () => {
    const names = alerts.map((a) => a.alert);
    expect(new Set(names).size).toBe(names.length);
    const problems = alerts.flatMap(({ alert, labels, annotations }) => [
      ...(SEVERITIES.has(labels.severity ?? '')
        ? []
        : [`${alert}: severity ${labels.severity} is not one of ${[...SEVERITIES].join(', ')}`]),
      ...(['summary', 'description'] as const)
        .filter((key) => (annotations[key] ?? '').trim() === '')
        .map((key) => `${alert}: no ${key}`),
      ...(annotations.runbook_url === `${RUNBOOK}#${alert.toLowerCase()}`
        ? []
        : [`${alert}: runbook_url should be ${RUNBOOK}#${alert.toLowerCase()}`]),
    ]);
    expect(problems).toEqual([]);
    expect(existsSync(join(ROOT, RUNBOOK))).toBe(true);
  });

  it('see the metrics the code registers, with their labels', () => {
    expect(exportedByCode().get('slo_engine_http_requests_total')).toEqual({
      type: 'counter',
      labels: new Set(['method', 'route', 'status']),
      source: 'packages/platform/src/metrics/metrics-registry.ts',
    });
    expect(exportedByCode().get('controller_slo_latency_seconds')).toMatchObject({
      type: 'histogram',
      labels: new Set(['capability']),
    });
  });

  it('read only metrics the code exports, the rules record, or the workers app must export', () => {
    const exported = exportedByCode();
    const recorded = new Set(recordingRules.map((rule) => rule.record));
    const problems: string[] = [];
    for (const rule of [...alerts, ...recordingRules]) {
      const ruleName = 'alert' in rule ? rule.alert : rule.record;
      for (const { metric, labels } of selectorsOf(rule.expr)) {
        if (metric.includes(':')) {
          // level:metric:operations, recorded by these rules; its labels come from its `by`.
          if (!recorded.has(metric)) problems.push(`${ruleName}: ${metric} is recorded nowhere`);
          continue;
        }
        const histogramSeries = HISTOGRAM_SERIES.exec(metric);
        const direct = exported.get(metric) ?? WORKERS_METRICS_TO_COME.get(metric);
        const base =
          histogramSeries === null
            ? undefined
            : (exported.get(histogramSeries[1]) ?? WORKERS_METRICS_TO_COME.get(histogramSeries[1]));
        const definition = direct ?? (base?.type === 'histogram' ? base : undefined);
        if (definition === undefined) {
          problems.push(`${ruleName}: ${metric} is exported by no code`);
          continue;
        }
        const known = new Set([
          ...definition.labels,
          ...TARGET_LABELS,
          ...(histogramSeries?.[2] === 'bucket' && definition === base ? ['le'] : []),
        ]);
        for (const label of labels.filter((l) => !known.has(l))) {
          problems.push(`${ruleName}: ${metric} has no label ${label} (${definition.source})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('list only workers metrics that the rules use and the code does not export yet', () => {
    const exported = exportedByCode();
    const used = new Set(
      [...alerts, ...recordingRules].flatMap((rule) =>
        selectorsOf(rule.expr).map(({ metric }) => metric.replace(HISTOGRAM_SERIES, '$1')),
      ),
    );
    const stale = [...WORKERS_METRICS_TO_COME.keys()].filter(
      (name) => exported.has(name) || !used.has(name),
    );
    expect(stale).toEqual([]);
  });

  it('put the idempotency capacity alert at 90 % of the controller default capacity', () => {
    const capacity = controllerConfigSchema.CONTROLLER_IDEMPOTENCY_CAPACITY.parse(undefined);
    const alert = alerts.find((a) => a.alert === 'ControllerIdempotencyStoreNearCapacity');
    const threshold = Number(/>\s*(\d+)\s*$/.exec(alert?.expr.trim() ?? '')?.[1]);
    expect(capacity.ok && threshold / capacity.value).toBe(0.9);
  });
});

describe('selectorsOf (the PromQL reader behind the metric check)', () => {
  it('finds the selectors of a real rule, not its functions, keywords, labels or strings', () => {
    expect(
      selectorsOf(`
        sum by (capability) (rate(x_total{outcome="no_worker",side=~"a|b{c}"}[5m])) > 0
        unless on (capability) histogram_quantile(0.95, sum by (le) (rate(y_bucket[1h:5m])))
        and ignoring (job) z offset 15m # not_a_metric{label="x"}
        or 0 * on (job, instance) group_left (side) w:recorded:rate5m{job='api'}
      `),
    ).toEqual([
      { metric: 'x_total', labels: ['outcome', 'side'] },
      { metric: 'y_bucket', labels: [] },
      { metric: 'z', labels: [] },
      { metric: 'w:recorded:rate5m', labels: ['job'] },
    ]);
  });

  const RESERVED = new Set([
    ...AGGREGATIONS,
    ...LABEL_LIST_KEYWORDS,
    ...OTHER_KEYWORDS,
    'rate',
    'increase',
    'histogram_quantile',
  ]);
  const identifier = fc
    .stringMatching(/^[a-z_][a-z0-9_]{0,12}$/)
    .filter((name) => !RESERVED.has(name));
  const labelValue = fc
    .string({ maxLength: 12 })
    .map((value) => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n'));
  const selector = fc.record({
    metric: fc.oneof(
      identifier,
      fc.tuple(identifier, identifier).map(([a, b]) => `${a}:${b}`),
    ),
    matchers: fc.array(fc.tuple(identifier, fc.constantFrom('=', '!=', '=~', '!~'), labelValue), {
      maxLength: 3,
    }),
  });

  interface Generated {
    readonly text: string;
    readonly selectors: readonly Selector[];
  }
  const leaf: fc.Arbitrary<Generated> = selector.map(({ metric, matchers }) => ({
    text:
      matchers.length === 0
        ? metric
        : `${metric}{${matchers.map(([l, op, v]) => `${l}${op}"${v}"`).join(', ')}}`,
    selectors: [{ metric, labels: matchers.map(([label]) => label) }],
  }));
  const expression = fc.letrec<{ expr: Generated }>((tie) => ({
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc
        .tuple(tie('expr'), fc.constantFrom('5m', '1h', '30m:1m'))
        .map(([e, range]) => ({ text: `rate((${e.text})[${range}])`, selectors: e.selectors })),
      fc
        .tuple(
          fc.constantFrom('sum', 'max', 'count'),
          fc.array(identifier, { maxLength: 3 }),
          tie('expr'),
        )
        .map(([op, by, e]) => ({
          text: `${op} by (${by.join(', ')}) (${e.text})`,
          selectors: e.selectors,
        })),
      fc
        .tuple(
          tie('expr'),
          fc.constantFrom('/', '>', 'and', 'unless', 'or'),
          fc.array(identifier, { maxLength: 2 }),
          tie('expr'),
        )
        .map(([a, op, on, b]) => ({
          text: `(${a.text}) ${op} on (${on.join(', ')}) (${b.text})`,
          selectors: [...a.selectors, ...b.selectors],
        })),
      fc
        .tuple(tie('expr'), fc.constantFrom('offset 5m', '> 0.95', '* 0'))
        .map(([e, tail]) => ({ text: `${e.text} ${tail}`, selectors: e.selectors })),
    ),
  })).expr;

  it('finds exactly the selectors a generated expression holds, whatever their label values', () => {
    fc.assert(
      fc.property(expression, ({ text: expr, selectors }) => {
        expect(selectorsOf(expr)).toEqual(selectors);
      }),
    );
  });
});
