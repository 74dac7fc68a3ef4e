/** Ports of auto-approval (spec 004 FR-11). Abstract classes: each is its own Nest token. */
import {
  type DecideRecommendationInput,
  type SloDecision,
} from '../slos/decide-recommendation/decide-recommendation.types';
import {
  type AutoApprovalRule,
  type AutoApprovalRuleChanges,
  type NewAutoApprovalRule,
  type RecommendationSummary,
} from './auto-approval.types';

/** `auto_approval_rules`. Lists are ordered by name in code-unit order (`COLLATE "C"`). */
export abstract class AutoApprovalRuleRepository {
  /** @throws DomainError `AUTO_APPROVAL.NAME_TAKEN` when another rule has the name. */
  abstract create(rule: NewAutoApprovalRule): Promise<AutoApprovalRule>;

  abstract list(): Promise<readonly AutoApprovalRule[]>;

  /** The enabled rules only (what evaluation of new recommendations reads). */
  abstract listEnabled(): Promise<readonly AutoApprovalRule[]>;

  /** The rule, or null (also for ids that are not uuids). */
  abstract findById(id: string): Promise<AutoApprovalRule | null>;

  /**
   * Applies the changes and returns the rule as stored, or null when no rule has the id.
   *
   * @throws DomainError `AUTO_APPROVAL.NAME_TAKEN` when another rule has the new name.
   */
  abstract update(id: string, changes: AutoApprovalRuleChanges): Promise<AutoApprovalRule | null>;

  /** True when a rule was deleted. */
  abstract delete(id: string): Promise<boolean>;
}

/** Every service's current recommendations, read in one go for dry runs. */
export abstract class ActiveRecommendationReader {
  /**
   * Recommendations with status `active` that have not expired at `now`, ordered by service id
   * (code-unit order), then SLI type.
   */
  abstract listActive(now: Date): Promise<readonly RecommendationSummary[]>;
}

/**
 * Who accepts a recommendation on a rule's behalf: the SLO lifecycle's decision use case
 * (`DecideRecommendationUseCase`), named by what auto-approval needs of it.
 */
export interface RecommendationDecider {
  execute(input: DecideRecommendationInput): Promise<SloDecision>;
}
