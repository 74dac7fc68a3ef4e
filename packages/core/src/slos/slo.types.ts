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

/** Actors starting with this are the engine itself; anything else is a person or an API key. */
export const SYSTEM_ACTOR_PREFIX = 'system:';

/** True for actors of the engine itself (auto-approval, expiry, drift), false for people and keys. */
export function isSystemActor(actor: string): boolean {
  return actor.startsWith(SYSTEM_ACTOR_PREFIX);
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

/** The targets and provenance of an SLO at one moment, as the audit log keeps it. */
export interface SloSnapshot {
  readonly sloId: string;
  readonly availabilityTarget: number | null;
  readonly latencyP95TargetMs: number | null;
  readonly latencyP99TargetMs: number | null;
  readonly latencyP999TargetMs: number | null;
  readonly source: SloSource;
  readonly recommendationId: string | null;
  readonly activatedAt: Date;
  readonly activatedBy: string;
}

/** An active SLO about to be stored (one per service: it replaces the service's current one). */
export type NewActiveSlo = Omit<ActiveSlo, 'id' | 'createdAt' | 'updatedAt'>;

/** One row of the append-only, hash-chained audit log. */
export interface AuditEntry {
  readonly id: string;
  /** Position in the chain: 1, 2, 3, … across every service, without gaps. */
  readonly sequence: number;
  readonly serviceId: string;
  readonly action: AuditAction;
  /** Who decided: a user's identity, an API key's name, or `system:auto-approval:<rule>`. */
  readonly actor: string;
  readonly recommendationId: string | null;
  /** The SLO before the change; null when the service had none. */
  readonly previousSlo: SloSnapshot | null;
  /** The SLO after the change; null when nothing changed (a reject). */
  readonly newSlo: SloSnapshot | null;
  readonly selectedTier: string | null;
  readonly rationale: string | null;
  /** Per target key (`availability`, `latency_p99_ms`, …), e.g. `+0.05 from recommended 99.9`. */
  readonly modificationDelta: Readonly<Record<string, string>> | null;
  readonly warnings: readonly string[];
  readonly timestamp: Date;
  /** Hex sha256 of the previous entry (64 zeros for the first). */
  readonly prevHash: string;
  /** Hex sha256 of `prevHash` followed by the entry's canonical text. */
  readonly hash: string;
}

/** An entry to append; the log assigns id, sequence and the hashes. */
export type NewAuditEntry = Omit<AuditEntry, 'id' | 'sequence' | 'prevHash' | 'hash'>;

/** One link of the chain as the verifier needs it: stored hashes and the hash recomputed now. */
export interface AuditChainLink {
  readonly sequence: number;
  readonly id: string;
  readonly prevHash: string;
  readonly hash: string;
  /** The hash the stored row's content gives today (recomputed by the store). */
  readonly expectedHash: string;
}

/** 64 zeros: the `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);
