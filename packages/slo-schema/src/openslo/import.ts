import {
  Checker,
  describe,
  formatNumber,
  isPlainMapping,
  type PlainMapping,
  isList,
} from '../checker';
import { SloSchemaError } from '../errors';
import { formatPath, type PathSegments, toResult } from '../issues';
import { requireText } from '../parse';
import {
  type SloBudgetAlert,
  type SloEnforcement,
  type SloFile,
  type SloLatency,
  type SloMetadata,
  type ValidationIssue,
  type ValidationResult,
} from '../types';
import { checkSloDocument, fileOption, impliedMonthlyPct, type ValidateOptions } from '../validate';
import { type LocatedDocument, parseAllLocated } from '../yaml-source';
import { OPENSLO_ANNOTATIONS, OPENSLO_LABELS } from './types';

/** Values for what an upstream OpenSLO document does not say. */
export interface OpenSloImportDefaults {
  /** Verb of capabilities without our annotations (their name is `spec.service`). Default `serve`. */
  readonly verb?: string;
  /** Default `1.0`. */
  readonly version?: string;
  readonly latency?: Partial<SloLatency>;
  readonly availabilityTarget?: number;
  /** Default `{ reject_on_violation: false, grace_period_days: 7 }` (spec 000, phase 1: log only). */
  readonly enforcement?: SloEnforcement;
  readonly metadata?: Partial<SloMetadata>;
  /** Default none. */
  readonly alerts?: readonly SloBudgetAlert[];
}

export interface OpenSloImportOptions extends ValidateOptions {
  readonly defaults?: OpenSloImportDefaults;
}

const SUPPORTED_KINDS_IGNORED = new Set([
  'Service',
  'DataSource',
  'AlertPolicy',
  'AlertCondition',
  'AlertNotificationTarget',
]);
const DURATION = /^([1-9][0-9]*)([mhdwMQY])$/;
const MONTHLY_WINDOWS = new Set(['30d', '1M', '720h', '43200m']);
const NAMED_PERCENTILE = /(?:^|[^a-z0-9])p(50|95|99)(?:[^0-9]|$)/i;
const QUANTILE = /histogram_quantile\s*\(\s*(0?\.[0-9]+)/;
const MAX_STRINGS = 1000;

type LatencyField = 'p50_ms' | 'p95_ms' | 'p99_ms';
type FieldName =
  | 'version'
  | 'owner'
  | 'cost_center'
  | 'tier'
  | 'monthly_pct'
  | 'alerts'
  | 'reject_on_violation'
  | 'grace_period_days'
  | 'availability'
  | LatencyField;

interface ImportIssue {
  /** Index of the document at fault; undefined for problems of an assembled capability. */
  readonly doc?: number;
  readonly group?: string;
  readonly segments: PathSegments;
  readonly reason: string;
  readonly severity: 'error' | 'warning';
  readonly at: 'key' | 'value';
}

interface Group {
  readonly key: string;
  readonly verb: string;
  readonly name: string;
  readonly fields: Map<FieldName, { value: unknown; doc: number }>;
}

interface Indicator {
  readonly kind: 'ratio' | 'threshold';
  readonly doc: number;
  readonly segments: PathSegments;
  readonly name?: string;
  readonly spec: PlainMapping;
}

class Importer {
  readonly issues: ImportIssue[] = [];
  readonly groups = new Map<string, Group>();
  private readonly slis = new Map<string, { doc: number; spec: unknown; used: boolean }>();

  constructor(
    private readonly documents: readonly unknown[],
    private readonly defaults: OpenSloImportDefaults,
  ) {}

  private error(
    doc: number | undefined,
    segments: PathSegments,
    reason: string,
    at: 'key' | 'value' = 'value',
  ): void {
    this.issues.push({ doc, segments, reason, severity: 'error', at });
  }

  private warning(doc: number, segments: PathSegments, reason: string): void {
    this.issues.push({ doc, segments, reason, severity: 'warning', at: 'value' });
  }

  /** Runs a Checker on part of document `doc` and keeps its issues. */
  private check<T>(doc: number, run: (c: Checker) => T): T {
    const c = new Checker();
    const result = run(c);
    for (const i of c.issues) this.issues.push({ ...i, doc });
    return result;
  }

  run(): void {
    const slos: { doc: number; root: PlainMapping }[] = [];
    this.documents.forEach((document, doc) => {
      if (document === null || document === undefined) return; // empty document between separators
      const root = this.check(doc, (c) =>
        c.mapping(document, [], ['apiVersion', 'kind', 'metadata', 'spec']),
      );
      if (root === undefined) return;
      if (root.apiVersion !== 'openslo/v1') {
        this.error(
          doc,
          ['apiVersion'],
          `only openslo/v1 is supported; got ${describe(root.apiVersion)}`,
        );
        return;
      }
      if (root.kind === 'SLO') slos.push({ doc, root });
      else if (root.kind === 'SLI') this.registerSli(doc, root);
      else if (typeof root.kind === 'string' && SUPPORTED_KINDS_IGNORED.has(root.kind))
        this.warning(doc, ['kind'], `kind ${root.kind} is not imported (only SLO and SLI are)`);
      else this.error(doc, ['kind'], `unknown OpenSLO kind ${describe(root.kind)}`);
    });
    for (const { doc, root } of slos) this.importSlo(doc, root);
    for (const [name, sli] of this.slis) {
      if (!sli.used)
        this.warning(sli.doc, ['metadata', 'name'], `SLI "${name}" is not referenced by any SLO`);
    }
  }

  private metadataName(
    doc: number,
    root: PlainMapping,
  ): { name?: string; metadata?: PlainMapping } {
    return this.check(doc, (c) => {
      const metadata =
        root.metadata === undefined
          ? undefined
          : c.mapping(
              root.metadata,
              ['metadata'],
              ['name'],
              ['displayName', 'labels', 'annotations'],
            );
      const name =
        metadata?.name === undefined ? undefined : c.string(metadata.name, ['metadata', 'name']);
      return { name, metadata };
    });
  }

  private registerSli(doc: number, root: PlainMapping): void {
    const { name } = this.metadataName(doc, root);
    if (name === undefined) return;
    const existing = this.slis.get(name);
    if (existing !== undefined) {
      this.error(
        doc,
        ['metadata', 'name'],
        `SLI "${name}" is already defined by documents[${existing.doc}]`,
      );
      return;
    }
    this.slis.set(name, { doc, spec: root.spec, used: false });
  }

  private indicatorOf(
    doc: number,
    spec: unknown,
    segments: PathSegments,
    name?: string,
  ): Indicator | undefined {
    return this.check(doc, (c) => {
      const m = c.mapping(spec, segments, [], ['description', 'ratioMetric', 'thresholdMetric']);
      if (m === undefined) return undefined;
      const ratio = isPlainMapping(m.ratioMetric);
      const threshold = isPlainMapping(m.thresholdMetric);
      if (ratio === threshold) {
        c.error(
          segments,
          'an SLI needs exactly one of ratioMetric or thresholdMetric (as a mapping)',
        );
        return undefined;
      }
      return { kind: ratio ? 'ratio' : 'threshold', doc, segments, name, spec: m };
    });
  }

  private resolveIndicator(doc: number, spec: PlainMapping): Indicator | undefined {
    const hasInline = spec.indicator !== undefined;
    const hasRef = spec.indicatorRef !== undefined;
    if (hasInline === hasRef) {
      this.error(doc, ['spec'], 'an SLO needs exactly one of indicator or indicatorRef');
      return undefined;
    }
    if (hasInline) {
      const inline = this.check(doc, (c) =>
        c.mapping(spec.indicator, ['spec', 'indicator'], ['spec'], ['metadata']),
      );
      if (inline === undefined) return undefined;
      const name =
        isPlainMapping(inline.metadata) && typeof inline.metadata.name === 'string'
          ? inline.metadata.name
          : undefined;
      return this.indicatorOf(doc, inline.spec, ['spec', 'indicator', 'spec'], name);
    }
    const ref = this.check(doc, (c) => c.string(spec.indicatorRef, ['spec', 'indicatorRef']));
    if (ref === undefined) return undefined;
    const sli = this.slis.get(ref);
    if (sli === undefined) {
      this.error(doc, ['spec', 'indicatorRef'], `no SLI named "${ref}" among the documents`);
      return undefined;
    }
    sli.used = true;
    return this.indicatorOf(sli.doc, sli.spec, ['spec'], ref);
  }

  private checkWindow(doc: number, spec: PlainMapping): void {
    if (spec.timeWindow === undefined) return;
    const at = ['spec', 'timeWindow'];
    if (!Array.isArray(spec.timeWindow) || spec.timeWindow.length !== 1) {
      this.error(
        doc,
        at,
        `must be a list with exactly one time window; got ${describe(spec.timeWindow)}`,
      );
      return;
    }
    const window: unknown = spec.timeWindow[0];
    const w = this.check(doc, (c) =>
      c.mapping(window, [...at, 0], ['duration'], ['isRolling', 'calendar']),
    );
    if (w === undefined) return;
    if (w.calendar !== undefined || w.isRolling !== true) {
      this.error(
        doc,
        [...at, 0],
        'calendar-aligned time windows are not supported: the SLO file format budgets over a rolling month (use isRolling: true)',
      );
      return;
    }
    const duration = this.check(doc, (c) => c.string(w.duration, [...at, 0, 'duration']));
    if (duration === undefined) return;
    if (!DURATION.test(duration)) {
      this.error(
        doc,
        [...at, 0, 'duration'],
        `must be a duration shorthand like 30d or 4w; got ${JSON.stringify(duration)}`,
      );
    } else if (!MONTHLY_WINDOWS.has(duration)) {
      this.warning(
        doc,
        [...at, 0, 'duration'],
        `rolling window ${duration} is imported as the monthly (30d) window of the SLO file format`,
      );
    }
  }

  private checkBudgeting(doc: number, spec: PlainMapping): void {
    const method = spec.budgetingMethod;
    if (method === undefined || method === 'Occurrences') return; // a missing one is already reported
    if (method === 'Timeslices' || method === 'RatioTimeslices') {
      this.warning(
        doc,
        ['spec', 'budgetingMethod'],
        `${method} is imported as Occurrences, the only budgeting the SLO file format knows`,
      );
      return;
    }
    this.error(
      doc,
      ['spec', 'budgetingMethod'],
      `must be Occurrences, Timeslices or RatioTimeslices; got ${describe(method)}`,
    );
  }

  private groupFor(doc: number, service: string, annotations: PlainMapping): Group | undefined {
    const verb = annotations[OPENSLO_ANNOTATIONS.verb];
    const name = annotations[OPENSLO_ANNOTATIONS.name];
    let capability: { verb: string; name: string };
    if (verb === undefined && name === undefined)
      capability = { verb: this.defaults.verb ?? 'serve', name: service };
    else if (typeof verb === 'string' && typeof name === 'string') capability = { verb, name };
    else {
      this.error(
        doc,
        ['metadata', 'annotations'],
        `${OPENSLO_ANNOTATIONS.verb} and ${OPENSLO_ANNOTATIONS.name} must both be strings when either is given`,
      );
      return undefined;
    }
    const key = `${capability.verb}:${capability.name}`;
    let group = this.groups.get(key);
    if (group === undefined) {
      group = { key, ...capability, fields: new Map() };
      this.groups.set(key, group);
    }
    return group;
  }

  private set(
    group: Group,
    field: FieldName,
    value: unknown,
    doc: number,
    segments: PathSegments,
  ): void {
    const existing = group.fields.get(field);
    if (existing === undefined) {
      group.fields.set(field, { value, doc });
    } else if (JSON.stringify(existing.value) !== JSON.stringify(value)) {
      this.error(
        doc,
        segments,
        `${field} ${JSON.stringify(value)} for capability "${group.key}" conflicts with ${JSON.stringify(existing.value)} from documents[${existing.doc}]`,
      );
    }
  }

  private readAnnotations(doc: number, group: Group, annotations: PlainMapping): void {
    const at = (key: string): PathSegments => ['metadata', 'annotations', key];
    const text = (key: string): string | undefined => {
      const v = annotations[key];
      if (v === undefined) return undefined;
      if (typeof v !== 'string') {
        this.error(doc, at(key), `annotations are strings; got ${describe(v)}`);
        return undefined;
      }
      return v;
    };
    const version = text(OPENSLO_ANNOTATIONS.version);
    if (version !== undefined)
      this.set(group, 'version', version, doc, at(OPENSLO_ANNOTATIONS.version));
    const pct = text(OPENSLO_ANNOTATIONS.monthlyPct);
    if (pct !== undefined) {
      const n = Number(pct);
      if (pct.trim() === '' || !Number.isFinite(n))
        this.error(
          doc,
          at(OPENSLO_ANNOTATIONS.monthlyPct),
          `must be a number; got ${JSON.stringify(pct)}`,
        );
      else this.set(group, 'monthly_pct', n, doc, at(OPENSLO_ANNOTATIONS.monthlyPct));
    }
    const alerts = text(OPENSLO_ANNOTATIONS.alerts);
    if (alerts !== undefined) {
      try {
        this.set(
          group,
          'alerts',
          JSON.parse(alerts) as unknown,
          doc,
          at(OPENSLO_ANNOTATIONS.alerts),
        );
      } catch {
        this.error(
          doc,
          at(OPENSLO_ANNOTATIONS.alerts),
          'must be a JSON list of {"threshold", "channel"}',
        );
      }
    }
    const reject = text(OPENSLO_ANNOTATIONS.rejectOnViolation);
    if (reject !== undefined) {
      if (reject !== 'true' && reject !== 'false')
        this.error(
          doc,
          at(OPENSLO_ANNOTATIONS.rejectOnViolation),
          `must be "true" or "false"; got ${JSON.stringify(reject)}`,
        );
      else
        this.set(
          group,
          'reject_on_violation',
          reject === 'true',
          doc,
          at(OPENSLO_ANNOTATIONS.rejectOnViolation),
        );
    }
    const grace = text(OPENSLO_ANNOTATIONS.gracePeriodDays);
    if (grace !== undefined) {
      if (!/^[0-9]+$/.test(grace))
        this.error(
          doc,
          at(OPENSLO_ANNOTATIONS.gracePeriodDays),
          `must be a whole number of days; got ${JSON.stringify(grace)}`,
        );
      else
        this.set(
          group,
          'grace_period_days',
          Number(grace),
          doc,
          at(OPENSLO_ANNOTATIONS.gracePeriodDays),
        );
    }
  }

  private readLabels(doc: number, group: Group, labels: unknown): void {
    if (labels === undefined) return;
    if (!isPlainMapping(labels)) {
      this.error(doc, ['metadata', 'labels'], `must be a mapping; got ${describe(labels)}`);
      return;
    }
    for (const field of ['owner', 'cost_center', 'tier'] as const) {
      const label = OPENSLO_LABELS[field];
      const value = labels[label];
      if (value === undefined) continue;
      if (typeof value === 'string')
        this.set(group, field, value, doc, ['metadata', 'labels', label]);
      else
        this.warning(
          doc,
          ['metadata', 'labels', label],
          `label ${label} is not imported as ${field}: only a single string value is`,
        );
    }
  }

  private objectiveTarget(
    doc: number,
    objective: PlainMapping,
    at: PathSegments,
  ): number | undefined {
    const hasTarget = objective.target !== undefined;
    const hasPercent = objective.targetPercent !== undefined;
    if (hasTarget === hasPercent) {
      this.error(doc, at, 'an objective needs exactly one of target or targetPercent');
      return undefined;
    }
    return this.check(doc, (c) => {
      if (hasTarget) return c.number(objective.target, [...at, 'target']);
      const percent = c.number(objective.targetPercent, [...at, 'targetPercent']);
      return percent === undefined ? undefined : Number((percent / 100).toPrecision(15));
    });
  }

  private percentileOf(
    sloDoc: number,
    root: PlainMapping,
    objective: PlainMapping,
    indicator: Indicator,
    annotations: PlainMapping,
  ): LatencyField | undefined {
    const annotated = annotations[OPENSLO_ANNOTATIONS.objective];
    if (annotated === 'latency-p50' || annotated === 'latency-p95' || annotated === 'latency-p99') {
      return `${annotated.slice('latency-'.length)}_ms` as LatencyField;
    }
    const names = [
      objective.displayName,
      isPlainMapping(root.metadata) ? root.metadata.name : undefined,
      indicator.name,
    ];
    for (const n of names) {
      const match = typeof n === 'string' ? NAMED_PERCENTILE.exec(n) : null;
      if (match) return `p${match[1]}_ms` as LatencyField;
    }
    for (const s of stringsIn(indicator.spec)) {
      const match = QUANTILE.exec(s);
      if (!match) continue;
      const q = Number(match[1]);
      if (q === 0.5) return 'p50_ms';
      if (q === 0.95) return 'p95_ms';
      if (q === 0.99) return 'p99_ms';
    }
    this.error(
      sloDoc,
      ['spec', 'objectives', 0],
      `cannot tell which latency percentile this threshold is: name the objective, SLO or SLI with p50, p95 or p99, or annotate ${OPENSLO_ANNOTATIONS.objective}: latency-p95`,
    );
    return undefined;
  }

  private importSlo(doc: number, root: PlainMapping): void {
    const { metadata } = this.metadataName(doc, root);
    const spec = this.check(doc, (c) =>
      c.mapping(
        root.spec,
        ['spec'],
        ['service', 'budgetingMethod', 'objectives'],
        ['description', 'indicator', 'indicatorRef', 'timeWindow', 'alertPolicies'],
      ),
    );
    if (metadata === undefined || spec === undefined) return;
    const service = this.check(doc, (c) =>
      spec.service === undefined ? undefined : c.string(spec.service, ['spec', 'service']),
    );
    const indicator = this.resolveIndicator(doc, spec);
    this.checkWindow(doc, spec);
    this.checkBudgeting(doc, spec);
    if (Array.isArray(spec.alertPolicies) && spec.alertPolicies.length > 0) {
      this.warning(
        doc,
        ['spec', 'alertPolicies'],
        `alertPolicies are not imported; error-budget alerts come from the ${OPENSLO_ANNOTATIONS.alerts} annotation or defaults.alerts`,
      );
    }
    const objectives = this.check(doc, (c) =>
      spec.objectives === undefined ? undefined : c.list(spec.objectives, ['spec', 'objectives']),
    );
    if (objectives !== undefined && objectives.length === 0)
      this.error(doc, ['spec', 'objectives'], 'must list at least one objective');
    let annotations: PlainMapping = {};
    if (metadata.annotations !== undefined) {
      if (isPlainMapping(metadata.annotations)) annotations = metadata.annotations;
      else
        this.error(
          doc,
          ['metadata', 'annotations'],
          `must be a mapping; got ${describe(metadata.annotations)}`,
        );
    }
    if (
      service === undefined ||
      indicator === undefined ||
      objectives === undefined ||
      objectives.length === 0
    )
      return;
    const group = this.groupFor(doc, service, annotations);
    if (group === undefined) return;
    this.readAnnotations(doc, group, annotations);
    this.readLabels(doc, group, metadata.labels);

    if (indicator.kind === 'ratio') {
      if (objectives.length > 1) {
        this.error(
          doc,
          ['spec', 'objectives', 1],
          'the SLO file format has a single availability target: give a ratioMetric SLO one objective',
        );
      }
      const at = ['spec', 'objectives', 0];
      const objective = this.check(doc, (c) =>
        c.mapping(
          objectives[0],
          at,
          [],
          [
            'displayName',
            'target',
            'targetPercent',
            'op',
            'value',
            'timeSliceTarget',
            'timeSliceWindow',
          ],
        ),
      );
      if (objective === undefined) return;
      const target = this.objectiveTarget(doc, objective, at);
      if (target !== undefined) this.set(group, 'availability', target, doc, at);
      return;
    }
    if (objectives.length > 1) {
      this.error(
        doc,
        ['spec', 'objectives', 1],
        'OpenSLO allows only one objective with a thresholdMetric',
      );
    }
    const at = ['spec', 'objectives', 0];
    const objective = this.check(doc, (c) =>
      c.mapping(
        objectives[0],
        at,
        ['op', 'value'],
        ['displayName', 'target', 'targetPercent', 'timeSliceTarget', 'timeSliceWindow'],
      ),
    );
    if (objective === undefined || objective.op === undefined || objective.value === undefined)
      return;
    if (objective.op === 'lt') {
      this.warning(
        doc,
        [...at, 'op'],
        'op lt is imported as lte (the SLO file format keeps latency at or under its threshold)',
      );
    } else if (objective.op !== 'lte') {
      this.error(
        doc,
        [...at, 'op'],
        `a latency objective must be an upper bound (lte or lt); got ${describe(objective.op)}`,
      );
      return;
    }
    const value = this.check(doc, (c) => c.number(objective.value, [...at, 'value']));
    if (value === undefined) return;
    if (!Number.isSafeInteger(value) || value < 1) {
      this.error(
        doc,
        [...at, 'value'],
        `latency thresholds are whole milliseconds ≥ 1; got ${formatNumber(value)} (if the metric is in seconds, give the threshold in ms)`,
      );
      return;
    }
    const percentile = this.percentileOf(doc, root, objective, indicator, annotations);
    if (percentile !== undefined) this.set(group, percentile, value, doc, [...at, 'value']);
  }

  /** Builds each capability's SLO file from what its documents said, defaults and derivations. */
  assemble(): SloFile[] {
    const out: SloFile[] = [];
    const d = this.defaults;
    for (const group of this.groups.values()) {
      const f = (field: FieldName): unknown => group.fields.get(field)?.value;
      const missing: [PathSegments, string][] = [];
      const need = (value: unknown, segments: PathSegments, reason: string): unknown => {
        if (value === undefined) missing.push([segments, reason]);
        return value;
      };
      const latency: Record<string, unknown> = {};
      for (const p of ['p50_ms', 'p95_ms', 'p99_ms'] as const) {
        latency[p] = need(
          f(p) ?? d.latency?.[p],
          ['slo', 'latency', p],
          `no ${p.slice(0, 3)} latency objective (a thresholdMetric SLO named or annotated ${p.slice(0, 3)}) and no defaults.latency.${p}`,
        );
      }
      const target = need(
        f('availability') ?? d.availabilityTarget,
        ['slo', 'availability', 'target'],
        'no availability objective (a ratioMetric SLO) and no defaults.availabilityTarget',
      );
      const meta: Record<string, unknown> = {};
      for (const field of ['owner', 'cost_center', 'tier'] as const) {
        meta[field] = need(
          f(field) ?? d.metadata?.[field],
          ['metadata', field],
          `no label ${OPENSLO_LABELS[field]} on the SLOs and no defaults.metadata.${field}`,
        );
      }
      if (missing.length > 0) {
        for (const [segments, reason] of missing)
          this.issues.push({ group: group.key, segments, reason, severity: 'error', at: 'value' });
        continue;
      }
      const draft = {
        capability: {
          verb: group.verb,
          name: group.name,
          version: f('version') ?? d.version ?? '1.0',
        },
        slo: {
          latency,
          availability: { target },
          error_budget: {
            monthly_pct:
              f('monthly_pct') ??
              (typeof target === 'number' ? impliedMonthlyPct(target) : undefined),
            alerts: f('alerts') ?? d.alerts ?? [],
          },
        },
        enforcement: {
          reject_on_violation:
            f('reject_on_violation') ?? d.enforcement?.reject_on_violation ?? false,
          grace_period_days: f('grace_period_days') ?? d.enforcement?.grace_period_days ?? 7,
        },
        metadata: meta,
      };
      const checked = checkSloDocument(draft);
      for (const issue of checked.issues) this.issues.push({ ...issue, group: group.key });
      if (checked.value !== undefined) out.push(checked.value);
    }
    return out;
  }
}

/** Every string inside a value, without recursion (bounded by MAX_STRINGS). */
function stringsIn(value: unknown): string[] {
  const found: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length > 0 && found.length < MAX_STRINGS) {
    const v = stack.pop();
    if (typeof v === 'string') found.push(v);
    else if (Array.isArray(v)) for (const item of v as unknown[]) stack.push(item);
    else if (isPlainMapping(v)) for (const item of Object.values(v)) stack.push(item);
  }
  return found;
}

function issuePath(issue: ImportIssue): string {
  const inner = formatPath(issue.segments);
  const prefix =
    issue.doc !== undefined
      ? `documents[${issue.doc}]`
      : `capability[${JSON.stringify(issue.group)}]`;
  if (inner === '') return prefix;
  return inner.startsWith('[') ? prefix + inner : `${prefix}.${inner}`;
}

function importDocuments(
  documents: readonly unknown[],
  options: OpenSloImportOptions | undefined,
  file: string,
  located?: readonly LocatedDocument[],
): ValidationResult<SloFile[]> {
  if (!isList(documents)) {
    throw new SloSchemaError(
      'SLO_SCHEMA.INVALID_ARGUMENT',
      'documents must be an array of parsed OpenSLO documents',
    );
  }
  const defaults = options?.defaults ?? {};
  if (!isPlainMapping(defaults))
    throw new SloSchemaError('SLO_SCHEMA.INVALID_ARGUMENT', 'options.defaults must be an object');
  const importer = new Importer(documents, defaults);
  importer.run();
  const value = importer.issues.some((i) => i.severity === 'error')
    ? undefined
    : importer.assemble();
  const issues: ValidationIssue[] = importer.issues.map((i) => {
    const position = i.doc !== undefined ? located?.[i.doc]?.locate(i.segments, i.at) : undefined;
    return {
      file,
      path: issuePath(i),
      reason: i.reason,
      severity: i.severity,
      ...(position ? { line: position.line, column: position.column } : {}),
    };
  });
  if (value !== undefined && value.length === 0 && !issues.some((i) => i.severity === 'error')) {
    issues.push({ file, path: '', reason: 'no OpenSLO SLO documents found', severity: 'error' });
  }
  return toResult(value, issues);
}

/**
 * Imports OpenSLO v1 documents (already parsed) into SLO files, one per capability. SLO and SLI
 * kinds are read (inline `indicator` or `indicatorRef`); ratioMetric objectives give the
 * availability target, thresholdMetric objectives (op lte/lt, value in ms) the latency percentiles.
 * Capabilities come from our annotations, else `defaults.verb` + `spec.service`. Calendar windows
 * are rejected; other kinds are skipped with a warning.
 */
export function fromOpenSlo(
  documents: readonly unknown[],
  options?: OpenSloImportOptions,
): ValidationResult<SloFile[]> {
  return importDocuments(documents, options, fileOption(options, '<openslo>'));
}

/** Parses multi-document YAML text without interpreting it; syntax errors become issues. */
export function parseOpenSloYaml(
  text: string,
  options?: ValidateOptions,
): ValidationResult<unknown[]> {
  requireText(text, 'text');
  const file = fileOption(options, '<openslo>');
  const { documents, issues } = parseAllLocated(text, file);
  return toResult(
    documents?.map((d) => d.value),
    issues,
  );
}

/** `parseOpenSloYaml` then `fromOpenSlo`, with line numbers on every issue that has a place. */
export function fromOpenSloYaml(
  text: string,
  options?: OpenSloImportOptions,
): ValidationResult<SloFile[]> {
  requireText(text, 'text');
  const file = fileOption(options, '<openslo>');
  const { documents, issues } = parseAllLocated(text, file);
  if (documents === undefined) return toResult<SloFile[]>(undefined, issues);
  const imported = importDocuments(
    documents.map((d) => d.value),
    options,
    file,
    documents,
  );
  return { ...imported, warnings: [...issues, ...imported.warnings] };
}
