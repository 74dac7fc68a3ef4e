import type { Capability, FieldError, WorkerRegistration } from './types';

/** Result of `validateRegistration`: the typed registration, or every field error found. */
export type ValidationResult =
  | { readonly ok: true; readonly value: WorkerRegistration }
  | { readonly ok: false; readonly errors: readonly FieldError[] };

const CORE_FIELDS = [
  'verb',
  'name',
  'version',
  'input_schema',
  'output_schema',
  'requires_gpu',
  'max_concurrency',
] as const;
const OPTIONAL_FIELDS = [
  'runtime',
  'env_profile',
  'constraints',
  'slo',
  'spiffe_id',
  'required_capabilities',
  'cost_tokens_per_invocation',
  'slo_bid',
  'controller_affinity',
] as const;
const CAPABILITY_FIELDS = new Set<string>([...CORE_FIELDS, ...OPTIONAL_FIELDS]);
const SLO_FIELDS = new Set([
  'latency_p50_ms',
  'latency_p95_ms',
  'latency_p99_ms',
  'availability',
  'error_budget_pct',
]);
const BID_FIELDS = new Set(['latency_ms', 'budget_tokens']);
const REGISTRATION_FIELDS = new Set(['worker_id', 'worker_url', 'capabilities']);
/** Longest accepted identifier (worker id, verb, name, version...). */
export const MAX_IDENTIFIER_LENGTH = 256;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

class Collector {
  readonly errors: FieldError[] = [];
  add(path: string, message: string): void {
    this.errors.push({ path, message });
  }
  identifier(path: string, value: unknown, { noColon = false } = {}): void {
    if (typeof value !== 'string') return this.add(path, 'must be a string');
    if (value.trim() === '') return this.add(path, 'must not be empty');
    if (value.length > MAX_IDENTIFIER_LENGTH)
      return this.add(path, `must be at most ${MAX_IDENTIFIER_LENGTH} characters`);
    if (noColon && value.includes(':')) this.add(path, 'must not contain ":"');
  }
  unknownKeys(path: string, value: Record<string, unknown>, allowed: ReadonlySet<string>): void {
    for (const key of Object.keys(value))
      if (!allowed.has(key)) this.add(path === '' ? key : `${path}.${key}`, 'is not a known field');
  }
  number(path: string, value: unknown, check: (n: number) => boolean, rule: string): void {
    if (!isFiniteNumber(value)) this.add(path, 'must be a finite number');
    else if (!check(value)) this.add(path, rule);
  }
}

function validateWorkerUrl(c: Collector, value: unknown): void {
  if (typeof value !== 'string' || value === '')
    return c.add('worker_url', 'must be a non-empty string');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return c.add('worker_url', 'must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    c.add('worker_url', 'scheme must be https or http');
  if (url.username !== '' || url.password !== '') c.add('worker_url', 'must not carry credentials');
}

function validateCapability(c: Collector, path: string, cap: unknown): void {
  if (!isRecord(cap)) return c.add(path, 'must be an object');
  c.unknownKeys(path, cap, CAPABILITY_FIELDS);
  for (const field of CORE_FIELDS) if (!(field in cap)) c.add(`${path}.${field}`, 'is required');
  if ('verb' in cap) c.identifier(`${path}.verb`, cap.verb, { noColon: true });
  if ('name' in cap) c.identifier(`${path}.name`, cap.name, { noColon: true });
  if ('version' in cap) c.identifier(`${path}.version`, cap.version);
  for (const field of ['input_schema', 'output_schema'] as const)
    if (field in cap && !isRecord(cap[field])) c.add(`${path}.${field}`, 'must be an object');
  if ('requires_gpu' in cap && typeof cap.requires_gpu !== 'boolean')
    c.add(`${path}.requires_gpu`, 'must be a boolean');
  if ('max_concurrency' in cap)
    c.number(
      `${path}.max_concurrency`,
      cap.max_concurrency,
      (n) => Number.isInteger(n) && n >= 1,
      'must be an integer >= 1',
    );

  for (const field of ['runtime', 'env_profile', 'controller_affinity'] as const)
    if (cap[field] !== undefined) c.identifier(`${path}.${field}`, cap[field]);
  if (cap.spiffe_id !== undefined) {
    c.identifier(`${path}.spiffe_id`, cap.spiffe_id);
    if (typeof cap.spiffe_id === 'string' && !/^spiffe:\/\/[^/]+\/.+/.test(cap.spiffe_id))
      c.add(`${path}.spiffe_id`, 'must look like spiffe://trust-domain/path');
  }
  if (cap.constraints !== undefined && !isRecord(cap.constraints))
    c.add(`${path}.constraints`, 'must be an object');
  if (cap.required_capabilities !== undefined) {
    if (!Array.isArray(cap.required_capabilities))
      c.add(`${path}.required_capabilities`, 'must be an array of strings');
    else
      cap.required_capabilities.forEach((item: unknown, i) =>
        c.identifier(`${path}.required_capabilities[${i}]`, item),
      );
  }
  if (cap.cost_tokens_per_invocation !== undefined)
    c.number(
      `${path}.cost_tokens_per_invocation`,
      cap.cost_tokens_per_invocation,
      (n) => n >= 0,
      'must be >= 0',
    );
  if (cap.slo !== undefined) {
    if (!isRecord(cap.slo)) c.add(`${path}.slo`, 'must be an object');
    else {
      c.unknownKeys(`${path}.slo`, cap.slo, SLO_FIELDS);
      for (const key of ['latency_p50_ms', 'latency_p95_ms', 'latency_p99_ms'])
        if (cap.slo[key] !== undefined)
          c.number(`${path}.slo.${key}`, cap.slo[key], (n) => n > 0, 'must be > 0');
      if (cap.slo.availability !== undefined)
        c.number(
          `${path}.slo.availability`,
          cap.slo.availability,
          (n) => n > 0 && n <= 1,
          'must be in (0, 1]',
        );
      if (cap.slo.error_budget_pct !== undefined)
        c.number(
          `${path}.slo.error_budget_pct`,
          cap.slo.error_budget_pct,
          (n) => n >= 0 && n <= 100,
          'must be in [0, 100]',
        );
    }
  }
  if (cap.slo_bid !== undefined) {
    if (!isRecord(cap.slo_bid)) c.add(`${path}.slo_bid`, 'must be an object');
    else {
      c.unknownKeys(`${path}.slo_bid`, cap.slo_bid, BID_FIELDS);
      if (cap.slo_bid.latency_ms !== undefined)
        c.number(`${path}.slo_bid.latency_ms`, cap.slo_bid.latency_ms, (n) => n > 0, 'must be > 0');
      if (cap.slo_bid.budget_tokens !== undefined)
        c.number(
          `${path}.slo_bid.budget_tokens`,
          cap.slo_bid.budget_tokens,
          (n) => n >= 0,
          'must be >= 0',
        );
    }
  }
}

/**
 * Checks a `POST /register` body against spec 002: `worker_id`, `worker_url` (absolute http(s)
 * URL, no credentials; SSRF policy is the caller's job) and a non-empty `capabilities` list of the
 * extended schema. Core fields are required, extended fields optional, unknown fields rejected,
 * and a `verb:name` may appear only once. Returns every error, each with its path.
 */
export function validateRegistration(input: unknown): ValidationResult {
  const c = new Collector();
  if (!isRecord(input)) return { ok: false, errors: [{ path: '', message: 'must be an object' }] };
  c.unknownKeys('', input, REGISTRATION_FIELDS);
  if (!('worker_id' in input)) c.add('worker_id', 'is required');
  else c.identifier('worker_id', input.worker_id);
  if (!('worker_url' in input)) c.add('worker_url', 'is required');
  else validateWorkerUrl(c, input.worker_url);
  if (!('capabilities' in input)) c.add('capabilities', 'is required');
  else if (!Array.isArray(input.capabilities)) c.add('capabilities', 'must be an array');
  else if (input.capabilities.length === 0) c.add('capabilities', 'must not be empty');
  else {
    const seen = new Map<string, number>();
    input.capabilities.forEach((cap: unknown, i) => {
      validateCapability(c, `capabilities[${i}]`, cap);
      if (isRecord(cap) && typeof cap.verb === 'string' && typeof cap.name === 'string') {
        const key = `${cap.verb}:${cap.name}`;
        const first = seen.get(key);
        if (first !== undefined)
          c.add(`capabilities[${i}]`, `duplicates ${key} of capabilities[${first}]`);
        else seen.set(key, i);
      }
    });
  }
  if (c.errors.length > 0) return { ok: false, errors: c.errors };
  return { ok: true, value: input as unknown as WorkerRegistration };
}

/** The O(1) lookup key of a capability: `verb:name`. */
export function capabilityKey(verb: string, name: string): string {
  return `${verb}:${name}`;
}

/** Same as `capabilityKey(cap.verb, cap.name)`. */
export function keyOf(cap: Pick<Capability, 'verb' | 'name'>): string {
  return capabilityKey(cap.verb, cap.name);
}
