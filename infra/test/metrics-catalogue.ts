/**
 * The one catalogue of metrics the infra tests check the dashboards and the Prometheus rules
 * against: what the code registers (read from the TypeScript AST of apps/ and packages/) and what
 * the workers app (issue 7) must register once it exists. Kept in one place so that the rules and
 * the dashboards cannot disagree on a name, a type or a label.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

import ts from 'typescript';

const ROOT = join(__dirname, '..', '..');

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

export interface ExportedMetric {
  readonly type: MetricType;
  /** Labels the metric carries, besides the `job` and `instance` Prometheus attaches. */
  readonly labels: ReadonlySet<string>;
  /** Where it is defined, for failure messages. */
  readonly source: string;
}

/**
 * The workers app (issue 7) does not exist yet. These are the names, types and labels the rules
 * and the dashboards expect it to export:
 * - `job_name`, not `job`: Prometheus attaches the scrape job as `job` and would rename an
 *   exported `job` label to `exported_job`.
 * - slo_engine_job_duration_seconds times every attempt, failed ones included (so failures /
 *   duration count is a failure ratio), and slo_engine_job_failures_total counts every failed
 *   attempt, retried ones included; both are initialised at 0 for every job name at start-up
 *   (increase() cannot see a counter's first increment when the series is born at 1).
 * - slo_engine_batch_aggregation_duration_seconds needs buckets around 1800 s (the alert line).
 * - slo_engine_drift_detections_total has spec 004 §11.2's labels.
 * Remove an entry once apps/workers registers the metric: prometheus-rules.spec.ts fails while
 * both exist.
 */
export const WORKERS_METRICS_TO_COME: ReadonlyMap<string, ExportedMetric> = new Map(
  (
    [
      ['slo_engine_batch_aggregation_duration_seconds', 'histogram', []],
      ['slo_engine_drift_detections_total', 'counter', ['service_id', 'detector']],
      ['slo_engine_queue_jobs', 'gauge', ['queue', 'state']],
      ['slo_engine_job_duration_seconds', 'histogram', ['job_name']],
      ['slo_engine_job_failures_total', 'counter', ['job_name']],
    ] as const
  ).map(([name, type, labels]) => [
    name,
    { type, labels: new Set<string>(labels), source: 'workers metrics to come (issue 7)' },
  ]),
);

/** The production TypeScript files under `dir`: tests and build output are not the code. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return entry.name === 'node_modules' || entry.name === 'dist' ? [] : sourceFiles(path);
    }
    return /\.ts$/.test(entry.name) && !/\.(spec|int-spec|e2e-spec)\.ts$/.test(entry.name)
      ? [path]
      : [];
  });
}

const METRIC_FACTORY = /^(counter|gauge|histogram|summary)$/i;

/**
 * The metrics one source text registers: `<registry>.counter({ name: '…', labelNames: […] })` or
 * `new Counter({ … })` with a literal name. Parsed, not grepped, so a registration shown in a
 * comment (a doc example) never counts. `source` is what the entries name as their origin.
 */
export function metricsRegisteredIn(source: string, code: string): Map<string, ExportedMetric> {
  const found = new Map<string, ExportedMetric>();
  const visit = (node: ts.Node): void => {
    const factory =
      ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)
        ? node.expression.name.text
        : ts.isNewExpression(node) && ts.isIdentifier(node.expression)
          ? node.expression.text
          : undefined;
    const config = (ts.isCallExpression(node) || ts.isNewExpression(node)) && node.arguments?.[0];
    if (
      factory !== undefined &&
      METRIC_FACTORY.test(factory) &&
      config &&
      ts.isObjectLiteralExpression(config)
    ) {
      const property = (key: string): ts.Expression | undefined =>
        config.properties.find(
          (p): p is ts.PropertyAssignment =>
            ts.isPropertyAssignment(p) && ts.isIdentifier(p.name) && p.name.text === key,
        )?.initializer;
      const name = property('name');
      const labelNames = property('labelNames');
      if (name !== undefined && ts.isStringLiteralLike(name)) {
        const labels =
          labelNames !== undefined && ts.isArrayLiteralExpression(labelNames)
            ? labelNames.elements.filter(ts.isStringLiteralLike).map((e) => e.text)
            : [];
        found.set(name.text, {
          type: factory.toLowerCase() as MetricType,
          labels: new Set(labels),
          source,
        });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(source, code, ts.ScriptTarget.ES2022));
  return found;
}

/** Every metric registered in the `src` of apps/* and packages/*, by name. */
export function metricsExportedByCode(): Map<string, ExportedMetric> {
  const roots = ['apps', 'packages'].flatMap((group) =>
    readdirSync(join(ROOT, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(ROOT, group, entry.name, 'src'))
      .filter((dir) => existsSync(dir)),
  );
  return new Map(
    roots
      .flatMap(sourceFiles)
      .flatMap((file) => [
        ...metricsRegisteredIn(relative(ROOT, file), readFileSync(file, 'utf8')),
      ]),
  );
}

let exportedCache: ReadonlyMap<string, ExportedMetric> | undefined;
/** Parsing every source file takes a second or two: once per test file. */
export function exportedByCode(): ReadonlyMap<string, ExportedMetric> {
  exportedCache ??= metricsExportedByCode();
  return exportedCache;
}
