import { AutoApprovalErrorCodes } from '../auto-approval.types';
import { contractRule } from '../testing/auto-approval-rule-repository.contract';
import { InMemoryAutoApprovalRuleRepository } from '../testing/in-memory-auto-approval-stores';
import { DeleteAutoApprovalRuleUseCase } from '../delete-auto-approval-rule/delete-auto-approval-rule.use-case';
import { ListAutoApprovalRulesUseCase } from '../list-auto-approval-rules/list-auto-approval-rules.use-case';
import { GetAutoApprovalRuleUseCase } from './get-auto-approval-rule.use-case';

const UNKNOWN_ID = '7d1c5f9e-0000-4000-8000-00000000abcd';

describe('GetAutoApprovalRuleUseCase, ListAutoApprovalRulesUseCase, DeleteAutoApprovalRuleUseCase', () => {
  it('reads one rule, lists them by name, deletes one', async () => {
    const rules = new InMemoryAutoApprovalRuleRepository();
    const second = await rules.create(contractRule('second'));
    const first = await rules.create(contractRule('first'));

    expect(await new GetAutoApprovalRuleUseCase(rules).execute({ id: second.id })).toEqual(second);
    expect(await new ListAutoApprovalRulesUseCase(rules).execute()).toEqual([first, second]);

    await new DeleteAutoApprovalRuleUseCase(rules).execute({ id: first.id });
    expect(await rules.list()).toEqual([second]);
  });

  it('answers not found for unknown ids and ids that are not uuids', async () => {
    const rules = new InMemoryAutoApprovalRuleRepository();
    for (const id of [UNKNOWN_ID, 'nope']) {
      await expect(new GetAutoApprovalRuleUseCase(rules).execute({ id })).rejects.toMatchObject({
        code: AutoApprovalErrorCodes.RULE_NOT_FOUND,
        details: { ruleId: id },
      });
      await expect(new DeleteAutoApprovalRuleUseCase(rules).execute({ id })).rejects.toMatchObject({
        code: AutoApprovalErrorCodes.RULE_NOT_FOUND,
      });
    }
  });
});
