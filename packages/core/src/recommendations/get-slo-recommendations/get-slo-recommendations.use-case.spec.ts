import { quantile } from '@slo-engine/reliability';
import { DomainError, DomainErrorCodes } from '../../shared/domain-error';
import { FixedClock } from '../../shared/testing/fixed-clock';
import { GraphSnapshotCache } from '../../graph/graph-snapshot/graph-snapshot-cache';
import {
  graphSubmission,
  type EdgeSpec,
  type NodeSpec,
} from '../../graph/testing/graph-submission.builder';
import { InMemoryGraphStores } from '../../graph/testing/in-memory-graph-stores';
import {
  type AvailabilityRecommendation,
  type LatencyRecommendation,
  type StoredRecommendation,
} from '../recommendation.types';
import { InMemoryRecommendationRepository } from '../testing/in-memory-recommendation-stores';
import {
  ScriptedTelemetrySource,
  type ScriptedService,
} from '../testing/scripted-telemetry-source';
import { TelemetryUnavailableError, type RequestCounts } from '../telemetry.port';
import { GetSloRecommendationsUseCase } from './get-slo-recommendations.use-case';
import { RecommendationGenerator } from './recommendation-generator';
import { RecommendationsGeneratedListener } from './recommendations-generated.port';

const HOUR = 3_600_000;
const ORIGIN = new Date('2026-01-01T00:00:00.000Z');
const NOW = new Date(ORIGIN.getTime() + 60 * 24 * HOUR + 30 * 60_000);
const OPTIONS = { now: NOW, stalenessWindowMs: 30 * 86_400_000 };

/** `hours` hours of traffic starting `fromHour`, 1,000 requests an hour, `errors(h)` failing. */
function traffic(
  hours: number,
  errors: (hour: number) => number,
  fromHour = 0,
): (RequestCounts | null)[] {
  const series: (RequestCounts | null)[] = [];
  for (let h = 0; h < fromHour + hours; h++) {
    series.push(h < fromHour ? null : { total: 1000, good: 1000 - errors(h) });
  }
  return series;
}

/** Hourly histograms over bounds [50, 100, 200, 400, 800, 1600, +Inf]: 1,000 requests an hour. */
function latency(hours: number, cumulative: readonly number[]): (readonly number[] | null)[] {
  return Array.from({ length: hours }, () => cumulative);
}

// checkout → inventory (hard), checkout → payments (hard, external, published 99.9%, no data),
// checkout → reviews (soft); inventory → db (hard).
const NODES: NodeSpec[] = [
  'checkout',
  ['payments', { serviceType: 'external', publishedSla: 0.999 }],
  'inventory',
  'reviews',
  'db',
  'newcomer',
  'silent',
];
const EDGES: EdgeSpec[] = [
  ['checkout', 'inventory'],
  ['checkout', 'payments'],
  ['checkout', 'reviews', { criticality: 'soft' }],
  ['inventory', 'db'],
];
const INCIDENT_DAY = 45;
const checkoutErrors = (h: number): number =>
  Math.floor(h / 24) === INCIDENT_DAY && h % 24 < 6 ? 50 : 1;

const SERVICES = new Map<string, ScriptedService>([
  [
    'checkout',
    {
      requests: traffic(60 * 24, checkoutErrors),
      latency: latency(60 * 24, [300, 800, 950, 985, 995, 999, 1000]),
      throttling: 0.25,
    },
  ],
  ['inventory', { requests: traffic(60 * 24, () => 0.5) }],
  ['db', { requests: traffic(60 * 24, () => 0) }],
  ['reviews', { requests: traffic(60 * 24, () => 100) }],
  ['newcomer', { requests: traffic(10 * 24, () => 2, 50 * 24) }],
  ['steady', { requests: traffic(60 * 24, () => 3) }],
]);

async function setUp(edges: readonly EdgeSpec[] = EDGES, nodes: readonly NodeSpec[] = NODES) {
  const stores = new InMemoryGraphStores();
  await stores.graph.applySubmission(graphSubmission('manual', { nodes, edges }), OPTIONS);
  const telemetry = new ScriptedTelemetrySource(ORIGIN, SERVICES);
  const snapshots = new GraphSnapshotCache(stores.graph);
  const repository = new InMemoryRecommendationRepository((serviceId) =>
    nodes.some((node) => (typeof node === 'string' ? node : node[0]) === serviceId),
  );
  const clock = new FixedClock(NOW);
  const useCase = new GetSloRecommendationsUseCase(
    snapshots,
    repository,
    new RecommendationGenerator(telemetry),
    clock,
  );
  return { stores, telemetry, repository, clock, useCase };
}

const availabilityOf = (recommendations: readonly unknown[]) =>
  recommendations.find(
    (r) => (r as AvailabilityRecommendation).sliType === 'availability',
  ) as AvailabilityRecommendation;
const latencyOf = (recommendations: readonly unknown[]) =>
  recommendations.find(
    (r) => (r as LatencyRecommendation).sliType === 'latency',
  ) as LatencyRecommendation;

/** The 30-day lookback's hourly buckets of checkout, computed here from the script. */
function checkoutLookback(): RequestCounts[] {
  const endHour = 60 * 24;
  return traffic(60 * 24, checkoutErrors).slice(endHour - 30 * 24) as RequestCounts[];
}

describe('GetSloRecommendationsUseCase: availability', () => {
  it('recommends from rolling daily history, composes hard dependencies and explains itself exactly', async () => {
    const { useCase } = await setUp();
    const answer = await useCase.execute({ serviceId: 'checkout' });

    const hours = checkoutLookback();
    const daily: number[] = [];
    for (let s = 0; s + 24 <= hours.length; s++) {
      const window = hours.slice(s, s + 24);
      daily.push(window.reduce((a, b) => a + b.good, 0) / window.reduce((a, b) => a + b.total, 0));
    }
    const mean = hours.reduce((a, b) => a + b.good, 0) / hours.reduce((a, b) => a + b.total, 0);
    const composite = mean * (1 - 0.5 / 1000) * 1 * (0.999 * (1 - 0.001));
    const expected = Math.floor(Math.min(quantile(daily, 0.01), composite) * 10_000 + 1e-9) / 100;

    const availability = availabilityOf(answer.recommendations);
    expect(answer.source).toBe('generated');
    expect(answer.stale).toBe(false);
    expect(availability.tiers.balanced.target).toBeCloseTo(expected, 10);
    expect(availability.tiers.conservative.target).toBeLessThanOrEqual(
      availability.tiers.balanced.target,
    );
    expect(availability.tiers.aggressive.target).toBeGreaterThanOrEqual(
      availability.tiers.balanced.target,
    );
    expect(availability.tiers.balanced.errorBudgetMonthlyMinutes).toBeCloseTo(
      ((100 - availability.tiers.balanced.target) / 100) * 43_800,
      1,
    );
    const impact = availability.explanation.dependencyImpact!;
    expect(impact.compositeAvailabilityBound).toBeCloseTo(composite * 100, 3);
    expect(impact.hardDependencyCount).toBe(3);
    expect(impact.softDependencies).toEqual(['reviews']);
    expect(impact.bottleneckService).toBe('payments');
    expect(impact.externalDependencies).toEqual([
      expect.objectContaining({ serviceId: 'payments', availabilitySource: 'published-sla' }),
    ]);

    // Shapley efficiency: contributions add up to target − baseline target.
    const sum = availability.explanation.featureAttribution.reduce((a, f) => a + f.contribution, 0);
    expect(sum).toBeCloseTo(
      availability.tiers.balanced.target - availability.explanation.baseline.target,
      4,
    );
    expect(availability.explanation.baseline.target).toBe(99.9);
    expect(availability.explanation.counterfactuals.map((c) => c.condition)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^If payments improved to/)]),
    );
    expect(answer.dataQuality).toMatchObject({
      dataCompleteness: 1,
      coldStart: false,
      telemetryGaps: [],
    });
    expect(answer.lookbackWindow.end.toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });

  it('caps Balanced at the composite bound and warns when an external dependency is the reason', async () => {
    // steady (99.7%) → inventory (99.95%) and → vendor (external, published 99.9% → 99.8%): its
    // dependencies together (99.75%) do not beat it, so the serial model holds and caps.
    const { useCase } = await setUp(
      [...EDGES, ['steady', 'inventory'], ['steady', 'vendor']],
      [...NODES, 'steady', ['vendor', { serviceType: 'external', publishedSla: 0.999 }]],
    );
    const availability = availabilityOf(
      (await useCase.execute({ serviceId: 'steady' })).recommendations,
    );
    const cap = 0.997 * 0.9995 * 0.999 * (1 - 0.001);
    expect(availability.explanation.dependencyImpact!.compositeAvailabilityBound).toBeCloseTo(
      cap * 100,
      4,
    );
    expect(availability.tiers.balanced.target).toBe(Math.floor(cap * 10_000) / 100);
    const warnings = availability.explanation.warnings.join('\n');
    expect(warnings).toMatch(/99\.70% is unachievable/);
    expect(warnings).toMatch(/High dependency risk: external dependency vendor/);
  });

  it('does not cap a service whose history beats the product of its dependencies, and says why', async () => {
    const nodes = NODES.map((node) =>
      node === NODES[1]
        ? (['payments', { serviceType: 'external', publishedSla: 0.98 }] as const)
        : node,
    );
    const { useCase } = await setUp(EDGES, nodes);
    const availability = availabilityOf(
      (await useCase.execute({ serviceId: 'checkout' })).recommendations,
    );
    const bound = availability.explanation.dependencyImpact!.compositeAvailabilityBound;
    expect(availability.tiers.balanced.target).toBeGreaterThan(bound);
    const warnings = availability.explanation.warnings.join('\n');
    expect(warnings).toMatch(/reported but does not cap the targets/);
    expect(warnings).toMatch(/High dependency risk: external dependency payments/);
  });
});

describe('GetSloRecommendationsUseCase: latency', () => {
  it('adds the throttling-derived margin to the observed p99 and notes that latency is not composed', async () => {
    const { useCase } = await setUp();
    const answer = await useCase.execute({ serviceId: 'checkout', sliType: 'latency' });
    const latencyRecommendation = latencyOf(answer.recommendations);
    // p99 of [.., 985 ≤ 400, 995 ≤ 800]: rank 990 → 400 + 400 · 5/10 = 600 ms; margin 5% + 5% · 0.5.
    const p99 = 600;
    const margin = 0.075;
    expect(latencyRecommendation.tiers.balanced.targetMs).toBe(
      Math.ceil((p99 * (1 + margin)) / 10) * 10,
    );
    expect(latencyRecommendation.tiers.aggressive.percentile).toBe('p95');
    expect(latencyRecommendation.explanation.note).toMatch(/non-additive/);
    const sum = latencyRecommendation.explanation.featureAttribution.reduce(
      (a, f) => a + f.contribution,
      0,
    );
    expect(sum).toBeCloseTo(
      latencyRecommendation.tiers.balanced.targetMs -
        latencyRecommendation.explanation.baseline.target,
      6,
    );
    expect(answer.recommendations).toHaveLength(1);
  });
});

describe('GetSloRecommendationsUseCase: cold start', () => {
  it('widens the window, falls back to the archetype and schedules a re-evaluation', async () => {
    const { useCase } = await setUp();
    const answer = await useCase.execute({ serviceId: 'newcomer', sliType: 'availability' });
    expect(answer.dataQuality.coldStart).toBe(true);
    expect(answer.dataQuality.archetype).toBe('backend_service');
    expect(answer.dataQuality.confidenceNote).toMatch(/Low confidence: only 10 days/);
    expect(answer.lookbackWindow.start.toISOString()).toBe('2026-02-20T00:00:00.000Z');
    expect(answer.dataQuality.reevaluateAt?.toISOString()).toBe('2026-03-22T00:00:00.000Z');
    // The backend baseline is 99.9%, but its own 10 days (99.8%) cap it as its composite's first factor.
    expect(availabilityOf(answer.recommendations).tiers.balanced.target).toBe(99.8);
  });

  it('answers a service without any data with archetype tiers and unknown breach probabilities', async () => {
    const { useCase } = await setUp();
    const answer = await useCase.execute({ serviceId: 'silent' });
    const availability = availabilityOf(answer.recommendations);
    expect(answer.dataQuality).toMatchObject({ coldStart: true, dataCompleteness: 0 });
    expect(availability.tiers.balanced).toMatchObject({
      target: 99.9,
      estimatedBreachProbability: null,
      confidenceInterval: null,
    });
    expect(latencyOf(answer.recommendations).tiers.balanced.targetMs).toBe(550);
  });
});

describe('GetSloRecommendationsUseCase: cache and failures', () => {
  it('serves the stored recommendation until it expires, the lookback or the dependency closure changes, or a regeneration is forced', async () => {
    const { useCase, telemetry, clock, stores } = await setUp();
    const first = await useCase.execute({ serviceId: 'checkout' });
    const calls = telemetry.calls.length;

    const cached = await useCase.execute({ serviceId: 'checkout' });
    expect(cached.source).toBe('cache');
    expect(cached.recommendationIds).toEqual(first.recommendationIds);
    expect(telemetry.calls.length).toBe(calls);

    // A change outside checkout's closure keeps the cache.
    await stores.graph.applySubmission(
      graphSubmission('manual', { edges: [['newcomer', 'silent']] }),
      OPTIONS,
    );
    expect((await useCase.execute({ serviceId: 'checkout' })).source).toBe('cache');
    // A change below it does not.
    await stores.graph.applySubmission(
      graphSubmission('manual', { edges: [['db', 'silent']] }),
      OPTIONS,
    );
    expect((await useCase.execute({ serviceId: 'checkout' })).source).toBe('generated');

    expect((await useCase.execute({ serviceId: 'checkout', lookbackDays: 14 })).source).toBe(
      'generated',
    );
    expect((await useCase.execute({ serviceId: 'checkout', lookbackDays: 14 })).source).toBe(
      'cache',
    );
    expect(
      (await useCase.execute({ serviceId: 'checkout', lookbackDays: 14, forceRegenerate: true }))
        .source,
    ).toBe('generated');
    clock.set(new Date(NOW.getTime() + 25 * HOUR));
    expect((await useCase.execute({ serviceId: 'checkout', lookbackDays: 14 })).source).toBe(
      'generated',
    );
  });

  it('serves the stored recommendation marked stale when telemetry is unavailable, and fails without one', async () => {
    const { useCase, telemetry } = await setUp();
    const stored = await useCase.execute({ serviceId: 'checkout' });
    telemetry.unavailable = true;

    const stale = await useCase.execute({ serviceId: 'checkout', forceRegenerate: true });
    expect(stale).toMatchObject({
      source: 'stale',
      stale: true,
      recommendationIds: stored.recommendationIds,
    });
    expect(stale.staleReason).toMatch(/telemetry source is unavailable/);

    await expect(useCase.execute({ serviceId: 'inventory' })).rejects.toBeInstanceOf(
      TelemetryUnavailableError,
    );
  });

  it('rejects unknown services and out-of-range parameters with domain errors', async () => {
    const { useCase } = await setUp();
    await expect(useCase.execute({ serviceId: 'nope' })).rejects.toMatchObject({
      code: DomainErrorCodes.SERVICE_NOT_FOUND,
    });
    for (const lookbackDays of [6, 366, 30.5]) {
      const error = await useCase
        .execute({ serviceId: 'checkout', lookbackDays })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DomainError);
      expect((error as DomainError).details.fieldErrors?.[0].field).toBe('lookback_days');
    }
    await expect(
      useCase.execute({ serviceId: 'checkout', sliType: 'errors' as never }),
    ).rejects.toMatchObject({ code: DomainErrorCodes.INVALID_INPUT });
  });
});

describe('GetSloRecommendationsUseCase: listener of generated recommendations', () => {
  /** A listener that records each batch, and may be told to fail. */
  class RecordingListener extends RecommendationsGeneratedListener {
    readonly batches: (readonly StoredRecommendation[])[] = [];
    failure: Error | undefined;

    async onGenerated(stored: readonly StoredRecommendation[]): Promise<void> {
      await Promise.resolve();
      this.batches.push(stored);
      if (this.failure) throw this.failure;
    }
  }

  async function withListener() {
    const world = await setUp();
    const listener = new RecordingListener();
    const errors: Array<{ error: unknown; stored: readonly StoredRecommendation[] }> = [];
    const useCase = new GetSloRecommendationsUseCase(
      new GraphSnapshotCache(world.stores.graph),
      world.repository,
      new RecommendationGenerator(world.telemetry),
      world.clock,
      { listener, onListenerError: (error, stored) => errors.push({ error, stored }) },
    );
    return { ...world, useCase, listener, errors };
  }

  it('hears of freshly stored recommendations, not of cached or stale answers', async () => {
    const { useCase, listener, telemetry } = await withListener();

    const generated = await useCase.execute({ serviceId: 'checkout' });
    expect(listener.batches).toHaveLength(1);
    expect(listener.batches[0].map((r) => [r.id, r.status])).toEqual(
      generated.recommendationIds.map((id) => [id, 'active']),
    );

    expect((await useCase.execute({ serviceId: 'checkout' })).source).toBe('cache');
    telemetry.unavailable = true;
    expect((await useCase.execute({ serviceId: 'checkout', forceRegenerate: true })).source).toBe(
      'stale',
    );
    expect(listener.batches).toHaveLength(1);
  });

  it('answers even when the listener fails, and reports the failure', async () => {
    const { useCase, listener, errors } = await withListener();
    const failure = new Error('rules store down');
    listener.failure = failure;

    const answer = await useCase.execute({ serviceId: 'checkout', sliType: 'availability' });

    expect(answer.source).toBe('generated');
    expect(errors).toEqual([{ error: failure, stored: listener.batches[0] }]);
  });
});
