import { parseMetricsYaml, SLO_METRIC_NAMES, validateMetricsDocument } from './index';

describe('metrics documents', () => {
  it('reads JSON as well as YAML', () => {
    const result = parseMetricsYaml('{"convert:pdf": {"p95_ms": 80, "availability": 0.9991}}');
    expect(result).toEqual({
      ok: true,
      value: { 'convert:pdf': { p95_ms: 80, availability: 0.9991 } },
      warnings: [],
    });
  });

  it('unwraps the capabilities key of the spec 000 pytest plugin', () => {
    expect(validateMetricsDocument({ capabilities: { 'a:b': { p50_ms: 1 } } })).toEqual({
      ok: true,
      value: { 'a:b': { p50_ms: 1 } },
      warnings: [],
    });
  });

  it('accepts a capability without metrics and an empty document mapping', () => {
    expect(validateMetricsDocument({ 'a:b': {} }).ok).toBe(true);
    expect(validateMetricsDocument({}).ok).toBe(true);
  });

  it('reports every problem with path, reason and line', () => {
    const text = `convert:pdf:
  p95_ms: -3
  p90_ms: 10
  availability: 99.5
classify_email:
  p50_ms: 3
capabilities: 4
classify:email: fast
`;
    const result = parseMetricsYaml(text, { file: 'metrics.yml' });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.issues.map((i) => [i.line, i.path, i.reason])).toEqual([
      [2, '["convert:pdf"].p95_ms', 'must not be negative; got -3'],
      [
        3,
        '["convert:pdf"].p90_ms',
        `unknown key "p90_ms" (did you mean "p50_ms"?); allowed keys: ${SLO_METRIC_NAMES.join(', ')}`,
      ],
      [
        4,
        '["convert:pdf"].availability',
        'must be a fraction in [0, 1]; got 99.5 (it looks like a percentage: write 0.995)',
      ],
      [5, 'classify_email', 'capability keys are written verb:name; got "classify_email"'],
      [7, 'capabilities', 'capability keys are written verb:name; got "capabilities"'],
      [
        8,
        '["classify:email"]',
        `must be a mapping with keys ${SLO_METRIC_NAMES.join(', ')}; got string "fast"`,
      ],
    ]);
  });

  it.each([
    [
      'an empty file',
      '',
      'the metrics document is empty; expected a mapping of verb:name to metrics',
    ],
    ['a list', '- 1\n', 'must be a mapping of verb:name to metrics; got a list'],
  ])('rejects %s', (_, text, reason) => {
    const result = parseMetricsYaml(text, { file: 'm.yml' });
    expect(!result.ok && result.issues.map((i) => i.reason)).toEqual([reason]);
  });

  it('rejects a capabilities wrapper that is not a mapping', () => {
    const result = validateMetricsDocument({ capabilities: [] }, { file: 'm.json' });
    expect(!result.ok && result.issues).toEqual([
      {
        file: 'm.json',
        path: 'capabilities',
        reason: 'must be a mapping of verb:name to metrics; got a list',
        severity: 'error',
      },
    ]);
  });

  it('reports YAML syntax errors', () => {
    const result = parseMetricsYaml('a:b: {p50_ms: 1\n');
    expect(!result.ok && result.issues[0].reason).toMatch(/^YAML: /);
  });
});
