/**
 * File loading for `@slo-engine/slo-schema/files`: the only part of the package besides the CLI
 * that touches the file system, kept apart so the core stays free of I/O.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { indexSlos } from '../collection';
import { SloSchemaError } from '../errors';
import { parseMetricsYaml } from '../metrics';
import { parseSloYaml } from '../parse';
import {
  type LoadedSlo,
  type SloMetrics,
  type ValidationIssue,
  type ValidationResult,
} from '../types';
import { sloKey } from '../validate';

export interface SloDirectoryOptions {
  /** Also read subdirectories. Default false. */
  readonly recursive?: boolean;
}

export interface SloDirectoryLoad {
  /** True when no file had an error. */
  readonly ok: boolean;
  /** Every valid SLO (for a duplicated key, the first file's), sorted by file path. */
  readonly slos: readonly LoadedSlo[];
  /** The SLO files read, sorted. */
  readonly files: readonly string[];
  readonly issues: readonly ValidationIssue[];
  readonly warnings: readonly ValidationIssue[];
}

const SLO_FILE = /\.ya?ml$/;

function requirePath(path: unknown, what: string): asserts path is string {
  if (typeof path !== 'string' || path === '') {
    throw new SloSchemaError('SLO_SCHEMA.INVALID_ARGUMENT', `${what} must be a non-empty string`);
  }
}

function readProblem(file: string, what: string, error: unknown): ValidationIssue {
  const code = (error as { code?: unknown } | null)?.code;
  const reason =
    code === 'ENOENT'
      ? `${what} does not exist`
      : code === 'EISDIR'
        ? 'is a directory, not a file'
        : code === 'ENOTDIR'
          ? 'is not a directory'
          : `cannot read ${what}: ${error instanceof Error ? error.message : String(error)}`;
  return { file, path: '', reason, severity: 'error' };
}

async function readText(
  path: string,
  what: string,
): Promise<{ text?: string; issue?: ValidationIssue }> {
  try {
    return { text: await readFile(path, 'utf8') };
  } catch (error) {
    return { issue: readProblem(path, what, error) };
  }
}

/** Reads and validates one SLO file. Unreadable files are an issue, not an exception. */
export async function loadSloFile(path: string): Promise<ValidationResult<LoadedSlo>> {
  requirePath(path, 'path');
  const { text, issue } = await readText(path, 'file');
  if (text === undefined) return { ok: false, issues: issue ? [issue] : [], warnings: [] };
  const parsed = parseSloYaml(text, { file: path });
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    value: { key: sloKey(parsed.value), file: path, slo: parsed.value },
    warnings: parsed.warnings,
  };
}

/** Lists `*.yml` and `*.yaml` files, sorted; walks subdirectories iteratively when recursive. */
async function listSloFiles(
  dir: string,
  recursive: boolean,
): Promise<{ files: string[]; issues: ValidationIssue[] }> {
  const files: string[] = [];
  const issues: ValidationIssue[] = [];
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop()!;
    try {
      for (const entry of await readdir(current, { withFileTypes: true })) {
        const path = join(current, entry.name);
        if (entry.isDirectory()) {
          if (recursive) pending.push(path);
        } else if (SLO_FILE.test(entry.name)) {
          files.push(path);
        }
      }
    } catch (error) {
      issues.push(readProblem(current, 'directory', error));
    }
  }
  files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { files, issues };
}

/**
 * Loads every SLO file of a directory (`*.yml`, `*.yaml`; sorted; not recursive unless asked) and
 * returns all SLOs and all issues across files, including a duplicated `verb:name` (naming both
 * files). A missing directory is an issue.
 */
export async function loadSloDirectory(
  dir: string,
  options: SloDirectoryOptions = {},
): Promise<SloDirectoryLoad> {
  requirePath(dir, 'dir');
  if (typeof options !== 'object' || options === null) {
    throw new SloSchemaError('SLO_SCHEMA.INVALID_ARGUMENT', 'options must be an object');
  }
  const listed = await listSloFiles(dir, options.recursive === true);
  const issues: ValidationIssue[] = [...listed.issues];
  const warnings: ValidationIssue[] = [];
  const loaded: LoadedSlo[] = [];
  for (const file of listed.files) {
    const result = await loadSloFile(file);
    warnings.push(...result.warnings);
    if (result.ok) loaded.push(result.value);
    else issues.push(...result.issues);
  }
  const indexed = indexSlos(loaded);
  issues.push(...indexed.issues);
  return {
    ok: issues.length === 0,
    slos: [...indexed.slos.values()],
    files: listed.files,
    issues,
    warnings,
  };
}

/** Reads and validates a metrics file (YAML or JSON): `verb:name` → metrics. */
export async function loadMetricsFile(
  path: string,
): Promise<ValidationResult<Record<string, SloMetrics>>> {
  requirePath(path, 'path');
  const { text, issue } = await readText(path, 'file');
  if (text === undefined) return { ok: false, issues: issue ? [issue] : [], warnings: [] };
  return parseMetricsYaml(text, { file: path });
}
