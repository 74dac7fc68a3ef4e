import { describeAutoApprovalRuleRepositoryContract } from './auto-approval-rule-repository.contract';
import { InMemoryAutoApprovalRuleRepository } from './in-memory-auto-approval-stores';

describeAutoApprovalRuleRepositoryContract('in memory', async () => {
  await Promise.resolve();
  return new InMemoryAutoApprovalRuleRepository();
});
