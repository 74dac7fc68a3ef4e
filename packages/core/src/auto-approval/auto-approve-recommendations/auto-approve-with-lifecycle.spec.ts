/**
 * Auto-approval through the real SLO lifecycle (DecideRecommendationUseCase over the in-memory
 * lifecycle stores): the audit entry AC-011 asks for, and what the next regeneration does.
 */
import { GraphSnapshotCache } from '../../graph/graph-snapshot/graph-snapshot-cache';
import { graphSubmission } from '../../graph/testing/graph-submission.builder';
import { InMemoryGraphStores } from '../../graph/testing/in-memory-graph-stores';
import { InMemoryRecommendationRepository } from '../../recommendations/testing/in-memory-recommendation-stores';
import { FixedClock } from '../../shared/testing/fixed-clock';
import { DecideRecommendationUseCase } from '../../slos/decide-recommendation/decide-recommendation.use-case';
import { SloErrorCodes } from '../../slos/slo-error-codes';
import { InMemorySloStores } from '../../slos/testing/in-memory-slo-stores';
import { newRecommendation, NOW, SERVICES } from '../__fixtures__/auto-approval-world';
import { contractRule } from '../testing/auto-approval-rule-repository.contract';
import { InMemoryAutoApprovalRuleRepository } from '../testing/in-memory-auto-approval-stores';
import { AutoApproveRecommendationsUseCase } from './auto-approve-recommendations.use-case';

async function setUp() {
  const graph = new InMemoryGraphStores();
  await graph.graph.applySubmission(graphSubmission('manual', { nodes: SERVICES }), {
    now: NOW,
    stalenessWindowMs: 30 * 86_400_000,
  });
  const known = new Set(SERVICES.map((node) => (typeof node === 'string' ? node : node[0])));
  const slo = new InMemorySloStores(known, new InMemoryRecommendationRepository(known));
  const rules = new InMemoryAutoApprovalRuleRepository();
  const decide = new DecideRecommendationUseCase(slo.lifecycle, new FixedClock(NOW));
  const useCase = new AutoApproveRecommendationsUseCase(
    rules,
    new GraphSnapshotCache(graph.graph),
    slo.activeSlos,
    decide,
  );
  return { slo, rules, decide, useCase };
}

describe('AutoApproveRecommendationsUseCase with the SLO lifecycle', () => {
  it('AC-011: records auto_approve by system:auto-approval:<rule> and makes the SLO active', async () => {
    const { slo, rules, useCase } = await setUp();
    await rules.create(contractRule('low-crit', { enabled: true }));
    const generated = await slo.recommendations.saveActive([
      newRecommendation('reviews', 'availability'),
      newRecommendation('reviews', 'latency'),
      newRecommendation('checkout', 'availability'),
    ]);

    const outcomes = await useCase.execute(generated);

    expect(outcomes.map((o) => [o.serviceId, o.sliType, o.status])).toEqual([
      ['reviews', 'availability', 'approved'],
      ['reviews', 'latency', 'approved'],
      ['checkout', 'availability', 'not_matched'],
    ]);
    expect(await slo.activeSlos.findByService('reviews')).toMatchObject({
      availabilityTarget: 99.9,
      latencyP99TargetMs: 451,
      activatedBy: 'system:auto-approval:low-crit',
    });
    expect(await slo.activeSlos.findByService('checkout')).toBeNull();
    const history = await slo.auditLog.history('reviews', { limit: 10 });
    expect(history.map((entry) => [entry.action, entry.actor, entry.selectedTier])).toEqual([
      ['auto_approve', 'system:auto-approval:low-crit', 'balanced'],
      ['auto_approve', 'system:auto-approval:low-crit', 'balanced'],
    ]);
    expect(history[1].rationale).toMatch(/^Auto-approved by rule "low-crit" at the balanced tier/);
    expect(await slo.recommendations.findActive('reviews', 'availability')).toBeNull();
  });

  it('holds regenerated recommendations whose targets it already set, and after a human decision', async () => {
    const { slo, rules, useCase, decide } = await setUp();
    await rules.create(contractRule('low-crit', { enabled: true }));
    await useCase.execute(
      await slo.recommendations.saveActive([
        newRecommendation('reviews', 'availability'),
        newRecommendation('reviews', 'latency'),
      ]),
    );

    const regenerated = await slo.recommendations.saveActive([
      newRecommendation('reviews', 'availability'),
      newRecommendation('reviews', 'latency'),
    ]);
    expect((await useCase.execute(regenerated)).map((o) => o.status)).toEqual(['held', 'held']);

    await decide.execute({
      serviceId: 'reviews',
      recommendationId: regenerated[0].id,
      action: 'accept',
      selectedTier: 'aggressive',
      actor: 'jane.doe@example.com',
    });
    const third = await slo.recommendations.saveActive([
      newRecommendation('reviews', 'availability'),
    ]);
    expect(await useCase.execute(third)).toEqual([
      expect.objectContaining({ status: 'held', reason: 'human_slo' }),
    ]);
    expect((await slo.auditLog.history('reviews', { limit: 10 })).map((e) => e.action)).toEqual([
      'accept',
      'auto_approve',
      'auto_approve',
    ]);
  });

  it('reports a recommendation that is no longer current as failed', async () => {
    const { slo, rules, useCase, decide } = await setUp();
    await rules.create(contractRule('low-crit', { enabled: true }));
    const [stored] = await slo.recommendations.saveActive([
      newRecommendation('reviews', 'availability'),
    ]);
    await decide.execute({
      serviceId: 'reviews',
      recommendationId: stored.id,
      action: 'reject',
      actor: 'jane.doe@example.com',
    });

    expect(await useCase.execute([stored])).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: expect.objectContaining({
          code: SloErrorCodes.RECOMMENDATION_NOT_CURRENT,
        }) as unknown,
      }),
    ]);
  });
});
