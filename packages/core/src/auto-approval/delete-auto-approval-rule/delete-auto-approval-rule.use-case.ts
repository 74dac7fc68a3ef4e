import { ruleNotFound } from '../auto-approval.errors';
import { type AutoApprovalRuleRepository } from '../auto-approval.ports';

/**
 * DELETE /api/v1/auto-approval-rules/{id} (sre_admin). The audit rows of the rule's past decisions
 * keep its name in their actor; nothing references the rule row itself.
 */
export class DeleteAutoApprovalRuleUseCase {
  constructor(private readonly rules: AutoApprovalRuleRepository) {}

  /** @throws DomainError `AUTO_APPROVAL.RULE_NOT_FOUND` */
  async execute(input: { readonly id: string }): Promise<void> {
    if (!(await this.rules.delete(input.id))) throw ruleNotFound(input.id);
  }
}
