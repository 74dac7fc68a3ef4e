import fc from 'fast-check';
import {
  AVAILABILITY_TIER_QUANTILES,
  bootstrapConfidenceInterval,
  DEFAULT_LATENCY_NOISE_MARGIN,
  deriveAvailabilityTiers,
  deriveLatencyTiers,
  MINUTES_PER_AVERAGE_MONTH,
  quantile,
} from './index';
import { codeOf, seededRandom } from './__fixtures__/helpers';

/** 30 days of hourly windows: mostly 99.95–100%, with a few bad hours. */
function hourlyHistory(seed: number): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: 720 }, () => {
    const u = random();
    if (u < 0.02) return 0.97 + random() * 0.02;
    if (u < 0.1) return 0.998 + random() * 0.0015;
    return 0.9995 + random() * 0.0005;
  });
}

describe('deriveAvailabilityTiers', () => {
  const windows = hourlyHistory(11);

  it('takes conservative, balanced and aggressive from the 0.1th, 1st and 5th percentiles', () => {
    const tiers = deriveAvailabilityTiers(windows, { random: seededRandom(1), resamples: 200 });
    expect(tiers.conservative.target).toBe(quantile(windows, 0.001));
    expect(tiers.balanced.target).toBe(quantile(windows, 0.01));
    expect(tiers.aggressive.target).toBe(quantile(windows, 0.05));
    expect(tiers.conservative.quantile).toBe(AVAILABILITY_TIER_QUANTILES.conservative);
    expect(tiers.windowCount).toBe(720);
    expect(tiers.compositeBound).toBeNull();
    expect(tiers.balanced.cappedByCompositeBound).toBe(false);
  });

  it('orders the tiers: conservative ≤ balanced ≤ aggressive', () => {
    const { conservative, balanced, aggressive } = deriveAvailabilityTiers(windows, {
      random: seededRandom(2),
      resamples: 100,
    });
    expect(conservative.target).toBeLessThan(balanced.target);
    expect(balanced.target).toBeLessThan(aggressive.target);
    expect(conservative.breachProbability).toBeLessThanOrEqual(balanced.breachProbability);
    expect(balanced.breachProbability).toBeLessThanOrEqual(aggressive.breachProbability);
  });

  it('reports the share of windows below each target as its breach probability', () => {
    const tiers = deriveAvailabilityTiers(windows, { random: seededRandom(3), resamples: 50 });
    for (const tier of [tiers.conservative, tiers.balanced, tiers.aggressive]) {
      expect(tier.breachProbability).toBe(windows.filter((w) => w < tier.target).length / 720);
    }
    // By construction the p-th quantile is breached in about p of the windows.
    expect(tiers.aggressive.breachProbability).toBeCloseTo(0.05, 2);
  });

  it('caps balanced by the composite bound and keeps conservative at or under it', () => {
    const bound = (quantile(windows, 0.01) + quantile(windows, 0.05)) / 2 - 0.0005;
    const low = Math.min(bound, quantile(windows, 0.01) - 1e-6);
    const tiers = deriveAvailabilityTiers(windows, {
      random: seededRandom(4),
      resamples: 50,
      compositeBound: low,
    });
    expect(tiers.balanced.target).toBe(low);
    expect(tiers.balanced.cappedByCompositeBound).toBe(true);
    expect(tiers.conservative.target).toBeLessThanOrEqual(low);
    expect(tiers.compositeBound).toBe(low);
    expect(tiers.aggressive.target).toBe(quantile(windows, 0.05));
    expect(tiers.aggressive.exceedsCompositeBound).toBe(true);
    expect(tiers.aggressive.cappedByCompositeBound).toBe(false);
    expect(tiers.balanced.exceedsCompositeBound).toBe(false);
  });

  it('caps conservative too when the bound is below the 0.1th percentile', () => {
    const tiers = deriveAvailabilityTiers(windows, {
      random: seededRandom(5),
      resamples: 50,
      compositeBound: 0.9,
    });
    expect(tiers.conservative.target).toBe(0.9);
    expect(tiers.balanced.target).toBe(0.9);
    expect(tiers.conservative.cappedByCompositeBound).toBe(true);
    expect(tiers.conservative.confidenceInterval).toEqual([0.9, 0.9]);
  });

  it('gives each tier its error budget for the chosen window', () => {
    const tiers = deriveAvailabilityTiers(windows, {
      random: seededRandom(6),
      resamples: 20,
      windowMinutes: MINUTES_PER_AVERAGE_MONTH,
    });
    expect(tiers.balanced.errorBudget.minutes).toBeCloseTo(
      (1 - tiers.balanced.target) * MINUTES_PER_AVERAGE_MONTH,
      9,
    );
  });

  it('bootstraps the same capped statistic as the plain bootstrap, resample for resample', () => {
    const bound = quantile(windows, 0.01) - 0.0001;
    const tiers = deriveAvailabilityTiers(windows, {
      random: seededRandom(7),
      resamples: 300,
      level: 0.9,
      compositeBound: bound,
    });
    // The tiers draw one resample for all three statistics, so each interval must equal the
    // plain bootstrap of that statistic under the same seed.
    const plain = (statistic: (s: Float64Array) => number): readonly [number, number] =>
      bootstrapConfidenceInterval(windows, statistic, {
        random: seededRandom(7),
        resamples: 300,
        level: 0.9,
      });
    expect(tiers.balanced.confidenceInterval).toEqual(
      plain((s) => Math.min(quantile(s, 0.01), bound)),
    );
    expect(tiers.aggressive.confidenceInterval).toEqual(plain((s) => quantile(s, 0.05)));
    expect(tiers.conservative.confidenceInterval).toEqual(
      plain((s) => Math.min(quantile(s, 0.001), bound)),
    );
  });

  it('validates its inputs', () => {
    const random = seededRandom(8);
    expect(codeOf(() => deriveAvailabilityTiers([], { random }))).toBe('RELIABILITY.EMPTY_INPUT');
    expect(codeOf(() => deriveAvailabilityTiers([99.9], { random }))).toBe(
      'RELIABILITY.INVALID_RATIO',
    );
    expect(codeOf(() => deriveAvailabilityTiers([0.9], { random, compositeBound: 2 }))).toBe(
      'RELIABILITY.INVALID_RATIO',
    );
    expect(
      codeOf(() =>
        deriveAvailabilityTiers([0.9], undefined as unknown as { random: () => number }),
      ),
    ).toBe('RELIABILITY.INVALID_ARGUMENT');
  });

  it('keeps conservative ≤ balanced ≤ aggressive for any history and bound', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
        fc.integer(),
        (history, compositeBound, seed) => {
          const tiers = deriveAvailabilityTiers(history, {
            random: seededRandom(seed),
            resamples: 20,
            compositeBound,
          });
          expect(tiers.conservative.target).toBeLessThanOrEqual(tiers.balanced.target);
          expect(tiers.balanced.target).toBeLessThanOrEqual(tiers.aggressive.target);
          if (compositeBound !== undefined) {
            expect(tiers.balanced.target).toBeLessThanOrEqual(compositeBound);
          }
          for (const tier of [tiers.conservative, tiers.balanced, tiers.aggressive]) {
            expect(tier.confidenceInterval[0]).toBeLessThanOrEqual(tier.confidenceInterval[1]);
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('deriveLatencyTiers', () => {
  const random = seededRandom(21);
  // Log-normal-ish latencies around 200 ms with a long tail.
  const latencies = Array.from({ length: 2000 }, () => 200 * Math.exp(0.5 * gaussian(random)));

  it('adds the noise margin to p99.9 and p99 but not to p95', () => {
    const tiers = deriveLatencyTiers(latencies, {
      random: seededRandom(1),
      resamples: 100,
      noiseMargin: 0.05,
    });
    expect(tiers.conservative.observedMs).toBe(quantile(latencies, 0.999));
    expect(tiers.conservative.targetMs).toBeCloseTo(quantile(latencies, 0.999) * 1.05, 9);
    expect(tiers.balanced.targetMs).toBeCloseTo(quantile(latencies, 0.99) * 1.05, 9);
    expect(tiers.aggressive.targetMs).toBe(quantile(latencies, 0.95));
    expect([
      tiers.conservative.percentile,
      tiers.balanced.percentile,
      tiers.aggressive.percentile,
    ]).toEqual(['p99.9', 'p99', 'p95']);
    expect(tiers.noiseMargin).toBe(0.05);
    expect(tiers.sampleCount).toBe(2000);
  });

  it('defaults the margin to 10%', () => {
    const tiers = deriveLatencyTiers(latencies, { random: seededRandom(2), resamples: 10 });
    expect(tiers.noiseMargin).toBe(DEFAULT_LATENCY_NOISE_MARGIN);
    expect(tiers.balanced.targetMs).toBeCloseTo(quantile(latencies, 0.99) * 1.1, 9);
  });

  it('counts observations above each target as breaches', () => {
    const tiers = deriveLatencyTiers(latencies, { random: seededRandom(3), resamples: 10 });
    for (const tier of [tiers.conservative, tiers.balanced, tiers.aggressive]) {
      expect(tier.breachProbability).toBe(
        latencies.filter((l) => l > tier.targetMs).length / latencies.length,
      );
    }
    expect(tiers.aggressive.breachProbability).toBeCloseTo(0.05, 2);
  });

  it('bootstraps each tier like the plain bootstrap does', () => {
    const tiers = deriveLatencyTiers(latencies, {
      random: seededRandom(4),
      resamples: 200,
      noiseMargin: 0.07,
    });
    expect(tiers.balanced.confidenceInterval).toEqual(
      bootstrapConfidenceInterval(latencies, (s) => quantile(s, 0.99) * 1.07, {
        random: seededRandom(4),
        resamples: 200,
      }),
    );
  });

  it('validates its inputs', () => {
    const r = seededRandom(5);
    expect(codeOf(() => deriveLatencyTiers([], { random: r }))).toBe('RELIABILITY.EMPTY_INPUT');
    expect(codeOf(() => deriveLatencyTiers([-1], { random: r }))).toBe(
      'RELIABILITY.INVALID_ARGUMENT',
    );
    expect(codeOf(() => deriveLatencyTiers([1], { random: r, noiseMargin: 5 }))).toBe(
      'RELIABILITY.INVALID_ARGUMENT',
    );
  });

  it('keeps conservative ≥ balanced ≥ aggressive in milliseconds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e5, noNaN: true }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, noiseMargin) => {
          const tiers = deriveLatencyTiers(values, {
            random: seededRandom(values.length),
            resamples: 10,
            noiseMargin,
          });
          expect(tiers.conservative.targetMs).toBeGreaterThanOrEqual(tiers.balanced.targetMs);
          expect(tiers.balanced.targetMs).toBeGreaterThanOrEqual(tiers.aggressive.targetMs);
        },
      ),
      { numRuns: 100 },
    );
  });
});

function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
