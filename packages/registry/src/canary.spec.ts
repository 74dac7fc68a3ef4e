import fc from 'fast-check';
import { assignCanary, canaryBucket, hash32, type CanaryPolicy } from './canary';
import { RegistryError } from './errors';

const policy = (over: Partial<CanaryPolicy> = {}): CanaryPolicy => ({
  stableVersion: '1.0.0',
  canaryVersion: '1.1.0',
  percentage: 10,
  ...over,
});

describe('hash32', () => {
  it('is FNV-1a based, deterministic and 32-bit unsigned', () => {
    expect(hash32('abc')).toBe(hash32('abc'));
    expect(hash32('')).toBeGreaterThanOrEqual(0);
    fc.assert(
      fc.property(fc.string(), (s) => Number.isInteger(hash32(s)) && hash32(s) >>> 0 === hash32(s)),
    );
  });
});

describe('assignCanary', () => {
  it('0 % is always stable and 100 % always canary', () => {
    fc.assert(
      fc.property(fc.string(), (key) => {
        expect(assignCanary(policy({ percentage: 0 }), key).side).toBe('stable');
        expect(assignCanary(policy({ percentage: 100 }), key)).toEqual({
          side: 'canary',
          version: '1.1.0',
          reason: 'percentage',
        });
      }),
    );
  });

  it('is sticky: the same key lands on the same side across 10,000 calls', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: 100 }), (key, percentage) => {
        const p = policy({ percentage });
        const first = assignCanary(p, key).side;
        for (let i = 0; i < 10_000; i++) if (assignCanary(p, key).side !== first) return false;
        return true;
      }),
      { numRuns: 20 },
    );
  });

  it('puts the canary share within ±2 % of the percentage over 10,000 random keys', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 100 }),
        fc.array(fc.uuid(), { minLength: 10_000, maxLength: 10_000 }),
        (percentage, keys) => {
          const p = policy({ percentage });
          const canary = keys.filter((k) => assignCanary(p, k).side === 'canary').length;
          expect(Math.abs((canary / keys.length) * 100 - percentage)).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('keeps the share for sequential keys too (device-0 … device-9999)', () => {
    for (const percentage of [1, 5, 10, 25, 50, 90]) {
      const p = policy({ percentage });
      let canary = 0;
      for (let i = 0; i < 10_000; i++)
        if (assignCanary(p, `device-${i}`).side === 'canary') canary++;
      expect(Math.abs(canary / 100 - percentage)).toBeLessThanOrEqual(2);
    }
  });

  it('raising the percentage only moves keys from stable to canary', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.integer({ min: 0, max: 100 }),
        fc.integer({ min: 0, max: 100 }),
        (key, a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          if (assignCanary(policy({ percentage: lo }), key).side === 'canary')
            expect(assignCanary(policy({ percentage: hi }), key).side).toBe('canary');
        },
      ),
    );
  });

  it('the cohort overrides the percentage', () => {
    expect(assignCanary(policy({ percentage: 0, cohort: ['tenant-a'] }), 'tenant-a')).toEqual({
      side: 'canary',
      version: '1.1.0',
      reason: 'cohort',
    });
    expect(assignCanary(policy({ percentage: 0, cohort: ['tenant-a'] }), 'tenant-b').side).toBe(
      'stable',
    );
  });

  it('dark launch answers from stable and mirrors canary-side keys', () => {
    expect(assignCanary(policy({ percentage: 100, darkLaunch: true }), 'k')).toEqual({
      side: 'stable',
      version: '1.0.0',
      mirrorVersion: '1.1.0',
      reason: 'percentage',
    });
    expect(assignCanary(policy({ percentage: 0, darkLaunch: true }), 'k')).toEqual({
      side: 'stable',
      version: '1.0.0',
      reason: 'percentage',
    });
  });

  it('the salt changes which keys are picked', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `k${i}`);
    const a = keys.map((k) => canaryBucket(k, 'greet:hello'));
    const b = keys.map((k) => canaryBucket(k, 'greet:bye'));
    expect(a).not.toEqual(b);
  });

  it.each([[-1], [100.5], [Number.NaN]])('rejects percentage %p', (percentage) => {
    expect(() => assignCanary(policy({ percentage }), 'k')).toThrow(RegistryError);
    expect(() => assignCanary(policy({ percentage }), 'k')).toThrow(
      /^@slo-engine\/registry: canary policy/,
    );
  });

  it('rejects empty versions', () => {
    expect(() => assignCanary(policy({ canaryVersion: '' }), 'k')).toThrow(RegistryError);
    expect(() => assignCanary(policy({ stableVersion: '' }), 'k')).toThrow(RegistryError);
  });
});
