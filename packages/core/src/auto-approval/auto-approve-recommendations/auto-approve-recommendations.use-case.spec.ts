import { DomainError } from '../../shared/domain-error';
import { SloErrorCodes } from '../../slos/slo-error-codes';
import { type NewAutoApprovalRule } from '../auto-approval.types';
import {
  createAutoApprovalWorld,
  newRecommendation,
  NOW,
} from '../__fixtures__/auto-approval-world';
import { AutoApproveRecommendationsUseCase } from './auto-approve-recommendations.use-case';

function ruleInput(
  name: string,
  overrides: Partial<NewAutoApprovalRule> = {},
): NewAutoApprovalRule {
  return {
    name,
    conditions: {
      criticality: ['low'],
      confidenceMin: 0.9,
      tier: 'balanced',
      teams: null,
      sliTypes: ['availability', 'latency'],
    },
    enabled: true,
    createdBy: 'alice@example.com',
    createdAt: NOW,
    updatedBy: 'alice@example.com',
    updatedAt: NOW,
    ...overrides,
  };
}

async function setUp() {
  const world = await createAutoApprovalWorld();
  const useCase = new AutoApproveRecommendationsUseCase(
    world.rules,
    world.snapshots,
    world.activeSlos,
    world.decider,
  );
  return { ...world, useCase };
}

describe('AutoApproveRecommendationsUseCase', () => {
  it('AC-011: accepts a low-criticality recommendation with auto_approve as the rule', async () => {
    const { rules, generate, useCase, decider, activeSlos } = await setUp();
    await rules.create(ruleInput('low-crit'));
    const [availability, latency] = await generate([
      newRecommendation('reviews', 'availability'),
      newRecommendation('reviews', 'latency'),
    ]);

    const outcomes = await useCase.execute([availability, latency]);

    expect(outcomes.map((o) => [o.sliType, o.status])).toEqual([
      ['availability', 'approved'],
      ['latency', 'approved'],
    ]);
    expect(decider.inputs).toEqual([
      {
        serviceId: 'reviews',
        recommendationId: availability.id,
        action: 'auto_approve',
        selectedTier: 'balanced',
        rationale:
          'Auto-approved by rule "low-crit" at the balanced tier: criticality in [low] (was low), ' +
          'confidence >= 0.9 (was 0.97), sli_type in [availability, latency] (was availability), any team.',
        actor: 'system:auto-approval:low-crit',
        // The person-set check is repeated under the service lock.
        unlessSetByPerson: true,
      },
      expect.objectContaining({
        recommendationId: latency.id,
        action: 'auto_approve',
        actor: 'system:auto-approval:low-crit',
      }),
    ]);
    expect(activeSlos.slos.get('reviews')).toMatchObject({
      availabilityTarget: 99.9,
      latencyP99TargetMs: 451,
      activatedBy: 'system:auto-approval:low-crit',
    });
  });

  it('leaves services of other criticalities, low confidence and cold starts alone', async () => {
    const { rules, generate, useCase, decider } = await setUp();
    await rules.create(ruleInput('low-crit'));
    const batch = await generate([
      newRecommendation('checkout', 'availability'),
      newRecommendation('gateway', 'availability'),
      newRecommendation('wishlist', 'availability', { dataCompleteness: 0.89 }),
      newRecommendation('legacy', 'availability', { coldStart: true, dataCompleteness: 1 }),
    ]);

    const outcomes = await useCase.execute(batch);

    expect(outcomes.map((o) => [o.serviceId, o.status])).toEqual([
      ['checkout', 'not_matched'],
      ['gateway', 'not_matched'],
      ['wishlist', 'not_matched'],
      ['legacy', 'not_matched'],
    ]);
    expect(decider.inputs).toEqual([]);
  });

  it('approves nothing while every rule is disabled', async () => {
    const { rules, generate, useCase, decider } = await setUp();
    await rules.create(ruleInput('low-crit', { enabled: false }));
    const batch = await generate([newRecommendation('reviews', 'availability')]);

    expect(await useCase.execute(batch)).toEqual([
      expect.objectContaining({ status: 'not_matched', reason: 'no_enabled_rule' }),
    ]);
    expect(decider.inputs).toEqual([]);
  });

  it('lets the first enabled matching rule by name decide, at its tier', async () => {
    const { rules, generate, useCase, decider } = await setUp();
    await rules.create(
      ruleInput('z-aggressive', {
        conditions: { ...ruleInput('').conditions, tier: 'aggressive' },
      }),
    );
    await rules.create(
      ruleInput('m-conservative', {
        conditions: { ...ruleInput('').conditions, tier: 'conservative', teams: ['social'] },
      }),
    );
    await rules.create(ruleInput('a-disabled', { enabled: false }));
    const batch = await generate([
      newRecommendation('reviews', 'availability'),
      newRecommendation('wishlist', 'availability'),
    ]);

    const outcomes = await useCase.execute(batch);

    expect(outcomes).toEqual([
      expect.objectContaining({ serviceId: 'reviews', status: 'approved', rule: 'm-conservative' }),
      expect.objectContaining({ serviceId: 'wishlist', status: 'approved', rule: 'z-aggressive' }),
    ]);
    expect(
      decider.inputs.map((input) => [input.serviceId, input.selectedTier, input.actor]),
    ).toEqual([
      ['reviews', 'conservative', 'system:auto-approval:m-conservative'],
      ['wishlist', 'aggressive', 'system:auto-approval:z-aggressive'],
    ]);
  });

  it('never overrides an SLO a person or an API key set', async () => {
    const { rules, generate, useCase, decider, activeSlos } = await setUp();
    await rules.create(ruleInput('low-crit'));
    activeSlos.set('reviews', 'alice@example.com');
    activeSlos.set('wishlist', 'api-key:backstage');
    const batch = await generate([
      newRecommendation('reviews', 'availability'),
      newRecommendation('wishlist', 'latency'),
    ]);

    expect(await useCase.execute(batch)).toEqual([
      expect.objectContaining({ status: 'held', reason: 'human_slo', rule: 'low-crit' }),
      expect.objectContaining({ status: 'held', reason: 'human_slo', rule: 'low-crit' }),
    ]);
    expect(decider.inputs).toEqual([]);
    expect(activeSlos.slos.get('reviews')?.activatedBy).toBe('alice@example.com');
  });

  it('replaces an SLO it set itself when the target moves, and holds when it would not change', async () => {
    const { rules, generate, useCase, decider, activeSlos } = await setUp();
    await rules.create(ruleInput('low-crit'));
    activeSlos.set('reviews', 'system:auto-approval:older-rule', { availabilityTarget: 99.5 });
    activeSlos.set('wishlist', 'system:auto-approval:low-crit', { availabilityTarget: 99.9 });
    const batch = await generate([
      newRecommendation('reviews', 'availability'),
      newRecommendation('wishlist', 'availability'),
    ]);

    expect(await useCase.execute(batch)).toEqual([
      expect.objectContaining({ serviceId: 'reviews', status: 'approved' }),
      expect.objectContaining({ serviceId: 'wishlist', status: 'held', reason: 'unchanged' }),
    ]);
    expect(decider.inputs.map((input) => input.serviceId)).toEqual(['reviews']);
  });

  it('reports a failed decision as its outcome and carries on with the rest', async () => {
    const { rules, generate, useCase, decider, notCurrent } = await setUp();
    await rules.create(ruleInput('low-crit'));
    const [first, second] = await generate([
      newRecommendation('reviews', 'availability'),
      newRecommendation('wishlist', 'availability'),
    ]);
    const error = notCurrent();
    decider.failFor(first.id, error);

    const outcomes = await useCase.execute([first, second]);

    expect(outcomes).toEqual([
      expect.objectContaining({ recommendationId: first.id, status: 'failed', error }),
      expect.objectContaining({ recommendationId: second.id, status: 'approved' }),
    ]);
  });

  it('holds when a person decided between its check and the lock (the decision refuses)', async () => {
    const { rules, generate, useCase, decider } = await setUp();
    await rules.create(ruleInput('low-crit'));
    const [recommendation] = await generate([newRecommendation('reviews', 'availability')]);
    decider.failFor(
      recommendation.id,
      new DomainError(SloErrorCodes.SET_BY_PERSON, 'set by jane.doe@example.com'),
    );

    expect(await useCase.execute([recommendation])).toEqual([
      expect.objectContaining({ status: 'held', rule: 'low-crit', reason: 'human_slo' }),
    ]);
  });

  it('skips a service the graph no longer has, and answers nothing for nothing', async () => {
    const { rules, useCase, generate } = await setUp();
    await rules.create(ruleInput('low-crit'));
    const [stored] = await generate([newRecommendation('reviews', 'availability')]);

    expect(await useCase.execute([{ ...stored, serviceId: 'gone' }])).toEqual([
      expect.objectContaining({ status: 'not_matched', reason: 'unknown_service' }),
    ]);
    expect(await useCase.execute([])).toEqual([]);
  });
});
