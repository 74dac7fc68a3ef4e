import { type LoadedSlo, type ValidationIssue } from './types';

/**
 * Indexes SLOs by key `verb:name`. A key defined twice is an issue naming both files; the first
 * definition is kept. O(n).
 */
export function indexSlos(entries: readonly LoadedSlo[]): {
  readonly slos: ReadonlyMap<string, LoadedSlo>;
  readonly issues: readonly ValidationIssue[];
} {
  const slos = new Map<string, LoadedSlo>();
  const issues: ValidationIssue[] = [];
  for (const entry of entries) {
    const first = slos.get(entry.key);
    if (first === undefined) {
      slos.set(entry.key, entry);
      continue;
    }
    issues.push({
      file: entry.file,
      path: 'capability',
      reason: `duplicate SLO for capability "${entry.key}": already defined in ${first.file}`,
      severity: 'error',
    });
  }
  return { slos, issues };
}
