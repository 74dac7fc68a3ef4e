import { ruleNotFound } from '../auto-approval.errors';
import { type AutoApprovalRuleRepository } from '../auto-approval.ports';
import { type AutoApprovalRule } from '../auto-approval.types';

/** GET /api/v1/auto-approval-rules/{id} (sre_admin). */
export class GetAutoApprovalRuleUseCase {
  constructor(private readonly rules: AutoApprovalRuleRepository) {}

  /** @throws DomainError `AUTO_APPROVAL.RULE_NOT_FOUND` */
  async execute(input: { readonly id: string }): Promise<AutoApprovalRule> {
    const rule = await this.rules.findById(input.id);
    if (rule === null) throw ruleNotFound(input.id);
    return rule;
  }
}
