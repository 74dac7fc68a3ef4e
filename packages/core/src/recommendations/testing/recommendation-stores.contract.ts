/**
 * Behavioural contract of RecommendationRepository and SliAggregateRepository, runnable against
 * any implementation: the in-memory stores (core) and the PostgreSQL adapters (adapters) both run
 * it. It registers tests with the Jest globals of the run that calls it and asserts with
 * `node:assert/strict`, so core's build needs no test typings.
 */
import assert from 'node:assert/strict';
import { DomainErrorCodes } from '../../shared/domain-error';
import {
  type NewRecommendation,
  type RecommendationRepository,
  type SliAggregate,
  type SliAggregateRepository,
} from '../recommendation.ports';
import { type SliType, type StoredRecommendation } from '../recommendation.types';

// The test runner's globals (Jest's `describe` and `it`), declared here rather than through
// @types/jest so that core's compiled output and declarations do not depend on test typings.
declare function describe(name: string, body: () => void): void;
declare function it(name: string, body: () => Promise<void>, timeoutMs?: number): void;

/** The stores under test; the services named to the factory exist, no other does. */
export interface RecommendationStoresUnderTest {
  readonly recommendations: RecommendationRepository;
  readonly aggregates: SliAggregateRepository;
}

/** Creates fresh, empty stores whose graph knows exactly `serviceIds`. Called once per test. */
export type RecommendationStoresFactory = (
  serviceIds: readonly string[],
) => Promise<RecommendationStoresUnderTest>;

export interface RecommendationStoresContractOptions {
  /** Called after every test with the stores it made. */
  readonly teardown?: (stores: RecommendationStoresUnderTest) => void | Promise<void>;
}

const SERVICES = ['checkout', 'payments', 'inventory'] as const;
const T0 = Date.parse('2026-02-14T10:00:00.000Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function at(hours: number): Date {
  return new Date(T0 + hours * HOUR);
}

function digest(seed: string): string {
  return seed.repeat(64).slice(0, 64);
}

/**
 * A complete recommendation with every optional field set and Dates nested in the explanation
 * and the data quality, generated `hours` after T0 and expiring 24 h later.
 */
export function contractRecommendation(
  serviceId: string,
  sliType: SliType,
  hours = 0,
): NewRecommendation {
  const generatedAt = at(hours);
  const lookbackStart = new Date(generatedAt.getTime() - 30 * DAY);
  const explanation = {
    summary: `${serviceId} ${sliType} at +${hours}h: hard dependencies bound the target`,
    featureAttribution: [
      {
        feature: 'historical_availability',
        contribution: 0.0421,
        value: 0.99953,
        baselineValue: 0.999,
      },
      { feature: 'dependency_risk', contribution: -0.0125, value: 3, baselineValue: 1 },
    ],
    baseline: { description: 'fleet median for backend services', target: 99.9 },
    counterfactuals: [
      {
        condition: 'if payments were 99.99%',
        result: 'balanced target 99.95%',
        feature: 'dependency_risk',
        target: 99.95,
      },
    ],
    dependencyImpact: {
      compositeAvailabilityBound: 99.97,
      hardDependencyCount: 2,
      bottleneckService: 'payments',
      bottleneckContribution: '0.02% of the budget',
      softDependencies: ['recommendations'],
      externalDependencies: [
        {
          serviceId: 'stripe',
          availability: 99.99,
          availabilitySource: 'published-sla' as const,
          errorBudgetShare: 0.2,
          highDependencyRisk: false,
        },
      ],
      cycleMembers: [],
    },
    warnings: ['2 telemetry gaps in the lookback window'],
    note: 'Cold start: "unicode" ünïcødé \\ and\nnewline',
    provenance: {
      dependencyGraphSnapshotId: '42',
      lookbackWindowStart: lookbackStart,
      lookbackWindowEnd: generatedAt,
      dataCompleteness: 0.987654321,
    },
  };
  const recommendation =
    sliType === 'availability'
      ? {
          sliType: 'availability' as const,
          metric: 'error_rate' as const,
          tiers: {
            conservative: {
              target: 99.5,
              errorBudgetMonthlyMinutes: 216,
              estimatedBreachProbability: 0.01,
              confidenceInterval: [99.4, 99.6] as const,
            },
            balanced: {
              target: 99.9,
              errorBudgetMonthlyMinutes: 43.2,
              estimatedBreachProbability: 0.05,
              confidenceInterval: [99.85, 99.93] as const,
            },
            aggressive: {
              target: 99.95,
              errorBudgetMonthlyMinutes: 21.6,
              estimatedBreachProbability: 0.2,
              confidenceInterval: [99.92, 99.97] as const,
            },
          },
          explanation,
        }
      : {
          sliType: 'latency' as const,
          metric: 'p99_response_time_ms' as const,
          tiers: {
            conservative: {
              targetMs: 800,
              percentile: 'p99' as const,
              estimatedBreachProbability: 0.01,
            },
            balanced: {
              targetMs: 450.5,
              percentile: 'p99' as const,
              estimatedBreachProbability: 0.05,
            },
            aggressive: {
              targetMs: 300,
              percentile: 'p95' as const,
              estimatedBreachProbability: 0.2,
            },
          },
          explanation,
        };
  return {
    serviceId,
    sliType,
    recommendation,
    dataQuality: {
      dataCompleteness: 0.987654321,
      telemetryGaps: [
        {
          start: new Date(lookbackStart.getTime() + DAY),
          end: new Date(lookbackStart.getTime() + DAY + 123),
        },
        { start: at(hours - 5), end: at(hours - 4) },
      ],
      confidenceNote: 'Based on 30 days of data',
      coldStart: true,
      reevaluateAt: new Date(generatedAt.getTime() + 7 * DAY + 1),
      archetype: 'backend_service',
    },
    lookbackWindow: { start: lookbackStart, end: generatedAt },
    lookbackDays: 30,
    graphVersion: 9_007_199_254_740_991, // Number.MAX_SAFE_INTEGER: bigint storage must keep it
    dependencyDigest: digest(hours % 2 === 0 ? 'ab' : 'cd'),
    generatedAt,
    expiresAt: new Date(generatedAt.getTime() + DAY),
  };
}

/** What the stores must give back for `input`: the same values, the id, the status. */
function stored(
  input: NewRecommendation,
  id: string,
  status: StoredRecommendation['status'],
): StoredRecommendation {
  return { ...input, id, status };
}

function aggregate(
  serviceId: string,
  sliType: SliAggregate['sliType'],
  window: SliAggregate['window'],
  hours: number,
  value: number,
  sampleCount = 1_000,
): SliAggregate {
  return { serviceId, sliType, window, value, sampleCount, computedAt: at(hours) };
}

function hasCode(code: string): (error: unknown) => boolean {
  return (error: unknown) =>
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/**
 * Registers `describe` blocks of contract tests for one implementation of the recommendation
 * storage ports.
 *
 * @param name label of the implementation under test
 * @param makeStores creates fresh, empty stores (see {@link RecommendationStoresFactory})
 */
export function describeRecommendationStoresContract(
  name: string,
  makeStores: RecommendationStoresFactory,
  options: RecommendationStoresContractOptions = {},
): void {
  const withStores =
    (body: (stores: RecommendationStoresUnderTest) => Promise<void>) => async (): Promise<void> => {
      const stores = await makeStores(SERVICES);
      try {
        await body(stores);
      } finally {
        await options.teardown?.(stores);
      }
    };

  describe(`RecommendationRepository contract: ${name}`, () => {
    it(
      'stores a recommendation as active and gives every field back, nested Dates included',
      withStores(async ({ recommendations }) => {
        const availability = contractRecommendation('checkout', 'availability');
        const latency = contractRecommendation('checkout', 'latency', 1);

        const saved = await recommendations.saveActive([availability, latency]);

        assert.equal(saved.length, 2);
        assert.notEqual(saved[0].id, saved[1].id);
        assert.deepStrictEqual(saved, [
          stored(availability, saved[0].id, 'active'),
          stored(latency, saved[1].id, 'active'),
        ]);
        assert.deepStrictEqual(
          await recommendations.findActive('checkout', 'availability'),
          saved[0],
        );
        assert.deepStrictEqual(await recommendations.findActive('checkout', 'latency'), saved[1]);
        const found = await recommendations.findActive('checkout', 'availability');
        assert.ok(found?.recommendation.explanation.provenance.lookbackWindowStart instanceof Date);
        assert.ok(found.dataQuality.telemetryGaps[0].start instanceof Date);
        assert.ok(found.dataQuality.reevaluateAt instanceof Date);
      }),
    );

    it(
      'gives back a data quality without cold start or optional fields as it was',
      withStores(async ({ recommendations }) => {
        const full = contractRecommendation('payments', 'latency');
        const {
          dependencyImpact: _impact,
          note: _note,
          ...explanation
        } = full.recommendation.explanation;
        const plain: NewRecommendation = {
          ...full,
          recommendation: {
            ...full.recommendation,
            explanation,
          },
          dataQuality: {
            dataCompleteness: 1,
            telemetryGaps: [],
            confidenceNote: 'complete',
            coldStart: false,
            reevaluateAt: null,
          },
          graphVersion: 0,
        };

        const [saved] = await recommendations.saveActive([plain]);

        assert.deepStrictEqual(saved, stored(plain, saved.id, 'active'));
        assert.deepStrictEqual(await recommendations.findActive('payments', 'latency'), saved);
      }),
    );

    it(
      'supersedes the previous active recommendation of the same service and SLI type only',
      withStores(async ({ recommendations }) => {
        const [first, other, otherService] = await recommendations.saveActive([
          contractRecommendation('checkout', 'availability', 0),
          contractRecommendation('checkout', 'latency', -1),
          contractRecommendation('payments', 'availability', 0),
        ]);

        const [second] = await recommendations.saveActive([
          contractRecommendation('checkout', 'availability', 1),
        ]);

        assert.equal(second.status, 'active');
        assert.deepStrictEqual(
          await recommendations.findActive('checkout', 'availability'),
          second,
        );
        assert.deepStrictEqual(await recommendations.findActive('checkout', 'latency'), other);
        assert.deepStrictEqual(
          await recommendations.findActive('payments', 'availability'),
          otherService,
        );
        assert.deepStrictEqual(await recommendations.history('checkout', 10), [
          second,
          { ...first, status: 'superseded' },
          other,
        ]);
      }),
    );

    it(
      'returns the stored rows in input order; a key named twice keeps the later one active',
      withStores(async ({ recommendations }) => {
        const input = [
          contractRecommendation('payments', 'latency', 2),
          contractRecommendation('checkout', 'availability', 3),
          contractRecommendation('payments', 'latency', 4),
        ];

        const saved = await recommendations.saveActive(input);

        assert.deepStrictEqual(
          saved.map((r) => [r.serviceId, r.sliType, r.generatedAt, r.status]),
          [
            ['payments', 'latency', at(2), 'superseded'],
            ['checkout', 'availability', at(3), 'active'],
            ['payments', 'latency', at(4), 'active'],
          ],
        );
        assert.equal((await recommendations.findActive('payments', 'latency'))?.id, saved[2].id);
        assert.deepStrictEqual(await recommendations.saveActive([]), []);
      }),
    );

    it(
      'refuses a batch naming an unknown service with SERVICE_NOT_FOUND and stores nothing of it',
      withStores(async ({ recommendations }) => {
        const [before] = await recommendations.saveActive([
          contractRecommendation('checkout', 'availability', 0),
        ]);

        await assert.rejects(
          recommendations.saveActive([
            contractRecommendation('checkout', 'availability', 1),
            contractRecommendation('payments', 'latency', 1),
            contractRecommendation('no-such-service', 'availability', 1),
          ]),
          hasCode(DomainErrorCodes.SERVICE_NOT_FOUND),
        );

        assert.deepStrictEqual(
          await recommendations.findActive('checkout', 'availability'),
          before,
        );
        assert.equal(await recommendations.findActive('payments', 'latency'), null);
        assert.deepStrictEqual(await recommendations.history('checkout', 10), [before]);
        assert.deepStrictEqual(await recommendations.history('payments', 10), []);
        assert.deepStrictEqual(await recommendations.history('no-such-service', 10), []);
      }),
    );

    it(
      'refuses values the storage cannot keep with INVALID_INPUT and stores nothing',
      withStores(async ({ recommendations }) => {
        const good = contractRecommendation('checkout', 'availability');
        const bad: NewRecommendation[] = [
          { ...good, lookbackDays: 6 },
          { ...good, lookbackDays: 366 },
          { ...good, dependencyDigest: 'abc' },
          { ...good, graphVersion: -1 },
          { ...good, sliType: 'latency' },
        ];
        for (const recommendation of bad) {
          await assert.rejects(
            recommendations.saveActive([
              contractRecommendation('payments', 'latency'),
              recommendation,
            ]),
            hasCode(DomainErrorCodes.INVALID_INPUT),
          );
        }
        assert.deepStrictEqual(await recommendations.history('checkout', 10), []);
        assert.deepStrictEqual(await recommendations.history('payments', 10), []);
      }),
    );

    it(
      'invalidates every active recommendation of one service',
      withStores(async ({ recommendations }) => {
        const [, , kept] = await recommendations.saveActive([
          contractRecommendation('checkout', 'availability'),
          contractRecommendation('checkout', 'latency'),
          contractRecommendation('payments', 'availability'),
        ]);

        assert.equal(await recommendations.invalidate('checkout', at(1)), 2);
        assert.equal(await recommendations.invalidate('checkout', at(2)), 0);
        assert.equal(await recommendations.invalidate('no-such-service', at(2)), 0);

        assert.equal(await recommendations.findActive('checkout', 'availability'), null);
        assert.equal(await recommendations.findActive('checkout', 'latency'), null);
        assert.deepStrictEqual(
          (await recommendations.history('checkout', 10)).map((r) => r.status),
          ['superseded', 'superseded'],
        );
        assert.deepStrictEqual(await recommendations.findActive('payments', 'availability'), kept);
        const [again] = await recommendations.saveActive([
          contractRecommendation('checkout', 'availability', 3),
        ]);
        assert.equal(again.status, 'active');
      }),
    );

    it(
      'expires active recommendations whose expiry is due, the boundary included',
      withStores(async ({ recommendations }) => {
        // Expiring at +24 h, +26 h and +30 h.
        const [, due, later] = await recommendations.saveActive([
          contractRecommendation('checkout', 'availability', 0),
          contractRecommendation('payments', 'availability', 2),
          contractRecommendation('inventory', 'latency', 6),
        ]);
        const [superseded] = await recommendations.saveActive([
          contractRecommendation('checkout', 'latency', -10), // expires at +14 h
        ]);
        await recommendations.invalidate('checkout', at(1));
        assert.equal((await recommendations.history('checkout', 10)).length, 2);

        assert.equal(await recommendations.expireDue(at(25)), 0);
        assert.equal(await recommendations.expireDue(at(26)), 1);
        assert.equal(await recommendations.expireDue(at(26)), 0);

        assert.equal(await recommendations.findActive('payments', 'availability'), null);
        const [expired] = await recommendations.history('payments', 10);
        assert.deepStrictEqual(expired, { ...due, status: 'expired' });
        assert.deepStrictEqual(await recommendations.findActive('inventory', 'latency'), later);
        // Superseded rows stay superseded, even when their expiry has passed.
        const checkout = await recommendations.history('checkout', 10);
        assert.deepStrictEqual(checkout.find((r) => r.id === superseded.id)?.status, 'superseded');
      }),
    );

    it(
      'lists the history of a service newest first, up to the limit',
      withStores(async ({ recommendations }) => {
        const saved: StoredRecommendation[] = [];
        for (const hours of [5, 1, 3]) {
          saved.push(
            ...(await recommendations.saveActive([
              contractRecommendation('checkout', 'availability', hours),
            ])),
          );
        }
        await recommendations.saveActive([contractRecommendation('payments', 'availability', 9)]);

        const history = await recommendations.history('checkout', 10);

        assert.deepStrictEqual(
          history.map((r) => [r.generatedAt, r.status]),
          [
            [at(5), 'superseded'],
            [at(3), 'active'],
            [at(1), 'superseded'],
          ],
        );
        assert.deepStrictEqual(
          (await recommendations.history('checkout', 2)).map((r) => r.id),
          [saved[0].id, saved[2].id],
        );
        assert.deepStrictEqual(await recommendations.history('checkout', 0), []);
      }),
    );

    it(
      'keeps exactly one active recommendation when saves of the same key run concurrently',
      withStores(async ({ recommendations }) => {
        const batches = Array.from({ length: 8 }, (_, i) => [
          contractRecommendation('checkout', 'availability', i),
          contractRecommendation('payments', 'latency', i),
        ]);

        const results = await Promise.all(
          batches.map((batch) => recommendations.saveActive(batch)),
        );

        assert.equal(results.flat().length, 16);
        for (const [serviceId, sliType] of [
          ['checkout', 'availability'],
          ['payments', 'latency'],
        ] as const) {
          const history = await recommendations.history(serviceId, 100);
          assert.equal(history.length, 8);
          assert.equal(history.filter((r) => r.status === 'active').length, 1);
          const active = await recommendations.findActive(serviceId, sliType);
          assert.ok(active !== null);
          assert.ok(results.some((saved) => saved.some((r) => r.id === active.id)));
        }
      }),
    );
  });

  describe(`SliAggregateRepository contract: ${name}`, () => {
    it(
      'upserts aggregates and gives back the newest per SLI type and window, in order',
      withStores(async ({ aggregates }) => {
        const rows = [
          aggregate('checkout', 'latency_p99', '1h', 0, 412.75, 90_071_992_547),
          aggregate('checkout', 'availability', '28d', 0, 0.99953),
          aggregate('checkout', 'availability', '1h', 0, 0.999),
          aggregate('checkout', 'availability', '1h', 1, 0.99812345678901),
          aggregate('checkout', 'availability', '1h', -1, 0.5),
          aggregate('payments', 'availability', '1h', 5, 0.1),
        ];

        assert.deepStrictEqual(await aggregates.upsert(rows), { written: 6, unknownServices: 0 });

        assert.deepStrictEqual(await aggregates.latest('checkout'), [rows[3], rows[1], rows[0]]);
        assert.deepStrictEqual(await aggregates.latest('payments'), [rows[5]]);
        assert.deepStrictEqual(await aggregates.latest('inventory'), []);
        assert.deepStrictEqual(await aggregates.latest('no-such-service'), []);
      }),
    );

    it(
      'reads the newest value of one SLI type and window for every service at once',
      withStores(async ({ aggregates }) => {
        await aggregates.upsert([
          aggregate('checkout', 'availability', '28d', -24, 0.95),
          aggregate('checkout', 'availability', '28d', 0, 0.99953),
          aggregate('checkout', 'availability', '28d', -48, 0.5),
          aggregate('checkout', 'availability', '1h', 5, 0.1),
          aggregate('checkout', 'error_rate', '28d', 5, 0.2),
          aggregate('payments', 'availability', '28d', -1, 0.999),
          aggregate('inventory', 'availability', '7d', 0, 0.98),
        ]);

        const values = await aggregates.latestValues('availability', '28d');

        assert.deepStrictEqual(
          new Map(values),
          new Map([
            ['checkout', 0.99953],
            ['payments', 0.999],
          ]),
        );
        assert.deepStrictEqual(
          new Map(await aggregates.latestValues('availability', '7d')),
          new Map([['inventory', 0.98]]),
        );
        assert.equal((await aggregates.latestValues('latency_p99', '28d')).size, 0);
      }),
    );

    it(
      'is idempotent: the same rows twice leave the same table and write nothing the second time',
      withStores(async ({ aggregates }) => {
        const rows = SERVICES.flatMap((serviceId, s) =>
          (['availability', 'request_rate'] as const).flatMap((sliType) =>
            (['1h', '1d'] as const).map((window) =>
              aggregate(serviceId, sliType, window, 0, s + 0.25, 10 * s),
            ),
          ),
        );
        assert.deepStrictEqual(await aggregates.upsert(rows), { written: 12, unknownServices: 0 });
        const before = await Promise.all(SERVICES.map((id) => aggregates.latest(id)));

        assert.deepStrictEqual(await aggregates.upsert(rows), { written: 0, unknownServices: 0 });

        assert.deepStrictEqual(
          await Promise.all(SERVICES.map((id) => aggregates.latest(id))),
          before,
        );
        // Exactly one row per key: purging everything counts 12, not 24.
        assert.equal(await aggregates.purge(['1h', '1d'], at(1)), 12);
      }),
    );

    it(
      'updates a stored row whose value or sample count changed; the last duplicate in a call wins',
      withStores(async ({ aggregates }) => {
        await aggregates.upsert([
          aggregate('checkout', 'error_rate', '7d', 0, 0.01, 100),
          aggregate('checkout', 'error_rate', '90d', 0, 0.02, 100),
        ]);

        const result = await aggregates.upsert([
          aggregate('checkout', 'error_rate', '7d', 0, 0.5, 100),
          aggregate('checkout', 'error_rate', '7d', 0, 0.03, 100),
          aggregate('checkout', 'error_rate', '90d', 0, 0.02, 101),
        ]);

        assert.deepStrictEqual(result, { written: 2, unknownServices: 0 });
        assert.deepStrictEqual(await aggregates.latest('checkout'), [
          aggregate('checkout', 'error_rate', '7d', 0, 0.03, 100),
          aggregate('checkout', 'error_rate', '90d', 0, 0.02, 101),
        ]);
      }),
    );

    it(
      'skips rows of unknown services and counts the services',
      withStores(async ({ aggregates }) => {
        const result = await aggregates.upsert([
          aggregate('ghost', 'availability', '1h', 0, 0.9),
          aggregate('ghost', 'availability', '1d', 0, 0.9),
          aggregate('checkout', 'availability', '1h', 0, 0.99),
          aggregate('phantom', 'latency_p50', '1h', 0, 12),
        ]);

        assert.deepStrictEqual(result, { written: 1, unknownServices: 2 });
        assert.deepStrictEqual(await aggregates.latest('ghost'), []);
        assert.equal((await aggregates.latest('checkout')).length, 1);
        assert.deepStrictEqual(await aggregates.upsert([]), { written: 0, unknownServices: 0 });
      }),
    );

    it(
      'refuses values the storage cannot keep with INVALID_INPUT and stores nothing',
      withStores(async ({ aggregates }) => {
        const good = aggregate('checkout', 'availability', '1h', 0, 0.99);
        for (const bad of [
          { ...good, value: Number.NaN },
          { ...good, value: Number.POSITIVE_INFINITY },
          { ...good, sampleCount: -1 },
          { ...good, sampleCount: 1.5 },
          { ...good, window: '2h' as SliAggregate['window'] },
          { ...good, sliType: 'latency' as SliAggregate['sliType'] },
        ]) {
          await assert.rejects(
            aggregates.upsert([aggregate('payments', 'availability', '1h', 0, 0.9), bad]),
            hasCode(DomainErrorCodes.INVALID_INPUT),
          );
        }
        assert.deepStrictEqual(await aggregates.latest('payments'), []);
      }),
    );

    it(
      'purges rows of the given windows computed before the cutoff',
      withStores(async ({ aggregates }) => {
        const rows = [
          aggregate('checkout', 'availability', '1h', -48, 0.91),
          aggregate('checkout', 'availability', '1h', -24, 0.92),
          aggregate('checkout', 'availability', '1h', 0, 0.93),
          aggregate('checkout', 'availability', '1d', -48, 0.94),
          aggregate('payments', 'request_rate', '1h', -48, 15),
          aggregate('payments', 'request_rate', '90d', -48, 16),
        ];
        await aggregates.upsert(rows);

        assert.equal(await aggregates.purge(['1h', '7d'], at(-24)), 2);
        assert.equal(await aggregates.purge(['1h'], at(-24)), 0);
        assert.equal(await aggregates.purge([], at(100)), 0);

        assert.deepStrictEqual(await aggregates.latest('checkout'), [rows[2], rows[3]]);
        assert.deepStrictEqual(await aggregates.latest('payments'), [rows[5]]);
        assert.equal(await aggregates.purge(['1h'], at(1)), 2);
        assert.deepStrictEqual(await aggregates.latest('checkout'), [rows[3]]);
      }),
    );
  });
}
