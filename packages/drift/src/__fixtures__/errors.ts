import { DriftError } from '../errors';

/** The `code` of the DriftError that `fn` throws; undefined when it throws nothing. */
export function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof DriftError) return error.code;
    throw error;
  }
  return undefined;
}
