/** Stable machine-readable codes of {@link IdempotencyError}. */
export type IdempotencyErrorCode =
  /** The client's idempotency key is empty, too long, or has a character outside printable ASCII. */
  | 'IDEMPOTENCY.INVALID_KEY'
  /** A value given to canonicalJson/fingerprint is not plain JSON (undefined, NaN, Date, BigInt, Map, ...). */
  | 'IDEMPOTENCY.NON_JSON_VALUE'
  /** A value given to canonicalJson/fingerprint refers to itself. */
  | 'IDEMPOTENCY.CIRCULAR_REFERENCE'
  /** Any other argument of a function or method is invalid (empty principal, bad method, ...). */
  | 'IDEMPOTENCY.INVALID_ARGUMENT'
  /** A constructor or function option is invalid (capacity, leaseMs, ttlMs, ...). */
  | 'IDEMPOTENCY.INVALID_OPTION';

const PREFIX = '@slo-engine/idempotency: ';

/** The only error class this package throws; `code` is stable, `message` is for humans. */
export class IdempotencyError extends Error {
  readonly code: IdempotencyErrorCode;

  constructor(code: IdempotencyErrorCode, message: string) {
    super(PREFIX + message);
    this.name = 'IdempotencyError';
    this.code = code;
  }
}

/** Short description of a value for error messages, never the whole value. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `a string "${value.slice(0, 40)}…"` : `the string "${value}"`;
    case 'number':
      return `the number ${String(value)}`;
    case 'bigint':
      return `the bigint ${String(value)}n`;
    case 'boolean':
      return `the boolean ${String(value)}`;
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (Array.isArray(value)) return 'an array';
      return `an object (${constructorName(value)})`;
  }
}

export function constructorName(value: object): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === null) return 'null prototype';
  const ctor: unknown = (proto as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && ctor.name !== '' ? ctor.name : 'anonymous class';
}
