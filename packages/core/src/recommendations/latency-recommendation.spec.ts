import { ceilLatency, noiseMarginFor, recommendLatency } from './latency-recommendation';
import { histogramQuantile, sumHistograms } from './telemetry-analysis';
import { type LatencyHistogramSeries } from './telemetry.port';

const BOUNDS = [50, 100, 200, 400, 800, 1600, Infinity];
const CALM = [300, 800, 950, 985, 995, 999, 1000];
const BAD = [100, 300, 600, 800, 900, 960, 1000];
const PROVENANCE = {
  dependencyGraphSnapshotId: '1',
  lookbackWindowStart: new Date('2026-01-01T00:00:00.000Z'),
  lookbackWindowEnd: new Date('2026-01-31T00:00:00.000Z'),
  dataCompleteness: 1,
};

/** 30 days of hourly histograms; day 12 is a bad day. */
function series(): LatencyHistogramSeries {
  return {
    start: PROVENANCE.lookbackWindowStart,
    stepSeconds: 3600,
    boundsMs: BOUNDS,
    buckets: Array.from({ length: 30 * 24 }, (_, h) => (Math.floor(h / 24) === 12 ? BAD : CALM)),
  };
}

describe('recommendLatency', () => {
  it('bases Conservative on the worst day’s p99.9, Balanced on the p99, Aggressive on the p95', () => {
    const histograms = series();
    const recommendation = recommendLatency({
      serviceId: 'api',
      archetype: 'backend_service',
      histograms,
      throttling: 0,
      days: 30,
      coldStart: false,
      provenance: PROVENANCE,
    });
    const total = sumHistograms(histograms);
    const margin = noiseMarginFor(0);
    const worstDay = histogramQuantile(
      0.999,
      BOUNDS,
      BAD.map((count) => count * 24),
    )!;
    expect(recommendation.tiers.conservative.targetMs).toBe(ceilLatency(worstDay * (1 + margin)));
    expect(recommendation.tiers.balanced.targetMs).toBe(
      ceilLatency(histogramQuantile(0.99, BOUNDS, total)! * (1 + margin)),
    );
    expect(recommendation.tiers.aggressive.targetMs).toBe(
      ceilLatency(histogramQuantile(0.95, BOUNDS, total)!),
    );
    // No day's p99.9 exceeds the Conservative target; the bad day's p99 exceeds Balanced.
    expect(recommendation.tiers.conservative.estimatedBreachProbability).toBe(0);
    expect(recommendation.tiers.balanced.estimatedBreachProbability).toBeCloseTo(1 / 30, 4);
  });
});
