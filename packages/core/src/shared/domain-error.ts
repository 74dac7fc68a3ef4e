/**
 * Errors the core throws. Each carries a stable `code` (`AREA.REASON`); every HTTP app maps codes
 * to statuses in one table and answers RFC 9457 problem details. Core code never throws HTTP
 * exceptions.
 */
export interface FieldError {
  /** Dotted path of the offending input field, e.g. `edges[3].target`. */
  readonly field: string;
  readonly message: string;
}

export class DomainError extends Error {
  override readonly name: string = 'DomainError';

  constructor(
    readonly code: string,
    message: string,
    readonly details: {
      readonly fieldErrors?: readonly FieldError[];
      readonly [key: string]: unknown;
    } = {},
  ) {
    super(message);
  }
}

/** Codes the core throws today, with the HTTP status each app gives them. */
export const DomainErrorCodes = {
  /** A service id that no stored service has. → 404 */
  SERVICE_NOT_FOUND: 'GRAPH.SERVICE_NOT_FOUND',
  /** An ingestion id that no ingestion has. → 404 */
  INGESTION_NOT_FOUND: 'GRAPH.INGESTION_NOT_FOUND',
  /** A circular-dependency alert id that does not exist. → 404 */
  CYCLE_ALERT_NOT_FOUND: 'GRAPH.CYCLE_ALERT_NOT_FOUND',
  /** A status change the alert lifecycle does not allow (e.g. resolved → open). → 409 */
  CYCLE_ALERT_TRANSITION: 'GRAPH.CYCLE_ALERT_TRANSITION',
  /** Input that passed transport validation but breaks a domain rule; carries fieldErrors. → 400 */
  INVALID_INPUT: 'VALIDATION.INVALID_INPUT',
  /** A pagination cursor this server did not issue. → 400 */
  INVALID_CURSOR: 'VALIDATION.INVALID_CURSOR',
} as const;

export type DomainErrorCode = (typeof DomainErrorCodes)[keyof typeof DomainErrorCodes];
