/**
 * @slo-engine/slo-schema: parse + validate 1,000 SLO YAML documents, check compliance of a
 * 10,000-capability fleet, and round-trip 1,000 SLOs through OpenSLO documents.
 */
import {
  checkFleetCompliance,
  fromOpenSlo,
  parseSloYaml,
  type SloFile,
  type SloMetrics,
  toOpenSlo,
  validateSloDocument,
} from '@slo-engine/slo-schema';
import { blackhole, measure, report, round, seededRandom } from './harness';

const DOCUMENTS = 1_000;
const FLEET = 10_000;
const VALIDATE_GOAL_MS = 500; // 0.5 ms per file: loading a few hundred SLO files stays sub-second
const COMPLIANCE_GOAL_MS = 25; // 2.5 µs per capability: a fleet check fits in a request

const random = seededRandom(0x5105);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
const NINES = [0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999];

function makeSlo(i: number): SloFile {
  const p50 = 10 + Math.floor(random() * 500);
  const p95 = p50 + Math.floor(random() * 1000);
  const p99 = p95 + Math.floor(random() * 2000);
  const target = pick(NINES);
  return {
    capability: {
      verb: pick(['convert', 'classify', 'resize', 'route', 'score']),
      name: `capability_${i}`,
      version: `${1 + (i % 3)}.${i % 10}`,
    },
    slo: {
      latency: { p50_ms: p50, p95_ms: p95, p99_ms: p99 },
      availability: { target },
      error_budget: {
        monthly_pct: Number(((1 - target) * 100).toFixed(12)),
        alerts: [
          { threshold: 0.5, channel: 'slack' },
          { threshold: 0.9, channel: 'pagerduty' },
        ],
      },
    },
    enforcement: {
      reject_on_violation: random() < 0.5,
      grace_period_days: Math.floor(random() * 30),
    },
    metadata: {
      owner: `team-${i % 40}`,
      cost_center: pick(['engineering', 'research', 'retail']),
      tier: pick(['production', 'staging']),
    },
  };
}

function toYaml(s: SloFile): string {
  const alerts = s.slo.error_budget.alerts
    .map((a) => `      - threshold: ${a.threshold}\n        channel: ${a.channel}\n`)
    .join('');
  return `capability:
  verb: ${s.capability.verb}
  name: ${s.capability.name}
  version: "${s.capability.version}"
slo:
  latency:
    p50_ms: ${s.slo.latency.p50_ms}
    p95_ms: ${s.slo.latency.p95_ms}
    p99_ms: ${s.slo.latency.p99_ms}
  availability:
    target: ${s.slo.availability.target}
  error_budget:
    monthly_pct: ${s.slo.error_budget.monthly_pct}
    alerts:
${alerts}enforcement:
  reject_on_violation: ${s.enforcement.reject_on_violation}
  grace_period_days: ${s.enforcement.grace_period_days}
metadata:
  owner: ${s.metadata.owner}
  cost_center: ${s.metadata.cost_center}
  tier: ${s.metadata.tier}
`;
}

const slos = Array.from({ length: DOCUMENTS }, (_, i) => makeSlo(i));
const texts = slos.map(toYaml);
for (const [i, text] of texts.entries()) {
  if (!parseSloYaml(text).ok) throw new Error(`generated document ${i} does not validate`);
}

const parseAndValidate = measure(
  () => {
    let valid = 0;
    for (let i = 0; i < texts.length; i++)
      if (parseSloYaml(texts[i], { file: `slo-${i}.yml` }).ok) valid++;
    return valid;
  },
  { warmup: 2, iterations: 15 },
);

const validateOnly = measure(
  () => {
    let valid = 0;
    for (const s of slos) if (validateSloDocument(s).ok) valid++;
    return valid;
  },
  { warmup: 3, iterations: 30 },
);

const fleet = Array.from({ length: FLEET }, (_, i) => makeSlo(i));
const metrics: Record<string, SloMetrics> = {};
for (const s of fleet) {
  // One capability in ten misses every objective; the rest meet them all.
  const failing = random() < 0.1;
  const jitter = failing ? 1.05 + random() * 0.3 : 0.5 + random() * 0.45;
  const headroom = (1 - s.slo.availability.target) * random();
  metrics[`${s.capability.verb}:${s.capability.name}`] = {
    p50_ms: s.slo.latency.p50_ms * jitter,
    p95_ms: s.slo.latency.p95_ms * jitter,
    p99_ms: s.slo.latency.p99_ms * jitter,
    availability: failing
      ? s.slo.availability.target - headroom
      : s.slo.availability.target + headroom,
    error_budget_consumed: failing ? 1 + random() * 0.5 : random() * 0.95,
  };
}
// Capability names repeat across verbs only by index, so keys are unique.
let violations = 0;
const compliance = measure(
  () => {
    const result = checkFleetCompliance(fleet, metrics);
    violations = result.violationCount;
    return result;
  },
  { warmup: 5, iterations: 40 },
);

const openSlo = measure(
  () => {
    let count = 0;
    for (const s of slos) {
      const back = fromOpenSlo(toOpenSlo(s));
      if (back.ok) count += back.value.length;
    }
    return count;
  },
  { warmup: 1, iterations: 5 },
);
blackhole(violations);

report('slo-schema', {
  parseAndValidate: {
    documents: DOCUMENTS,
    ...parseAndValidate,
    perFileMs: round(parseAndValidate.p50Ms / DOCUMENTS),
    goalMs: VALIDATE_GOAL_MS,
    meetsGoal: parseAndValidate.p50Ms <= VALIDATE_GOAL_MS,
  },
  validateOnly: {
    documents: DOCUMENTS,
    p50Ms: validateOnly.p50Ms,
    p95Ms: validateOnly.p95Ms,
    perFileMs: round(validateOnly.p50Ms / DOCUMENTS),
    shareOfParseAndValidate: round(validateOnly.p50Ms / parseAndValidate.p50Ms, 3),
  },
  fleetCompliance: {
    capabilities: FLEET,
    violations,
    ...compliance,
    perCapabilityUs: round((compliance.p50Ms * 1000) / FLEET, 3),
    goalMs: COMPLIANCE_GOAL_MS,
    meetsGoal: compliance.p50Ms <= COMPLIANCE_GOAL_MS,
  },
  openSloRoundTrip: {
    documents: DOCUMENTS,
    p50Ms: openSlo.p50Ms,
    p95Ms: openSlo.p95Ms,
    perSloMs: round(openSlo.p50Ms / DOCUMENTS),
  },
});
