import { type AutoApprovalRuleRepository } from '../auto-approval.ports';
import { type AutoApprovalRule } from '../auto-approval.types';

/** GET /api/v1/auto-approval-rules (sre_admin): every rule, by name (the order they apply in). */
export class ListAutoApprovalRulesUseCase {
  constructor(private readonly rules: AutoApprovalRuleRepository) {}

  execute(): Promise<readonly AutoApprovalRule[]> {
    return this.rules.list();
  }
}
