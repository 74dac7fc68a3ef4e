import { InMemoryGraphStores } from '../../graph/testing/in-memory-graph-stores';
import { graphSubmission } from '../../graph/testing/graph-submission.builder';
import {
  InMemoryRecommendationRepository,
  InMemorySliAggregateRepository,
} from './in-memory-recommendation-stores';
import {
  contractRecommendation,
  describeRecommendationStoresContract,
} from './recommendation-stores.contract';

describeRecommendationStoresContract('in-memory (set of service ids)', (serviceIds) => {
  const known = new Set(serviceIds);
  return Promise.resolve({
    recommendations: new InMemoryRecommendationRepository(known),
    aggregates: new InMemorySliAggregateRepository(known),
  });
});

describeRecommendationStoresContract('in-memory (services of an in-memory graph)', async (ids) => {
  const graph = new InMemoryGraphStores();
  await graph.graph.applySubmission(graphSubmission('manual', { nodes: [...ids] }), {
    now: new Date('2026-02-14T00:00:00.000Z'),
    stalenessWindowMs: 7 * 86_400_000,
  });
  const exists = async (serviceId: string): Promise<boolean> =>
    (await graph.graph.findService(serviceId)) !== null;
  return {
    recommendations: new InMemoryRecommendationRepository(exists),
    aggregates: new InMemorySliAggregateRepository(exists),
  };
});

describe('InMemoryRecommendationRepository', () => {
  it('keeps what it stored when the caller changes the objects it gave or got', async () => {
    const repository = new InMemoryRecommendationRepository(new Set(['checkout']));
    const input = contractRecommendation('checkout', 'availability');
    const original = contractRecommendation('checkout', 'availability');
    const [saved] = await repository.saveActive([input]);

    (input.dataQuality.telemetryGaps as unknown[]).length = 0;
    input.lookbackWindow.start.setTime(0);
    (saved.recommendation.explanation.warnings as string[]).push('changed');

    expect(await repository.findActive('checkout', 'availability')).toEqual({
      ...original,
      id: saved.id,
      status: 'active',
    });
  });

  it('draws ids from the given source', async () => {
    let n = 0;
    const repository = new InMemoryRecommendationRepository(new Set(['checkout']), {
      newId: () => `id-${++n}`,
    });
    const saved = await repository.saveActive([
      contractRecommendation('checkout', 'availability'),
      contractRecommendation('checkout', 'latency'),
    ]);
    expect(saved.map((r) => r.id)).toEqual(['id-1', 'id-2']);
  });
});
