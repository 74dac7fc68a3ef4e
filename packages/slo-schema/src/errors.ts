/** Stable codes of the errors this package throws. */
export type SloSchemaErrorCode =
  | 'SLO_SCHEMA.INVALID_ARGUMENT'
  | 'SLO_SCHEMA.INVALID_SLO'
  | 'SLO_SCHEMA.INVALID_METRICS'
  | 'SLO_SCHEMA.DUPLICATE_CAPABILITY'
  | 'SLO_SCHEMA.NAME_COLLISION';

export const PACKAGE_NAME = '@slo-engine/slo-schema';

/**
 * Thrown for programming errors (wrong argument types, invalid in-memory data). Problems in
 * files are never thrown: they come back as `ValidationIssue`s.
 */
export class SloSchemaError extends Error {
  readonly code: SloSchemaErrorCode;

  constructor(code: SloSchemaErrorCode, message: string) {
    super(`${PACKAGE_NAME}: ${message}`);
    this.name = 'SloSchemaError';
    this.code = code;
  }
}
