import fc from 'fast-check';
import { decideGcra, gcraIntervalMicros } from './rate-limit.gcra';
import { type RateLimitDecision, type RateLimitRule } from './rate-limiter.port';

const T0 = Date.parse('2026-02-14T10:00:00.000Z') * 1000;
const MS = 1000;

const rules = fc.record({
  limit: fc.integer({ min: 1, max: 200 }),
  windowMs: fc.integer({ min: 1, max: 120_000 }),
});

/** Requests arriving in groups: `count` at one instant, `gapMs` after the previous group. */
const arrivals = fc.array(
  fc.record({
    gapMs: fc.integer({ min: 0, max: 130_000 }),
    count: fc.integer({ min: 1, max: 30 }),
  }),
  { minLength: 1, maxLength: 40 },
);

/** One key's life: decides every request in order and returns each decision with its time. */
function run(rule: RateLimitRule, groups: ReadonlyArray<{ gapMs: number; count: number }>) {
  let tat: number | undefined;
  let now = T0;
  const decisions: Array<{ at: number; group: number; decision: RateLimitDecision }> = [];
  groups.forEach(({ gapMs, count }, group) => {
    now += gapMs * MS;
    for (let i = 0; i < count; i += 1) {
      const outcome = decideGcra(tat, now, rule);
      tat = outcome.tatMicros;
      decisions.push({ at: now, group, decision: outcome.decision });
    }
  });
  return { decisions, tat, now };
}

describe('decideGcra', () => {
  it('admits a fresh key `limit` times at one instant, counting remaining down to 0', () => {
    const rule = { limit: 3, windowMs: 60_000 };
    const { decisions } = run(rule, [{ gapMs: 0, count: 4 }]);
    expect(decisions.map(({ decision }) => decision)).toEqual([
      { allowed: true, limit: 3, remaining: 2, resetMs: 20_000, retryAfterMs: 0 },
      { allowed: true, limit: 3, remaining: 1, resetMs: 40_000, retryAfterMs: 0 },
      { allowed: true, limit: 3, remaining: 0, resetMs: 60_000, retryAfterMs: 0 },
      { allowed: false, limit: 3, remaining: 0, resetMs: 60_000, retryAfterMs: 20_000 },
    ]);
  });

  it('gives one token back per windowMs / limit', () => {
    const rule = { limit: 60, windowMs: 60_000 };
    let { tat } = run(rule, [{ gapMs: 0, count: 60 }]);
    const early = decideGcra(tat, T0 + 999 * MS, rule);
    expect(early.decision).toMatchObject({ allowed: false, retryAfterMs: 1 });
    expect(early.tatMicros).toBe(tat);
    const onTime = decideGcra(tat, T0 + 1_000 * MS, rule);
    expect(onTime.decision).toMatchObject({ allowed: true, remaining: 0, resetMs: 60_000 });
    tat = onTime.tatMicros;
    // A long pause refills the bucket to `limit`, not beyond.
    expect(decideGcra(tat, T0 + 3_600_000 * MS, rule).decision.remaining).toBe(59);
  });

  it('rounds the interval up to a whole microsecond: never looser than the rule', () => {
    expect(gcraIntervalMicros({ limit: 7, windowMs: 60_000 })).toBe(8_571_429);
    expect(gcraIntervalMicros({ limit: 60, windowMs: 60_000 })).toBe(1_000_000);
    expect(gcraIntervalMicros({ limit: 1_000_000_000, windowMs: 1 })).toBe(1);
  });

  it.each([
    [{ limit: 0, windowMs: 1000 }, /limit must be a positive integer/],
    [{ limit: 2.5, windowMs: 1000 }, /limit must be a positive integer/],
    [{ limit: Number.NaN, windowMs: 1000 }, /limit must be a positive integer/],
    [{ limit: 5, windowMs: 0 }, /windowMs must be a positive number/],
    [{ limit: 5, windowMs: Number.POSITIVE_INFINITY }, /windowMs must be a positive number/],
  ])('rejects the unenforceable rule %o', (rule, message) => {
    expect(() => decideGcra(undefined, T0, rule)).toThrow(RangeError);
    expect(() => decideGcra(undefined, T0, rule)).toThrow(message);
  });

  describe('properties', () => {
    it('never admits more than `limit` at one instant, whatever came before', () => {
      fc.assert(
        fc.property(rules, arrivals, fc.integer({ min: 1, max: 400 }), (rule, history, burst) => {
          const { decisions } = run(rule, [...history, { gapMs: 0, count: burst }]);
          const lastGroup = history.length;
          const admitted = decisions.filter((d) => d.group === lastGroup && d.decision.allowed);
          expect(admitted.length).toBeLessThanOrEqual(rule.limit);
        }),
      );
    });

    it('admits a burst of min(n, limit) from a fresh key', () => {
      fc.assert(
        fc.property(rules, fc.integer({ min: 1, max: 400 }), (rule, burst) => {
          const { decisions } = run(rule, [{ gapMs: 0, count: burst }]);
          expect(decisions.filter((d) => d.decision.allowed).length).toBe(
            Math.min(burst, rule.limit),
          );
        }),
      );
    });

    it('keeps decisions well-formed: remaining in [0, limit), retryAfter 0 exactly when allowed', () => {
      fc.assert(
        fc.property(rules, arrivals, (rule, groups) => {
          const malformed = run(rule, groups).decisions.filter(
            ({ decision }) =>
              decision.limit !== rule.limit ||
              !Number.isInteger(decision.remaining) ||
              decision.remaining < 0 ||
              decision.remaining >= rule.limit ||
              (decision.retryAfterMs === 0) !== decision.allowed ||
              (!decision.allowed && decision.remaining !== 0) ||
              decision.resetMs < decision.retryAfterMs ||
              decision.resetMs > Math.ceil(rule.windowMs) + 1,
          );
          expect(malformed).toEqual([]);
        }),
      );
    });

    it('admits the next request once the caller has waited retryAfterMs', () => {
      fc.assert(
        fc.property(rules, arrivals, (rule, groups) => {
          const { tat, now } = run(rule, groups);
          const probe = decideGcra(tat, now, rule);
          if (probe.decision.allowed) return;
          const later = now + probe.decision.retryAfterMs * MS;
          expect(decideGcra(tat, later, rule).decision.allowed).toBe(true);
        }),
      );
    });

    it('is back to a full allowance after resetMs', () => {
      fc.assert(
        fc.property(rules, arrivals, (rule, groups) => {
          const { tat, now, decisions } = run(rule, groups);
          const last = decisions[decisions.length - 1].decision;
          const burst: RateLimitDecision[] = [];
          let state = tat;
          for (let i = 0; i <= rule.limit; i += 1) {
            const outcome = decideGcra(state, now + last.resetMs * MS, rule);
            state = outcome.tatMicros;
            burst.push(outcome.decision);
          }
          expect(burst.filter((d) => d.allowed).length).toBe(rule.limit);
        }),
      );
    });

    it('promises what it reports: `remaining` more requests at the same instant are admitted', () => {
      fc.assert(
        fc.property(rules, arrivals, (rule, groups) => {
          const { tat, now } = run(rule, groups);
          const first = decideGcra(tat, now, rule);
          if (!first.decision.allowed) return;
          let state = first.tatMicros;
          for (let i = 0; i < first.decision.remaining; i += 1) {
            const outcome = decideGcra(state, now, rule);
            expect(outcome.decision.allowed).toBe(true);
            state = outcome.tatMicros;
          }
          expect(decideGcra(state, now, rule).decision.allowed).toBe(false);
        }),
      );
    });

    it('admits at most limit + elapsed / (windowMs / limit) over any run', () => {
      fc.assert(
        fc.property(rules, arrivals, (rule, groups) => {
          const { decisions, now } = run(rule, groups);
          const admitted = decisions.filter((d) => d.decision.allowed).length;
          const elapsedMs = (now - decisions[0].at) / MS;
          expect(admitted).toBeLessThanOrEqual(
            rule.limit + (elapsedMs * rule.limit) / rule.windowMs,
          );
        }),
      );
    });
  });
});
