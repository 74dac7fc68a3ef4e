import { DriftError } from '../errors';
import { describeValue } from './validate';

/**
 * Field readers for `restore()`. A snapshot usually comes back from a database or a queue
 * message, so every field is checked before a detector is built from it.
 */
export class SnapshotReader {
  constructor(
    private readonly what: string,
    private readonly data: Record<string, unknown>,
  ) {}

  static open(what: string, snapshot: unknown, kind: string, version: number): SnapshotReader {
    if (snapshot === null || typeof snapshot !== 'object' || Array.isArray(snapshot)) {
      throw fail(what, `expected an object, got ${describeValue(snapshot)}`);
    }
    const data = snapshot as Record<string, unknown>;
    if (data['kind'] !== kind) {
      throw fail(what, `kind must be '${kind}', got ${describeValue(data['kind'])}`);
    }
    if (data['version'] !== version) {
      throw fail(what, `version must be ${version}, got ${describeValue(data['version'])}`);
    }
    return new SnapshotReader(what, data);
  }

  child(key: string): SnapshotReader {
    const value = this.data[key];
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw fail(this.what, `${key} must be an object, got ${describeValue(value)}`);
    }
    return new SnapshotReader(`${this.what}.${key}`, value as Record<string, unknown>);
  }

  raw(key: string): unknown {
    return this.data[key];
  }

  number(key: string): number {
    const value = this.data[key];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw fail(this.what, `${key} must be a finite number, got ${describeValue(value)}`);
    }
    return value;
  }

  integer(key: string, min = 0): number {
    const value = this.number(key);
    if (!Number.isInteger(value) || value < min) {
      throw fail(this.what, `${key} must be an integer >= ${min}, got ${describeValue(value)}`);
    }
    return value;
  }

  nullableInteger(key: string, min = 0): number | null {
    return this.data[key] === null ? null : this.integer(key, min);
  }

  boolean(key: string): boolean {
    const value = this.data[key];
    if (typeof value !== 'boolean') {
      throw fail(this.what, `${key} must be a boolean, got ${describeValue(value)}`);
    }
    return value;
  }

  numbers(key: string): number[] {
    const value = this.data[key];
    if (!Array.isArray(value)) {
      throw fail(this.what, `${key} must be an array, got ${describeValue(value)}`);
    }
    for (let i = 0; i < value.length; i++) {
      const x: unknown = value[i];
      if (typeof x !== 'number' || !Number.isFinite(x)) {
        throw fail(this.what, `${key}[${i}] must be a finite number, got ${describeValue(x)}`);
      }
    }
    return value as number[];
  }

  array(key: string): unknown[] {
    const value = this.data[key];
    if (!Array.isArray(value)) {
      throw fail(this.what, `${key} must be an array, got ${describeValue(value)}`);
    }
    return value as unknown[];
  }

  /** Raised for a field whose type is right but whose value contradicts the rest. */
  invalid(message: string): DriftError {
    return fail(this.what, message);
  }
}

function fail(what: string, message: string): DriftError {
  return new DriftError('DRIFT.INVALID_SNAPSHOT', `invalid ${what} snapshot: ${message}`);
}

/** Re-raises an option error met while rebuilding from a snapshot as a snapshot error. */
export function asSnapshotError<T>(what: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof DriftError && error.code === 'DRIFT.INVALID_OPTION') {
      throw fail(what, error.message.replace(/^@slo-engine\/drift: /, ''));
    }
    throw error;
  }
}
