import { DriftError } from '../errors';

/** Renders a value for an error message without dumping huge or exotic objects. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return `a value of type ${typeof value}`;
}

/** Throws DRIFT.INVALID_VALUE unless `x` is a finite number; `where` names the caller. */
export function assertFiniteValue(x: unknown, where: string): asserts x is number {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new DriftError(
      'DRIFT.INVALID_VALUE',
      `${where}: values must be finite numbers, got ${describeValue(x)}`,
    );
  }
}

/** Copies a sample into a Float64Array, checking every value is finite and the sample is not empty. */
export function readSample(values: ArrayLike<number>, name: string): Float64Array {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new DriftError(
      'DRIFT.INVALID_VALUE',
      `${name} must be an array of numbers, got ${describeValue(values)}`,
    );
  }
  if (values.length === 0) {
    throw new DriftError('DRIFT.EMPTY_SAMPLE', `${name} must hold at least one value`);
  }
  const copy = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new DriftError(
        'DRIFT.INVALID_VALUE',
        `${name}[${i}] must be a finite number, got ${describeValue(x)}`,
      );
    }
    copy[i] = x;
  }
  return copy;
}

/** Checks an array-like of numbers handed to a batch method, without copying it. */
export function assertValueArray(
  values: unknown,
  name: string,
): asserts values is ArrayLike<number> {
  if (
    values === null ||
    typeof values !== 'object' ||
    typeof (values as { length?: unknown }).length !== 'number'
  ) {
    throw new DriftError(
      'DRIFT.INVALID_VALUE',
      `${name} must be an array of numbers, got ${describeValue(values)}`,
    );
  }
}

/**
 * Checks a batch before any of it is fed, so a bad value cannot leave a detector half-updated.
 */
export function assertFiniteBatch(
  values: unknown,
  name: string,
): asserts values is ArrayLike<number> {
  assertValueArray(values, name);
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new DriftError(
        'DRIFT.INVALID_VALUE',
        `${name}[${i}] must be a finite number, got ${describeValue(x)}`,
      );
    }
  }
}

function invalidOption(name: string, rule: string, value: unknown): DriftError {
  return new DriftError(
    'DRIFT.INVALID_OPTION',
    `${name} must be ${rule}, got ${describeValue(value)}`,
  );
}

/** An integer option in [min, max]; `fallback` when undefined. */
export function integerOption(
  name: string,
  value: unknown,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const rule =
      max === Number.MAX_SAFE_INTEGER
        ? `an integer >= ${min}`
        : `an integer between ${min} and ${max}`;
    throw invalidOption(name, rule, value);
  }
  return value;
}

/** A finite number option accepted by `accept`, described by `rule` in the error message. */
export function numberOption(
  name: string,
  value: unknown,
  fallback: number,
  rule: string,
  accept: (x: number) => boolean,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || !accept(value)) {
    throw invalidOption(name, rule, value);
  }
  return value;
}

/** A string option that must be one of `allowed`. */
export function choiceOption<T extends string>(
  name: string,
  value: unknown,
  fallback: T,
  allowed: readonly T[],
): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw invalidOption(name, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  }
  return value as T;
}

/** A boolean option. */
export function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw invalidOption(name, 'a boolean', value);
  return value;
}

/** Rejects anything but a plain object (or undefined) as an options bag. */
export function optionsObject(name: string, value: unknown): Record<string, unknown> {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidOption(name, 'an options object', value);
  }
  return value as Record<string, unknown>;
}
