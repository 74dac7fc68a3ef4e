import fc from 'fast-check';
import { parse } from 'yaml';
import {
  thrown,
  arbSloFile,
  edit,
  SPEC_000_YAML,
  REMOVE,
  toYaml,
  validSlo,
} from './__fixtures__/slo';
import {
  formatIssue,
  impliedMonthlyPct,
  isMonthlyPctConsistent,
  parseSloYaml,
  SloSchemaError,
  sloKey,
  type ValidationIssue,
  type ValidationResult,
  validateSloDocument,
} from './index';

function issuesOf<T>(result: ValidationResult<T>): readonly ValidationIssue[] {
  if (result.ok) throw new Error(`expected issues, got a valid result`);
  return result.issues;
}

function only(input: unknown): { path: string; reason: string } {
  const issues = issuesOf(validateSloDocument(input, { file: 'x.yml' }));
  expect(issues).toHaveLength(1);
  return { path: issues[0].path, reason: issues[0].reason };
}

describe('validateSloDocument', () => {
  it('accepts the SLO of spec 000 and returns a normalised copy', () => {
    const input = validSlo();
    const result = validateSloDocument(input);
    expect(result).toEqual({ ok: true, value: input, warnings: [] });
    expect(result.ok && result.value).not.toBe(input);
  });

  it.each([
    ['equal percentiles', ['slo', 'latency'], { p50_ms: 100, p95_ms: 100, p99_ms: 100 }],
    [
      'a threshold of exactly 1',
      ['slo', 'error_budget', 'alerts'],
      [{ threshold: 1, channel: 'pagerduty' }],
    ],
    ['no alerts', ['slo', 'error_budget', 'alerts'], []],
    ['a grace period of 0 days', ['enforcement', 'grace_period_days'], 0],
    ['any channel name', ['slo', 'error_budget', 'alerts', 0, 'channel'], '#team-alerts'],
    [
      'monthly_pct within floating-point tolerance',
      ['slo', 'error_budget', 'monthly_pct'],
      0.10000000000000009,
    ],
  ])('accepts %s', (_, path, value) => {
    expect(validateSloDocument(edit(validSlo(), path, value)).ok).toBe(true);
  });

  it.each([
    ['capability', 'capability', 'is required'],
    ['slo', 'slo', 'is required'],
    ['enforcement', 'enforcement', 'is required'],
    ['metadata', 'metadata', 'is required'],
  ])('reports a missing section %s', (section, path, reason) => {
    expect(only(edit(validSlo(), [section], REMOVE))).toEqual({ path, reason });
  });

  it.each([
    [['capability', 'verb'], 'capability.verb'],
    [['slo', 'latency', 'p99_ms'], 'slo.latency.p99_ms'],
    [['slo', 'availability', 'target'], 'slo.availability.target'],
    [['slo', 'error_budget', 'alerts'], 'slo.error_budget.alerts'],
    [['slo', 'error_budget', 'alerts', 1, 'channel'], 'slo.error_budget.alerts[1].channel'],
    [['enforcement', 'reject_on_violation'], 'enforcement.reject_on_violation'],
    [['metadata', 'tier'], 'metadata.tier'],
  ])('reports a missing field at %j', (path, expected) => {
    expect(only(edit(validSlo(), path, REMOVE))).toEqual({ path: expected, reason: 'is required' });
  });

  it.each([
    [
      [],
      'owner',
      'owner',
      'unknown key "owner"; allowed keys: capability, slo, enforcement, metadata',
    ],
    [
      ['capability'],
      'versoin',
      'capability.versoin',
      'unknown key "versoin" (did you mean "version"?); allowed keys: verb, name, version',
    ],
    [
      ['slo', 'latency'],
      'p90_ms',
      'slo.latency.p90_ms',
      'unknown key "p90_ms" (did you mean "p50_ms"?); allowed keys: p50_ms, p95_ms, p99_ms',
    ],
    [
      ['slo', 'error_budget', 'alerts', 0],
      'severity',
      'slo.error_budget.alerts[0].severity',
      'unknown key "severity"; allowed keys: threshold, channel',
    ],
    [
      ['enforcement'],
      'mode',
      'enforcement.mode',
      'unknown key "mode"; allowed keys: reject_on_violation, grace_period_days',
    ],
    [
      ['metadata'],
      'Owner',
      'metadata.Owner',
      'unknown key "Owner" (did you mean "owner"?); allowed keys: owner, cost_center, tier',
    ],
  ])('rejects unknown keys under %j', (parent, key, path, reason) => {
    expect(only(edit(validSlo(), [...parent, key], 'x'))).toEqual({ path, reason });
  });

  it.each<[string, (string | number)[], unknown, string, string]>([
    [
      'a number as version',
      ['capability', 'version'],
      1,
      'capability.version',
      'must be a string; got number 1 (in YAML, quote it: "1")',
    ],
    [
      'an empty name',
      ['capability', 'name'],
      '  ',
      'capability.name',
      'must be a non-empty string',
    ],
    [
      'a colon in the verb',
      ['capability', 'verb'],
      'a:b',
      'capability.verb',
      'must not contain ":" or whitespace (the capability key is verb:name); got "a:b"',
    ],
    [
      'whitespace in the name',
      ['capability', 'name'],
      'to pdf',
      'capability.name',
      'must not contain ":" or whitespace (the capability key is verb:name); got "to pdf"',
    ],
    [
      'fractional milliseconds',
      ['slo', 'latency', 'p50_ms'],
      12.5,
      'slo.latency.p50_ms',
      'must be a whole number of milliseconds; got 12.5',
    ],
    [
      'zero latency',
      ['slo', 'latency', 'p50_ms'],
      0,
      'slo.latency.p50_ms',
      'must be at least 1; got 0',
    ],
    [
      'a latency string',
      ['slo', 'latency', 'p95_ms'],
      '100',
      'slo.latency.p95_ms',
      'must be a number; got string "100" (remove the quotes so YAML reads a number)',
    ],
    [
      'p95 below p50',
      ['slo', 'latency', 'p95_ms'],
      40,
      'slo.latency.p95_ms',
      'p95_ms (40) is below p50_ms (50); percentiles must satisfy p50_ms ≤ p95_ms ≤ p99_ms',
    ],
    [
      'p99 below p95',
      ['slo', 'latency', 'p99_ms'],
      99,
      'slo.latency.p99_ms',
      'p99_ms (99) is below p95_ms (100); percentiles must satisfy p50_ms ≤ p95_ms ≤ p99_ms',
    ],
    [
      'a target of 1',
      ['slo', 'availability', 'target'],
      1,
      'slo.availability.target',
      'must be strictly between 0 and 1; got 1 (a target of 1 leaves no error budget)',
    ],
    [
      'a target of 0',
      ['slo', 'availability', 'target'],
      0,
      'slo.availability.target',
      'must be strictly between 0 and 1; got 0',
    ],
    [
      'a percentage target',
      ['slo', 'availability', 'target'],
      99.9,
      'slo.availability.target',
      'must be strictly between 0 and 1; got 99.9 (it looks like a percentage: write 0.999 for 99.9%)',
    ],
    [
      'a percentage string target',
      ['slo', 'availability', 'target'],
      '99.9%',
      'slo.availability.target',
      'must be a number; got string "99.9%" (write a plain number, not a percentage string)',
    ],
    [
      'an infinite target',
      ['slo', 'availability', 'target'],
      Infinity,
      'slo.availability.target',
      'must be a finite number; got Infinity',
    ],
    [
      'a zero budget',
      ['slo', 'error_budget', 'monthly_pct'],
      0,
      'slo.error_budget.monthly_pct',
      'must be a percentage in (0, 100]; got 0',
    ],
    [
      'a budget over 100%',
      ['slo', 'error_budget', 'monthly_pct'],
      101,
      'slo.error_budget.monthly_pct',
      'must be a percentage in (0, 100]; got 101',
    ],
    [
      'a budget inconsistent with the target',
      ['slo', 'error_budget', 'monthly_pct'],
      0.2,
      'slo.error_budget.monthly_pct',
      '0.2 does not match slo.availability.target 0.999: the error budget is (1 − target) × 100 = 0.1',
    ],
    [
      'alerts as a mapping',
      ['slo', 'error_budget', 'alerts'],
      { threshold: 0.5 },
      'slo.error_budget.alerts',
      'must be a list; got a mapping',
    ],
    [
      'an alert that is not a mapping',
      ['slo', 'error_budget', 'alerts', 0],
      'slack',
      'slo.error_budget.alerts[0]',
      'must be a mapping with keys threshold, channel; got string "slack"',
    ],
    [
      'a zero threshold',
      ['slo', 'error_budget', 'alerts', 0, 'threshold'],
      0,
      'slo.error_budget.alerts[0].threshold',
      'must be a fraction of the budget in (0, 1]; got 0',
    ],
    [
      'a percentage threshold',
      ['slo', 'error_budget', 'alerts', 1, 'threshold'],
      90,
      'slo.error_budget.alerts[1].threshold',
      'must be a fraction of the budget in (0, 1]; got 90 (it looks like a percentage: write 0.9 for 90% of the budget)',
    ],
    [
      'a repeated threshold',
      ['slo', 'error_budget', 'alerts', 1, 'threshold'],
      0.5,
      'slo.error_budget.alerts[1].threshold',
      'alert thresholds must be strictly increasing; 0.5 follows 0.5',
    ],
    [
      'a decreasing threshold',
      ['slo', 'error_budget', 'alerts', 1, 'threshold'],
      0.25,
      'slo.error_budget.alerts[1].threshold',
      'alert thresholds must be strictly increasing; 0.25 follows 0.5',
    ],
    [
      'an empty channel',
      ['slo', 'error_budget', 'alerts', 0, 'channel'],
      '',
      'slo.error_budget.alerts[0].channel',
      'must be a non-empty string',
    ],
    [
      'a YAML 1.1 boolean',
      ['enforcement', 'reject_on_violation'],
      'yes',
      'enforcement.reject_on_violation',
      'must be true or false; got string "yes" (YAML 1.2 reads yes as a string here: write true or false without quotes)',
    ],
    [
      'a number as boolean',
      ['enforcement', 'reject_on_violation'],
      0,
      'enforcement.reject_on_violation',
      'must be true or false; got number 0',
    ],
    [
      'negative grace days',
      ['enforcement', 'grace_period_days'],
      -1,
      'enforcement.grace_period_days',
      'must be at least 0; got -1',
    ],
    [
      'fractional grace days',
      ['enforcement', 'grace_period_days'],
      1.5,
      'enforcement.grace_period_days',
      'must be a whole number of days; got 1.5',
    ],
    [
      'an empty section',
      ['metadata'],
      null,
      'metadata',
      'must be a mapping with keys owner, cost_center, tier; got nothing (empty value)',
    ],
    [
      'a list as section',
      ['slo'],
      [],
      'slo',
      'must be a mapping with keys latency, availability, error_budget; got a list',
    ],
  ])('reports %s with its path and reason', (_, path, value, expectedPath, reason) => {
    expect(only(edit(validSlo(), path, value))).toEqual({ path: expectedPath, reason });
  });

  it.each([
    [
      'null',
      null,
      'the document is empty; expected a mapping with capability, slo, enforcement and metadata',
    ],
    [
      'a list',
      [validSlo()],
      'must be a mapping with keys capability, slo, enforcement, metadata; got a list',
    ],
    [
      'a string',
      'slo',
      'must be a mapping with keys capability, slo, enforcement, metadata; got string "slo"',
    ],
  ])('reports a document that is %s', (_, input, reason) => {
    expect(only(input)).toEqual({ path: '', reason });
  });

  it('reports every problem of a document, not only the first', () => {
    let input = edit(validSlo(), ['capability', 'version'], 2);
    input = edit(input, ['slo', 'latency', 'p99_ms'], 10);
    input = edit(input, ['slo', 'availability', 'target'], 1.5);
    input = edit(input, ['slo', 'error_budget', 'alerts', 1, 'threshold'], 0.1);
    input = edit(input, ['enforcement', 'extra'], true);
    input = edit(input, ['metadata', 'owner'], REMOVE);
    const issues = issuesOf(validateSloDocument(input, { file: 'many.yml' }));
    expect(issues.map((i) => i.path)).toEqual([
      'capability.version',
      'slo.latency.p99_ms',
      'slo.availability.target',
      'slo.error_budget.alerts[1].threshold',
      'enforcement.extra',
      'metadata.owner',
    ]);
    expect(issues.every((i) => i.file === 'many.yml' && i.severity === 'error')).toBe(true);
  });

  it('treats a field set to undefined by a JavaScript caller as missing', () => {
    const input = { ...validSlo(), metadata: { ...validSlo().metadata, owner: undefined } };
    expect(only(input)).toEqual({ path: 'metadata.owner', reason: 'is required' });
  });

  it('checks the order of the percentiles that are valid even when one is not', () => {
    const input = edit(
      edit(validSlo(), ['slo', 'latency', 'p95_ms'], 'fast'),
      ['slo', 'latency', 'p99_ms'],
      20,
    );
    const issues = issuesOf(validateSloDocument(input));
    expect(issues.map((i) => [i.path, i.reason])).toEqual([
      ['slo.latency.p95_ms', 'must be a number; got string "fast"'],
      [
        'slo.latency.p99_ms',
        'p99_ms (20) is below p50_ms (50); percentiles must satisfy p50_ms ≤ p95_ms ≤ p99_ms',
      ],
    ]);
  });

  it('names the input "<input>" unless told a file name', () => {
    expect(issuesOf(validateSloDocument(null))[0].file).toBe('<input>');
  });

  it('refuses options that are not an object or a file that is not a string', () => {
    expect(() => validateSloDocument(validSlo(), 'x.yml' as never)).toThrow(SloSchemaError);
    expect(() => validateSloDocument(validSlo(), { file: 3 as never })).toThrow(
      '@slo-engine/slo-schema: options.file must be a string; got number',
    );
  });

  it('accepts every generated valid SLO file unchanged', () => {
    fc.assert(
      fc.property(arbSloFile, (slo) => {
        expect(validateSloDocument(slo)).toEqual({ ok: true, value: slo, warnings: [] });
      }),
      { numRuns: 200 },
    );
  });

  it('rejects any p50 above p99 at the path of the out-of-order field', () => {
    fc.assert(
      fc.property(arbSloFile, fc.integer({ min: 1, max: 1000 }), (slo, extra) => {
        const p50 = slo.slo.latency.p99_ms + extra;
        const issues = issuesOf(validateSloDocument(edit(slo, ['slo', 'latency', 'p50_ms'], p50)));
        expect(issues.map((i) => i.path)).toContain('slo.latency.p95_ms');
      }),
      { numRuns: 100 },
    );
  });
});

describe('monthly_pct consistency', () => {
  it('derives (1 − target) × 100 without floating-point noise', () => {
    expect(impliedMonthlyPct(0.999)).toBe(0.1);
    expect(impliedMonthlyPct(0.9995)).toBe(0.05);
    expect(impliedMonthlyPct(0.5)).toBe(50);
  });

  it('agrees with the implied budget and disagrees with one 0.1% off', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1 - 1e-6, noNaN: true }), (target) => {
        expect(isMonthlyPctConsistent(impliedMonthlyPct(target), target)).toBe(true);
        expect(isMonthlyPctConsistent(impliedMonthlyPct(target) * 1.001, target)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});

describe('parseSloYaml', () => {
  it('reads the spec 000 example into the same data', () => {
    expect(parseSloYaml(SPEC_000_YAML)).toEqual({
      ok: true,
      value: validSlo(),
      warnings: [],
    });
  });

  it('round-trips every generated SLO file through YAML text', () => {
    fc.assert(
      fc.property(arbSloFile, (slo) => {
        const result = parseSloYaml(toYaml(slo));
        expect(result).toEqual({ ok: true, value: slo, warnings: [] });
      }),
      { numRuns: 100 },
    );
  });

  const broken = `capability:
  verb: convert
  name: convert_document_to_pdf
  version: 1.0
slo:
  latency:
    p50_ms: 50
    p95_ms: 100
    p99_ms: 200
    p999_ms: 400
  availability:
    target: 0.999
  error_budget:
    monthly_pct: 0.1
    alerts:
      - threshold: 0.5
        channel: slack
enforcement:
  reject_on_violation: no
  grace_period_days: 7
metadata:
  owner: document-team
  tier: production
`;

  it('reports every problem with file, path, reason, line and column, in reading order', () => {
    const issues = issuesOf(parseSloYaml(broken, { file: 'slos/convert.yml' }));
    expect(issues).toEqual([
      {
        file: 'slos/convert.yml',
        path: 'capability.version',
        reason:
          'must be a string; YAML read 1.0 as the number 1: quote it ("1.0") to keep it a string',
        severity: 'error',
        line: 4,
        column: 12,
      },
      {
        file: 'slos/convert.yml',
        path: 'slo.latency.p999_ms',
        reason:
          'unknown key "p999_ms" (did you mean "p99_ms"?); allowed keys: p50_ms, p95_ms, p99_ms',
        severity: 'error',
        line: 10,
        column: 5,
      },
      {
        file: 'slos/convert.yml',
        path: 'enforcement.reject_on_violation',
        reason:
          'must be true or false; got string "no" (YAML 1.2 reads no as a string here: write true or false without quotes)',
        severity: 'error',
        line: 19,
        column: 24,
      },
      {
        file: 'slos/convert.yml',
        path: 'metadata.cost_center',
        reason: 'is required',
        severity: 'error',
        line: 21,
        column: 1,
      },
    ]);
    expect(formatIssue(issues[0])).toBe(
      'slos/convert.yml:4:12 capability.version: must be a string; YAML read 1.0 as the number 1: quote it ("1.0") to keep it a string',
    );
  });

  it('points a missing key of a nested mapping at its parent key', () => {
    const text = SPEC_000_YAML.replace('    p99_ms: 200\n', '');
    const issues = issuesOf(parseSloYaml(text));
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'slo.latency.p99_ms',
        reason: 'is required',
        line: 8,
        column: 3,
      }),
    ]);
  });

  it('reports a YAML syntax error with its position and nothing else', () => {
    const issues = issuesOf(
      parseSloYaml('capability:\n  verb: [convert\nslo: {}\n', { file: 'bad.yml' }),
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'bad.yml', path: '', severity: 'error', line: 3 });
    expect(issues[0].reason).toMatch(/^YAML: /);
  });

  it('reports a key written twice as a YAML error', () => {
    const text = SPEC_000_YAML.replace('    p95_ms: 100\n', '    p95_ms: 100\n    p95_ms: 90\n');
    const issues = issuesOf(parseSloYaml(text));
    expect(issues).toEqual([
      expect.objectContaining({ reason: 'YAML: Map keys must be unique', line: 11 }),
    ]);
  });

  it('refuses a file holding several documents', () => {
    const text = `${SPEC_000_YAML}---\n${SPEC_000_YAML}`;
    expect(issuesOf(parseSloYaml(text))[0].reason).toMatch(/multiple documents/);
  });

  it('reports an empty file', () => {
    expect(issuesOf(parseSloYaml('# nothing here\n', { file: 'empty.yml' }))).toEqual([
      {
        file: 'empty.yml',
        path: '',
        reason:
          'the document is empty; expected a mapping with capability, slo, enforcement and metadata',
        severity: 'error',
      },
    ]);
  });

  it('stops alias bombs instead of expanding them', () => {
    const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++)
      lines.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(', ')}]`,
      );
    const issues = issuesOf(parseSloYaml(lines.join('\n') + '\n'));
    expect(issues[0].reason).toMatch(/^YAML: .*alias/i);
  });

  it('parses the same data as a plain YAML parser for valid files', () => {
    const text = SPEC_000_YAML;
    const result = parseSloYaml(text);
    expect(result.ok && result.value).toEqual(parse(text));
  });

  it('throws for text that is not a string', () => {
    expect(() => parseSloYaml(undefined as never)).toThrow(
      thrown({
        code: 'SLO_SCHEMA.INVALID_ARGUMENT',
        message: '@slo-engine/slo-schema: text must be a string; got undefined',
      }),
    );
  });
});

describe('sloKey and formatIssue', () => {
  it('keys an SLO by verb:name', () => {
    expect(sloKey(validSlo())).toBe('convert:convert_document_to_pdf');
  });

  it('formats issues with and without position and path', () => {
    const base = { file: 'a.yml', reason: 'bad', severity: 'error' as const };
    expect(formatIssue({ ...base, path: 'slo', line: 3, column: 2 })).toBe('a.yml:3:2 slo: bad');
    expect(formatIssue({ ...base, path: 'slo' })).toBe('a.yml slo: bad');
    expect(formatIssue({ ...base, path: '', line: 1, column: 1 })).toBe('a.yml:1:1: bad');
    expect(formatIssue({ ...base, path: '', severity: 'warning' })).toBe('warning: a.yml: bad');
  });
});
