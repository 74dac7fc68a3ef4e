import { type Decision, type IdempotencyRecord } from './types';

/**
 * The idempotency decision for one request, as a pure function of the stored record (or
 * `undefined`), the request's fingerprint and the current time. Stores call it inside their
 * atomic begin(); an adapter that cannot run JavaScript atomically (a Redis Lua script) must
 * implement exactly this table, which the exported contract suite checks.
 *
 * | record                                  | same fingerprint          | other fingerprint |
 * |-----------------------------------------|---------------------------|-------------------|
 * | none                                    | execute `new`             | execute `new`     |
 * | in flight, `now >= leaseExpiresAt`      | execute `lease_expired`   | execute `lease_expired` |
 * | completed, `now >= expiresAt`           | execute `result_expired`  | execute `result_expired` |
 * | in flight, lease live                   | conflict_in_flight        | mismatch          |
 * | completed, live                         | replay                    | mismatch          |
 *
 * An expired record is treated exactly like a missing one (stores may drop it at any moment),
 * so a different request may reuse a key once its record expired.
 */
export function decide<R>(
  record: IdempotencyRecord<R> | undefined,
  requestFingerprint: string,
  now: number,
): Decision<R> {
  if (record === undefined) return EXECUTE_NEW;
  if (record.state === 'in_flight') {
    if (now >= record.leaseExpiresAt) return EXECUTE_TAKEOVER;
    if (record.fingerprint !== requestFingerprint) return MISMATCH_IN_FLIGHT;
    return { kind: 'conflict_in_flight', retryAfterMs: record.leaseExpiresAt - now };
  }
  if (now >= record.expiresAt) return EXECUTE_EXPIRED;
  if (record.fingerprint !== requestFingerprint) return MISMATCH_COMPLETED;
  return { kind: 'replay', record };
}

// Shared frozen answers: begin() is on the request path, so the common outcomes allocate nothing.
const EXECUTE_NEW = Object.freeze({ kind: 'execute', reason: 'new' } as const);
const EXECUTE_TAKEOVER = Object.freeze({ kind: 'execute', reason: 'lease_expired' } as const);
const EXECUTE_EXPIRED = Object.freeze({ kind: 'execute', reason: 'result_expired' } as const);
const MISMATCH_IN_FLIGHT = Object.freeze({ kind: 'mismatch', recordState: 'in_flight' } as const);
const MISMATCH_COMPLETED = Object.freeze({ kind: 'mismatch', recordState: 'completed' } as const);
