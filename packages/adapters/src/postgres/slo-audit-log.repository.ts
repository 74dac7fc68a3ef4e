import {
  type AuditChainLink,
  type AuditEntry,
  type AuditHistoryRequest,
  SloAuditLogRepository,
} from '@slo-engine/core';
import { type EntityManager } from 'typeorm';
import { AUDIT_COLUMNS, type AuditRow, toAuditEntry } from './slo-rows';
import { rows } from './sql';

const HISTORY = `
SELECT ${AUDIT_COLUMNS}, $1::text AS service
FROM slo_audit_log a
WHERE a.service_id = (SELECT id FROM services WHERE service_id = $1)
  AND ($2::bigint IS NULL OR a.sequence < $2::bigint)
ORDER BY a.sequence DESC
LIMIT $3`;

/** The hash each row's content gives now, by the same SQL function the insert trigger used. */
const CHAIN_LINKS = `
SELECT a.sequence, a.id, a.prev_hash, a.hash, slo_audit_log_expected_hash(a) AS expected_hash
FROM slo_audit_log a
WHERE a.sequence > $1::bigint
ORDER BY a.sequence
LIMIT $2`;

/** `slo_audit_log`, read side (appends go through the lifecycle store's transaction). */
export class PostgresSloAuditLogRepository extends SloAuditLogRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  override async history(
    serviceId: string,
    request: AuditHistoryRequest,
  ): Promise<readonly AuditEntry[]> {
    if (!(request.limit >= 1)) return [];
    const found = await rows<AuditRow>(this.manager, HISTORY, [
      serviceId,
      request.beforeSequence ?? null,
      Math.floor(request.limit),
    ]);
    return found.map(toAuditEntry);
  }

  override async chainLinks(
    afterSequence: number,
    limit: number,
  ): Promise<readonly AuditChainLink[]> {
    if (!(limit >= 1)) return [];
    const found = await rows<{
      sequence: string;
      id: string;
      prev_hash: string;
      hash: string;
      expected_hash: string;
    }>(this.manager, CHAIN_LINKS, [afterSequence, Math.floor(limit)]);
    return found.map((row) => ({
      sequence: Number(row.sequence),
      id: row.id,
      prevHash: row.prev_hash,
      hash: row.hash,
      expectedHash: row.expected_hash,
    }));
  }
}
