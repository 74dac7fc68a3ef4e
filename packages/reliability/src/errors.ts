/** Stable machine-readable codes of every error this package throws. */
export type ReliabilityErrorCode =
  | 'RELIABILITY.INVALID_RATIO'
  | 'RELIABILITY.INVALID_ARGUMENT'
  | 'RELIABILITY.EMPTY_INPUT'
  | 'RELIABILITY.MISSING_AVAILABILITY'
  | 'RELIABILITY.DUPLICATE_SERVICE'
  | 'RELIABILITY.UNKNOWN_SERVICE'
  | 'RELIABILITY.INVALID_RANDOM';

/**
 * The only error class this package throws. Branch on `code`, never on the message text,
 * which is meant for people and may be reworded.
 */
export class ReliabilityError extends Error {
  override readonly name = 'ReliabilityError';
  readonly code: ReliabilityErrorCode;

  constructor(code: ReliabilityErrorCode, message: string) {
    super(`@slo-engine/reliability: ${message}`);
    this.code = code;
  }
}
