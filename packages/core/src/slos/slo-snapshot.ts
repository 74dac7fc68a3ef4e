import { type ActiveSlo, type SloSnapshot } from './slo.types';

/** What the audit log keeps of an active SLO. */
export function snapshotOf(slo: ActiveSlo): SloSnapshot {
  return {
    sloId: slo.id,
    availabilityTarget: slo.availabilityTarget,
    latencyP95TargetMs: slo.latencyP95TargetMs,
    latencyP99TargetMs: slo.latencyP99TargetMs,
    latencyP999TargetMs: slo.latencyP999TargetMs,
    source: slo.source,
    recommendationId: slo.recommendationId,
    activatedAt: new Date(slo.activatedAt.getTime()),
    activatedBy: slo.activatedBy,
  };
}
