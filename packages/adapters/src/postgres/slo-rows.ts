import {
  type ActiveSlo,
  type AuditAction,
  type AuditEntry,
  type SloSnapshot,
  type SloSource,
} from '@slo-engine/core';

/** Columns of `active_slos a`, the service's text id as `service`. */
export const ACTIVE_SLO_COLUMNS = `a.id, a.availability_target, a.latency_p95_target_ms,
  a.latency_p99_target_ms, a.latency_p999_target_ms, a.source, a.recommendation_id,
  a.activated_at, a.activated_by, a.created_at, a.updated_at`;

export interface ActiveSloRow {
  readonly id: string;
  readonly service: string;
  /** numeric arrives as a string. */
  readonly availability_target: string | null;
  readonly latency_p95_target_ms: number | null;
  readonly latency_p99_target_ms: number | null;
  readonly latency_p999_target_ms: number | null;
  readonly source: SloSource;
  readonly recommendation_id: string | null;
  readonly activated_at: Date;
  readonly activated_by: string;
  readonly created_at: Date;
  readonly updated_at: Date;
}

export function toActiveSlo(row: ActiveSloRow): ActiveSlo {
  return {
    id: row.id,
    serviceId: row.service,
    availabilityTarget: row.availability_target === null ? null : Number(row.availability_target),
    latencyP95TargetMs: row.latency_p95_target_ms,
    latencyP99TargetMs: row.latency_p99_target_ms,
    latencyP999TargetMs: row.latency_p999_target_ms,
    source: row.source,
    recommendationId: row.recommendation_id,
    activatedAt: row.activated_at,
    activatedBy: row.activated_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * `previous_slo` / `new_slo` as stored: snake_case like the `active_slos` columns, so SQL
 * (dashboards, ad-hoc audits) reads them with the same names; the time as an ISO string.
 */
export interface SloSnapshotJson {
  readonly slo_id: string;
  readonly availability_target: number | null;
  readonly latency_p95_target_ms: number | null;
  readonly latency_p99_target_ms: number | null;
  readonly latency_p999_target_ms: number | null;
  readonly source: SloSource;
  readonly recommendation_id: string | null;
  readonly activated_at: string;
  readonly activated_by: string;
}

export function snapshotJson(snapshot: SloSnapshot | null): string | null {
  if (snapshot === null) return null;
  const json: SloSnapshotJson = {
    slo_id: snapshot.sloId,
    availability_target: snapshot.availabilityTarget,
    latency_p95_target_ms: snapshot.latencyP95TargetMs,
    latency_p99_target_ms: snapshot.latencyP99TargetMs,
    latency_p999_target_ms: snapshot.latencyP999TargetMs,
    source: snapshot.source,
    recommendation_id: snapshot.recommendationId,
    activated_at: snapshot.activatedAt.toISOString(),
    activated_by: snapshot.activatedBy,
  };
  return JSON.stringify(json);
}

function toSnapshot(json: SloSnapshotJson | null): SloSnapshot | null {
  if (json === null) return null;
  return {
    sloId: json.slo_id,
    availabilityTarget: json.availability_target,
    latencyP95TargetMs: json.latency_p95_target_ms,
    latencyP99TargetMs: json.latency_p99_target_ms,
    latencyP999TargetMs: json.latency_p999_target_ms,
    source: json.source,
    recommendationId: json.recommendation_id,
    activatedAt: new Date(json.activated_at),
    activatedBy: json.activated_by,
  };
}

/** Columns of `slo_audit_log a`, the service's text id as `service`. */
export const AUDIT_COLUMNS = `a.id, a.sequence, a.action, a.actor, a.recommendation_id,
  a.previous_slo, a.new_slo, a.selected_tier, a.rationale, a.modification_delta, a.warnings,
  a."timestamp", a.prev_hash, a.hash`;

export interface AuditRow {
  readonly id: string;
  readonly service: string;
  /** bigint arrives as a string. */
  readonly sequence: string;
  readonly action: AuditAction;
  readonly actor: string;
  readonly recommendation_id: string | null;
  readonly previous_slo: SloSnapshotJson | null;
  readonly new_slo: SloSnapshotJson | null;
  readonly selected_tier: string | null;
  readonly rationale: string | null;
  readonly modification_delta: Record<string, string> | null;
  readonly warnings: string[];
  readonly timestamp: Date;
  readonly prev_hash: string;
  readonly hash: string;
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    sequence: Number(row.sequence),
    serviceId: row.service,
    action: row.action,
    actor: row.actor,
    recommendationId: row.recommendation_id,
    previousSlo: toSnapshot(row.previous_slo),
    newSlo: toSnapshot(row.new_slo),
    selectedTier: row.selected_tier,
    rationale: row.rationale,
    modificationDelta: row.modification_delta,
    warnings: row.warnings,
    timestamp: row.timestamp,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
