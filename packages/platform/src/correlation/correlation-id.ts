import { randomUUID } from 'node:crypto';

/** The header a caller may send to choose the request's correlation id; always echoed back. */
export const CORRELATION_ID_HEADER = 'x-request-id';

/** Up to 128 visible ASCII characters: anything else (spaces, control characters, Unicode) could
 *  forge or break log lines, so it is replaced rather than trusted. */
const ACCEPTABLE_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * The caller's `x-request-id` when acceptable, otherwise a fresh id from `generate` (a UUID v4 by
 * default; tests inject a deterministic one).
 */
export function resolveCorrelationId(
  header: string | readonly string[] | undefined,
  generate: () => string = randomUUID,
): string {
  const candidate = typeof header === 'string' ? header : header?.[0];
  return typeof candidate === 'string' && ACCEPTABLE_ID.test(candidate) ? candidate : generate();
}
