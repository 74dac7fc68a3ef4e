import { type CanaryPolicy, type CanaryTargets, type SliSnapshot } from '@slo-engine/registry';
import { DomainError } from '../../shared/domain-error';
import { SloBook } from '../slo-enforcement/slo-book';
import { type StoredCanaryPolicy } from '../registry-store.port';
import { CANARY_AUTO_ROLLBACK_ACTOR, CanaryBook } from './canary-book';

const T0 = Date.parse('2026-03-01T00:00:00.000Z');
const CHECK_EVERY_MS = 30_000;
const CAP = 'greet:hello';

const policy = (over: Partial<CanaryPolicy> = {}): CanaryPolicy => ({
  stableVersion: '1.0.0',
  canaryVersion: '1.1.0',
  percentage: 10,
  ...over,
});

const sli = (requests: number, failures = 0, p95Ms = 40): SliSnapshot => ({
  requests,
  failures,
  availability: requests === 0 ? 1 : (requests - failures) / requests,
  ...(requests === 0 ? {} : { p50Ms: 20, p95Ms, p99Ms: p95Ms * 1.5 }),
  windowMs: 300_000,
});

const TARGETS: CanaryTargets = { p95Ms: 100, availability: 0.99 };

/** A scripted world: what each version looks like at the next check. */
class Scenario {
  canary: SliSnapshot = sli(100);
  stable: SliSnapshot = sli(1_000);
  readonly sli = (_capability: string, version: string): SliSnapshot =>
    version === '1.1.0' ? this.canary : this.stable;
  readonly targets = (capability: string): CanaryTargets | undefined =>
    capability === CAP ? TARGETS : undefined;
}

const healthy = (): SliSnapshot => sli(100);
const violating = (): SliSnapshot => sli(100, 0, 250); // p95 250 ms > 100 ms
const quiet = (): SliSnapshot => sli(5);

describe('CanaryBook', () => {
  let clock: number;
  const tick = (): number => (clock += CHECK_EVERY_MS);
  beforeEach(() => {
    clock = T0;
  });

  describe('policies', () => {
    it('sets, gets, lists and removes policies with who and when', () => {
      const book = new CanaryBook();
      const stored = book.set(CAP, policy(), 'alice', clock);
      expect(stored).toEqual({
        capability: CAP,
        policy: policy(),
        updatedAt: T0,
        updatedBy: 'alice',
      });
      book.set('a:first', policy({ percentage: 50 }), 'bob', clock);
      expect(book.get(CAP)).toEqual({ ...stored, consecutiveViolations: 0 });
      expect(book.list().map((s) => s.capability)).toEqual(['a:first', CAP]);
      expect(book.remove(CAP)).toBe(true);
      expect(book.remove(CAP)).toBe(false);
      expect(book.get(CAP)).toBeUndefined();
    });

    it('keeps its own frozen copy of the policy', () => {
      const book = new CanaryBook();
      const cohort = ['tenant-1'];
      book.set(CAP, policy({ cohort }), 'alice', clock);
      cohort.push('tenant-2');
      expect(book.get(CAP)?.policy.cohort).toEqual(['tenant-1']);
      expect(Object.isFrozen(book.get(CAP)?.policy)).toBe(true);
    });

    it('rejects a malformed policy or identical versions with CONTROLLER.INVALID_CANARY', () => {
      const book = new CanaryBook();
      for (const bad of [
        policy({ percentage: 101 }),
        policy({ stableVersion: '' }),
        policy({ canaryVersion: '1.0.0' }),
      ]) {
        try {
          book.set(CAP, bad, 'alice', clock);
          throw new Error('expected a DomainError');
        } catch (error) {
          expect(error).toBeInstanceOf(DomainError);
          expect((error as DomainError).code).toBe('CONTROLLER.INVALID_CANARY');
        }
      }
      expect(book.get(CAP)).toBeUndefined();
    });

    it('assigns keys through the policy (sticky), or nothing without one', () => {
      const book = new CanaryBook();
      expect(book.assign(CAP, 'tenant-1')).toBeUndefined();
      book.set(CAP, policy({ percentage: 100 }), 'alice', clock);
      expect(book.assign(CAP, 'tenant-1')).toEqual({
        side: 'canary',
        version: '1.1.0',
        reason: 'percentage',
      });
      book.set(CAP, policy({ percentage: 0, cohort: ['vip'] }), 'alice', clock);
      expect(book.assign(CAP, 'vip')?.side).toBe('canary');
      expect(book.assign(CAP, 'tenant-1')?.side).toBe('stable');
    });

    it('restores persisted policies and skips malformed ones with the reason', () => {
      const book = new CanaryBook();
      book.set('old:one', policy(), 'alice', clock);
      const rolledBack: StoredCanaryPolicy = {
        capability: CAP,
        policy: policy({ percentage: 0 }),
        updatedAt: T0,
        updatedBy: CANARY_AUTO_ROLLBACK_ACTOR,
        rolledBack: { at: T0, reason: 'p95' },
      };
      const broken: StoredCanaryPolicy = {
        capability: 'bad:one',
        policy: policy({ percentage: -5 }),
        updatedAt: T0,
        updatedBy: 'bob',
      };
      const skipped = book.restore([rolledBack, broken]);
      expect(skipped).toEqual([
        { capability: 'bad:one', reason: expect.stringContaining('percentage') as string },
      ]);
      expect(book.list()).toEqual([{ ...rolledBack, consecutiveViolations: 0 }]);
    });
  });

  describe('check and automatic rollback', () => {
    it(`rolls back after exactly rollbackAfter consecutive violations, not before`, () => {
      const book = new CanaryBook({ rollbackAfter: 3 });
      book.set(CAP, policy({ percentage: 25, darkLaunch: true, cohort: ['vip'] }), 'alice', clock);
      const world = new Scenario();
      world.canary = violating();
      expect(book.check(tick(), world.sli, world.targets)).toEqual([]);
      expect(book.check(tick(), world.sli, world.targets)).toEqual([]);
      expect(book.get(CAP)?.consecutiveViolations).toBe(2);
      expect(book.get(CAP)?.policy.percentage).toBe(25);

      const at = tick();
      const rollbacks = book.check(at, world.sli, world.targets);
      expect(rollbacks).toHaveLength(1);
      const [rollback] = rollbacks;
      expect(rollback?.capability).toBe(CAP);
      expect(rollback?.health.verdict).toBe('violating');
      expect(rollback?.stored).toEqual({
        capability: CAP,
        policy: {
          stableVersion: '1.0.0',
          canaryVersion: '1.1.0',
          percentage: 0,
          darkLaunch: false,
        },
        updatedAt: at,
        updatedBy: CANARY_AUTO_ROLLBACK_ACTOR,
        rolledBack: { at, reason: rollback?.reason },
      });
      expect(rollback?.reason).toBe(
        'canary 1.1.0 violated in 3 consecutive checks (canary p95 latency 250 ms > target 100 ms (stable 40 ms)); rolled back to stable 1.0.0 (was 25 %, dark launch, cohort of 1 keys)',
      );
      expect(book.get(CAP)).toMatchObject({ ...rollback?.stored, consecutiveViolations: 0 });
      // Every key, the cohort's too, is back on stable; the policy is no longer judged.
      expect(book.assign(CAP, 'vip')).toEqual({
        side: 'stable',
        version: '1.0.0',
        reason: 'percentage',
      });
      expect(book.check(tick(), world.sli, world.targets)).toEqual([]);
      expect(book.check(tick(), world.sli, world.targets)).toEqual([]);
      expect(book.check(tick(), world.sli, world.targets)).toEqual([]);
    });

    it('honours a configured rollbackAfter', () => {
      const book = new CanaryBook({ rollbackAfter: 5 });
      book.set(CAP, policy(), 'alice', clock);
      const world = new Scenario();
      world.canary = violating();
      for (let i = 0; i < 4; i++) expect(book.check(tick(), world.sli, world.targets)).toEqual([]);
      expect(book.check(tick(), world.sli, world.targets)).toHaveLength(1);
    });

    it('a healthy check in between resets the count', () => {
      const book = new CanaryBook({ rollbackAfter: 3 });
      book.set(CAP, policy(), 'alice', clock);
      const world = new Scenario();
      world.canary = violating();
      book.check(tick(), world.sli, world.targets);
      book.check(tick(), world.sli, world.targets);
      world.canary = healthy();
      book.check(tick(), world.sli, world.targets);
      expect(book.get(CAP)?.consecutiveViolations).toBe(0);
      expect(book.get(CAP)?.lastHealth?.verdict).toBe('healthy');
      world.canary = violating();
      expect(book.check(tick(), world.sli, world.targets)).toEqual([]);
      expect(book.check(tick(), world.sli, world.targets)).toEqual([]);
      expect(book.check(tick(), world.sli, world.targets)).toHaveLength(1);
    });

    it('insufficient data neither trips nor resets', () => {
      const book = new CanaryBook({ rollbackAfter: 3 });
      book.set(CAP, policy(), 'alice', clock);
      const world = new Scenario();
      world.canary = quiet();
      for (let i = 0; i < 10; i++) expect(book.check(tick(), world.sli, world.targets)).toEqual([]);
      expect(book.get(CAP)?.lastHealth?.verdict).toBe('insufficient_data');
      world.canary = violating();
      book.check(tick(), world.sli, world.targets);
      book.check(tick(), world.sli, world.targets);
      world.canary = quiet();
      expect(book.check(tick(), world.sli, world.targets)).toEqual([]);
      expect(book.get(CAP)?.consecutiveViolations).toBe(2);
      world.canary = violating();
      expect(book.check(tick(), world.sli, world.targets)).toHaveLength(1);
    });

    it('judges the burn rate against stable when the capability has no targets', () => {
      const book = new CanaryBook({ rollbackAfter: 1, burnRateFactor: 2 });
      book.set('no:slo', policy(), 'alice', clock);
      const world = new Scenario();
      world.stable = sli(1_000, 10); // 1 % errors: the canary may reach 2 %
      world.canary = sli(100, 2);
      expect(book.check(tick(), world.sli, world.targets)).toEqual([]);
      world.canary = sli(100, 3);
      const [rollback] = book.check(tick(), world.sli, world.targets);
      expect(rollback?.health.violations.map((v) => v.metric)).toEqual(['error_rate']);
    });

    it('skips policies that send nothing to the canary, and judges dark launches and cohorts', () => {
      const book = new CanaryBook({ rollbackAfter: 1 });
      book.set('a:idle', policy({ percentage: 0 }), 'alice', clock);
      book.set('b:dark', policy({ percentage: 0, darkLaunch: true }), 'alice', clock);
      book.set('c:cohort', policy({ percentage: 0, cohort: ['vip'] }), 'alice', clock);
      const asked: string[] = [];
      const rollbacks = book.check(
        tick(),
        (capability, version) => {
          asked.push(`${capability}@${version}`);
          return version === '1.1.0' ? sli(100, 50) : sli(1_000);
        },
        () => undefined,
      );
      expect(rollbacks.map((r) => r.capability)).toEqual(['b:dark', 'c:cohort']);
      expect(asked).not.toContain('a:idle@1.1.0');
      expect(book.get('a:idle')?.lastHealth).toBeUndefined();
    });

    it('set() after a rollback starts afresh: counters reset, rolledBack cleared', () => {
      const book = new CanaryBook({ rollbackAfter: 2 });
      book.set(CAP, policy(), 'alice', clock);
      const world = new Scenario();
      world.canary = violating();
      book.check(tick(), world.sli, world.targets);
      expect(book.check(tick(), world.sli, world.targets)).toHaveLength(1);
      expect(book.get(CAP)?.rolledBack).toBeDefined();
      book.set(CAP, policy({ canaryVersion: '1.1.1' }), 'alice', tick());
      expect(book.get(CAP)?.rolledBack).toBeUndefined();
      expect(book.get(CAP)?.lastHealth).toBeUndefined();
      world.canary = violating();
      expect(book.check(tick(), world.sli, world.targets)).toEqual([]); // 1.1.1 is "stable" here
    });

    it('works end to end with the SloBook windows and targets', () => {
      const slos = new SloBook();
      const book = new CanaryBook({ rollbackAfter: 3 });
      book.set(CAP, policy(), 'alice', clock);
      const rollbacks = [];
      for (let check = 0; check < 3; check++) {
        const now = tick();
        for (let i = 0; i < 50; i++) {
          slos.record(CAP, '1.0.0', 10, true, now - 1);
          slos.record(CAP, '1.1.0', 10, i % 5 !== 0, now - 1); // 20 % failures
        }
        rollbacks.push(
          ...book.check(
            now,
            (capability, version) => slos.snapshot(capability, now, version),
            (capability) => slos.canaryTargets(capability),
          ),
        );
        expect(rollbacks).toHaveLength(check === 2 ? 1 : 0);
      }
      expect(rollbacks[0]?.health.reasons[0]).toContain('canary error rate 20 %');
    });
  });

  it('rejects malformed options with VALIDATION.INVALID_INPUT', () => {
    expect(() => new CanaryBook({ rollbackAfter: 0 })).toThrow(DomainError);
    expect(() => new CanaryBook({ minRequests: 1.5 })).toThrow(DomainError);
    expect(() => new CanaryBook({ burnRateFactor: -1 })).toThrow(DomainError);
  });
});
