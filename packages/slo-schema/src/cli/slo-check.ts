#!/usr/bin/env node
/**
 * slo-check: fails CI when measured metrics violate the SLO files (spec 000, session 4).
 * Exit status 0 = all SLOs met, 1 = violations, 2 = bad input.
 */
import { formatNumber } from '../checker';
import { checkFleetCompliance, type FleetComplianceResult } from '../compliance';
import { loadMetricsFile, loadSloDirectory } from '../files';
import { formatIssue } from '../issues';
import { type ValidationIssue } from '../types';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const EXIT_OK = 0;
export const EXIT_VIOLATIONS = 1;
export const EXIT_BAD_INPUT = 2;

export const USAGE = `Usage: slo-check --slos DIR --metrics FILE [--format text|json] [--recursive]

Checks measured metrics against the SLO files of a directory.

Options:
  --slos DIR       directory of SLO files (*.yml, *.yaml)
  --metrics FILE   metrics file, YAML or JSON: verb:name -> { p50_ms, p95_ms, p99_ms,
                   availability, error_budget_consumed } (every metric optional)
  --format FORMAT  text (default) or json
  --recursive      also read SLO files in subdirectories of DIR
  -h, --help       show this help

Exit status: 0 all SLOs met, 1 SLO violations, 2 bad input.
`;

interface Arguments {
  readonly slos: string;
  readonly metrics: string;
  readonly format: 'text' | 'json';
  readonly recursive: boolean;
}

type Parsed =
  | { readonly help: true }
  | { readonly help: false; readonly args?: Arguments; readonly errors: string[] };

function parseArguments(argv: readonly string[]): Parsed {
  const errors: string[] = [];
  const values = new Map<string, string>();
  let recursive = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') return { help: true };
    if (arg === '--recursive') {
      recursive = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (flag !== '--slos' && flag !== '--metrics' && flag !== '--format') {
      errors.push(
        arg.startsWith('-')
          ? `unknown option ${arg}`
          : `unexpected argument ${JSON.stringify(arg)}`,
      );
      continue;
    }
    let value: string | undefined;
    if (flag !== arg) value = arg.slice(eq + 1);
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) value = argv[++i];
    if (value === undefined || value === '') errors.push(`${flag} needs a value`);
    else if (values.has(flag)) errors.push(`${flag} given more than once`);
    else values.set(flag, value);
  }
  const slos = values.get('--slos');
  const metrics = values.get('--metrics');
  const format = values.get('--format') ?? 'text';
  if (slos === undefined && !errors.some((e) => e.startsWith('--slos')))
    errors.push('--slos DIR is required');
  if (metrics === undefined && !errors.some((e) => e.startsWith('--metrics')))
    errors.push('--metrics FILE is required');
  if (format !== 'text' && format !== 'json')
    errors.push(`--format must be text or json; got ${JSON.stringify(format)}`);
  if (errors.length > 0 || slos === undefined || metrics === undefined)
    return { help: false, errors };
  return {
    help: false,
    errors,
    args: { slos, metrics, format: format as 'text' | 'json', recursive },
  };
}

function textReport(fleet: FleetComplianceResult, sloCount: number): string {
  const lines: string[] = [];
  const width = Math.max(0, ...fleet.results.map((r) => r.key.length));
  for (const r of fleet.results) {
    const measured =
      r.notMeasured.length === 0 ? '' : `  (not measured: ${r.notMeasured.join(', ')})`;
    lines.push(`${r.compliant ? 'PASS' : 'FAIL'}  ${r.key.padEnd(width)}${measured}`);
    for (const v of r.violations) lines.push(`        - ${v.message}`);
    if (r.triggeredAlerts.length > 0) {
      const alerts = r.triggeredAlerts
        .map((a) => `${a.channel} at ${formatNumber(a.threshold * 100)}%`)
        .join(', ');
      lines.push(`        budget alerts reached: ${alerts}`);
    }
  }
  for (const key of fleet.unknownCapabilities)
    lines.push(`note: metrics for ${key} ignored: no SLO file defines it`);
  const failing = fleet.results.filter((r) => !r.compliant).length;
  lines.push('');
  lines.push(
    fleet.compliant
      ? `All SLOs met (${sloCount} capabilit${sloCount === 1 ? 'y' : 'ies'} checked).`
      : `SLO violations: ${failing} of ${sloCount} capabilit${sloCount === 1 ? 'y' : 'ies'} failed, ${fleet.violationCount} violation${fleet.violationCount === 1 ? '' : 's'}.`,
  );
  return lines.join('\n') + '\n';
}

function reportBadInput(
  io: CliIo,
  format: 'text' | 'json',
  issues: readonly ValidationIssue[],
  warnings: readonly ValidationIssue[],
): number {
  if (format === 'json') {
    io.stdout(JSON.stringify({ status: 'error', issues, warnings }, null, 2) + '\n');
  } else {
    io.stderr(
      `slo-check: invalid input (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n`,
    );
    for (const issue of [...issues, ...warnings]) io.stderr(`  ${formatIssue(issue)}\n`);
  }
  return EXIT_BAD_INPUT;
}

/**
 * Runs slo-check with `argv` (arguments only, without node and the script) and returns the exit
 * status; output goes through `io` so tests need no process.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseArguments(argv);
  if (parsed.help) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  if (parsed.args === undefined) {
    for (const error of parsed.errors) io.stderr(`slo-check: ${error}\n`);
    io.stderr(`\n${USAGE}`);
    return EXIT_BAD_INPUT;
  }
  const { slos: dir, metrics: metricsFile, format, recursive } = parsed.args;
  // Both inputs are read before reporting so one run shows every problem.
  const [loaded, metrics] = await Promise.all([
    loadSloDirectory(dir, { recursive }),
    loadMetricsFile(metricsFile),
  ]);
  const issues = [...loaded.issues, ...(metrics.ok ? [] : metrics.issues)];
  const warnings = [...loaded.warnings, ...metrics.warnings];
  if (loaded.files.length === 0 && loaded.issues.length === 0) {
    issues.push({
      file: dir,
      path: '',
      reason: 'no SLO files (*.yml, *.yaml) found',
      severity: 'error',
    });
  }
  if (issues.length > 0 || !metrics.ok) return reportBadInput(io, format, issues, warnings);

  const slos = loaded.slos.map((l) => l.slo);
  const fleet = checkFleetCompliance(slos, metrics.value);
  if (format === 'json') {
    io.stdout(
      JSON.stringify(
        {
          status: fleet.compliant ? 'pass' : 'fail',
          ...fleet,
          files: loaded.slos.map((l) => ({ key: l.key, file: l.file })),
          warnings,
        },
        null,
        2,
      ) + '\n',
    );
  } else {
    for (const warning of warnings) io.stderr(`${formatIssue(warning)}\n`);
    io.stdout(
      `slo-check: ${slos.length} SLO file${slos.length === 1 ? '' : 's'} from ${dir}, metrics from ${metricsFile}\n\n`,
    );
    io.stdout(textReport(fleet, slos.length));
  }
  return fleet.compliant ? EXIT_OK : EXIT_VIOLATIONS;
}

if (require.main === module) {
  main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(
        `slo-check: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exitCode = EXIT_BAD_INPUT;
    },
  );
}
