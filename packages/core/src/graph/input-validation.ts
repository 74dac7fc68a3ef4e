/**
 * Checks the use cases repeat even though the transport validates too: the core is also called
 * from the embedded mode, workers and tests, and must not trust its caller.
 */
import { DomainError, DomainErrorCodes, type FieldError } from '../shared/domain-error';

export const DEFAULT_PAGE_LIMIT = 50;
export const MAX_PAGE_LIMIT = 500;

/** Throws one INVALID_INPUT error listing every field error, or returns when there is none. */
export function throwIfInvalid(fieldErrors: readonly FieldError[], what: string): void {
  if (fieldErrors.length === 0) return;
  throw new DomainError(
    DomainErrorCodes.INVALID_INPUT,
    `${what} is invalid: ${fieldErrors.length === 1 ? 'one problem' : `${fieldErrors.length} problems`}.`,
    { fieldErrors },
  );
}

/** The page limit (default 50), or a field error pushed onto `fieldErrors`. */
export function pageLimit(limit: number | undefined, fieldErrors: FieldError[]): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    fieldErrors.push({
      field: 'limit',
      message: `must be an integer from 1 to ${MAX_PAGE_LIMIT}, got ${String(limit)}`,
    });
  }
  return limit;
}

/** A field error when `value` is set and not one of `allowed`. */
export function checkOneOf(
  value: unknown,
  allowed: readonly string[],
  field: string,
  fieldErrors: FieldError[],
): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    fieldErrors.push({
      field,
      message: `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`,
    });
  }
}
