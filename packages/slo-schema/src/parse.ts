import { SloSchemaError } from './errors';
import { toResult } from './issues';
import { type SloFile, type ValidationResult } from './types';
import { checkSloDocument, fileOption, type ValidateOptions } from './validate';
import { locateIssues, parseLocated } from './yaml-source';

export function requireText(text: unknown, what: string): asserts text is string {
  if (typeof text !== 'string') {
    throw new SloSchemaError(
      'SLO_SCHEMA.INVALID_ARGUMENT',
      `${what} must be a string; got ${text === null ? 'null' : typeof text}`,
    );
  }
}

/**
 * Parses and validates the YAML text of one SLO file. YAML syntax errors, every schema problem
 * and their line/column come back as issues; nothing is thrown for bad content.
 */
export function parseSloYaml(text: string, options?: ValidateOptions): ValidationResult<SloFile> {
  requireText(text, 'text');
  const file = fileOption(options, '<input>');
  const { document, issues } = parseLocated(text, file);
  if (document === undefined) return toResult<SloFile>(undefined, issues);
  const checked = checkSloDocument(document.value, document.source);
  return toResult(checked.value, [...issues, ...locateIssues(file, document, checked.issues)]);
}
