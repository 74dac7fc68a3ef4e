/** A small world for the SLO use-case specs: an in-memory graph, recommendations and SLO stores. */
import { FixedClock } from '../../shared/testing/fixed-clock';
import { type GraphRepository } from '../../graph/graph.ports';
import { graphSubmission } from '../../graph/testing/graph-submission.builder';
import { InMemoryGraphStores } from '../../graph/testing/in-memory-graph-stores';
import { InMemoryRecommendationRepository } from '../../recommendations/testing/in-memory-recommendation-stores';
import { contractRecommendation } from '../../recommendations/testing/recommendation-stores.contract';
import { type SloDecision } from '../decide-recommendation/decide-recommendation.types';
import { DecideRecommendationUseCase } from '../decide-recommendation/decide-recommendation.use-case';
import { InMemorySloStores } from './in-memory-slo-stores';

export interface SloWorld {
  readonly graph: GraphRepository;
  readonly stores: InMemorySloStores;
  readonly clock: FixedClock;
  readonly decide: DecideRecommendationUseCase;
  /** Stores a fresh availability recommendation of the service and accepts its balanced tier. */
  accept(serviceId: string, hours?: number): Promise<SloDecision>;
}

export async function sloWorld(
  serviceIds: readonly string[] = ['checkout', 'payments'],
): Promise<SloWorld> {
  const graph = new InMemoryGraphStores();
  await graph.graph.applySubmission(graphSubmission('manual', { nodes: [...serviceIds] }), {
    now: new Date('2026-02-14T00:00:00.000Z'),
    stalenessWindowMs: 7 * 86_400_000,
  });
  const exists = async (serviceId: string): Promise<boolean> =>
    (await graph.graph.findService(serviceId)) !== null;
  const stores = new InMemorySloStores(exists, new InMemoryRecommendationRepository(exists));
  const clock = new FixedClock('2026-02-14T10:30:00.000Z');
  const decide = new DecideRecommendationUseCase(stores.lifecycle, clock);
  const accept = async (serviceId: string, hours = 0): Promise<SloDecision> => {
    const [recommendation] = await stores.recommendations.saveActive([
      contractRecommendation(serviceId, 'availability', hours),
    ]);
    return decide.execute({
      serviceId,
      recommendationId: recommendation.id,
      action: 'accept',
      selectedTier: 'balanced',
      actor: 'jane.doe@example.com',
    });
  };
  return { graph: graph.graph, stores, clock, decide, accept };
}
