import fc from 'fast-check';
import {
  backoffDelay,
  DEFAULT_BACKOFF,
  MAX_RETRY_AFTER_MS,
  parseRetryAfter,
  retryAfterDelay,
} from './backoff';

const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const policy = fc
  .tuple(fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 0, max: 600_000 }))
  .map(([initialMs, extra]) => ({ initialMs, maxMs: initialMs + extra }));

describe('backoffDelay', () => {
  it('doubles the ceiling per failure from initialMs, full jitter under it', () => {
    const half = (): number => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, DEFAULT_BACKOFF, half))).toEqual([
      250, 500, 1_000, 2_000, 4_000, 8_000, 15_000,
    ]);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0)).toBe(0);
  });

  it('stays in [0, min(maxMs, initialMs * 2^(n-1))] for any failure count and random value', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5_000 }), policy, unit, (failures, p, r) => {
        const delay = backoffDelay(failures, p, () => r);
        const ceiling = Math.min(p.maxMs, p.initialMs * 2 ** Math.max(0, failures - 1));
        return Number.isInteger(delay) && delay >= 0 && delay <= ceiling && delay <= p.maxMs;
      }),
    );
  });

  it('never shrinks as failures accumulate (same random draw)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000 }), policy, unit, (failures, p, r) => {
        return backoffDelay(failures, p, () => r) <= backoffDelay(failures + 1, p, () => r);
      }),
    );
  });

  it('stays below maxMs when random() misbehaves (1, negative, NaN)', () => {
    for (const value of [1, 2, -1, Number.NaN]) {
      const delay = backoffDelay(40, DEFAULT_BACKOFF, () => value);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(DEFAULT_BACKOFF.maxMs);
    }
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2025, 10, 16, 10, 30, 0);

  it('reads delta-seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads an HTTP-date relative to now, a past date meaning now', () => {
    expect(parseRetryAfter('Sun, 16 Nov 2025 10:30:12 GMT', now)).toBe(12_000);
    expect(parseRetryAfter('Sun, 16 Nov 2025 10:00:00 GMT', now)).toBe(0);
  });

  it.each([undefined, '', 'soon', '-5', '1.5', '5 seconds', '2025-11-16'])(
    'answers undefined for %p so the caller backs off',
    (header) => {
      expect(parseRetryAfter(header, now)).toBeUndefined();
    },
  );

  it('caps any wait at MAX_RETRY_AFTER_MS', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000 }), (seconds) => {
        return (
          parseRetryAfter(String(seconds), now) === Math.min(seconds * 1000, MAX_RETRY_AFTER_MS)
        );
      }),
    );
    expect(parseRetryAfter('Wed, 01 Jan 2070 00:00:00 GMT', now)).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('retryAfterDelay', () => {
  it('waits at least what was asked and at most 10 % more', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_RETRY_AFTER_MS }), unit, (ms, r) => {
        const delay = retryAfterDelay(ms, () => r);
        return delay >= ms && delay <= ms * 1.1;
      }),
    );
  });
});
