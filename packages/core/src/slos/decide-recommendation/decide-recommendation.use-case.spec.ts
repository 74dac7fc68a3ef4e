import fc from 'fast-check';
import { DomainErrorCodes } from '../../shared/domain-error';
import { FixedClock } from '../../shared/testing/fixed-clock';
import { type NewRecommendation } from '../../recommendations/recommendation.ports';
import { InMemoryRecommendationRepository } from '../../recommendations/testing/in-memory-recommendation-stores';
import { contractRecommendation } from '../../recommendations/testing/recommendation-stores.contract';
import { SloErrorCodes } from '../slo-error-codes';
import { InMemorySloStores } from '../testing/in-memory-slo-stores';
import { type DecideRecommendationInput } from './decide-recommendation.types';
import { DecideRecommendationUseCase } from './decide-recommendation.use-case';

const ACTOR = 'jane.doe@example.com';
// contractRecommendation(…, hours = 0) is generated at 10:00 and expires 24 h later; its
// availability tiers are 99.5 / 99.9 / 99.95 under a composite bound of 99.97, its latency tiers
// p99 800 / p99 450.5 / p95 300.
const NOW = '2026-02-14T10:30:00.000Z';

function setup() {
  const known = new Set(['checkout', 'payments']);
  const stores = new InMemorySloStores(known, new InMemoryRecommendationRepository(known));
  const clock = new FixedClock(NOW);
  const useCase = new DecideRecommendationUseCase(stores.lifecycle, clock);
  const save = async (recommendation: NewRecommendation) =>
    (await stores.recommendations.saveActive([recommendation]))[0];
  return { stores, clock, useCase, save };
}

function input(
  recommendationId: string,
  change: Partial<DecideRecommendationInput> = {},
): DecideRecommendationInput {
  return {
    serviceId: 'checkout',
    recommendationId,
    action: 'accept',
    selectedTier: 'balanced',
    actor: ACTOR,
    ...change,
  };
}

describe('DecideRecommendationUseCase', () => {
  it("accepts the selected tier's availability target, records who and why, and retires the recommendation", async () => {
    const { stores, useCase, save } = setup();
    const recommendation = await save(contractRecommendation('checkout', 'availability'));

    const decision = await useCase.execute(
      input(recommendation.id, { rationale: 'matches our error budget policy' }),
    );

    const expectedSlo = {
      id: decision.activeSlo?.id,
      serviceId: 'checkout',
      availabilityTarget: 99.9,
      latencyP95TargetMs: null,
      latencyP99TargetMs: null,
      latencyP999TargetMs: null,
      source: 'recommendation_accepted',
      recommendationId: recommendation.id,
      activatedAt: new Date(NOW),
      activatedBy: ACTOR,
      createdAt: new Date(NOW),
      updatedAt: new Date(NOW),
    };
    expect(decision).toEqual({
      action: 'accept',
      serviceId: 'checkout',
      recommendationId: recommendation.id,
      activeSlo: expectedSlo,
      modificationDelta: null,
      warnings: [],
      auditEntryId: expect.any(String) as unknown,
      decidedAt: new Date(NOW),
    });
    expect(await stores.activeSlos.findByService('checkout')).toEqual(expectedSlo);
    const [entry] = await stores.auditLog.history('checkout', { limit: 10 });
    expect(entry).toMatchObject({
      id: decision.auditEntryId,
      action: 'accept',
      actor: ACTOR,
      recommendationId: recommendation.id,
      previousSlo: null,
      newSlo: {
        sloId: expectedSlo.id,
        availabilityTarget: 99.9,
        source: 'recommendation_accepted',
      },
      selectedTier: 'balanced',
      rationale: 'matches our error budget policy',
      modificationDelta: null,
      warnings: [],
      timestamp: new Date(NOW),
    });
    expect(await stores.recommendations.findActive('checkout', 'availability')).toBeNull();
    expect((await stores.recommendations.history('checkout', 1))[0].status).toBe('accepted');
  });

  it("keeps the other SLI type's targets and records the previous SLO", async () => {
    const { stores, useCase, save } = setup();
    const availability = await save(contractRecommendation('checkout', 'availability'));
    const latency = await save(contractRecommendation('checkout', 'latency'));
    const first = await useCase.execute(input(availability.id, { selectedTier: 'aggressive' }));

    const second = await useCase.execute(input(latency.id));

    expect(second.activeSlo).toMatchObject({
      id: first.activeSlo?.id,
      availabilityTarget: 99.95,
      latencyP95TargetMs: null,
      // 450.5 ms, rounded up to whole milliseconds.
      latencyP99TargetMs: 451,
      latencyP999TargetMs: null,
      recommendationId: latency.id,
    });
    const [newest] = await stores.auditLog.history('checkout', { limit: 1 });
    expect(newest.previousSlo).toMatchObject({
      sloId: first.activeSlo?.id,
      availabilityTarget: 99.95,
      latencyP99TargetMs: null,
      recommendationId: availability.id,
    });
    expect(newest.newSlo).toMatchObject({ availabilityTarget: 99.95, latencyP99TargetMs: 451 });
  });

  it("puts a latency tier's target in its percentile's column and clears the other latency targets", async () => {
    const { clock, useCase, save } = setup();
    const base = contractRecommendation('checkout', 'latency');
    const withP999: NewRecommendation =
      base.recommendation.sliType === 'latency'
        ? {
            ...base,
            recommendation: {
              ...base.recommendation,
              tiers: {
                ...base.recommendation.tiers,
                conservative: {
                  targetMs: 1200,
                  percentile: 'p99.9',
                  estimatedBreachProbability: 0.01,
                },
              },
            },
          }
        : base;
    const aggressive = await save(base);
    await useCase.execute(input(aggressive.id, { selectedTier: 'aggressive' }));
    const conservative = await save(withP999);
    clock.advance(60_000);

    const decision = await useCase.execute(
      input(conservative.id, { selectedTier: 'conservative' }),
    );

    expect(decision.activeSlo).toMatchObject({
      latencyP95TargetMs: null,
      latencyP99TargetMs: null,
      latencyP999TargetMs: 1200,
    });
  });

  it('modifies: the modifications win, each change described against the recommendation or the previous SLO', async () => {
    const { stores, useCase, save } = setup();
    const latency = await save(contractRecommendation('checkout', 'latency'));
    await useCase.execute(input(latency.id, { selectedTier: 'conservative' }));
    const availability = await save(contractRecommendation('checkout', 'availability'));

    const decision = await useCase.execute(
      input(availability.id, {
        action: 'modify',
        modifications: {
          availabilityTarget: 99.95,
          latencyP99TargetMs: 600,
          latencyP95TargetMs: 250,
        },
        rationale: 'adding a payment fallback provider next sprint',
      }),
    );

    expect(decision.activeSlo).toMatchObject({
      availabilityTarget: 99.95,
      latencyP95TargetMs: 250,
      latencyP99TargetMs: 600,
      source: 'recommendation_modified',
    });
    expect(decision.modificationDelta).toEqual({
      availability: '+0.05 from recommended 99.9',
      latency_p99_ms: '-200 from previous 800',
      latency_p95_ms: 'set to 250 (no recommended or previous target)',
    });
    expect(decision.warnings).toEqual([]);
    const [entry] = await stores.auditLog.history('checkout', { limit: 1 });
    expect(entry).toMatchObject({
      action: 'modify',
      modificationDelta: decision.modificationDelta,
      rationale: 'adding a payment fallback provider next sprint',
    });
  });

  it('accepts a modification above the composite availability bound, with a warning also in the audit entry', async () => {
    const { stores, useCase, save } = setup();
    const recommendation = await save(contractRecommendation('checkout', 'availability'));

    const decision = await useCase.execute(
      input(recommendation.id, { action: 'modify', modifications: { availabilityTarget: 99.99 } }),
    );

    expect(decision.activeSlo?.availabilityTarget).toBe(99.99);
    expect(decision.modificationDelta).toEqual({ availability: '+0.09 from recommended 99.9' });
    expect(decision.warnings).toEqual([
      expect.stringContaining('99.99 is above the composite availability bound 99.97'),
    ]);
    const [entry] = await stores.auditLog.history('checkout', { limit: 1 });
    expect(entry.warnings).toEqual(decision.warnings);
  });

  it('describes any valid availability modification by a delta that leads back to it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 999_999 }).map((tenThousandths) => tenThousandths / 10_000),
        async (target) => {
          const { useCase, save } = setup();
          const recommendation = await save(contractRecommendation('checkout', 'availability'));
          const decision = await useCase.execute(
            input(recommendation.id, {
              action: 'modify',
              modifications: { availabilityTarget: target },
            }),
          );
          const match = /^([+-][0-9.e-]+) from recommended 99\.9$/.exec(
            decision.modificationDelta?.availability ?? '',
          );
          expect(match).not.toBeNull();
          expect(Math.round((99.9 + Number(match?.[1])) * 10_000) / 10_000).toBe(target);
          expect(decision.warnings.length > 0).toBe(target > 99.97);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('auto-approves as an accept by the rule, recorded as auto_approve', async () => {
    const { stores, useCase, save } = setup();
    const recommendation = await save(contractRecommendation('checkout', 'availability'));

    const decision = await useCase.execute(
      input(recommendation.id, {
        action: 'auto_approve',
        actor: 'system:auto-approval:low-risk',
        rationale: 'rule low-risk: criticality low, confidence ≥ 0.9',
      }),
    );

    expect(decision.activeSlo).toMatchObject({
      source: 'recommendation_accepted',
      activatedBy: 'system:auto-approval:low-risk',
    });
    const [entry] = await stores.auditLog.history('checkout', { limit: 1 });
    expect(entry).toMatchObject({ action: 'auto_approve', actor: 'system:auto-approval:low-risk' });
  });

  it('lets automation replace only what automation set, checked under the lock (unlessSetByPerson)', async () => {
    const { stores, useCase, save } = setup();
    const byPerson = await save(contractRecommendation('checkout', 'availability'));
    await useCase.execute(input(byPerson.id));
    const next = await save(contractRecommendation('checkout', 'availability', 1));
    const auto = { action: 'auto_approve', actor: 'system:auto-approval:low-risk' } as const;

    await expect(
      useCase.execute(input(next.id, { ...auto, unlessSetByPerson: true })),
    ).rejects.toMatchObject({ code: SloErrorCodes.SET_BY_PERSON });
    expect((await stores.activeSlos.findByService('checkout'))?.activatedBy).toBe(ACTOR);

    const other = await save(contractRecommendation('payments', 'availability'));
    await useCase.execute(
      input(other.id, { ...auto, serviceId: 'payments', unlessSetByPerson: true }),
    );
    const again = await save(contractRecommendation('payments', 'availability', 1));
    const replaced = await useCase.execute(
      input(again.id, { ...auto, serviceId: 'payments', unlessSetByPerson: true }),
    );
    expect(replaced.activeSlo).toMatchObject({ activatedBy: 'system:auto-approval:low-risk' });
  });

  it('rejects: records the rationale and the decision, and leaves the active SLO', async () => {
    const { stores, useCase, save } = setup();
    const first = await save(contractRecommendation('checkout', 'availability'));
    const accepted = await useCase.execute(input(first.id));
    const second = await save(contractRecommendation('checkout', 'availability', 1));

    const decision = await useCase.execute(
      input(second.id, {
        action: 'reject',
        selectedTier: undefined,
        rationale: 'target too aggressive for upcoming holiday traffic',
      }),
    );

    expect(decision).toMatchObject({
      action: 'reject',
      activeSlo: accepted.activeSlo,
      modificationDelta: null,
      warnings: [],
    });
    expect(await stores.activeSlos.findByService('checkout')).toEqual(accepted.activeSlo);
    const [entry] = await stores.auditLog.history('checkout', { limit: 1 });
    expect(entry).toMatchObject({
      id: decision.auditEntryId,
      action: 'reject',
      actor: ACTOR,
      rationale: 'target too aggressive for upcoming holiday traffic',
      previousSlo: { sloId: accepted.activeSlo?.id, availabilityTarget: 99.9 },
      newSlo: null,
      selectedTier: null,
    });
    const statuses = (await stores.recommendations.history('checkout', 10)).map((r) => [
      r.id,
      r.status,
    ]);
    expect(statuses).toEqual(
      expect.arrayContaining([
        [first.id, 'accepted'],
        [second.id, 'rejected'],
      ]),
    );
  });

  it('answers RECOMMENDATION_NOT_CURRENT with the reason for a decided, superseded or expired recommendation', async () => {
    const { clock, useCase, save } = setup();
    const decided = await save(contractRecommendation('checkout', 'availability'));
    await useCase.execute(input(decided.id));
    const superseded = await save(contractRecommendation('checkout', 'latency'));
    await save(contractRecommendation('checkout', 'latency', 0.5));
    const expiring = await save(contractRecommendation('payments', 'availability'));

    await expect(useCase.execute(input(decided.id))).rejects.toMatchObject({
      code: SloErrorCodes.RECOMMENDATION_NOT_CURRENT,
      details: { reason: 'accepted', recommendationId: decided.id },
    });
    await expect(
      useCase.execute(input(decided.id, { action: 'reject', selectedTier: undefined })),
    ).rejects.toMatchObject({ details: { reason: 'accepted' } });
    await expect(useCase.execute(input(superseded.id))).rejects.toMatchObject({
      code: SloErrorCodes.RECOMMENDATION_NOT_CURRENT,
      details: { reason: 'superseded' },
    });
    clock.set(expiring.expiresAt);
    await expect(
      useCase.execute(input(expiring.id, { serviceId: 'payments' })),
    ).rejects.toMatchObject({
      code: SloErrorCodes.RECOMMENDATION_NOT_CURRENT,
      details: { reason: 'expired', expiresAt: expiring.expiresAt.toISOString() },
      message: expect.stringContaining('expired at') as unknown,
    });
  });

  it("answers not found for another service's recommendation, an unknown one and an unknown service", async () => {
    const { stores, useCase, save } = setup();
    const payments = await save(contractRecommendation('payments', 'availability'));

    await expect(useCase.execute(input(payments.id))).rejects.toMatchObject({
      code: SloErrorCodes.RECOMMENDATION_NOT_FOUND,
    });
    await expect(
      useCase.execute(input('00000000-0000-4000-8000-00000000ffff')),
    ).rejects.toMatchObject({ code: SloErrorCodes.RECOMMENDATION_NOT_FOUND });
    await expect(useCase.execute(input(payments.id, { serviceId: 'ghost' }))).rejects.toMatchObject(
      { code: DomainErrorCodes.SERVICE_NOT_FOUND },
    );
    expect(await stores.auditLog.chainLinks(0, 10)).toEqual([]);
  });

  it('lets exactly one of concurrent decisions on one recommendation win', async () => {
    const { stores, useCase, save } = setup();
    const recommendation = await save(contractRecommendation('checkout', 'availability'));

    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) =>
        useCase.execute(
          input(
            recommendation.id,
            i % 2 ? { actor: `user-${i}` } : { action: 'reject', selectedTier: undefined },
          ),
        ),
      ),
    );

    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
      expect(outcome.reason).toMatchObject({ code: SloErrorCodes.RECOMMENDATION_NOT_CURRENT });
    }
    expect(await stores.auditLog.chainLinks(0, 10)).toHaveLength(1);
  });

  it.each<[string, Partial<DecideRecommendationInput>, string[]]>([
    ['an unknown action', { action: 'approve' as never }, ['action']],
    ['accept without a tier', { selectedTier: undefined }, ['selected_tier']],
    ['an unknown tier', { selectedTier: 'extreme' as never }, ['selected_tier']],
    ['modify without modifications', { action: 'modify' }, ['modifications']],
    ['modify with empty modifications', { action: 'modify', modifications: {} }, ['modifications']],
    [
      'modifications on an accept',
      { modifications: { availabilityTarget: 99.9 } },
      ['modifications'],
    ],
    [
      'targets out of range',
      {
        action: 'modify',
        modifications: { availabilityTarget: 100, latencyP95TargetMs: 0, latencyP99TargetMs: 12.5 },
      },
      [
        'modifications.availability_target',
        'modifications.latency_p95_target_ms',
        'modifications.latency_p99_target_ms',
      ],
    ],
    [
      'too many availability decimals',
      { action: 'modify', modifications: { availabilityTarget: 99.99999 } },
      ['modifications.availability_target'],
    ],
    [
      'a non-positive availability',
      { action: 'modify', modifications: { availabilityTarget: 0 } },
      ['modifications.availability_target'],
    ],
    ['a rationale too long', { rationale: 'x'.repeat(4001) }, ['rationale']],
    ['no actor', { actor: '' }, ['actor']],
  ])('refuses %s with a field error and stores nothing', async (_, change, fields) => {
    const { stores, useCase, save } = setup();
    const recommendation = await save(contractRecommendation('checkout', 'availability'));

    const failure = useCase.execute(input(recommendation.id, change));

    await expect(failure).rejects.toMatchObject({ code: DomainErrorCodes.INVALID_INPUT });
    const error = (await failure.catch((e: unknown) => e)) as {
      details: { fieldErrors: Array<{ field: string }> };
    };
    expect(error.details.fieldErrors.map((e) => e.field)).toEqual(fields);
    expect(await stores.activeSlos.findByService('checkout')).toBeNull();
    expect(await stores.auditLog.chainLinks(0, 10)).toEqual([]);
    expect(await stores.recommendations.findActive('checkout', 'availability')).toEqual(
      recommendation,
    );
  });
});
