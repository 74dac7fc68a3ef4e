import { DomainErrorCodes } from '../../shared/domain-error';
import { AutoApprovalErrorCodes } from '../auto-approval.types';
import {
  createAutoApprovalWorld,
  newRecommendation,
  NOW,
} from '../__fixtures__/auto-approval-world';
import { contractRule } from '../testing/auto-approval-rule-repository.contract';
import { DryRunAutoApprovalRuleUseCase } from './dry-run-auto-approval-rule.use-case';

async function setUp() {
  const world = await createAutoApprovalWorld();
  const useCase = new DryRunAutoApprovalRuleUseCase(
    world.rules,
    world.reader,
    world.snapshots,
    world.activeSlos,
    world.clock,
  );
  // Current recommendations of every service; checkout's is medium criticality, legacy's a cold start.
  await world.generate([
    newRecommendation('reviews', 'availability'),
    newRecommendation('reviews', 'latency'),
    newRecommendation('wishlist', 'availability'),
    newRecommendation('legacy', 'availability', { coldStart: true }),
    newRecommendation('checkout', 'availability'),
  ]);
  return { ...world, useCase };
}

describe('DryRunAutoApprovalRuleUseCase', () => {
  it('lists what a stored (disabled) rule would approve, without deciding anything', async () => {
    const { useCase, rules, decider, activeSlos } = await setUp();
    const rule = await rules.create(contractRule('low-crit'));

    const result = await useCase.execute({ ruleId: rule.id });

    expect(result.rule).toEqual({
      id: rule.id,
      name: 'low-crit',
      enabled: false,
      conditions: rule.conditions,
    });
    expect(result.evaluatedAt).toEqual(NOW);
    expect(result.recommendationsEvaluated).toBe(5);
    expect(result.wouldApprove.map((m) => [m.serviceId, m.sliType, m.target])).toEqual([
      ['reviews', 'availability', { sliType: 'availability', target: 99.9 }],
      ['reviews', 'latency', { sliType: 'latency', targetMs: 450.5, percentile: 'p99' }],
      ['wishlist', 'availability', { sliType: 'availability', target: 99.9 }],
    ]);
    expect(result.wouldApprove[0]).toMatchObject({
      criticality: 'low',
      team: 'social',
      confidence: 0.97,
      activeSloSetBy: null,
    });
    expect(result.held).toEqual([]);
    expect(decider.inputs).toEqual([]);
    expect(activeSlos.slos.size).toBe(0);
  });

  it('evaluates an unsaved rule body, storing nothing', async () => {
    const { useCase, rules } = await setUp();

    const result = await useCase.execute({
      rule: {
        conditions: {
          criticality: ['low', 'medium'],
          confidenceMin: 0,
          tier: 'aggressive',
          sliTypes: ['availability'],
        },
      },
    });

    expect(result.rule).toMatchObject({ id: null, name: null, enabled: null });
    expect(result.wouldApprove.map((m) => [m.serviceId, m.target])).toEqual([
      ['checkout', { sliType: 'availability', target: 99.95 }],
      ['legacy', { sliType: 'availability', target: 99.95 }],
      ['reviews', { sliType: 'availability', target: 99.95 }],
      ['wishlist', { sliType: 'availability', target: 99.95 }],
    ]);
    expect(await rules.list()).toEqual([]);
  });

  it('shows matches the live path would hold back, and why', async () => {
    const { useCase, activeSlos } = await setUp();
    activeSlos.set('reviews', 'alice@example.com');
    activeSlos.set('wishlist', 'system:auto-approval:low-crit', { availabilityTarget: 99.9 });

    const result = await useCase.execute({
      rule: {
        name: 'preview',
        conditions: { criticality: ['low'], confidenceMin: 0.5, tier: 'balanced' },
      },
    });

    expect(result.wouldApprove).toEqual([]);
    expect(result.held.map((h) => [h.serviceId, h.sliType, h.reason, h.activeSloSetBy])).toEqual([
      ['reviews', 'availability', 'human_slo', 'alice@example.com'],
      ['reviews', 'latency', 'human_slo', 'alice@example.com'],
      ['wishlist', 'availability', 'unchanged', 'system:auto-approval:low-crit'],
    ]);
  });

  it('leaves out expired recommendations', async () => {
    const { useCase, clock } = await setUp();
    clock.set(new Date(NOW.getTime() + 86_400_000));

    const result = await useCase.execute({
      rule: { conditions: { criticality: ['low'], confidenceMin: 0, tier: 'balanced' } },
    });

    expect(result.recommendationsEvaluated).toBe(0);
    expect(result.wouldApprove).toEqual([]);
  });

  it('answers not found for an unknown rule and names invalid fields of a body', async () => {
    const { useCase } = await setUp();

    await expect(
      useCase.execute({ ruleId: '7d1c5f9e-0000-4000-8000-00000000abcd' }),
    ).rejects.toMatchObject({ code: AutoApprovalErrorCodes.RULE_NOT_FOUND });
    await expect(
      useCase.execute({
        rule: {
          name: 'bad name',
          conditions: { criticality: ['huge'] as never, confidenceMin: 0.5, tier: 'balanced' },
        },
      }),
    ).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_INPUT,
      details: {
        fieldErrors: [
          expect.objectContaining({ field: 'name' }),
          expect.objectContaining({ field: 'conditions.criticality[0]' }),
        ],
      },
    });
  });
});
