/**
 * The recommender end to end over a real Prometheus (2.42 here): 31 days of generated history
 * (__fixtures__/generated-history.ts) backfilled with promtool, `RecommendationGenerator` reading
 * it through `PrometheusTelemetrySource`, and every expected target computed in this file from the
 * generated series alone (not from Prometheus, not from the synthetic fleet).
 *
 * Topology: `checkout` → hard `inventory`, hard `payments` (external, published SLA, no
 * telemetry of its own), soft `reviews`; `cart` → hard `inventory`, hard `payments`.
 *   - checkout keeps 99.86% although its dependencies together keep only ~98.9% (it retries), so
 *     the composite cap is 1 and its balanced target is the 1st percentile of its rolling daily
 *     availability, which a 2-hour incident at a 25% 5xx share pulls down to 98.80%; capping it
 *     at self × dependencies (98.71%) would give a lower answer, so the test tells the two apart;
 *   - cart fails 1.5% of its requests steadily and has one small incident: its own mean is below
 *     the product of its dependencies, so the cap is self × dependencies, and it binds (lower
 *     than the 1st percentile). cart also has a deliberate 3-hour telemetry gap.
 *
 * Exactness (as in prometheus-telemetry.adapter.int-spec.ts): samples every 15 minutes on a grid
 * aligned with every window and step queried, and the gap's ends on whole hours. Prometheus 2.x
 * range selectors include both ends, so `increase(x[1h])` sees samples exactly at t − 1h and t
 * and extrapolates nothing: the counts come back as the integers generated here.
 */
import {
  type AvailabilityRecommendation,
  ceilLatency,
  type DependencyImpact,
  GraphSnapshot,
  histogramQuantile,
  type LatencyRecommendation,
  type NewRecommendation,
  noiseMarginFor,
  RecommendationGenerator,
  type ServiceNode,
  type EffectiveEdge,
} from '@slo-engine/core';
import { startPrometheus, type StartedPrometheus } from '@slo-engine/testing';
import {
  type Counts,
  GeneratedHistory,
  type LatencyProfile,
  sampleGrid,
  type ServiceProfile,
} from './__fixtures__/generated-history';
import { PrometheusTelemetrySource } from './prometheus-telemetry.adapter';

const GRID = sampleGrid(Date.UTC(2025, 2, 1) / 1000, 900, 31); // samples 0..N, every 15 minutes
const { resolutionSeconds: RES, perHour: PER_HOUR, perDay: PER_DAY, last: N, at } = GRID;
const LOOKBACK_DAYS = 30;
/** First sample of the lookback window [N − 30 days, N]. */
const FROM = N - LOOKBACK_DAYS * PER_DAY;
const HOURS = LOOKBACK_DAYS * 24;

type Service = 'checkout' | 'cart' | 'inventory' | 'reviews';

/** payments is external: the vendor publishes 99.99% and we have no telemetry of it. */
const PAYMENTS_SLA = 0.9999;
/** FR-3 plans with a published SLA less 0.1% of it (dependency-analysis.ts). */
const PAYMENTS_PLANNED = PAYMENTS_SLA * (1 - 0.001);

/** `cart` has no samples strictly between these (06:00 and 09:00 on day 20): 3 null hours. */
const GAP = { from: 20 * PER_DAY + 6 * PER_HOUR, to: 20 * PER_DAY + 9 * PER_HOUR };

/** Latency histogram of checkout: upper bounds in seconds (then +Inf), and the shares per bucket. */
const CHECKOUT_LATENCY: LatencyProfile = {
  bounds: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  weights: [0.05, 0.15, 0.3, 0.25, 0.15, 0.065, 0.02, 0.01, 0.004, 0.0008, 0.0002],
  incidentWeights: [0, 0.02, 0.08, 0.15, 0.2, 0.2, 0.15, 0.1, 0.06, 0.03, 0.01],
  jitter: 0.1,
  remainderBucket: 3,
};
const BOUNDS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, Infinity];

/** Rates are requests per 15 minutes; pods are throttled up to this many seconds per sample. */
const PROFILES: Readonly<Record<Service, ServiceProfile>> = {
  checkout: {
    rate: 800,
    errorShare: 0.001,
    // In the evening trough: its 24-hour windows lose ~1%, less than its dependencies fail.
    incidents: [{ day: 7, hour: 18, hours: 2, share: 0.25 }],
    latency: CHECKOUT_LATENCY,
    // ~0.2 throttled s/s (noise margin 7%).
    pods: { 'checkout-abc': 0.4 * RES },
  },
  cart: {
    rate: 500,
    errorShare: 0.015,
    incidents: [{ day: 14, hour: 3, hours: 1, share: 0.2 }],
    gap: GAP,
  },
  inventory: {
    rate: 1_500,
    errorShare: 0.003,
    incidents: [
      { day: 9, hour: 6, hours: 6, share: 0.5 },
      { day: 23, hour: 13, hours: 4, share: 0.5 },
    ],
    // Three times checkout's, and not checkout's: `checkout-…` pods only count for checkout.
    pods: { 'inventory-7d9f': 1.2 * RES },
  },
  // Fails 2% of the time, but checkout only degrades without it: it must not enter any composite.
  reviews: { rate: 300, errorShare: 0.02 },
};

type History = GeneratedHistory<Service>;

// ---- the oracle: what the recommender must answer, from the generated series ----

/** The 720 hourly buckets of the lookback. */
function hourly(history: History, service: Service): (Counts | null)[] {
  return Array.from({ length: HOURS }, (_, i) =>
    history.countsBetween(service, FROM + i * PER_HOUR, FROM + (i + 1) * PER_HOUR),
  );
}

/**
 * Type-7 quantile (linear between order statistics): `quantile` of @slo-engine/reliability, which
 * the recommender uses. Written out here because this package does not depend on reliability (and
 * an oracle that shares no code with the recommender is the stronger check).
 */
function type7Quantile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * p;
  const lower = Math.floor(h);
  if (lower + 1 >= sorted.length) return sorted[lower];
  return sorted[lower] + (sorted[lower + 1] - sorted[lower]) * (h - lower);
}

/** floor to 0.01% (with the recommender's 1e-9 guard against binary noise below a boundary). */
const floorTarget = (ratio: number): number => Math.floor(ratio * 10_000 + 1e-9) / 10_000;
const percent = (ratio: number): number => Math.round(ratio * 100 * 10_000) / 10_000;

interface AvailabilityOracle {
  /** The rolling 24-hour availabilities, stepped hourly (gaps as no traffic). */
  readonly windows: readonly number[];
  /** 1st percentile of `windows`. */
  readonly p1: number;
  /** Σ good / Σ total over the buckets with samples. */
  readonly self: number;
  /** inventory × payments (planned from its SLA). */
  readonly dependencies: number;
  /** `compositeCap` of availability-recommendation.ts. */
  readonly cap: number;
  readonly balanced: number;
}

function availabilityOracle(history: History, service: Service): AvailabilityOracle {
  const buckets = hourly(history, service).map((b) => b ?? { good: 0, total: 0 });
  const windows: number[] = [];
  for (let start = 0; start + 24 <= buckets.length; start++) {
    const slice = buckets.slice(start, start + 24);
    const total = slice.reduce((sum, b) => sum + b.total, 0);
    const good = slice.reduce((sum, b) => sum + b.good, 0);
    windows.push(good / total);
  }
  const p1 = type7Quantile(windows, 0.01);
  const self =
    buckets.reduce((sum, b) => sum + b.good, 0) / buckets.reduce((sum, b) => sum + b.total, 0);
  const inventory = history.countsBetween('inventory', FROM, N)!;
  const dependencies = (inventory.good / inventory.total) * PAYMENTS_PLANNED;
  // compositeCap: 1 when the service's own mean beats the product of its hard dependencies.
  const cap = self > dependencies ? 1 : self * dependencies;
  return { windows, p1, self, dependencies, cap, balanced: floorTarget(Math.min(p1, cap)) };
}

// ---- the graph ----

const CREATED = new Date(Date.UTC(2025, 0, 1));

function node(serviceId: string, metadata: ServiceNode['metadata'] = {}): ServiceNode {
  return {
    serviceId,
    metadata,
    team: 'shop',
    criticality: 'high',
    serviceType: metadata.serviceType ?? 'internal',
    discovered: false,
    createdAt: CREATED,
    updatedAt: CREATED,
  };
}

function edge(source: string, target: string, criticality: 'hard' | 'soft'): EffectiveEdge {
  return {
    source,
    target,
    communicationMode: 'sync',
    criticality,
    protocol: 'http',
    timeoutMs: 1_000,
    retryConfig: null,
    redundancyGroup: null,
    discoverySources: ['manual'],
    confidenceScore: 1,
    lastObservedAt: CREATED,
  };
}

const snapshot = new GraphSnapshot({
  version: 7,
  services: [
    node('checkout'),
    node('cart'),
    node('inventory'),
    node('reviews'),
    node('payments', { serviceType: 'external', publishedSla: PAYMENTS_SLA }),
  ],
  edges: [
    edge('checkout', 'inventory', 'hard'),
    edge('checkout', 'payments', 'hard'),
    edge('checkout', 'reviews', 'soft'),
    edge('cart', 'inventory', 'hard'),
    edge('cart', 'payments', 'hard'),
  ],
});

// ---- the tests ----

let prometheus: StartedPrometheus;
let history: History;
let generator: RecommendationGenerator;
const timings: Record<string, number> = {};

beforeAll(async () => {
  history = new GeneratedHistory({
    seed: 'recommendations-over-prometheus',
    grid: GRID,
    services: PROFILES,
  });
  prometheus = await startPrometheus({ openMetrics: history.openMetrics() });
  timings.backfillMs = prometheus.timings.backfillMs;
  timings.startMs = prometheus.timings.startMs;
  generator = new RecommendationGenerator(new PrometheusTelemetrySource({ url: prometheus.url }));
}, 60_000);

afterAll(async () => {
  await prometheus?.stop();
  console.log(`recommendations-over-prometheus timings (ms): ${JSON.stringify(timings)}`);
});

async function recommend(
  serviceId: Service,
  sliTypes: readonly ('availability' | 'latency')[],
): Promise<NewRecommendation[]> {
  const started = Date.now();
  const result = await generator.generate({
    snapshot,
    serviceId,
    sliTypes,
    lookbackDays: LOOKBACK_DAYS,
    // Mid-hour: the generator ends the lookback at the hour's start, sample N.
    now: new Date(at(N).getTime() + 20 * 60_000),
  });
  timings[`${serviceId}GenerateMs`] = Date.now() - started;
  return result;
}

const availabilityOf = (results: readonly NewRecommendation[]): AvailabilityRecommendation =>
  results.find((r) => r.sliType === 'availability')!.recommendation as AvailabilityRecommendation;

describe('checkout: the composite cap does not bind (it beats its dependencies)', () => {
  let results: NewRecommendation[];
  let oracle: AvailabilityOracle;

  beforeAll(async () => {
    results = await recommend('checkout', ['availability', 'latency']);
    oracle = availabilityOracle(history, 'checkout');
  });

  it('is set up as intended: own mean above the dependencies, cap 1, the incident sets p1', () => {
    expect(oracle.windows).toHaveLength(HOURS - 23);
    expect(oracle.self).toBeGreaterThan(oracle.dependencies);
    expect(oracle.cap).toBe(1);
    // The incident drags every 24-hour window that holds it (24 of 697, > 1%) below 99.5%.
    expect(oracle.p1).toBeLessThan(0.995);
    expect(oracle.p1).toBeLessThan(oracle.self);
    // Had the serial bound capped it, the answer would differ.
    expect(floorTarget(oracle.self * oracle.dependencies)).toBeLessThan(floorTarget(oracle.p1));
  });

  it('balanced availability = floor₀.₀₁%(p1 of the rolling daily availabilities)', () => {
    const availability = availabilityOf(results);
    expect(availability.tiers.balanced.target).toBeCloseTo(percent(floorTarget(oracle.p1)), 8);
    expect(availability.tiers.balanced.target).toBeCloseTo(percent(oracle.balanced), 8);
    expect(availability.tiers.conservative.target).toBeLessThanOrEqual(
      availability.tiers.balanced.target,
    );
    expect(availability.tiers.aggressive.target).toBeGreaterThanOrEqual(
      availability.tiers.balanced.target,
    );
  });

  it('reports the composite bound from inventory’s observed mean and payments’ SLA, reviews left out', () => {
    const impact = availabilityOf(results).explanation.dependencyImpact as DependencyImpact;
    expect(impact.hardDependencyCount).toBe(2);
    expect(impact.softDependencies).toEqual(['reviews']);
    expect(impact.compositeAvailabilityBound).toBeCloseTo(
      percent(oracle.self * oracle.dependencies),
      6,
    );
    expect(impact.externalDependencies).toHaveLength(1);
    expect(impact.externalDependencies[0]).toMatchObject({
      serviceId: 'payments',
      availabilitySource: 'published-sla',
    });
    expect(impact.externalDependencies[0].availability).toBeCloseTo(PAYMENTS_PLANNED * 100, 9);
  });

  it('balanced latency = ceilLatency(p99 × (1 + noise margin from pod throttling))', () => {
    const latency = results.find((r) => r.sliType === 'latency')!
      .recommendation as LatencyRecommendation;
    const summed = history.histogramBetween('checkout', FROM, N)!;
    const p99 = histogramQuantile(0.99, BOUNDS_MS, summed)!;
    const throttling = history.throttledBetween('checkout', FROM, N)! / (LOOKBACK_DAYS * 86_400);
    expect(throttling).toBeGreaterThan(0.15);
    expect(throttling).toBeLessThan(0.25); // only checkout-abc, not inventory-7d9f
    const margin = noiseMarginFor(throttling);
    expect(margin).toBeGreaterThan(0.05);
    expect(margin).toBeLessThan(0.1);
    // p99 falls inside the (500 ms, 1 s] bucket: interpolated, not a bound.
    expect(p99).toBeGreaterThan(500);
    expect(p99).toBeLessThan(1_000);
    expect(latency.tiers.balanced.targetMs).toBe(ceilLatency(p99 * (1 + margin)));
    expect(latency.tiers.balanced.percentile).toBe('p99');
  });

  it('has complete telemetry: completeness 1, no gaps, 30 days, not a cold start', () => {
    const [first] = results;
    expect(first.dataQuality).toMatchObject({
      dataCompleteness: 1,
      telemetryGaps: [],
      coldStart: false,
      reevaluateAt: null,
    });
    expect(first.lookbackWindow).toEqual({ start: at(FROM), end: at(N) });
    expect(first.graphVersion).toBe(7);
  });
});

describe('cart: the composite cap binds (its dependencies do better than it does)', () => {
  let results: NewRecommendation[];
  let oracle: AvailabilityOracle;

  beforeAll(async () => {
    results = await recommend('cart', ['availability']);
    oracle = availabilityOracle(history, 'cart');
  });

  it('is set up as intended: own mean below the dependencies, self × dependencies below p1', () => {
    expect(oracle.self).toBeLessThan(oracle.dependencies);
    expect(oracle.cap).toBeCloseTo(oracle.self * oracle.dependencies, 15);
    expect(oracle.cap).toBeLessThan(oracle.p1);
    // Binding changes the answer by more than the 0.01% rounding.
    expect(floorTarget(oracle.cap)).toBeLessThan(floorTarget(oracle.p1));
  });

  it('balanced availability = floor₀.₀₁%(self × inventory × payments)', () => {
    const availability = availabilityOf(results);
    expect(availability.tiers.balanced.target).toBeCloseTo(percent(floorTarget(oracle.cap)), 8);
    expect(availability.tiers.balanced.target).toBeCloseTo(percent(oracle.balanced), 8);
    expect(availability.explanation.dependencyImpact!.compositeAvailabilityBound).toBeCloseTo(
      percent(oracle.cap),
      6,
    );
  });

  it('shows the deliberate gap in telemetryGaps and in the completeness', () => {
    const [first] = results;
    const gapStart = at(GAP.from);
    const gapEnd = at(GAP.to);
    expect(first.dataQuality.telemetryGaps).toEqual([{ start: gapStart, end: gapEnd }]);
    expect(first.dataQuality.dataCompleteness).toBeCloseTo((HOURS - 3) / HOURS, 4);
    expect(first.dataQuality.coldStart).toBe(false);
    // The oracle agrees on where the buckets without samples are.
    const missing = hourly(history, 'cart').flatMap((b, i) => (b === null ? [i] : []));
    expect(missing.map((i) => at(FROM + i * PER_HOUR))).toEqual([
      gapStart,
      new Date(gapStart.getTime() + 3_600_000),
      new Date(gapStart.getTime() + 7_200_000),
    ]);
  });
});
