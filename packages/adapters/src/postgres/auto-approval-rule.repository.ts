import {
  AutoApprovalErrorCodes,
  type AutoApprovalConditions,
  type AutoApprovalRule,
  type AutoApprovalRuleChanges,
  AutoApprovalRuleRepository,
  DomainError,
  type NewAutoApprovalRule,
  type ServiceCriticality,
  type SliType,
  type TierName,
} from '@slo-engine/core';
import { type EntityManager } from 'typeorm';
import { isUuid, postgresErrorCode, rows } from './sql';

/** `conditions` as stored: the wire's snake_case, so the column reads like the spec's example. */
interface ConditionsJson {
  readonly criticality: readonly ServiceCriticality[];
  readonly confidence_min: number;
  readonly tier: TierName;
  readonly teams: readonly string[] | null;
  readonly sli_types: readonly SliType[];
}

interface RuleRow {
  readonly id: string;
  readonly name: string;
  readonly conditions: ConditionsJson;
  readonly enabled: boolean;
  readonly created_by: string;
  readonly created_at: Date;
  readonly updated_by: string;
  readonly updated_at: Date;
}

const UNIQUE_VIOLATION = '23505';
const COLUMNS = 'id, name, conditions, enabled, created_by, created_at, updated_by, updated_at';

function toJson(conditions: AutoApprovalConditions): string {
  const json: ConditionsJson = {
    criticality: conditions.criticality,
    confidence_min: conditions.confidenceMin,
    tier: conditions.tier,
    teams: conditions.teams,
    sli_types: conditions.sliTypes,
  };
  return JSON.stringify(json);
}

function toRule(row: RuleRow): AutoApprovalRule {
  const { conditions } = row;
  return {
    id: row.id,
    name: row.name,
    conditions: {
      criticality: conditions.criticality,
      confidenceMin: conditions.confidence_min,
      tier: conditions.tier,
      teams: conditions.teams ?? null,
      sliTypes: conditions.sli_types,
    },
    enabled: row.enabled,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedBy: row.updated_by,
    updatedAt: row.updated_at,
  };
}

const INSERT = `
INSERT INTO auto_approval_rules
  (name, conditions, enabled, created_by, created_at, updated_by, updated_at)
VALUES ($1, $2::jsonb, $3, $4, $5, $6, $7)
RETURNING ${COLUMNS}`;

// COLLATE "C": code-unit order, the same in every database whatever its locale.
const LIST = `SELECT ${COLUMNS} FROM auto_approval_rules ORDER BY name COLLATE "C"`;
const LIST_ENABLED = `SELECT ${COLUMNS} FROM auto_approval_rules WHERE enabled ORDER BY name COLLATE "C"`;
const FIND = `SELECT ${COLUMNS} FROM auto_approval_rules WHERE id = $1`;

const UPDATE = `
WITH changed AS (
  UPDATE auto_approval_rules SET
    name = COALESCE($2, name),
    conditions = COALESCE($3::jsonb, conditions),
    enabled = COALESCE($4, enabled),
    updated_by = $5,
    updated_at = $6
  WHERE id = $1
  RETURNING ${COLUMNS}
)
SELECT ${COLUMNS} FROM changed`;

const DELETE = `
WITH gone AS (DELETE FROM auto_approval_rules WHERE id = $1 RETURNING 1)
SELECT count(*)::int AS count FROM gone`;

/** `auto_approval_rules`. Bound to an EntityManager: the DataSource's own, or a transaction's. */
export class PostgresAutoApprovalRuleRepository extends AutoApprovalRuleRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  override async create(rule: NewAutoApprovalRule): Promise<AutoApprovalRule> {
    const [row] = await this.nameChecked(
      rule.name,
      rows<RuleRow>(this.manager, INSERT, [
        rule.name,
        toJson(rule.conditions),
        rule.enabled,
        rule.createdBy,
        rule.createdAt,
        rule.updatedBy,
        rule.updatedAt,
      ]),
    );
    return toRule(row);
  }

  override async list(): Promise<readonly AutoApprovalRule[]> {
    return (await rows<RuleRow>(this.manager, LIST)).map(toRule);
  }

  override async listEnabled(): Promise<readonly AutoApprovalRule[]> {
    return (await rows<RuleRow>(this.manager, LIST_ENABLED)).map(toRule);
  }

  override async findById(id: string): Promise<AutoApprovalRule | null> {
    if (!isUuid(id)) return null;
    const [row] = await rows<RuleRow>(this.manager, FIND, [id]);
    return row ? toRule(row) : null;
  }

  override async update(
    id: string,
    changes: AutoApprovalRuleChanges,
  ): Promise<AutoApprovalRule | null> {
    if (!isUuid(id)) return null;
    const [row] = await this.nameChecked(
      changes.name ?? '',
      rows<RuleRow>(this.manager, UPDATE, [
        id,
        changes.name ?? null,
        changes.conditions === undefined ? null : toJson(changes.conditions),
        changes.enabled ?? null,
        changes.updatedBy,
        changes.updatedAt,
      ]),
    );
    return row ? toRule(row) : null;
  }

  override async delete(id: string): Promise<boolean> {
    if (!isUuid(id)) return false;
    const [{ count }] = await rows<{ count: number }>(this.manager, DELETE, [id]);
    return count > 0;
  }

  /** The statement's rows; a unique violation on the name becomes NAME_TAKEN. */
  private async nameChecked<T>(name: string, statement: Promise<T>): Promise<T> {
    try {
      return await statement;
    } catch (error) {
      if (postgresErrorCode(error) !== UNIQUE_VIOLATION) throw error;
      throw new DomainError(
        AutoApprovalErrorCodes.NAME_TAKEN,
        `An auto-approval rule named "${name}" already exists.`,
        { name },
      );
    }
  }
}
