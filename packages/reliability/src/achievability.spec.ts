import { checkTargetAchievability, formatPercent, ReliabilityError } from './index';

describe('checkTargetAchievability', () => {
  it('reports the specification message and the one-more-nine suggestion', () => {
    const result = checkTargetAchievability(0.9999, 0.997);
    expect(result.achievable).toBe(false);
    if (result.achievable) return;
    expect(result.message).toBe(
      'The desired target of 99.99% is unachievable. Composite availability bound is 99.70% given current dependency chain.',
    );
    expect(result.gap).toBeCloseTo(0.0029, 12);
    expect(result.suggestion.minimumDependencyAvailability).toBeCloseTo(0.99999, 15);
    expect(result.suggestion.message).toBe(
      "To achieve 99.99%, each critical dependency must be at least 99.999% (Google's 10x rule)",
    );
  });

  it('is achievable when the bound reaches the target', () => {
    expect(checkTargetAchievability(0.999, 0.999)).toEqual({
      achievable: true,
      target: 0.999,
      compositeBound: 0.999,
      headroom: 0,
    });
    const result = checkTargetAchievability(0.99, 0.995);
    expect(result.achievable && result.headroom).toBeCloseTo(0.005, 12);
  });

  it('lists the critical dependencies below the minimum, weakest first', () => {
    const result = checkTargetAchievability(0.999, 0.998, {
      dependencies: [
        { id: 'payments', availability: 0.9995 },
        { id: 'db', availability: 0.99995 },
        { id: 'auth', availability: 0.999 },
        { id: 'cache', availability: 0.9999 },
      ],
    });
    expect(result.achievable).toBe(false);
    if (result.achievable) return;
    expect(result.suggestion.dependenciesBelow.map((d) => d.id)).toEqual(['auth', 'payments']);
  });

  it('never prints the bound as high as the target', () => {
    const result = checkTargetAchievability(0.9999, 0.99989);
    expect(!result.achievable && result.message).toContain('bound is 99.989% given');
    const tight = checkTargetAchievability(0.999, 0.99899999);
    expect(!tight.achievable && tight.message).toContain('bound is 99.899999% given');
  });

  it('validates its inputs', () => {
    expect(() => checkTargetAchievability(99.99, 0.9)).toThrow(ReliabilityError);
    expect(() =>
      checkTargetAchievability(0.9, 0.9, { dependencies: [{ id: 'x', availability: 2 }] }),
    ).toThrow('dependencies[0].availability must be a ratio');
  });
});

describe('formatPercent', () => {
  it.each([
    [0.997, '99.70%'],
    [0.99999, '99.999%'],
    [0.9999, '99.99%'],
    [1, '100.00%'],
    [0, '0.00%'],
    [0.5, '50.00%'],
    [0.123456789, '12.345679%'],
  ])('formats %p as %p', (ratio, text) => {
    expect(formatPercent(ratio)).toBe(text);
  });

  it('honours the decimal limits', () => {
    expect(formatPercent(0.9989001, { maxDecimals: 2 })).toBe('99.89%');
    expect(formatPercent(0.5, { minDecimals: 0 })).toBe('50%');
    expect(formatPercent(0.55, { minDecimals: 0 })).toBe('55%');
    expect(formatPercent(0.555, { minDecimals: 0 })).toBe('55.5%');
  });
});
