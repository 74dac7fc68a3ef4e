import {
  type ActiveSlo,
  type AuditEntry,
  DomainError,
  DomainErrorCodes,
  type NewActiveSlo,
  type NewAuditEntry,
  SloLifecycleStore,
  type SloLifecycleTransaction,
  type StoredRecommendation,
} from '@slo-engine/core';
import { type EntityManager } from 'typeorm';
import { PostgresActiveSloRepository } from './active-slo.repository';
import { PostgresRecommendationRepository } from './recommendation.repository';
import {
  ACTIVE_SLO_COLUMNS,
  type ActiveSloRow,
  AUDIT_COLUMNS,
  type AuditRow,
  snapshotJson,
  toActiveSlo,
  toAuditEntry,
} from './slo-rows';
import { inTransaction, rows } from './sql';

/**
 * Namespace of the transaction-level advisory locks that serialise decisions per service (the
 * two-int4 key space, apart from the migration's and the audit chain's bigint keys, and from the
 * recommendation saves' "SLOR" namespace). The second key is `hashtext(service id)`; a collision
 * only serialises more.
 */
const DECISION_LOCK_NAMESPACE = 0x534c4f44; // "SLOD"

const LOCK_SERVICE = `
WITH lock AS (SELECT pg_advisory_xact_lock(${DECISION_LOCK_NAMESPACE}, hashtext($1)))
SELECT (SELECT id FROM services WHERE service_id = $1) AS id FROM lock`;

/** Upsert on the service: the row (its id and created_at) stays, everything else is replaced. */
const SAVE_ACTIVE_SLO = `
WITH saved AS (
  INSERT INTO active_slos AS a
    (service_id, availability_target, latency_p95_target_ms, latency_p99_target_ms,
     latency_p999_target_ms, source, recommendation_id, activated_at, activated_by, created_at,
     updated_at)
  SELECT s.id, $2::numeric, $3::int, $4::int, $5::int, $6::slo_source, $7::uuid, $8, $9, $10, $10
  FROM services s WHERE s.service_id = $1
  ON CONFLICT (service_id) DO UPDATE SET
    availability_target = EXCLUDED.availability_target,
    latency_p95_target_ms = EXCLUDED.latency_p95_target_ms,
    latency_p99_target_ms = EXCLUDED.latency_p99_target_ms,
    latency_p999_target_ms = EXCLUDED.latency_p999_target_ms,
    source = EXCLUDED.source,
    recommendation_id = EXCLUDED.recommendation_id,
    activated_at = EXCLUDED.activated_at,
    activated_by = EXCLUDED.activated_by,
    updated_at = EXCLUDED.updated_at
  RETURNING *
)
SELECT ${ACTIVE_SLO_COLUMNS}, $1::text AS service FROM saved a`;

/** sequence, prev_hash and hash are left to the insert trigger, which chains the row. */
const APPEND_AUDIT = `
WITH inserted AS (
  INSERT INTO slo_audit_log
    (service_id, action, actor, recommendation_id, previous_slo, new_slo, selected_tier,
     rationale, modification_delta, warnings, "timestamp")
  SELECT s.id, $2::audit_action, $3, $4::uuid, $5::jsonb, $6::jsonb, $7, $8, $9::jsonb,
         $10::jsonb, $11
  FROM services s WHERE s.service_id = $1
  RETURNING *
)
SELECT ${AUDIT_COLUMNS}, $1::text AS service FROM inserted a`;

function serviceNotFound(serviceId: string): DomainError {
  return new DomainError(DomainErrorCodes.SERVICE_NOT_FOUND, `No service has id "${serviceId}".`, {
    serviceId,
  });
}

class PostgresSloLifecycleTransaction implements SloLifecycleTransaction {
  private readonly recommendations: PostgresRecommendationRepository;

  constructor(private readonly manager: EntityManager) {
    this.recommendations = new PostgresRecommendationRepository(manager);
  }

  async lockService(serviceId: string): Promise<boolean> {
    const [row] = await rows<{ id: string | null }>(this.manager, LOCK_SERVICE, [serviceId]);
    return row.id !== null;
  }

  async lockRecommendation(
    serviceId: string,
    recommendationId: string,
  ): Promise<StoredRecommendation | null> {
    return this.recommendations.lockOfService(serviceId, recommendationId);
  }

  activeSlo(serviceId: string): Promise<ActiveSlo | null> {
    return new PostgresActiveSloRepository(this.manager).findByService(serviceId);
  }

  async saveActiveSlo(slo: NewActiveSlo, at: Date): Promise<ActiveSlo> {
    const [row] = await rows<ActiveSloRow>(this.manager, SAVE_ACTIVE_SLO, [
      slo.serviceId,
      slo.availabilityTarget,
      slo.latencyP95TargetMs,
      slo.latencyP99TargetMs,
      slo.latencyP999TargetMs,
      slo.source,
      slo.recommendationId,
      slo.activatedAt,
      slo.activatedBy,
      at,
    ]);
    if (!row) throw serviceNotFound(slo.serviceId);
    return toActiveSlo(row);
  }

  async decideRecommendation(
    recommendationId: string,
    status: 'accepted' | 'rejected',
    at: Date,
  ): Promise<void> {
    await this.recommendations.decide(recommendationId, status, at);
  }

  async appendAudit(entry: NewAuditEntry): Promise<AuditEntry> {
    const [row] = await rows<AuditRow>(this.manager, APPEND_AUDIT, [
      entry.serviceId,
      entry.action,
      entry.actor,
      entry.recommendationId,
      snapshotJson(entry.previousSlo),
      snapshotJson(entry.newSlo),
      entry.selectedTier,
      entry.rationale,
      entry.modificationDelta === null ? null : JSON.stringify(entry.modificationDelta),
      JSON.stringify(entry.warnings),
      entry.timestamp,
    ]);
    if (!row) throw serviceNotFound(entry.serviceId);
    return toAuditEntry(row);
  }
}

/**
 * The SLO lifecycle's writes, one READ COMMITTED transaction per `transaction()` call. Bound to an
 * EntityManager: the DataSource's own opens a transaction per call, a transaction's joins it (the
 * caller then owns commit, and must run it under READ COMMITTED too). READ COMMITTED is required,
 * not a default: the audit log's insert trigger reads the chain head after taking its lock and
 * must see the previous holder's commit (it refuses other isolation levels).
 */
export class PostgresSloLifecycleStore extends SloLifecycleStore {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  override async transaction<T>(work: (tx: SloLifecycleTransaction) => Promise<T>): Promise<T> {
    return inTransaction(
      this.manager,
      (manager) => work(new PostgresSloLifecycleTransaction(manager)),
      'READ COMMITTED',
    );
  }
}
