import { validateRegistration } from './validate';

const core = {
  verb: 'greet',
  name: 'hello',
  version: '1.0.0',
  input_schema: {},
  output_schema: {},
  requires_gpu: false,
  max_concurrency: 4,
};
const reg = (caps: unknown[] = [core], extra: Record<string, unknown> = {}) => ({
  worker_id: 'w1',
  worker_url: 'https://w1.example:8500',
  capabilities: caps,
  ...extra,
});
const paths = (input: unknown) => {
  const r = validateRegistration(input);
  return r.ok ? [] : r.errors.map((e) => e.path);
};

describe('validateRegistration', () => {
  it('accepts core fields only', () => {
    expect(validateRegistration(reg())).toEqual({ ok: true, value: reg() });
  });

  it('accepts every extended field', () => {
    const full = {
      ...core,
      runtime: 'python',
      env_profile: 'python-ml',
      constraints: { accelerator: 'cpu', timeout_sec: 10 },
      slo: { latency_p95_ms: 100, availability: 0.999, error_budget_pct: 1 },
      spiffe_id: 'spiffe://crank.local/worker/streaming',
      required_capabilities: ['read:docs'],
      cost_tokens_per_invocation: 0.5,
      slo_bid: { latency_ms: 50, budget_tokens: 10 },
      controller_affinity: 'ctrl-a',
    };
    expect(validateRegistration(reg([full])).ok).toBe(true);
  });

  it('rejects a non-object and an empty object with paths', () => {
    expect(paths(null)).toEqual(['']);
    expect(paths([])).toEqual(['']);
    expect(paths({})).toEqual(['worker_id', 'worker_url', 'capabilities']);
  });

  it('requires every core field, each with its path', () => {
    expect(paths(reg([{}]))).toEqual([
      'capabilities[0].verb',
      'capabilities[0].name',
      'capabilities[0].version',
      'capabilities[0].input_schema',
      'capabilities[0].output_schema',
      'capabilities[0].requires_gpu',
      'capabilities[0].max_concurrency',
    ]);
  });

  it('rejects an empty capability list, duplicates, and colons in verb/name', () => {
    expect(paths(reg([]))).toEqual(['capabilities']);
    expect(validateRegistration(reg([core, core]))).toEqual({
      ok: false,
      errors: [{ path: 'capabilities[1]', message: 'duplicates greet:hello of capabilities[0]' }],
    });
    expect(paths(reg([{ ...core, verb: 'a:b' }]))).toEqual(['capabilities[0].verb']);
  });

  it('checks worker_url', () => {
    expect(paths(reg(undefined, { worker_url: 'not a url' }))).toEqual(['worker_url']);
    expect(paths(reg(undefined, { worker_url: 'ftp://x' }))).toEqual(['worker_url']);
    expect(paths(reg(undefined, { worker_url: 'https://u:p@x' }))).toEqual(['worker_url']);
    expect(paths(reg(undefined, { worker_url: 'http://x:1' }))).toEqual([]);
  });

  it('checks ranges and types of extended fields', () => {
    const bad = {
      ...core,
      max_concurrency: 0,
      requires_gpu: 'no',
      slo: { latency_p95_ms: -1, availability: 1.5, error_budget_pct: 101, p95: 3 },
      cost_tokens_per_invocation: Number.NaN,
      required_capabilities: ['ok', ''],
      spiffe_id: 'http://nope',
      slo_bid: { latency_ms: 0 },
      constraints: [],
      typo_field: 1,
    };
    expect(paths(reg([bad])).sort()).toEqual(
      [
        'capabilities[0].typo_field',
        'capabilities[0].max_concurrency',
        'capabilities[0].requires_gpu',
        'capabilities[0].slo.p95',
        'capabilities[0].slo.latency_p95_ms',
        'capabilities[0].slo.availability',
        'capabilities[0].slo.error_budget_pct',
        'capabilities[0].cost_tokens_per_invocation',
        'capabilities[0].required_capabilities[1]',
        'capabilities[0].spiffe_id',
        'capabilities[0].slo_bid.latency_ms',
        'capabilities[0].constraints',
      ].sort(),
    );
  });

  it('rejects unknown top-level fields', () => {
    expect(paths(reg(undefined, { extra: true }))).toEqual(['extra']);
  });
});
