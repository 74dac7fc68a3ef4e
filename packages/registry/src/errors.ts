import type { FieldError } from './types';

/** Stable machine-readable codes of every error this package throws. */
export type RegistryErrorCode =
  /** A registration handed to `register()` failed `validateRegistration()`; see `errors`. */
  | 'REGISTRY.INVALID_REGISTRATION'
  /** A state handed to `restoreFrom()` / `importRemoteState()` is malformed. */
  | 'REGISTRY.INVALID_STATE'
  /** A constructor option or canary policy is out of range or of the wrong type. */
  | 'REGISTRY.INVALID_OPTION';

const PREFIX = '@slo-engine/registry: ';

/** The only error class this package throws. Branch on `code`, never on the message text. */
export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  readonly code: RegistryErrorCode;
  /** Field errors with paths, for `REGISTRY.INVALID_REGISTRATION` and `REGISTRY.INVALID_STATE`. */
  readonly errors: readonly FieldError[];

  constructor(code: RegistryErrorCode, message: string, errors: readonly FieldError[] = []) {
    super(PREFIX + message);
    this.code = code;
    this.errors = errors;
  }
}
