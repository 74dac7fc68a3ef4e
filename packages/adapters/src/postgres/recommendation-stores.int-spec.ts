import {
  AGGREGATE_SLI_TYPES,
  AGGREGATE_WINDOWS,
  contractRecommendation,
  describeRecommendationStoresContract,
  DomainErrorCodes,
  type SliAggregate,
} from '@slo-engine/core';
import { createMigratedDatabase, type MigratedDatabase } from './__fixtures__/migrated-database';
import { PostgresRecommendationRepository } from './recommendation.repository';
import { PostgresSliAggregateRepository } from './sli-aggregate.repository';

let db: MigratedDatabase;

beforeAll(async () => {
  db = await createMigratedDatabase('adapters_recommendations');
});
afterAll(async () => db.close());

async function addServices(serviceIds: readonly string[]): Promise<void> {
  await db.dataSource.query(
    'INSERT INTO services (service_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING',
    [[...serviceIds]],
  );
}

describeRecommendationStoresContract('PostgreSQL', async (serviceIds) => {
  await db.reset();
  await addServices(serviceIds);
  return {
    recommendations: new PostgresRecommendationRepository(db.dataSource.manager),
    aggregates: new PostgresSliAggregateRepository(db.dataSource.manager),
  };
});

describe('PostgresRecommendationRepository (storage)', () => {
  let recommendations: PostgresRecommendationRepository;

  beforeEach(async () => {
    await db.reset();
    await addServices(['checkout', 'payments']);
    recommendations = new PostgresRecommendationRepository(db.dataSource.manager);
  });

  it('splits a recommendation into the spec columns', async () => {
    const input = contractRecommendation('checkout', 'latency');
    const [saved] = await recommendations.saveActive([input]);

    const [row] = await db.dataSource.query<
      Array<{
        service_id: string;
        sli_type: string;
        metric: string;
        tiers: unknown;
        explanation: { provenance: { lookbackWindowStart: string } };
        data_quality: { reevaluateAt: string };
        lookback_window_start: Date;
        graph_version: string;
        dependency_digest: string;
        status: string;
        status_changed_at: Date | null;
      }>
    >(
      `SELECT s.service_id, r.sli_type, r.metric, r.tiers, r.explanation, r.data_quality,
              r.lookback_window_start, r.graph_version, r.dependency_digest, r.status,
              r.status_changed_at
       FROM slo_recommendations r JOIN services s ON s.id = r.service_id WHERE r.id = $1`,
      [saved.id],
    );

    expect(row).toMatchObject({
      service_id: 'checkout',
      sli_type: 'latency',
      metric: 'p99_response_time_ms',
      tiers: input.recommendation.tiers,
      lookback_window_start: input.lookbackWindow.start,
      graph_version: '9007199254740991',
      dependency_digest: input.dependencyDigest,
      status: 'active',
      status_changed_at: null,
    });
    expect(row.explanation.provenance.lookbackWindowStart).toBe(
      input.lookbackWindow.start.toISOString(),
    );
    expect(row.data_quality.reevaluateAt).toBe(input.dataQuality.reevaluateAt?.toISOString());
  });

  it('records when a recommendation stopped being active', async () => {
    const [first] = await recommendations.saveActive([
      contractRecommendation('checkout', 'availability', 0),
    ]);
    const [second] = await recommendations.saveActive([
      contractRecommendation('checkout', 'availability', 2),
    ]);
    await recommendations.invalidate('checkout', new Date('2026-02-14T20:00:00.000Z'));

    const changed = await db.dataSource.query<Array<{ id: string; status_changed_at: Date }>>(
      'SELECT id, status_changed_at FROM slo_recommendations ORDER BY generated_at',
    );
    expect(changed).toEqual([
      { id: first.id, status_changed_at: second.generatedAt },
      { id: second.id, status_changed_at: new Date('2026-02-14T20:00:00.000Z') },
    ]);
  });

  it('lets the database refuse a second active recommendation for a service and SLI type', async () => {
    const [saved] = await recommendations.saveActive([
      contractRecommendation('checkout', 'availability'),
    ]);

    const duplicate = db.dataSource.query(
      `INSERT INTO slo_recommendations
         (service_id, sli_type, metric, tiers, explanation, data_quality, lookback_window_start,
          lookback_window_end, lookback_days, graph_version, dependency_digest, expires_at)
       SELECT service_id, sli_type, metric, tiers, explanation, data_quality,
              lookback_window_start, lookback_window_end, lookback_days, graph_version,
              dependency_digest, expires_at
       FROM slo_recommendations WHERE id = $1`,
      [saved.id],
    );

    await expect(duplicate).rejects.toMatchObject({ driverError: { code: '23505' } });
  });

  it("joins the caller's transaction: a rollback takes the save and the supersede back", async () => {
    const [before] = await recommendations.saveActive([
      contractRecommendation('checkout', 'availability', 0),
    ]);

    const failed = db.dataSource.transaction(async (manager) => {
      await new PostgresRecommendationRepository(manager).saveActive([
        contractRecommendation('checkout', 'availability', 1),
      ]);
      throw new Error('rolled back');
    });

    await expect(failed).rejects.toThrow('rolled back');
    expect(await recommendations.findActive('checkout', 'availability')).toEqual(before);
    expect(await recommendations.history('checkout', 10)).toHaveLength(1);
  });

  it('serialises concurrent batches that name the same keys in opposite orders', async () => {
    const forward = [
      contractRecommendation('checkout', 'availability', 1),
      contractRecommendation('payments', 'latency', 1),
    ];
    const backward = [
      contractRecommendation('payments', 'latency', 2),
      contractRecommendation('checkout', 'availability', 2),
    ];

    await Promise.all(
      Array.from({ length: 6 }, (_, i) => recommendations.saveActive(i % 2 ? forward : backward)),
    );

    const active = await db.dataSource.query<Array<{ count: number }>>(
      `SELECT count(*)::int AS count FROM slo_recommendations WHERE status = 'active'`,
    );
    expect(active).toEqual([{ count: 2 }]);
  });

  it('reports every unknown service', async () => {
    await expect(
      recommendations.saveActive([
        contractRecommendation('ghost', 'availability'),
        contractRecommendation('checkout', 'availability'),
        contractRecommendation('phantom', 'latency'),
      ]),
    ).rejects.toMatchObject({
      code: DomainErrorCodes.SERVICE_NOT_FOUND,
      details: { serviceIds: ['ghost', 'phantom'] },
    });
  });
});

describe('PostgresSliAggregateRepository (fleet scale)', () => {
  const SERVICES = 5_000;
  const computedAt = new Date('2026-02-14T10:00:00.000Z');
  let aggregates: PostgresSliAggregateRepository;
  let rows: SliAggregate[];

  beforeAll(async () => {
    await db.reset();
    const serviceIds = Array.from(
      { length: SERVICES },
      (_, i) => `service-${String(i).padStart(5, '0')}`,
    );
    await addServices(serviceIds);
    aggregates = new PostgresSliAggregateRepository(db.dataSource.manager);
    rows = serviceIds.flatMap((serviceId, s) =>
      AGGREGATE_SLI_TYPES.flatMap((sliType, t) =>
        AGGREGATE_WINDOWS.map((window, w) => ({
          serviceId,
          sliType,
          window,
          value: 0.9 + (s * 30 + t * 5 + w) / 1e7,
          sampleCount: 1_000 + s,
          computedAt,
        })),
      ),
    );
  });

  // How long this takes is measured by bench/aggregation.bench.ts, not asserted here.
  it('upserts 5,000 services × 6 SLI types × 5 windows (150,000 rows): all, then none, then the changed half', async () => {
    expect(rows).toHaveLength(150_000);
    expect(await aggregates.upsert(rows)).toEqual({ written: 150_000, unknownServices: 0 });
    expect(await aggregates.upsert(rows)).toEqual({ written: 0, unknownServices: 0 });
    const changed = rows.map((row, i) => (i % 2 === 0 ? { ...row, value: row.value + 1 } : row));
    expect(await aggregates.upsert(changed)).toEqual({ written: 75_000, unknownServices: 0 });

    const [{ count }] = await db.dataSource.query<Array<{ count: number }>>(
      'SELECT count(*)::int AS count FROM sli_aggregates',
    );
    expect(count).toBe(150_000);
    const latest = await aggregates.latest('service-04999');
    expect(latest).toHaveLength(30);
    expect(latest[0]).toEqual(changed[149_970]);
  }, 60_000);
});
