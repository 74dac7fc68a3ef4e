/** Stable machine-readable codes of every error this package throws. */
export type DriftErrorCode =
  /** A data value is NaN, ±Infinity or not a number at all. */
  | 'DRIFT.INVALID_VALUE'
  /** A sample that must hold at least one value is empty. */
  | 'DRIFT.EMPTY_SAMPLE'
  /** A constructor or function option is out of range or of the wrong type. */
  | 'DRIFT.INVALID_OPTION'
  /** A snapshot handed to `restore()` is malformed, of another detector, or of another version. */
  | 'DRIFT.INVALID_SNAPSHOT';

const PREFIX = '@slo-engine/drift: ';

/** The only error class this package throws. Branch on `code`, never on the message text. */
export class DriftError extends Error {
  override readonly name = 'DriftError';
  readonly code: DriftErrorCode;

  constructor(code: DriftErrorCode, message: string) {
    super(PREFIX + message);
    this.code = code;
  }
}
