import { throwIfInvalid } from '../../graph/input-validation';
import { type Clock } from '../../shared/clock.port';
import { type FieldError } from '../../shared/domain-error';
import { type AutoApprovalRuleRepository } from '../auto-approval.ports';
import { type AutoApprovalConditionsInput, type AutoApprovalRule } from '../auto-approval.types';
import { checkEnabled, checkRuleName, normaliseConditions } from '../auto-approval-rule.validation';

export interface CreateAutoApprovalRuleInput {
  readonly name: string;
  readonly conditions: AutoApprovalConditionsInput;
  /** Rules are created disabled unless this is true. */
  readonly enabled?: boolean;
  /** The authenticated caller. */
  readonly actor: string;
}

/** POST /api/v1/auto-approval-rules (sre_admin). */
export class CreateAutoApprovalRuleUseCase {
  constructor(
    private readonly rules: AutoApprovalRuleRepository,
    private readonly clock: Clock,
  ) {}

  async execute(input: CreateAutoApprovalRuleInput): Promise<AutoApprovalRule> {
    const fieldErrors: FieldError[] = [];
    checkRuleName(input.name, fieldErrors);
    const conditions = normaliseConditions(input.conditions, fieldErrors);
    checkEnabled(input.enabled, fieldErrors);
    throwIfInvalid(fieldErrors, 'The auto-approval rule');

    const now = this.clock.now();
    return this.rules.create({
      name: input.name,
      // normaliseConditions returned null only with field errors, and those threw above.
      conditions: conditions!,
      enabled: input.enabled ?? false,
      createdBy: input.actor,
      createdAt: now,
      updatedBy: input.actor,
      updatedAt: now,
    });
  }
}
