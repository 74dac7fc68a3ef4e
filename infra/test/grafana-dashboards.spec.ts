/**
 * The provisioned Grafana dashboards (infra/grafana): their structure, and every PromQL query
 * they run, executed by a real Prometheus against a backfilled history that holds every metric
 * they read, with the labels the code exports. A query Prometheus cannot parse, or one that finds
 * no series (a wrong metric or label name), fails naming the dashboard, the panel and the query.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import { prometheusRulesFor } from '@slo-engine/slo-schema';
import { startPrometheus, type StartedPrometheus } from '@slo-engine/testing';
import { parse as parseYaml } from 'yaml';

import {
  exportedByCode,
  metricsRegisteredIn,
  type MetricType,
  WORKERS_METRICS_TO_COME,
} from './metrics-catalogue';

const ROOT = join(__dirname, '..', '..');
const GRAFANA = join(ROOT, 'infra', 'grafana');
const DASHBOARDS = join(GRAFANA, 'dashboards');

/** Stable uids: links and bookmarks point at them, so a change must be deliberate. */
const EXPECTED_UIDS: Readonly<Record<string, string>> = {
  'slo-compliance.json': 'slo-engine-slo-compliance',
  'controller.json': 'slo-engine-controller',
  'workers.json': 'slo-engine-workers',
  'engine-red.json': 'slo-engine-http-red',
};

const DATASOURCE_REF = '${datasource}';

// ---------------------------------------------------------------------------------------------
// Dashboard model (the part of Grafana's JSON the tests read)
// ---------------------------------------------------------------------------------------------

interface DatasourceRef {
  readonly type?: string;
  readonly uid?: string;
}

interface GrafanaTarget {
  readonly refId: string;
  readonly expr?: string;
  readonly datasource?: DatasourceRef;
}

interface GridPos {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

interface GrafanaPanel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly description?: string;
  readonly datasource?: DatasourceRef;
  readonly gridPos: GridPos;
  readonly targets?: readonly GrafanaTarget[];
  readonly panels?: readonly GrafanaPanel[];
  readonly fieldConfig?: { readonly defaults?: { readonly unit?: string } };
}

interface GrafanaVariable {
  readonly name: string;
  readonly type: string;
  readonly query?: string | { readonly query: string };
  readonly datasource?: DatasourceRef;
  readonly current?: { readonly value?: string | readonly string[] };
  readonly multi?: boolean;
  readonly includeAll?: boolean;
}

interface GrafanaDashboard {
  readonly uid: string;
  readonly title: string;
  readonly tags: readonly string[];
  readonly schemaVersion: number;
  readonly description?: string;
  readonly panels: readonly GrafanaPanel[];
  readonly templating: { readonly list: readonly GrafanaVariable[] };
}

interface LoadedDashboard {
  readonly file: string;
  readonly dashboard: GrafanaDashboard;
}

function loadDashboards(): LoadedDashboard[] {
  return readdirSync(DASHBOARDS)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({
      file,
      dashboard: JSON.parse(readFileSync(join(DASHBOARDS, file), 'utf8')) as GrafanaDashboard,
    }));
}

/** Every panel, those nested in collapsed rows included, rows themselves included. */
function allPanels(dashboard: GrafanaDashboard): GrafanaPanel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

const queryPanels = (dashboard: GrafanaDashboard): GrafanaPanel[] =>
  allPanels(dashboard).filter((panel) => panel.type !== 'row');

function variableQuery(variable: GrafanaVariable): string | undefined {
  if (variable.query === undefined) return undefined;
  return typeof variable.query === 'string' ? variable.query : variable.query.query;
}

/** Grafana's own variables, substituted at query time; the ones the test gives a value to. */
const BUILT_IN_VARIABLES: Readonly<Record<string, string>> = {
  __rate_interval: '5m',
  __interval: '1m',
  __range: '1h',
};

const VARIABLE_REFERENCE = /\$(?:\{(\w+)(?::\w+)?\}|(\w+))/g;

/** A Prometheus query variable: `label_values(<selector>, <label>)`. */
const LABEL_VALUES = /^\s*label_values\(\s*(.+?)\s*,\s*(\w+)\s*\)\s*$/s;

function referencedVariables(text: string): string[] {
  return [...text.matchAll(VARIABLE_REFERENCE)].map((m) => m[1] ?? m[2]);
}

/** What Grafana does to a multi-value variable inside a PromQL regex matcher. */
function escapeForRegexMatcher(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}]/g, '\\\\$&');
}

function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(VARIABLE_REFERENCE, (whole, braced?: string, bare?: string) => {
    const name = braced ?? bare ?? '';
    return values[name] ?? BUILT_IN_VARIABLES[name] ?? whole;
  });
}

// ---------------------------------------------------------------------------------------------
// Metric names: extraction from PromQL and the catalogue of names the code exports
// ---------------------------------------------------------------------------------------------

const PROMQL_KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression selects. Good enough for the dashboards' queries: strings,
 * label matchers, ranges and grouping clauses are removed, then every identifier not followed by
 * `(` (a function or an aggregation) and not a keyword is a metric name.
 */
function metricNamesIn(expr: string): string[] {
  const stripped = expr
    .replace(VARIABLE_REFERENCE, '')
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/(?<![\w.])[A-Za-z_:][\w:]*/g)) {
    const rest = stripped.slice((match.index ?? 0) + match[0].length).trimStart();
    if (rest.startsWith('(') || PROMQL_KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names].sort();
}

interface CataloguedMetric {
  readonly type: MetricType | 'unknown';
  /** Labels the metric carries (besides job and instance); undefined when not known. */
  readonly labels: ReadonlySet<string> | undefined;
  readonly source: string;
}

type Catalogue = ReadonlyMap<string, CataloguedMetric>;

/** prom-client's default process and Node.js metrics (collectDefaultMetrics in the platform). */
function promClientDefaultMetrics(): Map<string, CataloguedMetric> {
  const resolve = createRequire(join(ROOT, 'packages', 'platform', 'package.json')).resolve;
  const dir = join(resolve('prom-client/package.json'), '..', 'lib', 'metrics');
  const found = new Map<string, CataloguedMetric>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(join(dir, file), 'utf8');
    for (const match of text.matchAll(/=\s*'((?:process|nodejs)_[a-z0-9_]+)'/g)) {
      found.set(match[1], {
        type: match[1] === 'nodejs_gc_duration_seconds' ? 'histogram' : 'unknown',
        labels: undefined,
        source: `prom-client/lib/metrics/${file}`,
      });
    }
  }
  return found;
}

/** The `slo:*` series (and ALERTS labels) of the FR-10 export, from the generator itself. */
function sloRecordingRules(): Map<string, CataloguedMetric> {
  const source = 'packages/slo-schema/src/alerts/prometheus-rules.ts';
  const labels = new Set<string>();
  const records = new Set<string>();
  const alertLabels = new Set<string>(['alertname', 'alertstate']);
  for (const periodDays of [7, 28, 30]) {
    const { ruleFile } = prometheusRulesFor({
      service: 'checkout',
      name: 'availability',
      target: 0.999,
      periodDays,
    });
    for (const rule of ruleFile.groups.flatMap((group) => group.rules)) {
      if ('record' in rule) {
        records.add(rule.record);
        for (const label of Object.keys(rule.labels)) labels.add(label);
      } else {
        for (const label of Object.keys(rule.labels)) alertLabels.add(label);
      }
    }
  }
  // Ratios divided `on(...) group_left` keep the left side's sloth_window; alerts keep identity.
  const found = new Map<string, CataloguedMetric>();
  for (const record of records) found.set(record, { type: 'gauge', labels, source });
  for (const label of ['sloth_id', 'sloth_service', 'sloth_slo']) alertLabels.add(label);
  found.set('ALERTS', {
    type: 'gauge',
    labels: alertLabels,
    source: `Prometheus (alerting rules of ${source})`,
  });
  return found;
}

function buildCatalogue(): Catalogue {
  const catalogue = new Map<string, CataloguedMetric>([
    ...promClientDefaultMetrics(),
    ...sloRecordingRules(),
    ...exportedByCode(),
  ]);
  for (const [name, metric] of WORKERS_METRICS_TO_COME) {
    if (!catalogue.has(name)) catalogue.set(name, metric);
  }
  return catalogue;
}

let builtCatalogue: Catalogue | undefined;
/** Built once per run: it reads every source file. */
const metricCatalogue = (): Catalogue => (builtCatalogue ??= buildCatalogue());

/** The catalogued metric a series name belongs to (`x_bucket` → histogram `x`). */
function catalogued(catalogue: Catalogue, name: string): CataloguedMetric | undefined {
  const direct = catalogue.get(name);
  if (direct !== undefined) return direct;
  const histogram = /^(.+)_(?:bucket|count|sum)$/.exec(name);
  const base = histogram === null ? undefined : catalogue.get(histogram[1]);
  return base?.type === 'histogram' ? base : undefined;
}

// ---------------------------------------------------------------------------------------------
// The history Prometheus serves: every metric the dashboards read, with the code's labels
// ---------------------------------------------------------------------------------------------

type Labels = Readonly<Record<string, string>>;

interface FixtureFamily {
  readonly name: string;
  /** No summary: the engine exports none, so openMetrics() does not write them. */
  readonly type: Exclude<MetricType, 'summary'>;
  readonly series: readonly Labels[];
  /** Gauges: the value. Counters and histograms: events per minute. */
  readonly value?: number;
  readonly buckets?: readonly number[];
}

const END = Date.UTC(2025, 0, 1) / 1000;
/** Seven hours: the longest fixed window of a dashboard query is 6 h. */
const START = END - 7 * 3600;
const STEP = 60;

const API = { job: 'slo-engine-api', instance: 'api-0:3000' };
const CONTROLLER = { job: 'slo-engine-controller', instance: 'controller-0:3001' };
const WORKERS = { job: 'slo-engine-workers', instance: 'workers-0:3002' };
const APPS = [API, CONTROLLER, WORKERS];
const CAPABILITIES = ['convert:convert_document_to_pdf', 'summarize:summarize_text'];
const SLO = {
  sloth_id: 'checkout-availability',
  sloth_service: 'checkout',
  sloth_slo: 'availability',
};

function cross(...dimensions: ReadonlyArray<readonly Labels[]>): Labels[] {
  return dimensions.reduce<Labels[]>(
    (acc, dimension) => acc.flatMap((left) => dimension.map((right) => ({ ...left, ...right }))),
    [{}],
  );
}

const values = (label: string, ...vs: string[]): Labels[] => vs.map((v) => ({ [label]: v }));

const FIXTURE: readonly FixtureFamily[] = [
  // Platform HTTP metrics, every app.
  {
    name: 'slo_engine_http_requests_total',
    type: 'counter',
    series: cross(
      APPS,
      values('method', 'GET'),
      values('route', '/api/v1/services/:id/slo-recommendations'),
      values('status', '200', '429', '500'),
    ).concat(cross(APPS, [{ method: 'GET', route: 'unmatched', status: '404' }])),
  },
  {
    name: 'slo_engine_http_request_duration_seconds',
    type: 'histogram',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    series: cross(APPS, values('method', 'GET'), [
      { route: '/api/v1/services/:id/slo-recommendations' },
      { route: 'unmatched' },
    ]),
  },
  { name: 'process_cpu_seconds_total', type: 'counter', series: APPS },
  { name: 'process_resident_memory_bytes', type: 'gauge', series: APPS, value: 2e8 },
  { name: 'nodejs_eventloop_lag_p99_seconds', type: 'gauge', series: APPS, value: 0.02 },
  // API.
  {
    name: 'slo_engine_prometheus_query_duration_seconds',
    type: 'histogram',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    series: cross([API], values('purpose', 'recommendation'), values('endpoint', 'query_range'), [
      { outcome: 'success' },
      { outcome: 'error' },
    ]),
  },
  {
    name: 'slo_engine_prometheus_query_errors_total',
    type: 'counter',
    series: cross([API], values('purpose', 'recommendation'), values('kind', 'timeout')),
  },
  { name: 'slo_engine_rate_limit_degraded', type: 'gauge', series: [API], value: 0 },
  {
    name: 'slo_engine_recommendations_generated_total',
    type: 'counter',
    series: cross(
      [API],
      values('sli_type', 'availability'),
      values('source', 'generated', 'cache'),
    ),
  },
  {
    name: 'slo_engine_auto_approval_outcomes_total',
    type: 'counter',
    series: cross([API], values('status', 'approved', 'held'), values('reason', 'rule')),
  },
  // Controller.
  {
    name: 'controller_slo_latency_seconds',
    type: 'histogram',
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0],
    series: cross([CONTROLLER], values('capability', ...CAPABILITIES)),
  },
  {
    name: 'controller_slo_requests_total',
    type: 'counter',
    series: cross(
      [CONTROLLER],
      values('capability', ...CAPABILITIES),
      values('status', 'success', 'error'),
    ),
  },
  {
    name: 'controller_slo_violations_total',
    type: 'counter',
    series: cross([CONTROLLER], values('capability', ...CAPABILITIES), values('metric', 'latency')),
  },
  {
    name: 'controller_idempotency_hits_total',
    type: 'counter',
    series: cross([CONTROLLER], values('capability', ...CAPABILITIES)),
  },
  { name: 'controller_idempotency_cache_size', type: 'gauge', series: [CONTROLLER], value: 1200 },
  {
    name: 'controller_route_decisions_total',
    type: 'counter',
    series: cross([CONTROLLER], values('capability', ...CAPABILITIES), [
      { outcome: 'routed', side: 'stable' },
      { outcome: 'routed', side: 'canary' },
      { outcome: 'no_worker', side: 'none' },
    ]),
  },
  {
    name: 'controller_slo_shed_requests_total',
    type: 'counter',
    series: cross([CONTROLLER], values('capability', ...CAPABILITIES)),
  },
  {
    name: 'controller_registered_workers',
    type: 'gauge',
    series: cross([CONTROLLER], values('status', 'healthy', 'stale', 'needs_verification')),
    value: 3,
  },
  { name: 'controller_registered_capabilities', type: 'gauge', series: [CONTROLLER], value: 2 },
  { name: 'controller_workers_swept_total', type: 'counter', series: [CONTROLLER] },
  {
    name: 'controller_canary_percentage',
    type: 'gauge',
    series: cross([CONTROLLER], values('capability', ...CAPABILITIES)),
    value: 10,
  },
  {
    name: 'controller_canary_rollbacks_total',
    type: 'counter',
    series: cross([CONTROLLER], values('capability', ...CAPABILITIES)),
  },
  { name: 'controller_slo_files_invalid', type: 'gauge', series: [CONTROLLER], value: 0 },
  {
    name: 'controller_registry_store_errors_total',
    type: 'counter',
    series: cross([CONTROLLER], values('operation', 'save')),
  },
  // Workers (names of WORKERS_METRICS_TO_COME).
  {
    name: 'slo_engine_queue_jobs',
    type: 'gauge',
    series: cross(
      [WORKERS],
      values('queue', 'slo-engine'),
      values('state', 'waiting', 'active', 'delayed', 'failed'),
    ),
    value: 4,
  },
  {
    name: 'slo_engine_job_duration_seconds',
    type: 'histogram',
    buckets: [0.1, 1, 5, 15, 60, 300, 900, 1800, 3600],
    series: cross([WORKERS], values('job_name', 'aggregate-sli', 'detect-drift')),
  },
  {
    name: 'slo_engine_job_failures_total',
    type: 'counter',
    series: cross([WORKERS], values('job_name', 'aggregate-sli', 'detect-drift')),
  },
  {
    name: 'slo_engine_batch_aggregation_duration_seconds',
    type: 'histogram',
    buckets: [1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600],
    series: [WORKERS],
  },
  {
    name: 'slo_engine_drift_detections_total',
    type: 'counter',
    series: cross(
      [WORKERS],
      values('service_id', 'checkout'),
      values('detector', 'page_hinkley', 'adwin', 'ks'),
    ),
  },
  // FR-10 recording rules and the alerts they feed (evaluated by Prometheus: no job label).
  { name: 'slo:objective:ratio', type: 'gauge', series: [SLO], value: 0.999 },
  { name: 'slo:error_budget:ratio', type: 'gauge', series: [SLO], value: 0.001 },
  { name: 'slo:time_period:days', type: 'gauge', series: [SLO], value: 30 },
  ...['5m', '1h', '6h'].map((window): FixtureFamily => ({
    name: `slo:sli_error:ratio_rate${window}`,
    type: 'gauge',
    series: [{ ...SLO, sloth_window: window }],
    value: 0.0005,
  })),
  {
    name: 'slo:current_burn_rate:ratio',
    type: 'gauge',
    series: [{ ...SLO, sloth_window: '5m' }],
    value: 0.5,
  },
  {
    name: 'slo:period_burn_rate:ratio',
    type: 'gauge',
    series: [{ ...SLO, sloth_window: '30d' }],
    value: 0.4,
  },
  {
    name: 'slo:period_error_budget_remaining:ratio',
    type: 'gauge',
    series: [{ ...SLO, sloth_window: '30d' }],
    value: 0.6,
  },
  {
    name: 'ALERTS',
    type: 'gauge',
    series: [
      {
        ...SLO,
        alertname: 'CheckoutAvailabilitySLOTicketBurnRate',
        alertstate: 'firing',
        severity: 'ticket',
        sloth_severity: 'ticket',
        category: 'availability',
      },
    ],
    value: 1,
  },
];

function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`;
}

/** The fixture as OpenMetrics: counters grow steadily, histograms spread over their buckets. */
function* openMetrics(families: readonly FixtureFamily[]): Generator<string> {
  for (const family of families) {
    const base = family.type === 'counter' ? family.name.replace(/_total$/, '') : family.name;
    yield `# TYPE ${base} ${family.type}\n`;
    for (const [index, labels] of family.series.entries()) {
      const perMinute = family.value ?? index + 1;
      const lines: string[] = [];
      for (let t = START, minute = 0; t <= END; t += STEP, minute++) {
        const total = perMinute * minute;
        if (family.type === 'gauge') lines.push(`${base}${labelText(labels)} ${perMinute} ${t}`);
        else if (family.type === 'counter')
          lines.push(`${base}_total${labelText(labels)} ${total} ${t}`);
        else {
          const buckets = family.buckets ?? [1];
          for (const [i, le] of buckets.entries()) {
            const count = Math.floor((total * (i + 1)) / (buckets.length + 1));
            lines.push(`${base}_bucket${labelText({ ...labels, le: String(le) })} ${count} ${t}`);
          }
          lines.push(`${base}_bucket${labelText({ ...labels, le: '+Inf' })} ${total} ${t}`);
          lines.push(`${base}_count${labelText(labels)} ${total} ${t}`);
          lines.push(`${base}_sum${labelText(labels)} ${total * 0.3} ${t}`);
        }
      }
      yield `${lines.join('\n')}\n`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Running the dashboards' queries
// ---------------------------------------------------------------------------------------------

interface QueryAnswer {
  readonly ok: boolean;
  readonly error?: string;
  readonly series: ReadonlyArray<{ readonly metric: Labels }>;
}

async function instantQuery(url: string, query: string): Promise<QueryAnswer> {
  const response = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    body: new URLSearchParams({ query, time: String(END) }),
  });
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: unknown };
  };
  if (body.status !== 'success' || body.data === undefined) {
    return { ok: false, error: body.error ?? `HTTP ${response.status}`, series: [] };
  }
  const { resultType, result } = body.data;
  // A scalar or a string is one value; vectors and matrices are lists of series.
  const series =
    resultType === 'scalar' || resultType === 'string'
      ? [{ metric: {} }]
      : (result as Array<{ metric: Labels }>);
  return { ok: true, series };
}

/**
 * Validates a dashboard the way Grafana would run it: each variable is resolved in order from its
 * own query (first value found), then every panel query is run with the variables substituted.
 * Returns one line per problem, naming dashboard, panel and query.
 */
async function validateQueries(url: string, loaded: LoadedDashboard): Promise<string[]> {
  const { file, dashboard } = loaded;
  const problems: string[] = [];
  const resolved: Record<string, string> = {};
  for (const variable of dashboard.templating.list) {
    if (variable.type === 'datasource') continue;
    if (variable.type === 'custom') {
      const current = variable.current?.value;
      resolved[variable.name] = String(Array.isArray(current) ? current[0] : current);
      continue;
    }
    const query = variableQuery(variable) ?? '';
    const labelValues = LABEL_VALUES.exec(query);
    if (labelValues === null) {
      problems.push(`${file} › variable $${variable.name}: not a label_values() query: ${query}`);
      continue;
    }
    const [, selector, label] = labelValues;
    const expr = `count by (${label}) (${substitute(selector, resolved)})`;
    const answer = await instantQuery(url, expr);
    const first = answer.series
      .map((s) => s.metric[label])
      .filter((v): v is string => v !== undefined)
      .sort()[0];
    if (!answer.ok)
      problems.push(`${file} › variable $${variable.name}: ${answer.error}\n  ${query}`);
    else if (first === undefined) {
      problems.push(`${file} › variable $${variable.name}: no value found\n  ${query}`);
    } else {
      resolved[variable.name] =
        variable.multi === true || variable.includeAll === true
          ? escapeForRegexMatcher(first)
          : first;
    }
  }
  for (const panel of queryPanels(dashboard)) {
    for (const target of panel.targets ?? []) {
      const expr = substitute(target.expr ?? '', resolved);
      const where = `${file} › panel ${panel.id} "${panel.title}" › ${target.refId}`;
      const answer = await instantQuery(url, expr);
      if (!answer.ok) problems.push(`${where}: ${answer.error}\n  ${expr}`);
      else if (answer.series.length === 0) problems.push(`${where}: no series\n  ${expr}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

const loaded = loadDashboards();

it('holds the four dashboards, each under its stable uid', () => {
  expect(Object.fromEntries(loaded.map(({ file, dashboard }) => [file, dashboard.uid]))).toEqual(
    EXPECTED_UIDS,
  );
  const titles = loaded.map(({ dashboard }) => dashboard.title);
  expect(new Set(titles).size).toBe(titles.length);
});

describe.each(loaded)('$file', ({ dashboard }) => {
  it('is a Grafana 10 dashboard (schemaVersion 39) tagged slo-engine, with a description', () => {
    expect(dashboard.schemaVersion).toBe(39);
    expect(dashboard.title).toMatch(/^SLO Engine \/ /);
    expect(dashboard.tags).toContain('slo-engine');
    expect(dashboard.description).toEqual(expect.stringMatching(/\S/));
  });

  it('has unique panel ids and a layout within the 24-column grid without overlaps', () => {
    const panels = allPanels(dashboard);
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const overlaps: string[] = [];
    for (const [i, a] of panels.entries()) {
      expect(a.gridPos.x + a.gridPos.w).toBeLessThanOrEqual(24);
      for (const b of panels.slice(i + 1)) {
        const apart =
          a.gridPos.x + a.gridPos.w <= b.gridPos.x ||
          b.gridPos.x + b.gridPos.w <= a.gridPos.x ||
          a.gridPos.y + a.gridPos.h <= b.gridPos.y ||
          b.gridPos.y + b.gridPos.h <= a.gridPos.y;
        if (!apart) overlaps.push(`${a.title} / ${b.title}`);
      }
    }
    expect(overlaps).toEqual([]);
  });

  it('reads every query through the `datasource` variable, never a fixed datasource', () => {
    const datasource = dashboard.templating.list.find((v) => v.name === 'datasource');
    expect(datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const fixed: string[] = [];
    for (const panel of queryPanels(dashboard)) {
      for (const ref of [panel.datasource, ...(panel.targets ?? []).map((t) => t.datasource)]) {
        if (ref?.uid !== DATASOURCE_REF || ref.type !== 'prometheus') fixed.push(panel.title);
      }
    }
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      if (variable.datasource?.uid !== DATASOURCE_REF) fixed.push(`$${variable.name}`);
    }
    expect(fixed).toEqual([]);
  });

  it('describes every panel, gives it a unit and at least one query with unique refIds', () => {
    const incomplete: string[] = [];
    for (const panel of queryPanels(dashboard)) {
      const targets = panel.targets ?? [];
      const refIds = targets.map((t) => t.refId);
      if (!panel.description?.trim()) incomplete.push(`${panel.title}: no description`);
      if (!panel.fieldConfig?.defaults?.unit) incomplete.push(`${panel.title}: no unit`);
      if (targets.length === 0 || targets.some((t) => !t.expr?.trim())) {
        incomplete.push(`${panel.title}: missing query`);
      }
      if (new Set(refIds).size !== refIds.length) incomplete.push(`${panel.title}: refIds`);
    }
    expect(incomplete).toEqual([]);
  });

  it('uses only variables it defines (or Grafana built-ins)', () => {
    const defined = new Set([
      ...dashboard.templating.list.map((v) => v.name),
      ...Object.keys(BUILT_IN_VARIABLES),
    ]);
    const texts = [
      ...queryPanels(dashboard).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')),
      ...dashboard.templating.list.map((v) => variableQuery(v) ?? ''),
    ];
    const undefinedVariables = texts
      .flatMap(referencedVariables)
      .filter((name) => !defined.has(name));
    expect(undefinedVariables).toEqual([]);
  });

  it('selects only metrics the code exports (or the documented workers-to-come names)', () => {
    const catalogue = metricCatalogue();
    const exprs = [
      ...queryPanels(dashboard).flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? '')),
      // label_values(<selector>, <label>): the selector holds the metric.
      ...dashboard.templating.list
        .filter((v) => v.type === 'query')
        .map((v) => LABEL_VALUES.exec(variableQuery(v) ?? '')?.[1] ?? ''),
    ];
    const unknown = [...new Set(exprs.flatMap(metricNamesIn))].filter(
      (name) => catalogued(catalogue, name) === undefined,
    );
    expect(unknown).toEqual([]);
  });
});

describe('metric catalogue', () => {
  it('extracts metric names from PromQL, skipping functions, labels, ranges and clauses', () => {
    expect(
      metricNamesIn(
        'sum by (le) (rate(foo_bucket{job=~"$app", le="0.5"}[$__rate_interval])) / on (a) group_left slo:x:ratio{b="c"} or vector(0)',
      ),
    ).toEqual(['foo_bucket', 'slo:x:ratio']);
  });

  it('finds the registrations of the code, with their labels, and prom-client defaults', () => {
    const catalogue = metricCatalogue();
    expect(catalogue.get('controller_route_decisions_total')).toMatchObject({
      type: 'counter',
      labels: new Set(['capability', 'outcome', 'side']),
      source: 'apps/controller/src/controller-metrics.ts',
    });
    expect(catalogue.get('slo_engine_http_request_duration_seconds')?.type).toBe('histogram');
    expect(catalogue.get('process_resident_memory_bytes')).toBeDefined();
    expect(catalogue.get('slo:period_error_budget_remaining:ratio')).toBeDefined();
    expect(catalogued(catalogue, 'controller_slo_latency_seconds_bucket')).toBeDefined();
    expect(catalogued(catalogue, 'controller_slo_requests_total_bucket')).toBeUndefined();
    // A registration shown in a comment (a doc example) is not one.
    const sample = [
      "/** e.g. metrics.gauge({ name: 'in_a_doc_comment', help: 'h' }) */",
      "// metrics.counter({ name: 'in_a_line_comment', help: 'h' });",
      "metrics.gauge({ name: 'in_code', help: 'h' });",
    ].join('\n');
    expect([...metricsRegisteredIn('sample.ts', sample).keys()]).toEqual(['in_code']);
  });

  it('the fixture only holds catalogued metrics, with labels the code exports', () => {
    const catalogue = metricCatalogue();
    const problems: string[] = [];
    for (const family of FIXTURE) {
      const metric = catalogue.get(family.name);
      if (metric === undefined) {
        problems.push(`${family.name}: not exported`);
        continue;
      }
      if (metric.type !== 'unknown' && metric.type !== family.type) {
        problems.push(`${family.name}: ${family.type}, exported as ${metric.type}`);
      }
      const known = metric.labels;
      if (known === undefined) continue;
      for (const labels of family.series) {
        for (const label of Object.keys(labels)) {
          if (!known.has(label) && label !== 'job' && label !== 'instance') {
            problems.push(`${family.name}: label ${label} is not exported`);
          }
        }
      }
    }
    expect([...new Set(problems)]).toEqual([]);
  });
});

describe('provisioning', () => {
  it('declares a Prometheus datasource', () => {
    const file = parseYaml(
      readFileSync(join(GRAFANA, 'provisioning', 'datasources', 'prometheus.yml'), 'utf8'),
    ) as { apiVersion: number; datasources: Array<Record<string, unknown>> };
    expect(file.apiVersion).toBe(1);
    expect(file.datasources).toHaveLength(1);
    expect(file.datasources[0]).toMatchObject({ type: 'prometheus', access: 'proxy' });
    expect(file.datasources[0].url).toEqual(expect.stringMatching(/^https?:\/\//));
  });

  it('loads the dashboards from /var/lib/grafana/dashboards with a file provider', () => {
    const file = parseYaml(
      readFileSync(join(GRAFANA, 'provisioning', 'dashboards', 'slo-engine.yml'), 'utf8'),
    ) as { apiVersion: number; providers: Array<Record<string, unknown>> };
    expect(file.apiVersion).toBe(1);
    expect(file.providers).toEqual([
      expect.objectContaining({
        type: 'file',
        options: expect.objectContaining({ path: '/var/lib/grafana/dashboards' }) as unknown,
      }),
    ]);
  });
  it('puts every dashboard file in the ConfigMap the Grafana sidecar loads (Kubernetes)', () => {
    const kustomization = parseYaml(readFileSync(join(GRAFANA, 'kustomization.yaml'), 'utf8')) as {
      configMapGenerator: Array<{
        files: string[];
        options: { labels: Record<string, string> };
      }>;
    };
    const [generator] = kustomization.configMapGenerator;
    expect(generator.files.map((file) => file.replace(/^dashboards\//, '')).sort()).toEqual(
      loaded.map(({ file }) => file),
    );
    expect(generator.options.labels).toMatchObject({ grafana_dashboard: '1' });
  });
});

describe('every query against a real Prometheus', () => {
  let prometheus: StartedPrometheus;

  beforeAll(async () => {
    prometheus = await startPrometheus({ openMetrics: openMetrics(FIXTURE) });
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
  });

  it.each(loaded)(
    '$file: every variable resolves and every query returns series',
    async (d) => {
      expect(await validateQueries(prometheus.url, d)).toEqual([]);
    },
    60_000,
  );

  it('reports a query Prometheus rejects and one that selects a label no series has', async () => {
    const broken: GrafanaDashboard = {
      uid: 'broken',
      title: 'SLO Engine / broken',
      tags: [],
      schemaVersion: 39,
      templating: { list: [] },
      panels: [
        {
          id: 7,
          type: 'timeseries',
          title: 'Typo',
          gridPos: { x: 0, y: 0, w: 12, h: 8 },
          targets: [
            { refId: 'A', expr: 'sum(rate(slo_engine_http_requests_total[$__rate_interval])' },
            {
              refId: 'B',
              expr: 'sum(rate(slo_engine_http_requests_total{status_code="500"}[5m]))',
            },
          ],
        },
      ],
    };
    const problems = await validateQueries(prometheus.url, {
      file: 'broken.json',
      dashboard: broken,
    });
    expect(problems).toEqual([
      expect.stringMatching(/^broken\.json › panel 7 "Typo" › A: .*parse error/s),
      expect.stringMatching(/^broken\.json › panel 7 "Typo" › B: no series/),
    ]);
  }, 30_000);
});
