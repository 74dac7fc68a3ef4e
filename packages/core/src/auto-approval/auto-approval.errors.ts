import { DomainError } from '../shared/domain-error';
import { AutoApprovalErrorCodes } from './auto-approval.types';

export function ruleNotFound(id: string): DomainError {
  return new DomainError(
    AutoApprovalErrorCodes.RULE_NOT_FOUND,
    `No auto-approval rule has id "${id}".`,
    { ruleId: id },
  );
}

export function ruleNameTaken(name: string): DomainError {
  return new DomainError(
    AutoApprovalErrorCodes.NAME_TAKEN,
    `An auto-approval rule named "${name}" already exists.`,
    { name },
  );
}
