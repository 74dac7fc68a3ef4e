import {
  type ActiveSlo,
  type AuditChainVerification,
  type AuditEntry,
  type SloDecision,
  type SloSnapshot,
} from '@slo-engine/core';
import {
  type ActiveSloDto,
  type AuditEntryDto,
  type AuditVerificationDto,
  type SloDecisionDto,
  type SloRejectionDto,
  type SloSnapshotDto,
  type SloTargetsDto,
} from './dto/slo-response.dto';

function targets(slo: ActiveSlo | SloSnapshot): SloTargetsDto {
  return {
    availability: slo.availabilityTarget,
    latency_p95_ms: slo.latencyP95TargetMs,
    latency_p99_ms: slo.latencyP99TargetMs,
    latency_p999_ms: slo.latencyP999TargetMs,
  };
}

export function presentActiveSlo(slo: ActiveSlo): ActiveSloDto {
  return {
    slo_id: slo.id,
    service_id: slo.serviceId,
    status: 'active',
    targets: targets(slo),
    source: slo.source,
    recommendation_id: slo.recommendationId,
    activated_at: slo.activatedAt.toISOString(),
    activated_by: slo.activatedBy,
  };
}

/** An accept or modify: the SLO now active, as spec 004 FR-5 shows it. */
export function presentDecision(decision: SloDecision, slo: ActiveSlo): SloDecisionDto {
  return {
    ...presentActiveSlo(slo),
    modification_delta:
      decision.modificationDelta === null ? null : { ...decision.modificationDelta },
    warnings: [...decision.warnings],
    audit_entry_id: decision.auditEntryId,
  };
}

export function presentRejection(decision: SloDecision): SloRejectionDto {
  return {
    action: 'rejected',
    recommendation_id: decision.recommendationId,
    audit_entry_id: decision.auditEntryId,
    active_slo: decision.activeSlo === null ? null : presentActiveSlo(decision.activeSlo),
  };
}

function presentSnapshot(snapshot: SloSnapshot | null): SloSnapshotDto | null {
  if (snapshot === null) return null;
  return {
    slo_id: snapshot.sloId,
    targets: targets(snapshot),
    source: snapshot.source,
    recommendation_id: snapshot.recommendationId,
    activated_at: snapshot.activatedAt.toISOString(),
    activated_by: snapshot.activatedBy,
  };
}

export function presentAuditEntry(entry: AuditEntry): AuditEntryDto {
  return {
    id: entry.id,
    sequence: entry.sequence,
    service_id: entry.serviceId,
    action: entry.action,
    actor: entry.actor,
    recommendation_id: entry.recommendationId,
    previous_slo: presentSnapshot(entry.previousSlo),
    new_slo: presentSnapshot(entry.newSlo),
    selected_tier: entry.selectedTier,
    rationale: entry.rationale,
    modification_delta: entry.modificationDelta === null ? null : { ...entry.modificationDelta },
    warnings: [...entry.warnings],
    timestamp: entry.timestamp.toISOString(),
    hash: entry.hash,
    prev_hash: entry.prevHash,
  };
}

export function presentVerification(result: AuditChainVerification): AuditVerificationDto {
  return {
    ok: result.ok,
    rows_checked: result.rowsChecked,
    head_hash: result.headHash,
    head_sequence: result.headSequence,
    first_broken_link: result.firstBrokenLink === null ? null : { ...result.firstBrokenLink },
    verified_at: result.verifiedAt.toISOString(),
  };
}
