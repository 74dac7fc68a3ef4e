import { DomainErrorCodes } from '../../shared/domain-error';
import { FixedClock } from '../../shared/testing/fixed-clock';
import { AutoApprovalErrorCodes } from '../auto-approval.types';
import { CreateAutoApprovalRuleUseCase } from '../create-auto-approval-rule/create-auto-approval-rule.use-case';
import { InMemoryAutoApprovalRuleRepository } from '../testing/in-memory-auto-approval-stores';
import { UpdateAutoApprovalRuleUseCase } from './update-auto-approval-rule.use-case';

const CREATED = new Date('2026-02-14T12:00:00.000Z');
const LATER = new Date('2026-02-15T09:00:00.000Z');
const UNKNOWN_ID = '7d1c5f9e-0000-4000-8000-00000000abcd';

async function setUp() {
  const rules = new InMemoryAutoApprovalRuleRepository();
  const clock = new FixedClock(CREATED);
  const rule = await new CreateAutoApprovalRuleUseCase(rules, clock).execute({
    name: 'low-crit',
    conditions: { criticality: ['low'], confidenceMin: 0.85, tier: 'balanced', teams: ['social'] },
    actor: 'alice@example.com',
  });
  clock.set(LATER);
  return { rules, rule, useCase: new UpdateAutoApprovalRuleUseCase(rules, clock) };
}

describe('UpdateAutoApprovalRuleUseCase', () => {
  it('enables and disables a rule, recording who and when', async () => {
    const { useCase, rule } = await setUp();

    const enabled = await useCase.execute({ id: rule.id, enabled: true, actor: 'bob@example.com' });
    expect(enabled).toEqual({
      ...rule,
      enabled: true,
      updatedBy: 'bob@example.com',
      updatedAt: LATER,
    });

    const disabled = await useCase.execute({ id: rule.id, enabled: false, actor: 'carol' });
    expect(disabled).toMatchObject({
      enabled: false,
      updatedBy: 'carol',
      createdBy: 'alice@example.com',
    });
  });

  it('renames and replaces the conditions as a whole', async () => {
    const { useCase, rule } = await setUp();

    const updated = await useCase.execute({
      id: rule.id,
      name: 'low-medium',
      conditions: { criticality: ['low', 'medium'], confidenceMin: 0.9, tier: 'conservative' },
      actor: 'bob',
    });

    expect(updated).toMatchObject({
      name: 'low-medium',
      conditions: {
        criticality: ['low', 'medium'],
        confidenceMin: 0.9,
        tier: 'conservative',
        teams: null,
        sliTypes: ['availability', 'latency'],
      },
      enabled: false,
    });
  });

  it('refuses an empty change and invalid fields, changing nothing', async () => {
    const { useCase, rule, rules } = await setUp();

    await expect(useCase.execute({ id: rule.id, actor: 'bob' })).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_INPUT,
      details: { fieldErrors: [expect.objectContaining({ field: 'body' })] },
    });
    await expect(
      useCase.execute({
        id: rule.id,
        name: '',
        conditions: { criticality: ['low'], confidenceMin: 2, tier: 'balanced' },
        actor: 'bob',
      }),
    ).rejects.toMatchObject({
      details: {
        fieldErrors: [
          expect.objectContaining({ field: 'name' }),
          expect.objectContaining({ field: 'conditions.confidence_min' }),
        ],
      },
    });
    expect(await rules.findById(rule.id)).toEqual(rule);
  });

  it('answers not found for an unknown rule, and name taken for a rename onto another rule', async () => {
    const { useCase, rule, rules } = await setUp();
    await rules.create({ ...rule, name: 'other' });

    await expect(
      useCase.execute({ id: UNKNOWN_ID, enabled: true, actor: 'bob' }),
    ).rejects.toMatchObject({ code: AutoApprovalErrorCodes.RULE_NOT_FOUND });
    await expect(
      useCase.execute({ id: rule.id, name: 'other', actor: 'bob' }),
    ).rejects.toMatchObject({ code: AutoApprovalErrorCodes.NAME_TAKEN });
  });
});
