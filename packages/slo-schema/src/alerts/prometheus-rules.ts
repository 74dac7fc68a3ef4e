import { Document } from 'yaml';

import { SloSchemaError } from '../errors';
import {
  assertPeriodDays,
  burnRateThresholds,
  describe,
  roundSignificant,
  SLI_WINDOWS,
  type BurnRateSeverity,
  type BurnRateThreshold,
} from './burn-rate';

/**
 * Custom SLI queries in Sloth's form: each contains the placeholder `{{.window}}` where the range
 * goes, e.g. `sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}]))`.
 */
export interface SliQueries {
  errorQuery: string;
  totalQuery: string;
}

/**
 * The default SLI built from a request counter (spec 004 §6.1):
 * `sum(rate(<metric>{<serviceLabel>="<service>",<statusLabel>=~"<errorStatusRegex>"}[w]))` over
 * `sum(rate(<metric>{<serviceLabel>="<service>"}[w]))`.
 */
export interface RequestCounterSli {
  metric?: string; // default 'http_requests_total'
  serviceLabel?: string; // default 'service'
  statusLabel?: string; // default 'status'
  errorStatusRegex?: string; // default '5..'
}

/** One availability SLO to alert on. */
export interface AvailabilitySloAlertInput {
  service: string;
  name: string;
  /** Ratio of good requests, in (0, 1): 0.999. */
  target: number;
  /** Rolling SLO period in whole days, 1 to 366: 30. */
  periodDays: number;
  /** Default: `{}`, the request-counter SLI with its defaults. */
  sli?: SliQueries | RequestCounterSli;
}

export interface PrometheusRecordingRule {
  record: string;
  expr: string;
  labels: Record<string, string>;
}

export interface PrometheusAlertingRule {
  alert: string;
  expr: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

export interface PrometheusRuleGroup {
  name: string;
  rules: Array<PrometheusRecordingRule | PrometheusAlertingRule>;
}

/** A Prometheus rule file (`rule_files:` entry, `promtool check rules` input). */
export interface PrometheusRuleFile {
  groups: PrometheusRuleGroup[];
}

/** A policy condition with the error ratio that trips it for this SLO. */
export interface AlertThreshold extends BurnRateThreshold {
  /** `factor × (1 − target)`: the error ratio both windows must exceed. */
  errorRatio: number;
}

export interface PrometheusRulesResult {
  ruleFile: PrometheusRuleFile;
  /** The same rules as YAML text, with a header comment. */
  yaml: string;
  /** `sloth_id` label value: `<service>-<name>`. */
  sloId: string;
  alertNames: Readonly<Record<BurnRateSeverity, string>>;
  thresholds: readonly AlertThreshold[];
  /** Conditions that cannot fire (error ratio ≥ 1) or that fire below burn rate 1. */
  warnings: readonly string[];
}

export const SLI_WINDOW_PLACEHOLDER = '{{.window}}';

const SAFE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,62}$/;
const METRIC_NAME = /^[A-Za-z_:][A-Za-z0-9_:]*$/;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IDENTITY_LABELS = 'sloth_id, sloth_slo, sloth_service';

/**
 * Writes a PromQL double-quoted string literal (Go escaping): backslash, quote and control
 * characters are escaped, everything else is kept.
 */
export function promQlString(value: string): string {
  let out = '"';
  for (const c of value) {
    const code = c.charCodeAt(0);
    if (c === '\\' || c === '"') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

/** `checkout-service` → `CheckoutService`; `-`, `_` and `.` separate words. */
function pascalCase(value: string): string {
  return value
    .split(/[-_.]+/)
    .filter((part) => part !== '')
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}

function invalid(message: string): SloSchemaError {
  return new SloSchemaError('SLO_SCHEMA.INVALID_ARGUMENT', message);
}

function safeName(value: unknown, path: string): string {
  if (typeof value !== 'string' || !SAFE_NAME.test(value)) {
    throw invalid(
      `${path} must be a Prometheus-safe name: a letter, then letters, digits, "_", "-" or "." ` +
        `(at most 63 characters), got ${describe(value)}`,
    );
  }
  return value;
}

function matching(
  value: unknown,
  pattern: RegExp,
  path: string,
  what: string,
  dflt: string,
): string {
  if (value === undefined) return dflt;
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw invalid(`${path} must be ${what}, got ${describe(value)}`);
  }
  return value;
}

function windowQuery(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw invalid(`${path} must be a non-empty PromQL query, got ${describe(value)}`);
  }
  if (!value.includes(SLI_WINDOW_PLACEHOLDER)) {
    throw invalid(
      `${path} must contain the placeholder ${SLI_WINDOW_PLACEHOLDER} where the range goes, ` +
        `e.g. rate(x[${SLI_WINDOW_PLACEHOLDER}])`,
    );
  }
  return value.trim();
}

function resolveSli(sli: unknown, service: string): SliQueries {
  if (sli === undefined) sli = {};
  if (typeof sli !== 'object' || sli === null || Array.isArray(sli)) {
    throw invalid(`slo.sli must be an object, got ${describe(sli)}`);
  }
  const s = sli as Record<string, unknown>;
  if ('errorQuery' in s || 'totalQuery' in s) {
    const extra = Object.keys(s).filter((k) => k !== 'errorQuery' && k !== 'totalQuery');
    if (extra.length > 0) {
      throw invalid(
        `slo.sli with custom queries takes only errorQuery and totalQuery, not ${extra.join(', ')}`,
      );
    }
    return {
      errorQuery: windowQuery(s.errorQuery, 'slo.sli.errorQuery'),
      totalQuery: windowQuery(s.totalQuery, 'slo.sli.totalQuery'),
    };
  }
  const known = ['metric', 'serviceLabel', 'statusLabel', 'errorStatusRegex'];
  const unknown = Object.keys(s).filter((k) => !known.includes(k));
  if (unknown.length > 0) {
    throw invalid(
      `slo.sli has unknown key ${unknown.join(', ')}; give errorQuery and totalQuery, or ${known.join(', ')}`,
    );
  }
  const metric = matching(
    s.metric,
    METRIC_NAME,
    'slo.sli.metric',
    'a Prometheus metric name',
    'http_requests_total',
  );
  const serviceLabel = matching(
    s.serviceLabel,
    LABEL_NAME,
    'slo.sli.serviceLabel',
    'a Prometheus label name',
    'service',
  );
  const statusLabel = matching(
    s.statusLabel,
    LABEL_NAME,
    'slo.sli.statusLabel',
    'a Prometheus label name',
    'status',
  );
  if (serviceLabel === statusLabel) {
    throw invalid(
      `slo.sli.serviceLabel and slo.sli.statusLabel must differ, both are "${serviceLabel}"`,
    );
  }
  let errorStatusRegex = '5..';
  if (s.errorStatusRegex !== undefined) {
    if (typeof s.errorStatusRegex !== 'string' || s.errorStatusRegex === '') {
      throw invalid(
        `slo.sli.errorStatusRegex must be a non-empty string, got ${describe(s.errorStatusRegex)}`,
      );
    }
    errorStatusRegex = s.errorStatusRegex;
  }
  const serviceMatcher = `${serviceLabel}=${promQlString(service)}`;
  const errorMatcher = `${statusLabel}=~${promQlString(errorStatusRegex)}`;
  return {
    errorQuery: `sum(rate(${metric}{${serviceMatcher},${errorMatcher}}[${SLI_WINDOW_PLACEHOLDER}]))`,
    totalQuery: `sum(rate(${metric}{${serviceMatcher}}[${SLI_WINDOW_PLACEHOLDER}]))`,
  };
}

function times(factor: number): string {
  return `${factor}×`;
}

function percent(ratio: number): string {
  return `${roundSignificant(ratio * 100)}%`;
}

/**
 * Prometheus recording and alerting rules for one availability SLO, in Sloth's naming:
 * `slo:sli_error:ratio_rate<window>` for 5m, 30m, 1h, 2h, 6h, 1d, 3d and the period, the meta
 * series `slo:objective:ratio`, `slo:error_budget:ratio`, `slo:time_period:days`,
 * `slo:current_burn_rate:ratio`, `slo:period_burn_rate:ratio`,
 * `slo:period_error_budget_remaining:ratio` (labels `sloth_id`, `sloth_service`, `sloth_slo`, and
 * `sloth_window` on the SLI series), and two multi-window multi-burn-rate alerts,
 * `<Service><Name>SLOPageBurnRate` and `<Service><Name>SLOTicketBurnRate`.
 */
export function prometheusRulesFor(slo: AvailabilitySloAlertInput): PrometheusRulesResult {
  if (typeof slo !== 'object' || slo === null) {
    throw invalid(`slo must be an object, got ${describe(slo)}`);
  }
  const service = safeName(slo.service, 'slo.service');
  const name = safeName(slo.name, 'slo.name');
  const target: unknown = slo.target;
  if (typeof target !== 'number' || !(target > 0 && target < 1)) {
    const hint =
      typeof target === 'number' && target > 1 && target < 100
        ? ` (a ratio: ${roundSignificant(target / 100)}?)`
        : '';
    throw invalid(
      `slo.target must be a number in the open interval (0, 1), got ${describe(target)}${hint}`,
    );
  }
  assertPeriodDays(slo.periodDays, 'slo.periodDays');
  const periodDays = slo.periodDays;
  const sli = resolveSli(slo.sli, service);

  const sloId = `${service}-${name}`;
  const identity = { sloth_id: sloId, sloth_service: service, sloth_slo: name };
  const selector = `{sloth_id=${promQlString(sloId)}, sloth_service=${promQlString(service)}, sloth_slo=${promQlString(name)}}`;
  const errorBudget = roundSignificant(1 - target);
  const period = `${periodDays}d`;
  const series = (window: string): string => `slo:sli_error:ratio_rate${window}`;

  const sliRules: PrometheusRecordingRule[] = SLI_WINDOWS.map((window) => ({
    record: series(window),
    expr:
      `(${sli.errorQuery.split(SLI_WINDOW_PLACEHOLDER).join(window)})\n/\n` +
      `(${sli.totalQuery.split(SLI_WINDOW_PLACEHOLDER).join(window)})\n`,
    labels: { ...identity, sloth_window: window },
  }));
  // The period's ratio is the mean of the 5m ratios, as Sloth records it: one cheap series
  // instead of a rate over the whole period on the raw counters. Periods of 1d and 3d already
  // have their series.
  if (!(SLI_WINDOWS as readonly string[]).includes(period)) {
    sliRules.push({
      record: series(period),
      expr:
        `sum_over_time(${series('5m')}${selector}[${period}])\n` +
        `/ ignoring (sloth_window)\n` +
        `count_over_time(${series('5m')}${selector}[${period}])\n`,
      labels: { ...identity, sloth_window: period },
    });
  }

  const metaRules: PrometheusRecordingRule[] = [
    { record: 'slo:objective:ratio', expr: `vector(${target})`, labels: { ...identity } },
    { record: 'slo:error_budget:ratio', expr: `vector(${errorBudget})`, labels: { ...identity } },
    { record: 'slo:time_period:days', expr: `vector(${periodDays})`, labels: { ...identity } },
    {
      record: 'slo:current_burn_rate:ratio',
      expr:
        `${series('5m')}${selector}\n/ on(${IDENTITY_LABELS}) group_left\n` +
        `slo:error_budget:ratio${selector}\n`,
      labels: { ...identity },
    },
    {
      record: 'slo:period_burn_rate:ratio',
      expr:
        `${series(period)}${selector}\n/ on(${IDENTITY_LABELS}) group_left\n` +
        `slo:error_budget:ratio${selector}\n`,
      labels: { ...identity },
    },
    {
      record: 'slo:period_error_budget_remaining:ratio',
      expr: `1 - slo:period_burn_rate:ratio${selector}\n`,
      labels: { ...identity },
    },
  ];

  const thresholds: AlertThreshold[] = burnRateThresholds(periodDays).map((t) => ({
    ...t,
    errorRatio: roundSignificant(t.factor * errorBudget),
  }));
  const warnings: string[] = [];
  for (const t of thresholds) {
    const what = `${t.severity} condition ${times(t.factor)} over ${t.longWindow} and ${t.shortWindow}`;
    if (t.errorRatio >= 1) {
      warnings.push(
        `${what} needs an error ratio above ${t.errorRatio}, which cannot happen: with target ${target} it never fires`,
      );
    } else if (t.factor < 1) {
      warnings.push(
        `${what} is below burn rate 1 for a ${period} period: it fires while the budget would last the period`,
      );
    }
  }

  const baseName = `${pascalCase(service)}${pascalCase(name)}SLO`;
  const alertNames: Record<BurnRateSeverity, string> = {
    page: `${baseName}PageBurnRate`,
    ticket: `${baseName}TicketBurnRate`,
  };
  const alertRules = (['page', 'ticket'] as const).map((severity): PrometheusAlertingRule => {
    const mine = thresholds.filter((t) => t.severity === severity);
    const condition = (t: AlertThreshold): string => {
      const above = `> (${t.factor} * ${errorBudget})`;
      return (
        `(\n` +
        `  max(${series(t.shortWindow)}${selector} ${above}) without (sloth_window)\n` +
        `  and\n` +
        `  max(${series(t.longWindow)}${selector} ${above}) without (sloth_window)\n` +
        `)`
      );
    };
    const described = mine
      .map(
        (t) =>
          `${times(t.factor)} over ${t.longWindow} and ${t.shortWindow} ` +
          `(${percent(t.budgetShare)} of the budget in ${t.longWindow})`,
      )
      .join(' or ');
    return {
      alert: alertNames[severity],
      expr: `${mine.map(condition).join('\nor\n')}\n`,
      labels: { severity, sloth_severity: severity, category: 'availability' },
      annotations: {
        summary:
          `${service} ${name} SLO error budget burn rate is too fast (${severity}): ` +
          `${percent(target)} over ${period}`,
        description:
          `${service} ${name} burns its error budget (${percent(errorBudget)} over ${period}) ` +
          `faster than ${described}.`,
        burn_rate_thresholds: mine
          .map(
            (t) => `${t.longWindow}/${t.shortWindow}: ${t.factor} (error ratio > ${t.errorRatio})`,
          )
          .join('; '),
      },
    };
  });

  const ruleFile: PrometheusRuleFile = {
    groups: [
      { name: `slo-sli-recordings-${sloId}`, rules: sliRules },
      { name: `slo-meta-recordings-${sloId}`, rules: metaRules },
      { name: `slo-alerts-${sloId}`, rules: alertRules },
    ],
  };
  return {
    ruleFile,
    yaml: stringifyPrometheusRules(
      ruleFile,
      `SLO ${name} of ${service}: ${percent(target)} over ${period}`,
    ),
    sloId,
    alertNames,
    thresholds,
    warnings,
  };
}

/** Serialises a rule file as YAML (queries never folded), with an optional header comment. */
export function stringifyPrometheusRules(ruleFile: PrometheusRuleFile, title?: string): string {
  const doc = new Document(ruleFile);
  doc.commentBefore =
    ` Generated by SLO Engine (@slo-engine/slo-schema): do not edit.` +
    (title ? `\n ${title}` : '');
  return doc.toString({ lineWidth: 0 });
}
