/**
 * The PromQL the Prometheus telemetry source runs (spec 004 §6.1), built from per-organisation
 * templates, and the SEC-008 rules every label value passes before it enters a query: values that
 * look like personal data are rejected, the rest are escaped for PromQL string literals and, in
 * `=~` matchers, for RE2. No query can be built from a value that did not pass.
 */
import { DomainError, type SloMetricNaming, TelemetryErrorCodes } from '@slo-engine/core';

/**
 * What the queries are made of: the request and latency naming the alert rules share (core's
 * `SloMetricNaming`) plus CFS throttling. Everything but the placeholders in `throttlingSelector`
 * is trusted operator configuration, checked for syntax once when the builder is made.
 */
export interface PromqlTemplates extends SloMetricNaming {
  /** CFS throttling counter, in seconds. */
  readonly throttlingMetric: string;
  /**
   * Matchers selecting one service's series of `throttlingMetric`. Placeholders inside the quoted
   * values: `{{serviceRegex}}` (the service id escaped for RE2, for `=~`) and `{{service}}` (the
   * service id as is, for `=`).
   */
  readonly throttlingSelector: string;
}

/** Spec 004 §6.1: Prometheus client conventions and cAdvisor's throttling counter. */
export const DEFAULT_PROMQL_TEMPLATES: PromqlTemplates = Object.freeze({
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

/** Longest label value a query accepts (Kubernetes names stop at 63, DNS names at 253). */
export const MAX_LABEL_VALUE_LENGTH = 128;

/** Why a label value may not enter a query. */
export type LabelValueProblem =
  | 'not_a_string'
  | 'empty'
  | 'too_long'
  | 'whitespace_or_control'
  | 'email'
  | 'ip_address'
  | 'uuid'
  | 'digit_run';

const PROBLEM_TEXT: Readonly<Record<LabelValueProblem, string>> = {
  not_a_string: 'is not a string',
  empty: 'is empty',
  too_long: `is longer than ${MAX_LABEL_VALUE_LENGTH} characters`,
  whitespace_or_control: 'contains whitespace, control or invisible characters',
  email: 'looks like an e-mail address',
  ip_address: 'looks like an IP address',
  uuid: 'looks like a UUID (a user or session identifier)',
  digit_run: 'contains a long run of digits (like a phone, account or card number)',
};

// Whitespace, and every "other" code point: controls, format characters (zero-width, bidi
// overrides), lone surrogates, private use and unassigned.
const INVISIBLE = /[\s\p{C}]/u;
const EMAIL = /[^@]+@[^@.]+(?:\.[^@.]+)*\.[a-z]{2,}/i;
const IPV4 = /(?<!\d)(\d{1,3})([.-])(\d{1,3})\2(\d{1,3})\2(\d{1,3})(?!\d)/g;
const IPV6 =
  /(?:^|[^0-9a-z])(?:[0-9a-f]{1,4})?::(?:[0-9a-f]{1,4})?(?:$|[^0-9a-z])|(?:[0-9a-f]{1,4}:){3,}[0-9a-f]{1,4}/i;
const UUID =
  /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])/i;
// Seven digits in a row, or ten digits with single separators (555-123-4567, 4111-1111-1111-1111).
const DIGIT_RUN = /\d{7,}|(?:\d[.\-_/]?){10,}/;

/** The first SEC-008 problem of a label value, or null when it may enter a query. */
export function labelValueProblem(value: unknown): LabelValueProblem | null {
  if (typeof value !== 'string') return 'not_a_string';
  if (value.length === 0) return 'empty';
  // A code point takes at most two UTF-16 units: the first test spares spreading huge strings.
  if (value.length > 2 * MAX_LABEL_VALUE_LENGTH || [...value].length > MAX_LABEL_VALUE_LENGTH) {
    return 'too_long';
  }
  if (INVISIBLE.test(value)) return 'whitespace_or_control';
  if (EMAIL.test(value)) return 'email';
  for (const match of value.matchAll(IPV4)) {
    if ([match[1], match[3], match[4], match[5]].every((octet) => Number(octet) <= 255)) {
      return 'ip_address';
    }
  }
  if (IPV6.test(value)) return 'ip_address';
  if (UUID.test(value)) return 'uuid';
  if (DIGIT_RUN.test(value)) return 'digit_run';
  return null;
}

/** A hint at a rejected value that cannot disclose it: its first two characters and its length. */
function redacted(value: unknown): string {
  if (typeof value !== 'string') return typeof value;
  const chars = [...value];
  return `${JSON.stringify(chars.slice(0, 2).join('') + (chars.length > 2 ? '…' : ''))} (${chars.length} characters)`;
}

/**
 * Returns `value` when it may enter a query; otherwise throws `DomainError(TELEMETRY.INVALID_LABEL)`
 * naming the problem (SEC-008). The message never contains the value itself.
 */
export function assertSafeLabelValue(value: string, what = 'service id'): string {
  const problem = labelValueProblem(value);
  if (problem === null) return value;
  throw new DomainError(
    TelemetryErrorCodes.INVALID_LABEL,
    `The ${what} ${redacted(value)} ${PROBLEM_TEXT[problem]}; SEC-008 keeps such values out of metric queries.`,
    { reason: problem, label: what },
  );
}

/**
 * The content of a PromQL double-quoted string literal for `value` (without the quotes). Uses only
 * the escapes PromQL (Go) and JSON share: `\\`, `\"`, `\n`, `\r`, `\t`, `\uXXXX`.
 */
export function escapePromqlString(value: string): string {
  let out = '';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '\\') out += '\\\\';
    else if (char === '"') out += '\\"';
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += char;
  }
  return out;
}

const RE2_META = /[\\.+*?()|[\]{}^$]/g;

/** `value` as an RE2 pattern that matches exactly that text (metacharacters backslash-escaped). */
export function escapeRegex(value: string): string {
  return value.replace(RE2_META, '\\$&');
}

/**
 * A PromQL duration for a whole number of milliseconds, in the largest unit that divides it:
 * `1h`, `28d`, `90s`, `1500ms`.
 */
export function promqlDuration(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms <= 0) {
    throw new RangeError(`promqlDuration: a positive whole number of milliseconds, got ${ms}`);
  }
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const QUOTED = String.raw`"(?:[^"\\]|\\.)*"`;
const MATCHER = String.raw`[a-zA-Z_][a-zA-Z0-9_]*\s*(?:=~|!~|!=|=)\s*${QUOTED}`;
const MATCHER_LIST = new RegExp(String.raw`^\s*(?:${MATCHER}(?:\s*,\s*${MATCHER})*)?\s*$`);

function checkTemplates(templates: PromqlTemplates): void {
  const problems: string[] = [];
  for (const key of ['requestsMetric', 'latencyBucketMetric', 'throttlingMetric'] as const) {
    if (!METRIC_NAME.test(templates[key])) problems.push(`${key} is not a metric name`);
  }
  for (const key of ['serviceLabel', 'statusLabel'] as const) {
    if (!LABEL_NAME.test(templates[key]) || templates[key].startsWith('__')) {
      problems.push(`${key} is not a label name`);
    }
  }
  if (typeof templates.errorStatusRegex !== 'string' || templates.errorStatusRegex === '') {
    problems.push('errorStatusRegex is empty');
  }
  if (!(templates.latencyUnitMs > 0) || !Number.isFinite(templates.latencyUnitMs)) {
    problems.push('latencyUnitMs is not a positive number');
  }
  if (
    !MATCHER_LIST.test(templates.throttlingSelector) ||
    templates.throttlingSelector.trim() === ''
  ) {
    problems.push('throttlingSelector is not a list of label matchers (label="value", ...)');
  } else if (!/\{\{(service|serviceRegex)\}\}/.test(templates.throttlingSelector)) {
    problems.push('throttlingSelector names no {{service}} or {{serviceRegex}} placeholder');
  }
  if (!MATCHER_LIST.test(templates.extraMatchers)) {
    problems.push('extraMatchers is not a list of label matchers (label="value", ...)');
  } else if (/\{\{/.test(templates.extraMatchers)) {
    problems.push('extraMatchers may not contain placeholders');
  }
  if (problems.length > 0) {
    throw new Error(`PromqlBuilder: invalid templates: ${problems.join('; ')}.`);
  }
}

/**
 * Builds the queries from templates. Each method validates the service ids it is given (SEC-008)
 * and takes window lengths in milliseconds.
 */
export class PromqlBuilder {
  readonly templates: PromqlTemplates;

  constructor(templates: Partial<PromqlTemplates> = {}) {
    this.templates = Object.freeze({ ...DEFAULT_PROMQL_TEMPLATES, ...templates });
    checkTemplates(this.templates);
  }

  /** `sum(increase(requests{service="id"[,status=~"5.."]}[window]))`: one service's requests. */
  serviceRequests(serviceId: string, windowMs: number, errorsOnly: boolean): string {
    const { requestsMetric } = this.templates;
    return `sum(increase(${requestsMetric}${this.selector(this.serviceIs(serviceId), errorsOnly)}[${promqlDuration(windowMs)}]))`;
  }

  /** `sum by (service) (increase(requests{service=~"^(a|b)$"...}[window]))`: a set of services. */
  servicesRequests(serviceIds: readonly string[], windowMs: number, errorsOnly: boolean): string {
    const { requestsMetric, serviceLabel } = this.templates;
    return `sum by (${serviceLabel}) (increase(${requestsMetric}${this.selector(this.serviceIn(serviceIds), errorsOnly)}[${promqlDuration(windowMs)}]))`;
  }

  /** `sum by (service) (increase(requests{service!=""...}[window]))`: every service at once. */
  fleetRequests(windowMs: number, errorsOnly: boolean): string {
    const { requestsMetric, serviceLabel } = this.templates;
    return `sum by (${serviceLabel}) (increase(${requestsMetric}${this.selector(`${serviceLabel}!=""`, errorsOnly)}[${promqlDuration(windowMs)}]))`;
  }

  /** `sum by (le) (increase(buckets{service="id"}[window]))`: one service's histogram. */
  serviceLatencyBuckets(serviceId: string, windowMs: number): string {
    const { latencyBucketMetric } = this.templates;
    return `sum by (le) (increase(${latencyBucketMetric}${this.selector(this.serviceIs(serviceId), false)}[${promqlDuration(windowMs)}]))`;
  }

  /** `histogram_quantile(q, sum by (service, le) (increase(buckets{service!=""}[window])))`. */
  fleetLatencyQuantile(quantile: number, windowMs: number): string {
    if (!(quantile >= 0 && quantile <= 1)) {
      throw new RangeError(`PromqlBuilder: a quantile from 0 to 1, got ${quantile}`);
    }
    const { latencyBucketMetric, serviceLabel } = this.templates;
    return `histogram_quantile(${quantile}, sum by (${serviceLabel}, le) (increase(${latencyBucketMetric}${this.selector(`${serviceLabel}!=""`, false)}[${promqlDuration(windowMs)}])))`;
  }

  /** `sum(rate(throttled{pod=~"<id>-.*"}[window]))`: throttled seconds per second, all pods. */
  serviceThrottling(serviceId: string, windowMs: number): string {
    const id = assertSafeLabelValue(serviceId);
    const { throttlingMetric, throttlingSelector } = this.templates;
    const matchers = throttlingSelector
      .replaceAll('{{serviceRegex}}', () => escapePromqlString(escapeRegex(id)))
      .replaceAll('{{service}}', () => escapePromqlString(id))
      .trim();
    return `sum(rate(${throttlingMetric}{${matchers}}[${promqlDuration(windowMs)}]))`;
  }

  /**
   * Splits service ids into groups whose `=~` matcher value stays within `maxBytes` (UTF-8, as
   * sent), so no single query carries an unbounded regex. Ids are validated first.
   */
  chunkServiceIds(serviceIds: readonly string[], maxBytes: number): string[][] {
    const chunks: string[][] = [];
    let current: string[] = [];
    let size = 0;
    for (const id of serviceIds) {
      const bytes =
        Buffer.byteLength(escapePromqlString(escapeRegex(assertSafeLabelValue(id)))) + 1;
      if (current.length > 0 && size + bytes > maxBytes) {
        chunks.push(current);
        current = [];
        size = 0;
      }
      current.push(id);
      size += bytes;
    }
    if (current.length > 0) chunks.push(current);
    return chunks;
  }

  private serviceIs(serviceId: string): string {
    return `${this.templates.serviceLabel}="${escapePromqlString(assertSafeLabelValue(serviceId))}"`;
  }

  private serviceIn(serviceIds: readonly string[]): string {
    if (serviceIds.length === 0) throw new RangeError('PromqlBuilder: no service ids');
    const alternatives = serviceIds.map((id) => escapeRegex(assertSafeLabelValue(id))).join('|');
    return `${this.templates.serviceLabel}=~"${escapePromqlString(`^(${alternatives})$`)}"`;
  }

  private selector(serviceMatcher: string, errorsOnly: boolean): string {
    const { statusLabel, errorStatusRegex, extraMatchers } = this.templates;
    const matchers = [serviceMatcher];
    if (errorsOnly) matchers.push(`${statusLabel}=~"${escapePromqlString(errorStatusRegex)}"`);
    if (extraMatchers.trim() !== '') matchers.push(extraMatchers.trim());
    return `{${matchers.join(',')}}`;
  }
}
