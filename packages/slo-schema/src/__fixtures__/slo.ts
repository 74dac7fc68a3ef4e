import fc from 'fast-check';
import { stringify } from 'yaml';
import { type SloFile } from '../types';

/** Text of examples/slos/convert_document_to_pdf.yml (files/examples.spec.ts keeps them equal). */
export const SPEC_000_YAML = `# SLO of the document conversion capability (spec 000, ADR-0026).
capability:
  verb: convert
  name: convert_document_to_pdf
  version: '1.0'

slo:
  latency:
    p50_ms: 50
    p95_ms: 100
    p99_ms: 200
  availability:
    target: 0.999
  error_budget:
    monthly_pct: 0.1
    alerts:
      - threshold: 0.5
        channel: slack
      - threshold: 0.9
        channel: pagerduty

enforcement:
  reject_on_violation: false # phase 1: log only
  grace_period_days: 7

metadata:
  owner: document-team
  cost_center: engineering
  tier: production
`;

/** The convert_document_to_pdf SLO of spec 000, as plain data. */
export function validSlo(): SloFile {
  return {
    capability: { verb: 'convert', name: 'convert_document_to_pdf', version: '1.0' },
    slo: {
      latency: { p50_ms: 50, p95_ms: 100, p99_ms: 200 },
      availability: { target: 0.999 },
      error_budget: {
        monthly_pct: 0.1,
        alerts: [
          { threshold: 0.5, channel: 'slack' },
          { threshold: 0.9, channel: 'pagerduty' },
        ],
      },
    },
    enforcement: { reject_on_violation: false, grace_period_days: 7 },
    metadata: { owner: 'document-team', cost_center: 'engineering', tier: 'production' },
  };
}

export const REMOVE = Symbol('remove');

/**
 * A deep copy of plain data with the value at `path` replaced (or deleted with REMOVE), for tests
 * that break one field at a time.
 */
export function edit(
  value: unknown,
  path: readonly (string | number)[],
  replacement: unknown,
): unknown {
  const copy = JSON.parse(JSON.stringify(value)) as unknown;
  let node = copy as Record<string | number, unknown>;
  for (const segment of path.slice(0, -1)) node = node[segment] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (replacement === REMOVE) delete node[last];
  else node[last] = replacement;
  return copy;
}

export function toYaml(value: unknown): string {
  return stringify(value);
}

const keyPart = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_.-]{0,20}$/);
const text = fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim() !== '');

/** Arbitrary valid SLO files (targets, budgets and alerts consistent with each other). */
export const arbSloFile: fc.Arbitrary<SloFile> = fc
  .record({
    verb: keyPart,
    name: keyPart,
    version: text,
    latency: fc
      .array(fc.integer({ min: 1, max: 600_000 }), { minLength: 3, maxLength: 3 })
      .map((xs) => [...xs].sort((a, b) => a - b)),
    target: fc.double({ min: 0.5, max: 0.999999, noNaN: true }),
    thresholds: fc
      .uniqueArray(fc.integer({ min: 1, max: 100 }), { maxLength: 4 })
      .map((xs) => [...xs].sort((a, b) => a - b).map((x) => x / 100)),
    channels: fc.array(text, { minLength: 4, maxLength: 4 }),
    reject: fc.boolean(),
    grace: fc.integer({ min: 0, max: 365 }),
    owner: text,
    costCenter: text,
    tier: text,
  })
  .map((r) => ({
    capability: { verb: r.verb, name: r.name, version: r.version },
    slo: {
      latency: { p50_ms: r.latency[0], p95_ms: r.latency[1], p99_ms: r.latency[2] },
      availability: { target: r.target },
      error_budget: {
        monthly_pct: (1 - r.target) * 100,
        alerts: r.thresholds.map((threshold, i) => ({ threshold, channel: r.channels[i] })),
      },
    },
    enforcement: { reject_on_violation: r.reject, grace_period_days: r.grace },
    metadata: { owner: r.owner, cost_center: r.costCenter, tier: r.tier },
  }));

/** Matches a thrown SloSchemaError by its properties (code, message). */
export function thrown(properties: Record<string, unknown>): Error {
  return expect.objectContaining(properties) as Error;
}
