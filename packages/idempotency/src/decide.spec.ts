import fc from 'fast-check';
import { decide } from './decide';
import { type CompletedRecord, type InFlightRecord } from './types';

const T0 = 1_000_000;
const inFlight: InFlightRecord = {
  state: 'in_flight',
  fingerprint: 'fp-a',
  leaseToken: 't1',
  createdAt: T0,
  leaseExpiresAt: T0 + 60_000,
};
const completed: CompletedRecord<string> = {
  state: 'completed',
  fingerprint: 'fp-a',
  leaseToken: 't1',
  response: 'ok',
  createdAt: T0,
  completedAt: T0 + 10,
  expiresAt: T0 + 3_600_000,
};

describe('decide', () => {
  it('executes a new key whatever the fingerprint', () => {
    expect(decide(undefined, 'fp-a', T0)).toEqual({ kind: 'execute', reason: 'new' });
  });

  it('answers conflict_in_flight for the same request while the lease is live', () => {
    expect(decide(inFlight, 'fp-a', T0 + 59_000)).toEqual({
      kind: 'conflict_in_flight',
      retryAfterMs: 1_000,
    });
    expect(decide(inFlight, 'fp-a', T0 + 59_999)).toEqual({
      kind: 'conflict_in_flight',
      retryAfterMs: 1,
    });
  });

  it('answers mismatch for a different request under a live record', () => {
    expect(decide(inFlight, 'fp-b', T0)).toEqual({ kind: 'mismatch', recordState: 'in_flight' });
    expect(decide(completed, 'fp-b', T0)).toEqual({ kind: 'mismatch', recordState: 'completed' });
  });

  it('replays a live completed record for the same request', () => {
    expect(decide(completed, 'fp-a', T0 + 3_599_999)).toEqual({
      kind: 'replay',
      record: completed,
    });
  });

  it('takes over exactly when the lease expires, for any fingerprint', () => {
    expect(decide(inFlight, 'fp-a', T0 + 60_000)).toEqual({
      kind: 'execute',
      reason: 'lease_expired',
    });
    expect(decide(inFlight, 'fp-b', T0 + 60_000)).toEqual({
      kind: 'execute',
      reason: 'lease_expired',
    });
  });

  it('executes again exactly when the result expires, for any fingerprint', () => {
    expect(decide(completed, 'fp-a', T0 + 3_600_000)).toEqual({
      kind: 'execute',
      reason: 'result_expired',
    });
    expect(decide(completed, 'fp-b', T0 + 3_600_000)).toEqual({
      kind: 'execute',
      reason: 'result_expired',
    });
  });

  it('property: replay and conflict only for the same fingerprint and a live record', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<InFlightRecord | CompletedRecord<string>>(inFlight, completed),
        fc.constantFrom('fp-a', 'fp-b'),
        fc.integer({ min: T0 - 10, max: T0 + 4_000_000 }),
        (record, fp, now) => {
          const decision = decide(record, fp, now);
          const expiry = record.state === 'in_flight' ? record.leaseExpiresAt : record.expiresAt;
          const live = now < expiry;
          expect(decision.kind === 'execute').toBe(!live);
          if (decision.kind === 'replay' || decision.kind === 'conflict_in_flight') {
            expect(fp).toBe(record.fingerprint);
          }
          if (decision.kind === 'conflict_in_flight') {
            expect(decision.retryAfterMs).toBe(expiry - now);
            expect(decision.retryAfterMs).toBeGreaterThan(0);
          }
          if (decision.kind === 'mismatch') expect(fp).not.toBe(record.fingerprint);
        },
      ),
      { numRuns: 200 },
    );
  });
});
