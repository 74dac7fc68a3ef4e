import {
  type CycleAlert,
  type CycleAlertFilter,
  CycleAlertRepository,
  type CycleAlertStatus,
  type CycleToRecord,
  DomainError,
  DomainErrorCodes,
  type Page,
  type PageRequest,
} from '@slo-engine/core';
import { type EntityManager } from 'typeorm';
import { decodeCursor, encodeCursor, isUuid, postgresErrorCode, rows } from './sql';

interface CycleAlertRow {
  readonly id: string;
  readonly cycle_path: string[];
  readonly members: string[];
  readonly detected_at: Date;
  readonly status: CycleAlertStatus;
  readonly acknowledged_by: string | null;
  readonly resolution_notes: string | null;
  readonly updated_at: Date;
}

const COLUMNS =
  'id, cycle_path, members, detected_at, status, acknowledged_by, resolution_notes, updated_at';

function toCycleAlert(row: CycleAlertRow): CycleAlert {
  return {
    id: row.id,
    cyclePath: row.cycle_path,
    members: row.members,
    detectedAt: row.detected_at,
    status: row.status,
    acknowledgedBy: row.acknowledged_by,
    resolutionNotes: row.resolution_notes,
    updatedAt: row.updated_at,
  };
}

/**
 * Insert each cycle unless an unresolved alert has its members (the partial unique index
 * `uq_cycle_alerts_unresolved_members` decides, so concurrent writers cannot duplicate).
 * Members travel as one JSON document because `unnest` would flatten an array of arrays.
 */
/** SQL for the identity of a member set given as a sorted jsonb array of ids. */
const MEMBERS_KEY = (jsonbMembers: string): string =>
  `encode(sha256(convert_to(${jsonbMembers}::text, 'UTF8')), 'hex')`;

const INSERT_CYCLES = `
INSERT INTO circular_dependency_alerts (cycle_path, members, members_key, detected_at, status, updated_at)
SELECT c.path, ARRAY(SELECT jsonb_array_elements_text(c.members)), ${MEMBERS_KEY('c.members')}, $2, 'open', $2
FROM jsonb_to_recordset($1::jsonb) AS c(path jsonb, members jsonb)
ON CONFLICT (members_key) WHERE status <> 'resolved' DO NOTHING
RETURNING ${COLUMNS}`;

const UNRESOLVED_BY_MEMBERS = `
SELECT ${COLUMNS} FROM circular_dependency_alerts
WHERE status <> 'resolved'
  AND members_key = ANY (SELECT ${MEMBERS_KEY('m')} FROM jsonb_array_elements($1::jsonb) AS m)`;

/** Circular-dependency alerts, listed newest first. */
export class PostgresCycleAlertRepository extends CycleAlertRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  override async recordCycles(
    cycles: readonly CycleToRecord[],
    at: Date,
  ): Promise<ReadonlyArray<{ readonly alert: CycleAlert; readonly created: boolean }>> {
    if (cycles.length === 0) return [];
    const inserted = await rows<CycleAlertRow>(this.manager, INSERT_CYCLES, [
      JSON.stringify(cycles.map((cycle) => ({ path: cycle.path, members: cycle.members }))),
      at,
    ]);
    const createdKeys = new Set(inserted.map((row) => membersKey(row.members)));
    const byMembers = new Map(inserted.map((row) => [membersKey(row.members), row]));
    const missing = cycles.filter((cycle) => !byMembers.has(membersKey(cycle.members)));
    if (missing.length > 0) {
      const existing = await rows<CycleAlertRow>(this.manager, UNRESOLVED_BY_MEMBERS, [
        JSON.stringify(missing.map((cycle) => cycle.members)),
      ]);
      for (const row of existing) byMembers.set(membersKey(row.members), row);
    }
    const reported = new Set<string>();
    return cycles.map((cycle) => {
      const key = membersKey(cycle.members);
      const row = byMembers.get(key);
      if (!row) throw new Error(`cycle alert for [${cycle.members.join(', ')}] was not stored`);
      // A member set listed twice is created once: only its first mention reports `created`.
      const created = createdKeys.has(key) && !reported.has(key);
      reported.add(key);
      return { alert: toCycleAlert(row), created };
    });
  }

  override async find(id: string): Promise<CycleAlert | null> {
    if (!isUuid(id)) return null;
    const [row] = await rows<CycleAlertRow>(
      this.manager,
      `SELECT ${COLUMNS} FROM circular_dependency_alerts WHERE id = $1`,
      [id],
    );
    return row ? toCycleAlert(row) : null;
  }

  override async list(filter: CycleAlertFilter, page: PageRequest): Promise<Page<CycleAlert>> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    if (filter.status !== undefined) {
      parameters.push(filter.status);
      conditions.push(`status = $${parameters.length}::cycle_alert_status`);
    }
    if (page.cursor !== undefined) {
      const [detectedAt, id] = decodeCursor(page.cursor, 2);
      if (!isUuid(id) || Number.isNaN(Date.parse(detectedAt))) {
        throw new DomainError(
          DomainErrorCodes.INVALID_CURSOR,
          'The cursor is not one this server issued.',
        );
      }
      parameters.push(detectedAt, id);
      conditions.push(
        `(detected_at, id) < ($${parameters.length - 1}::timestamptz, $${parameters.length}::uuid)`,
      );
    }
    parameters.push(page.limit + 1);
    const found = await rows<CycleAlertRow & { detected_at_key: string }>(
      this.manager,
      // The key keeps PostgreSQL's microseconds, which a JavaScript Date would truncate.
      `SELECT ${COLUMNS}, detected_at::text AS detected_at_key FROM circular_dependency_alerts
       ${conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : ''}
       ORDER BY detected_at DESC, id DESC LIMIT $${parameters.length}`,
      parameters,
    );
    const page_ = found.slice(0, page.limit);
    const last = page_[page_.length - 1];
    return {
      items: page_.map(toCycleAlert),
      nextCursor: found.length > page.limit ? encodeCursor([last.detected_at_key, last.id]) : null,
    };
  }

  override async update(
    id: string,
    change: { status: CycleAlertStatus; actor: string | null; notes: string | null },
    at: Date,
    expectedStatus: CycleAlertStatus,
  ): Promise<CycleAlert | null> {
    const notFound = (): DomainError =>
      new DomainError(DomainErrorCodes.CYCLE_ALERT_NOT_FOUND, `No cycle alert ${id}.`, { id });
    if (!isUuid(id)) throw notFound();
    let updated: CycleAlertRow[];
    try {
      updated = await rows<CycleAlertRow>(
        this.manager,
        // Who acknowledged and the notes are kept when a later change does not name them.
        `WITH changed AS (
           UPDATE circular_dependency_alerts
           SET status = $2::cycle_alert_status,
               acknowledged_by = COALESCE($3, acknowledged_by),
               resolution_notes = COALESCE($4, resolution_notes),
               updated_at = $5
           WHERE id = $1 AND status = $6::cycle_alert_status
           RETURNING ${COLUMNS}
         )
         SELECT * FROM changed`,
        [id, change.status, change.actor, change.notes, at, expectedStatus],
      );
    } catch (error) {
      if (postgresErrorCode(error) === '23505') {
        throw new DomainError(
          DomainErrorCodes.CYCLE_ALERT_TRANSITION,
          'Another unresolved alert already covers this cycle.',
          { id },
        );
      }
      throw error;
    }
    if (updated.length > 0) return toCycleAlert(updated[0]);
    if ((await this.find(id)) === null) throw notFound();
    return null; // the status moved on meanwhile
  }
}

function membersKey(members: readonly string[]): string {
  return JSON.stringify(members);
}
