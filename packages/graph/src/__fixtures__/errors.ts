import { GraphError, type GraphErrorCode } from '../errors';

/** The `code` of the GraphError `action` throws, or `'no error'`; other errors propagate. */
export function errorCodeOf(action: () => unknown): GraphErrorCode | 'no error' {
  try {
    action();
  } catch (error) {
    if (error instanceof GraphError) return error.code;
    throw error;
  }
  return 'no error';
}
