import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { EXAMPLE_SLOS_DIR, EXAMPLES_DIR, exampleText } from '../files/__fixtures__/examples';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_VIOLATIONS, main, USAGE } from './slo-check';

const METRICS_OK = join(EXAMPLES_DIR, 'metrics.yml');
const METRICS_FAIL = join(EXAMPLES_DIR, 'metrics-violations.yml');

async function run(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'slo-check-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('slo-check', () => {
  it('exits 0 with a PASS line per capability when all SLOs are met', async () => {
    const { code, stdout, stderr } = await run('--slos', EXAMPLE_SLOS_DIR, '--metrics', METRICS_OK);
    expect(code).toBe(EXIT_OK);
    expect(stderr).toBe('');
    expect(stdout).toBe(
      `slo-check: 3 SLO files from ${EXAMPLE_SLOS_DIR}, metrics from ${METRICS_OK}

PASS  classify:classify_email          (not measured: error_budget_consumed)
PASS  convert:convert_document_to_pdf
        budget alerts reached: slack at 50%
PASS  example:example_capability       (not measured: p50_ms, p99_ms, error_budget_consumed)

All SLOs met (3 capabilities checked).
`,
    );
  });

  it('exits 1 and lists every violated metric', async () => {
    const { code, stdout } = await run(`--slos=${EXAMPLE_SLOS_DIR}`, `--metrics=${METRICS_FAIL}`);
    expect(code).toBe(EXIT_VIOLATIONS);
    expect(stdout).toContain(`FAIL  convert:convert_document_to_pdf
        - p50 latency 60 ms > target 50 ms
        - p95 latency 250 ms > target 100 ms
        - p99 latency 400 ms > target 200 ms
        - availability 0.998 < target 0.999
        - error budget 200% consumed > 100%
        budget alerts reached: slack at 50%, pagerduty at 90%
`);
    expect(stdout).toContain('PASS  classify:classify_email');
    expect(stdout).toMatch(/SLO violations: 1 of 3 capabilities failed, 5 violations\.\n$/);
  });

  it('writes a JSON report', async () => {
    const { code, stdout } = await run(
      '--slos',
      EXAMPLE_SLOS_DIR,
      '--metrics',
      METRICS_FAIL,
      '--format',
      'json',
    );
    expect(code).toBe(EXIT_VIOLATIONS);
    const report = JSON.parse(stdout) as {
      status: string;
      violationCount: number;
      results: { key: string; compliant: boolean }[];
    };
    expect(report.status).toBe('fail');
    expect(report.violationCount).toBe(5);
    expect(report.results.map((r) => [r.key, r.compliant])).toEqual([
      ['classify:classify_email', true],
      ['convert:convert_document_to_pdf', false],
      ['example:example_capability', true],
    ]);
  });

  it('notes metrics of capabilities that have no SLO', async () => {
    const metrics = join(dir, 'm.json');
    writeFileSync(metrics, JSON.stringify({ 'resize:image': { p95_ms: 3 } }));
    const { code, stdout } = await run('--slos', EXAMPLE_SLOS_DIR, '--metrics', metrics);
    expect(code).toBe(EXIT_OK);
    expect(stdout).toContain('note: metrics for resize:image ignored: no SLO file defines it\n');
  });

  it('prints help and exits 0', async () => {
    expect(await run('--help')).toEqual({ code: EXIT_OK, stdout: USAGE, stderr: '' });
    expect((await run('--slos', 'x', '-h')).stdout).toBe(USAGE);
  });

  it.each<[string[], string[]]>([
    [[], ['--slos DIR is required', '--metrics FILE is required']],
    [['--slos', EXAMPLE_SLOS_DIR], ['--metrics FILE is required']],
    [['--slos', '--metrics', 'm.yml'], ['--slos needs a value']],
    [['--slos=', '--metrics', 'm.yml'], ['--slos needs a value']],
    [['--slos', 'a', '--slos', 'b', '--metrics', 'm'], ['--slos given more than once']],
    [
      ['--slos', 'a', '--metrics', 'm', '--format', 'xml'],
      ['--format must be text or json; got "xml"'],
    ],
    [
      ['--slos', 'a', '--metrics', 'm', '--verbose', 'extra'],
      ['unknown option --verbose', 'unexpected argument "extra"'],
    ],
  ])('exits 2 for bad arguments %j', async (argv, errors) => {
    const { code, stdout, stderr } = await run(...argv);
    expect(code).toBe(EXIT_BAD_INPUT);
    expect(stdout).toBe('');
    expect(stderr).toBe(`${errors.map((e) => `slo-check: ${e}\n`).join('')}\n${USAGE}`);
  });

  it('exits 2 and prints every problem of every input file with its position', async () => {
    const slos = join(dir, 'slos');
    mkdirSync(slos);
    writeFileSync(
      join(slos, 'a.yml'),
      exampleText('convert_document_to_pdf.yml').replace('target: 0.999', 'target: 99.9'),
    );
    writeFileSync(
      join(slos, 'b.yml'),
      exampleText('classify_email.yml').replace('  tier: production\n', ''),
    );
    const metrics = join(dir, 'metrics.yml');
    writeFileSync(metrics, 'convert:convert_document_to_pdf:\n  p95: 80\n');
    const { code, stdout, stderr } = await run('--slos', slos, '--metrics', metrics);
    expect(code).toBe(EXIT_BAD_INPUT);
    expect(stdout).toBe('');
    expect(stderr).toBe(
      [
        'slo-check: invalid input (3 problems):',
        `  ${join(slos, 'a.yml')}:13:13 slo.availability.target: must be strictly between 0 and 1; got 99.9 (it looks like a percentage: write 0.999 for 99.9%)`,
        `  ${join(slos, 'b.yml')}:24:1 metadata.tier: is required`,
        `  ${metrics}:2:3 ["convert:convert_document_to_pdf"].p95: unknown key "p95" (did you mean "p95_ms"?); allowed keys: p50_ms, p95_ms, p99_ms, availability, error_budget_consumed`,
        '',
      ].join('\n'),
    );
  });

  it('exits 2 for a missing directory, a missing metrics file and an empty directory', async () => {
    const missing = await run('--slos', join(dir, 'nope'), '--metrics', join(dir, 'nope.yml'));
    expect(missing.code).toBe(EXIT_BAD_INPUT);
    expect(missing.stderr).toContain(`${join(dir, 'nope')}: directory does not exist`);
    expect(missing.stderr).toContain(`${join(dir, 'nope.yml')}: file does not exist`);

    const empty = await run('--slos', dir, '--metrics', METRICS_OK);
    expect(empty.code).toBe(EXIT_BAD_INPUT);
    expect(empty.stderr).toContain(`${dir}: no SLO files (*.yml, *.yaml) found`);
  });

  it('exits 2 with a JSON list of issues in json format', async () => {
    const { code, stdout } = await run(
      '--slos',
      join(dir, 'nope'),
      '--metrics',
      METRICS_OK,
      '--format',
      'json',
    );
    expect(code).toBe(EXIT_BAD_INPUT);
    expect(JSON.parse(stdout)).toEqual({
      status: 'error',
      issues: [
        {
          file: join(dir, 'nope'),
          path: '',
          reason: 'directory does not exist',
          severity: 'error',
        },
      ],
      warnings: [],
    });
  });

  it('reads subdirectories only with --recursive', async () => {
    mkdirSync(join(dir, 'team'));
    writeFileSync(join(dir, 'a.yml'), exampleText('convert_document_to_pdf.yml'));
    writeFileSync(join(dir, 'team', 'b.yml'), exampleText('classify_email.yml'));
    const flat = await run('--slos', dir, '--metrics', METRICS_OK);
    expect(flat.stdout).not.toContain('PASS  classify:classify_email');
    expect(flat.stdout).toContain('1 SLO file from');
    const deep = await run('--slos', dir, '--metrics', METRICS_OK, '--recursive');
    expect(deep.code).toBe(EXIT_OK);
    expect(deep.stdout).toContain('PASS  classify:classify_email');
    expect(deep.stdout).toContain('PASS  convert:convert_document_to_pdf');
  });

  it('runs as a program and sets the exit status', () => {
    const root = resolve(__dirname, '..', '..', '..', '..');
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(__dirname, 'slo-check.ts'),
        '--slos',
        EXAMPLE_SLOS_DIR,
        '--metrics',
        METRICS_FAIL,
      ],
      { cwd: root, encoding: 'utf8', timeout: 20_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(EXIT_VIOLATIONS);
    expect(result.stdout).toContain('FAIL  convert:convert_document_to_pdf');
  });
});
