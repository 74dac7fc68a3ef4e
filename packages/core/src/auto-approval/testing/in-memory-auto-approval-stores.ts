/**
 * In-memory implementations of the auto-approval ports, with the PostgreSQL adapters' semantics
 * (both pass `describeAutoApprovalRuleRepositoryContract`). For unit tests, app tests and demos;
 * not for production.
 */
import { compareIds } from '../../graph/graph-cycles';
import { sequentialUuids } from '../../graph/testing/in-memory-graph-stores';
import { type RecommendationRepository } from '../../recommendations/recommendation.ports';
import { type StoredRecommendation } from '../../recommendations/recommendation.types';
import { ruleNameTaken } from '../auto-approval.errors';
import { ActiveRecommendationReader, AutoApprovalRuleRepository } from '../auto-approval.ports';
import {
  AUTO_APPROVAL_SLI_TYPES,
  type AutoApprovalRule,
  type AutoApprovalRuleChanges,
  type NewAutoApprovalRule,
  type RecommendationSummary,
} from '../auto-approval.types';
import { compareRuleNames, summarizeRecommendation } from '../auto-approval-matching';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A deep copy, so callers never share objects with the store. */
function copy(rule: AutoApprovalRule): AutoApprovalRule {
  return {
    ...rule,
    conditions: {
      ...rule.conditions,
      criticality: [...rule.conditions.criticality],
      teams: rule.conditions.teams === null ? null : [...rule.conditions.teams],
      sliTypes: [...rule.conditions.sliTypes],
    },
    createdAt: new Date(rule.createdAt.getTime()),
    updatedAt: new Date(rule.updatedAt.getTime()),
  };
}

export class InMemoryAutoApprovalRuleRepository extends AutoApprovalRuleRepository {
  private readonly rules = new Map<string, AutoApprovalRule>();

  constructor(private readonly newId: () => string = sequentialUuids()) {
    super();
  }

  async create(rule: NewAutoApprovalRule): Promise<AutoApprovalRule> {
    await Promise.resolve();
    this.assertNameFree(rule.name, null);
    const stored = copy({ ...rule, id: this.newId() });
    this.rules.set(stored.id, stored);
    return copy(stored);
  }

  async list(): Promise<readonly AutoApprovalRule[]> {
    await Promise.resolve();
    return [...this.rules.values()].sort((a, b) => compareRuleNames(a.name, b.name)).map(copy);
  }

  async listEnabled(): Promise<readonly AutoApprovalRule[]> {
    return (await this.list()).filter((rule) => rule.enabled);
  }

  async findById(id: string): Promise<AutoApprovalRule | null> {
    await Promise.resolve();
    const rule = this.rules.get(id.toLowerCase());
    return rule === undefined ? null : copy(rule);
  }

  async update(id: string, changes: AutoApprovalRuleChanges): Promise<AutoApprovalRule | null> {
    await Promise.resolve();
    const current = this.rules.get(id.toLowerCase());
    if (current === undefined) return null;
    if (changes.name !== undefined) this.assertNameFree(changes.name, current.id);
    const updated = copy({
      ...current,
      ...(changes.name !== undefined ? { name: changes.name } : {}),
      ...(changes.conditions !== undefined ? { conditions: changes.conditions } : {}),
      ...(changes.enabled !== undefined ? { enabled: changes.enabled } : {}),
      updatedBy: changes.updatedBy,
      updatedAt: changes.updatedAt,
    });
    this.rules.set(updated.id, updated);
    return copy(updated);
  }

  async delete(id: string): Promise<boolean> {
    await Promise.resolve();
    return UUID.test(id) && this.rules.delete(id.toLowerCase());
  }

  private assertNameFree(name: string, exceptId: string | null): void {
    for (const rule of this.rules.values()) {
      if (rule.name === name && rule.id !== exceptId) throw ruleNameTaken(name);
    }
  }
}

/**
 * Reads the active recommendations of the given services through any
 * {@link RecommendationRepository} (two `findActive` calls per service): fine for tests and demos,
 * where the PostgreSQL reader answers with one query.
 */
export class RepositoryActiveRecommendationReader extends ActiveRecommendationReader {
  constructor(
    private readonly recommendations: RecommendationRepository,
    private readonly serviceIds: () => readonly string[] | Promise<readonly string[]>,
  ) {
    super();
  }

  async listActive(now: Date): Promise<readonly RecommendationSummary[]> {
    const serviceIds = [...(await this.serviceIds())].sort(compareIds);
    const found = await Promise.all(
      serviceIds.flatMap((serviceId) =>
        AUTO_APPROVAL_SLI_TYPES.map((sliType) =>
          this.recommendations.findActive(serviceId, sliType),
        ),
      ),
    );
    return found
      .filter(
        (stored): stored is StoredRecommendation =>
          stored !== null && stored.expiresAt.getTime() > now.getTime(),
      )
      .map(summarizeRecommendation);
  }
}
