/**
 * SLOs a service has committed to, and the audit trail of how they came to be (spec 004 FR-5).
 * Targets are percentages (99.95) and milliseconds, as the API shows them.
 */

/** How an active SLO was set. */
export type SloSource = 'recommendation_accepted' | 'recommendation_modified' | 'manual';

/** The SLO a service keeps today: one row per service. */
export interface ActiveSlo {
  readonly id: string;
  readonly serviceId: string;
  /** Percent (99.95); null while only latency targets are set. */
  readonly availabilityTarget: number | null;
  readonly latencyP95TargetMs: number | null;
  readonly latencyP99TargetMs: number | null;
  /** The Conservative latency tier targets p99.9; beyond the spec's two latency columns. */
  readonly latencyP999TargetMs: number | null;
  readonly source: SloSource;
  /** The recommendation the SLO came from; null for a manual SLO. */
  readonly recommendationId: string | null;
  readonly activatedAt: Date;
  readonly activatedBy: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** What the audit log records (spec 004 FR-5 `slo_audit_log.action`). */
export const AUDIT_ACTIONS = [
  'accept',
  'modify',
  'reject',
  'auto_approve',
  'expire',
  'drift_triggered',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
