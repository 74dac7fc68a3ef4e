/** Input and output of accepting, modifying or rejecting a recommendation (spec 004 FR-5). */
import { type TierName } from '../../recommendations/recommendation.types';
import { type ActiveSlo } from '../slo.types';

/** `auto_approve` is an accept by an auto-approval rule (FR-11); its actor is `system:auto-approval:<rule>`. */
export type DecisionAction = 'accept' | 'modify' | 'reject' | 'auto_approve';

/** Targets a `modify` sets instead of the selected tier's (percent, milliseconds). */
export interface SloModifications {
  readonly availabilityTarget?: number;
  readonly latencyP95TargetMs?: number;
  readonly latencyP99TargetMs?: number;
}

export interface DecideRecommendationInput {
  readonly serviceId: string;
  readonly recommendationId: string;
  readonly action: DecisionAction;
  /** Required for accept, modify and auto_approve. */
  readonly selectedTier?: TierName;
  /** Required (non-empty) for modify; not allowed otherwise. */
  readonly modifications?: SloModifications;
  readonly rationale?: string;
  /** The authenticated caller (never taken from a request body). */
  readonly actor: string;
  /**
   * Automation's guard (auto-approval): refuse with `SLO.SET_BY_PERSON` when the service's active
   * SLO was set by a person or an API key. Checked under the service's lock, so a person's
   * decision that lands first is never overwritten.
   */
  readonly unlessSetByPerson?: boolean;
}

export interface SloDecision {
  readonly action: DecisionAction;
  readonly serviceId: string;
  readonly recommendationId: string;
  /** The SLO now active; for a reject, the one still active (or null). */
  readonly activeSlo: ActiveSlo | null;
  /** Per changed target, e.g. `{ availability: '+0.05 from recommended 99.9' }`; null unless modified. */
  readonly modificationDelta: Readonly<Record<string, string>> | null;
  /** e.g. a modified target above the composite availability bound; also recorded in the audit row. */
  readonly warnings: readonly string[];
  readonly auditEntryId: string;
  readonly decidedAt: Date;
}

export const DECISION_ACTIONS = ['accept', 'modify', 'reject', 'auto_approve'] as const;
export const SELECTABLE_TIERS = ['conservative', 'balanced', 'aggressive'] as const;
/** Longest rationale kept in the audit log (characters). */
export const MAX_RATIONALE_LENGTH = 4000;
/** Longest actor the audit log keeps (its varchar(255)). */
export const MAX_ACTOR_LENGTH = 255;
/** Largest latency target (ms) the store keeps: a PostgreSQL integer. */
export const MAX_LATENCY_TARGET_MS = 2_147_483_647;
