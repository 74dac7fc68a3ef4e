import { IdempotencyError, describeValue } from '../errors';

export function requireString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw new IdempotencyError(
      'IDEMPOTENCY.INVALID_ARGUMENT',
      `${name} must be a non-empty string, got ${describeValue(value)}`,
    );
  }
  return value;
}

export function requireTime(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new IdempotencyError(
      'IDEMPOTENCY.INVALID_ARGUMENT',
      `${name} must be a finite number of milliseconds, got ${describeValue(value)}`,
    );
  }
  return value;
}

/** A duration option or argument: a positive finite number of milliseconds. */
export function requireDuration(
  name: string,
  value: unknown,
  code: 'IDEMPOTENCY.INVALID_ARGUMENT' | 'IDEMPOTENCY.INVALID_OPTION',
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new IdempotencyError(
      code,
      `${name} must be a positive finite number of milliseconds, got ${describeValue(value)}`,
    );
  }
  return value;
}

export function requireObject(
  name: string,
  value: unknown,
  code:
    'IDEMPOTENCY.INVALID_ARGUMENT' | 'IDEMPOTENCY.INVALID_OPTION' = 'IDEMPOTENCY.INVALID_ARGUMENT',
): void {
  if (typeof value !== 'object' || value === null) {
    throw new IdempotencyError(code, `${name} must be an object, got ${describeValue(value)}`);
  }
}

/** Runs `fn` and turns both its result and anything it throws into a promise. */
export function settle<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
