import {
  type Document,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  parseAllDocuments,
  parseDocument,
  type YAMLError,
} from 'yaml';
import { type SourceLookup } from './checker';
import { type PathSegments, type RawIssue, formatPath } from './issues';
import { type ValidationIssue } from './types';

/** A parsed YAML document that can tell where a path is in the text. */
export interface LocatedDocument {
  readonly value: unknown;
  readonly source: SourceLookup;
  locate(segments: PathSegments, at: 'key' | 'value'): { line: number; column: number } | undefined;
}

// Aliases may not expand into more than this many nodes, so a "billion laughs" file fails fast.
const MAX_ALIAS_COUNT = 1000;

interface NodeLike {
  range?: [number, number, number] | null;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as NodeLike | null | undefined)?.range;
  return range ? range[0] : undefined;
}

function child(
  node: unknown,
  segment: string | number,
): { key?: unknown; value: unknown } | undefined {
  if (isMap(node) && typeof segment === 'string') {
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? pair.key.value : pair.key;
      // Numeric and boolean keys are matched by their text, as toJS() turns them into strings.
      if (
        key === segment ||
        ((typeof key === 'number' || typeof key === 'boolean') && String(key) === segment)
      ) {
        return { key: pair.key, value: pair.value };
      }
    }
    return undefined;
  }
  if (isSeq(node) && typeof segment === 'number') {
    const item: unknown = node.items[segment];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

function located(doc: Document, text: string, lineCounter: LineCounter): LocatedDocument {
  const position = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const find = (
    segments: PathSegments,
  ): { key?: unknown; value: unknown; nearest: number | undefined } => {
    let node: unknown = doc.contents;
    let nearest = rangeStart(node);
    let key: unknown;
    for (const segment of segments) {
      const next = child(node, segment);
      if (next === undefined) return { value: undefined, nearest };
      key = next.key;
      node = next.value;
      // A missing child is reported where its parent's key is written.
      nearest = rangeStart(next.key) ?? rangeStart(next.value) ?? nearest;
    }
    return { key, value: node, nearest };
  };
  return {
    value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }),
    source(segments) {
      const { value } = find(segments);
      if (!isScalar(value) || !value.range) return undefined;
      return text.slice(value.range[0], value.range[1]).trim();
    },
    locate(segments, at) {
      const found = find(segments);
      const offset =
        (at === 'key' ? rangeStart(found.key) : undefined) ??
        rangeStart(found.value) ??
        found.nearest;
      return offset === undefined ? undefined : position(offset);
    },
  };
}

function yamlIssue(
  file: string,
  error: YAMLError,
  lineCounter: LineCounter,
  severity: 'error' | 'warning',
): ValidationIssue {
  const { line, col } = lineCounter.linePos(error.pos[0]);
  return { file, path: '', reason: `YAML: ${error.message}`, severity, line, column: col };
}

function toJsFailure(file: string, error: unknown): ValidationIssue {
  const message = error instanceof Error ? error.message : String(error);
  return { file, path: '', reason: `YAML: ${message}`, severity: 'error' };
}

/** Parses one YAML document; syntax errors (and YAML warnings) become issues with positions. */
export function parseLocated(
  text: string,
  file: string,
): { document?: LocatedDocument; issues: ValidationIssue[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const issues = [
    ...doc.errors.map((e) => yamlIssue(file, e, lineCounter, 'error')),
    ...doc.warnings.map((e) => yamlIssue(file, e, lineCounter, 'warning')),
  ];
  if (doc.errors.length > 0) return { issues };
  try {
    return { document: located(doc, text, lineCounter), issues };
  } catch (error) {
    return { issues: [...issues, toJsFailure(file, error)] };
  }
}

/** Parses every document of a multi-document YAML text (`---` separated). */
export function parseAllLocated(
  text: string,
  file: string,
): { documents?: LocatedDocument[]; issues: ValidationIssue[] } {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  // parseAllDocuments returns an EmptyStream (not an array) for text without documents.
  const docs = Array.isArray(parsed) ? parsed : [];
  const issues: ValidationIssue[] = [];
  for (const doc of docs) {
    issues.push(...doc.errors.map((e) => yamlIssue(file, e, lineCounter, 'error')));
    issues.push(...doc.warnings.map((e) => yamlIssue(file, e, lineCounter, 'warning')));
  }
  if (issues.some((i) => i.severity === 'error')) return { issues };
  try {
    return { documents: docs.map((d) => located(d, text, lineCounter)), issues };
  } catch (error) {
    return { issues: [...issues, toJsFailure(file, error)] };
  }
}

/** Raw issues of one located document → issues with file, dotted path and position. */
export function locateIssues(
  file: string,
  doc: LocatedDocument | undefined,
  raw: readonly RawIssue[],
): ValidationIssue[] {
  const issues: ValidationIssue[] = raw.map((r) => {
    const position = doc?.locate(r.segments, r.at);
    return {
      file,
      path: formatPath(r.segments),
      reason: r.reason,
      severity: r.severity,
      ...(position ? { line: position.line, column: position.column } : {}),
    };
  });
  // In reading order of the file (stable: issues at the same place keep their checking order).
  return issues.sort(
    (a, b) => (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0),
  );
}
