import { throwIfInvalid } from '../../graph/input-validation';
import { type Clock } from '../../shared/clock.port';
import { type FieldError } from '../../shared/domain-error';
import { ruleNotFound } from '../auto-approval.errors';
import { type AutoApprovalRuleRepository } from '../auto-approval.ports';
import {
  type AutoApprovalConditions,
  type AutoApprovalConditionsInput,
  type AutoApprovalRule,
} from '../auto-approval.types';
import { checkEnabled, checkRuleName, normaliseConditions } from '../auto-approval-rule.validation';

export interface UpdateAutoApprovalRuleInput {
  readonly id: string;
  readonly name?: string;
  /** Replaces the conditions as a whole (absent `teams`/`sliTypes` take their defaults again). */
  readonly conditions?: AutoApprovalConditionsInput;
  /** true enables the rule, false disables it. */
  readonly enabled?: boolean;
  /** The authenticated caller. */
  readonly actor: string;
}

/** PATCH /api/v1/auto-approval-rules/{id} (sre_admin): rename, change conditions, enable, disable. */
export class UpdateAutoApprovalRuleUseCase {
  constructor(
    private readonly rules: AutoApprovalRuleRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * @throws DomainError `VALIDATION.INVALID_INPUT`, `AUTO_APPROVAL.RULE_NOT_FOUND`,
   *   `AUTO_APPROVAL.NAME_TAKEN`
   */
  async execute(input: UpdateAutoApprovalRuleInput): Promise<AutoApprovalRule> {
    const fieldErrors: FieldError[] = [];
    if (input.name !== undefined) checkRuleName(input.name, fieldErrors);
    let conditions: AutoApprovalConditions | null = null;
    if (input.conditions !== undefined) {
      conditions = normaliseConditions(input.conditions, fieldErrors);
    }
    checkEnabled(input.enabled, fieldErrors);
    if (input.name === undefined && input.conditions === undefined && input.enabled === undefined) {
      fieldErrors.push({
        field: 'body',
        message: 'must change at least one of name, conditions, enabled',
      });
    }
    throwIfInvalid(fieldErrors, 'The auto-approval rule change');

    const updated = await this.rules.update(input.id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(conditions !== null ? { conditions } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      updatedBy: input.actor,
      updatedAt: this.clock.now(),
    });
    if (updated === null) throw ruleNotFound(input.id);
    return updated;
  }
}
