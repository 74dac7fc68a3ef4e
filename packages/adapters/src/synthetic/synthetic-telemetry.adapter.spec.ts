import {
  AGGREGATE_WINDOWS,
  DomainError,
  FixedClock,
  type RequestCounts,
  TelemetrySource,
} from '@slo-engine/core';

import { LATENCY_BUCKET_BOUNDS_MS, SyntheticFleet } from './synthetic-fleet';
import { SyntheticTelemetrySource } from './synthetic-telemetry.adapter';

const ORIGIN = new Date('2026-01-05T00:00:00Z');
const HOUR = 3_600_000;
const at = (hours: number) => new Date(ORIGIN.getTime() + hours * HOUR);

const fleet = new SyntheticFleet({
  services: [
    { serviceId: 'web-gateway' },
    { serviceId: 'checkout' },
    { serviceId: 'payments' },
    { serviceId: 'fresh-service' },
  ],
  edges: [
    { source: 'web-gateway', target: 'checkout' },
    { source: 'checkout', target: 'payments' },
  ],
  seed: 'adapter',
  origin: ORIGIN,
  overrides: { 'fresh-service': { firstSeenAt: at(24 * 10 + 0.5) } },
});
const source = new SyntheticTelemetrySource(fleet);

function sum(buckets: readonly (RequestCounts | null)[]): RequestCounts {
  return buckets.reduce<RequestCounts>(
    (acc, b) => ({ good: acc.good + (b?.good ?? 0), total: acc.total + (b?.total ?? 0) }),
    { good: 0, total: 0 },
  );
}

/** An independent histogram_quantile: expand per-bucket counts, walk them, interpolate. */
function referenceQuantile(q: number, cumulative: readonly number[]): number {
  const perBucket = cumulative.map((c, j) => c - (j === 0 ? 0 : cumulative[j - 1]));
  const total = cumulative[cumulative.length - 1];
  const rank = q * total;
  let below = 0;
  for (let j = 0; j < perBucket.length; j++) {
    if (below + perBucket[j] >= rank && perBucket[j] > 0) {
      const upper = LATENCY_BUCKET_BOUNDS_MS[j];
      if (upper === Infinity) return LATENCY_BUCKET_BOUNDS_MS[j - 1];
      const lower = j === 0 ? 0 : LATENCY_BUCKET_BOUNDS_MS[j - 1];
      return lower + ((upper - lower) * (rank - below)) / perBucket[j];
    }
    below += perBucket[j];
  }
  return NaN;
}

describe('SyntheticTelemetrySource', () => {
  it('is a TelemetrySource and healthy', async () => {
    expect(source).toBeInstanceOf(TelemetrySource);
    const health = await source.checkHealth();
    expect(health.ok).toBe(true);
    expect(health.detail).toContain('4 services');
  });

  it('answers hourly buckets with the model hours', async () => {
    const series = await source.requestCounts('checkout', { start: at(5), end: at(29) }, 3600);
    expect(series.start).toEqual(at(5));
    expect(series.stepSeconds).toBe(3600);
    expect(series.buckets).toHaveLength(24);
    series.buckets.forEach((bucket, i) => {
      const hour = fleet.hour('checkout', 5 + i);
      expect(bucket).toEqual({ good: hour.good, total: hour.total });
    });
  });

  it('aggregates multi-hour steps to exactly the sum of the hours', async () => {
    const range = { start: at(0), end: at(24 * 14) };
    const hourly = await source.requestCounts('web-gateway', range, 3600);
    const sixHourly = await source.requestCounts('web-gateway', range, 6 * 3600);
    expect(sixHourly.buckets).toHaveLength(14 * 4);
    sixHourly.buckets.forEach((bucket, i) => {
      expect(bucket).toEqual(sum(hourly.buckets.slice(i * 6, i * 6 + 6)));
    });
    const daily = await source.latencyHistograms('web-gateway', range, 86_400);
    const hourlyHist = await source.latencyHistograms('web-gateway', range, 3600);
    daily.buckets.forEach((bucket, d) => {
      const expected = LATENCY_BUCKET_BOUNDS_MS.map((_, j) =>
        hourlyHist.buckets.slice(d * 24, d * 24 + 24).reduce((a, h) => a + h![j], 0),
      );
      expect(bucket).toEqual(expected);
    });
  });

  it('spreads an hour evenly over steps under an hour', async () => {
    const quarter = await source.requestCounts('payments', { start: at(3), end: at(5) }, 900);
    expect(quarter.buckets).toHaveLength(8);
    for (let h = 0; h < 2; h++) {
      const hour = fleet.hour('payments', 3 + h);
      for (let q = 0; q < 4; q++) {
        const bucket = quarter.buckets[h * 4 + q]!;
        expect(bucket.total).toBeCloseTo(hour.total / 4, 9);
        expect(bucket.good).toBeCloseTo(hour.good / 4, 9);
      }
    }
  });

  it('clips the last bucket to the end of the range; totals equal the sum of buckets', async () => {
    const range = { start: at(1.25), end: at(50.5) };
    const series = await source.requestCounts('checkout', range, 4 * 3600);
    expect(series.buckets).toHaveLength(Math.ceil(49.25 / 4));
    const totals = await source.requestTotals(['checkout', 'payments', 'unknown'], range);
    expect([...totals.keys()]).toEqual(['checkout', 'payments']);
    const summed = sum(series.buckets);
    expect(totals.get('checkout')!.total).toBeCloseTo(summed.total, 6);
    expect(totals.get('checkout')!.good).toBeCloseTo(summed.good, 6);
  });

  it('answers null buckets before firstSeenAt and for unknown services', async () => {
    const range = { start: at(24 * 9), end: at(24 * 12) };
    const series = await source.requestCounts('fresh-service', range, 3600);
    // Day 9 and the first 24 h of day 10 lie before 10 d 0.5 h: 24 + 0 nulls, then a partial hour.
    expect(series.buckets.slice(0, 24).every((b) => b === null)).toBe(true);
    const partial = series.buckets[24]!;
    expect(partial.total).toBeCloseTo(fleet.hour('fresh-service', 240).total / 2, 9);
    expect(series.buckets.slice(25).every((b) => b !== null)).toBe(true);

    const histograms = await source.latencyHistograms('fresh-service', range, 3600);
    expect(histograms.buckets[0]).toBeNull();
    expect(histograms.boundsMs).toEqual(LATENCY_BUCKET_BOUNDS_MS);

    const unknown = await source.requestCounts('nope', range, 86_400);
    expect(unknown.buckets).toEqual([null, null, null]);
    await expect(source.cpuThrottling('nope', range)).resolves.toBeNull();
    await expect(
      source.cpuThrottling('fresh-service', { start: at(0), end: at(24) }),
    ).resolves.toBeNull();
    const before = await source.requestTotals(['fresh-service'], { start: at(0), end: at(24) });
    expect(before.size).toBe(0);
  });

  it('ends telemetry at the clock when given one', async () => {
    const clock = new FixedClock(at(30));
    const live = new SyntheticTelemetrySource(fleet, { clock });
    const series = await live.requestCounts('checkout', { start: at(24), end: at(36) }, 3600);
    expect(series.buckets.slice(0, 6).every((b) => b !== null)).toBe(true);
    expect(series.buckets.slice(6).every((b) => b === null)).toBe(true);
    clock.set(at(40));
    const later = await live.requestCounts('checkout', { start: at(24), end: at(36) }, 3600);
    expect(later.buckets.every((b) => b !== null)).toBe(true);
  });

  it('computes CPU throttling as throttled seconds per second', async () => {
    const range = { start: at(10), end: at(20) };
    let throttled = 0;
    for (let h = 10; h < 20; h++) throttled += fleet.hour('checkout', h).throttledSeconds;
    await expect(source.cpuThrottling('checkout', range)).resolves.toBeCloseTo(
      throttled / 36_000,
      9,
    );
  });

  it('computes fleet aggregates whose quantiles match an independent computation', async () => {
    const end = at(24 * 30);
    const aggregates = await source.fleetAggregates('7d', end);
    expect([...aggregates.keys()].sort()).toEqual(
      ['checkout', 'fresh-service', 'payments', 'web-gateway'].sort(),
    );
    for (const [id, aggregate] of aggregates) {
      const cumulative = LATENCY_BUCKET_BOUNDS_MS.map(() => 0);
      let good = 0;
      let total = 0;
      for (let h = 24 * 23; h < 24 * 30; h++) {
        const hour = fleet.hour(id, h);
        good += hour.good;
        total += hour.total;
        hour.latencyBucketCounts.forEach((c, j) => (cumulative[j] += c));
      }
      expect(aggregate.good).toBe(good);
      expect(aggregate.total).toBe(total);
      const { p50, p95, p99 } = aggregate.latencyMs!;
      expect(p50).toBeCloseTo(referenceQuantile(0.5, cumulative), 9);
      expect(p95).toBeCloseTo(referenceQuantile(0.95, cumulative), 9);
      expect(p99).toBeCloseTo(referenceQuantile(0.99, cumulative), 9);
      expect(p50).toBeLessThanOrEqual(p95);
      expect(p95).toBeLessThanOrEqual(p99);
    }
    // A window entirely before a service's first sample leaves it out.
    const early = await source.fleetAggregates('1d', at(24 * 5));
    expect(early.has('fresh-service')).toBe(false);
    expect(early.size).toBe(3);
    for (const window of AGGREGATE_WINDOWS) {
      await expect(source.fleetAggregates(window, end)).resolves.toBeInstanceOf(Map);
    }
  });

  it('rejects invalid arguments with a domain error', async () => {
    const range = { start: at(0), end: at(1) };
    await expect(source.requestCounts('checkout', range, 0)).rejects.toMatchObject({
      code: 'VALIDATION.INVALID_INPUT',
    });
    await expect(
      source.requestCounts('checkout', { start: at(2), end: at(1) }, 60),
    ).rejects.toBeInstanceOf(DomainError);
    await expect(source.fleetAggregates('2d' as '1d', at(0))).rejects.toMatchObject({
      code: 'VALIDATION.INVALID_INPUT',
    });
    await expect(
      new SyntheticTelemetrySource(fleet, { maxBuckets: 10 }).requestCounts('checkout', range, 1),
    ).rejects.toBeInstanceOf(DomainError);
    const empty = await source.requestCounts('checkout', { start: at(1), end: at(1) }, 60);
    expect(empty.buckets).toEqual([]);
  });
});
