import { ReliabilityError } from './errors';

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

/** Throws `RELIABILITY.INVALID_RATIO` unless `value` is a finite number in [0, 1]. */
export function assertRatio(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_RATIO',
      `${name} must be a ratio in [0, 1] (not a percentage), got ${describeValue(value)}`,
    );
  }
}

/** Validates every element of a list of ratios; names the first offending index. */
export function assertRatios(values: ArrayLike<unknown>, name: string): void {
  for (let i = 0; i < values.length; i++) assertRatio(values[i], `${name}[${i}]`);
}

export function assertFiniteNumber(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      `${name} must be a finite number, got ${describeValue(value)}`,
    );
  }
}

export function assertNonNegative(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !(value >= 0) || value === Infinity) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      `${name} must be a finite number >= 0, got ${describeValue(value)}`,
    );
  }
}

export function assertPositive(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !(value > 0) || value === Infinity) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      `${name} must be a finite number > 0, got ${describeValue(value)}`,
    );
  }
}

export function assertPositiveInteger(value: unknown, name: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      `${name} must be an integer >= 1, got ${describeValue(value)}`,
    );
  }
}

export function assertNonEmpty(values: ArrayLike<unknown>, name: string): void {
  if (values.length === 0) {
    throw new ReliabilityError('RELIABILITY.EMPTY_INPUT', `${name} must not be empty`);
  }
}

export function assertFunction(value: unknown, name: string): void {
  if (typeof value !== 'function') {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      `${name} must be a function, got ${describeValue(value)}`,
    );
  }
}

/**
 * Draws an index in [0, n) from an injected random source, rejecting sources that break the
 * `[0, 1)` contract rather than silently indexing out of range.
 */
export function randomIndex(random: () => number, n: number): number {
  const r = random();
  if (!(r >= 0 && r < 1)) {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_RANDOM',
      `random() must return a number in [0, 1), got ${describeValue(r)}`,
    );
  }
  return Math.floor(r * n);
}

/** The dependency kind with its default (`'hard'`); throws `RELIABILITY.INVALID_ARGUMENT` otherwise. */
export function dependencyKindOf(kind: unknown, where: string): 'hard' | 'soft' {
  const resolved = kind ?? 'hard';
  if (resolved !== 'hard' && resolved !== 'soft') {
    throw new ReliabilityError(
      'RELIABILITY.INVALID_ARGUMENT',
      `${where}.kind must be "hard" or "soft", got ${describeValue(resolved)}`,
    );
  }
  return resolved;
}
