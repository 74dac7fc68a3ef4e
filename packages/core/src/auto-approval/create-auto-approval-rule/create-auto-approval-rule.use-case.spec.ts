import { DomainError, DomainErrorCodes, type FieldError } from '../../shared/domain-error';
import { FixedClock } from '../../shared/testing/fixed-clock';
import { AutoApprovalErrorCodes } from '../auto-approval.types';
import { InMemoryAutoApprovalRuleRepository } from '../testing/in-memory-auto-approval-stores';
import {
  CreateAutoApprovalRuleUseCase,
  type CreateAutoApprovalRuleInput,
} from './create-auto-approval-rule.use-case';

const NOW = new Date('2026-02-14T12:00:00.000Z');

function setUp() {
  const rules = new InMemoryAutoApprovalRuleRepository();
  return { rules, useCase: new CreateAutoApprovalRuleUseCase(rules, new FixedClock(NOW)) };
}

const VALID: CreateAutoApprovalRuleInput = {
  name: 'low-crit',
  conditions: { criticality: ['low'], confidenceMin: 0.85, tier: 'balanced' },
  actor: 'alice@example.com',
};

async function fieldErrorsOf(work: Promise<unknown>): Promise<readonly FieldError[]> {
  const error: unknown = await work.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(DomainErrorCodes.INVALID_INPUT);
  return (error as DomainError).details.fieldErrors ?? [];
}

describe('CreateAutoApprovalRuleUseCase', () => {
  it('stores the rule disabled, both SLI types and any team by default, created by the caller', async () => {
    const { useCase, rules } = setUp();

    const rule = await useCase.execute(VALID);

    expect(rule).toEqual({
      id: expect.any(String) as unknown,
      name: 'low-crit',
      conditions: {
        criticality: ['low'],
        confidenceMin: 0.85,
        tier: 'balanced',
        teams: null,
        sliTypes: ['availability', 'latency'],
      },
      enabled: false,
      createdBy: 'alice@example.com',
      createdAt: NOW,
      updatedBy: 'alice@example.com',
      updatedAt: NOW,
    });
    expect(await rules.list()).toEqual([rule]);
  });

  it('stores it enabled when asked, with the teams and SLI types given', async () => {
    const { useCase } = setUp();

    const rule = await useCase.execute({
      ...VALID,
      enabled: true,
      conditions: { ...VALID.conditions, teams: ['social'], sliTypes: ['latency'] },
    });

    expect(rule.enabled).toBe(true);
    expect(rule.conditions).toMatchObject({ teams: ['social'], sliTypes: ['latency'] });
  });

  it('names every invalid field and stores nothing', async () => {
    const { useCase, rules } = setUp();

    const errors = await fieldErrorsOf(
      useCase.execute({
        name: 'has space',
        conditions: {
          criticality: ['low', 'tiny', 'low'] as never,
          confidenceMin: 1.5,
          tier: 'greedy' as never,
          teams: ['', 'social'],
          sliTypes: [] as never,
        },
        enabled: 'yes' as never,
        actor: 'alice',
      }),
    );

    expect(errors.map((error) => error.field)).toEqual([
      'name',
      'conditions.criticality[1]',
      'conditions.criticality[2]',
      'conditions.confidence_min',
      'conditions.tier',
      'conditions.teams[0]',
      'conditions.sli_types',
      'enabled',
    ]);
    expect(await rules.list()).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['an empty name', { ...VALID, name: '' }, 'name'],
    ['a name longer than 128 characters', { ...VALID, name: 'a'.repeat(129) }, 'name'],
    ['a name starting with a dot', { ...VALID, name: '.hidden' }, 'name'],
    ['missing conditions', { ...VALID, conditions: undefined }, 'conditions'],
    ['conditions that are an array', { ...VALID, conditions: [] }, 'conditions'],
    [
      'an empty criticality list',
      { ...VALID, conditions: { ...VALID.conditions, criticality: [] } },
      'conditions.criticality',
    ],
    [
      'a missing confidence minimum',
      { ...VALID, conditions: { criticality: ['low'], tier: 'balanced' } },
      'conditions.confidence_min',
    ],
    [
      'a negative confidence minimum',
      { ...VALID, conditions: { ...VALID.conditions, confidenceMin: -0.1 } },
      'conditions.confidence_min',
    ],
    [
      'an unknown SLI type',
      { ...VALID, conditions: { ...VALID.conditions, sliTypes: ['throughput'] } },
      'conditions.sli_types[0]',
    ],
    [
      'more than 100 teams',
      {
        ...VALID,
        conditions: {
          ...VALID.conditions,
          teams: Array.from({ length: 101 }, (_, i) => `team-${i}`),
        },
      },
      'conditions.teams',
    ],
    [
      'an empty team list',
      { ...VALID, conditions: { ...VALID.conditions, teams: [] } },
      'conditions.teams',
    ],
  ])('refuses %s', async (_, input, field) => {
    const { useCase, rules } = setUp();
    const errors = await fieldErrorsOf(useCase.execute(input as CreateAutoApprovalRuleInput));
    expect(errors.map((error) => error.field)).toEqual([field]);
    expect(await rules.list()).toEqual([]);
  });

  it('accepts the boundaries: confidence 0 and 1, a 128-character name', async () => {
    const { useCase } = setUp();
    await expect(
      useCase.execute({ ...VALID, conditions: { ...VALID.conditions, confidenceMin: 0 } }),
    ).resolves.toBeDefined();
    await expect(
      useCase.execute({
        ...VALID,
        name: 'a'.repeat(128),
        conditions: { ...VALID.conditions, confidenceMin: 1 },
      }),
    ).resolves.toBeDefined();
  });

  it('refuses a taken name', async () => {
    const { useCase } = setUp();
    await useCase.execute(VALID);
    await expect(useCase.execute(VALID)).rejects.toMatchObject({
      code: AutoApprovalErrorCodes.NAME_TAKEN,
    });
  });
});
