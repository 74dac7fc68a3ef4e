/**
 * Auto-approval rules (spec 004 FR-11): an sre_admin states which newly generated recommendations
 * may become active SLOs without a person deciding. A rule is disabled until someone enables it.
 *
 * Conditions are evaluated against the recommendation and its service:
 * - `criticality`: the service's criticality is one of these;
 * - `confidenceMin`: the recommendation's confidence (see {@link recommendationConfidence}) is at
 *   least this;
 * - `teams`: the service's team is one of these (null: any team, including none);
 * - `sliTypes`: the recommendation is of one of these SLI types.
 * `tier` is not a condition: it is the tier a matching recommendation is accepted at.
 */
import { type ServiceCriticality } from '../graph/graph.types';
import {
  type AvailabilityRecommendation,
  type LatencyRecommendation,
  type LatencyTierRecommendation,
  type SliType,
  type TierName,
} from '../recommendations/recommendation.types';

export const AUTO_APPROVAL_TIERS = [
  'conservative',
  'balanced',
  'aggressive',
] as const satisfies readonly TierName[];

export const AUTO_APPROVAL_SLI_TYPES = [
  'availability',
  'latency',
] as const satisfies readonly SliType[];

/** The audit actor of a rule's decisions is this prefix followed by the rule's name. */
export const AUTO_APPROVAL_ACTOR_PREFIX = 'system:auto-approval:';

/**
 * Rule names become part of an audit actor (`system:auto-approval:<name>`, at most 255
 * characters), so they are short slugs: a letter or digit, then letters, digits, `.`, `_`, `-`.
 */
export const RULE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const MAX_RULE_NAME_LENGTH = 128;
export const MAX_TEAM_NAME_LENGTH = 255;
/** Most teams one rule may name. */
export const MAX_RULE_TEAMS = 100;

/** Conditions as stored: normalised (SLI types spelled out, absent teams as null). */
export interface AutoApprovalConditions {
  readonly criticality: readonly ServiceCriticality[];
  /** 0–1. */
  readonly confidenceMin: number;
  readonly tier: TierName;
  /** null: the service's team does not matter. */
  readonly teams: readonly string[] | null;
  readonly sliTypes: readonly SliType[];
}

/** Conditions as a caller gives them: `teams` and `sliTypes` may be left out. */
export interface AutoApprovalConditionsInput {
  readonly criticality: readonly ServiceCriticality[];
  readonly confidenceMin: number;
  readonly tier: TierName;
  readonly teams?: readonly string[] | null;
  /** Defaults to both SLI types. */
  readonly sliTypes?: readonly SliType[];
}

export interface AutoApprovalRule {
  readonly id: string;
  readonly name: string;
  readonly conditions: AutoApprovalConditions;
  readonly enabled: boolean;
  readonly createdBy: string;
  readonly createdAt: Date;
  readonly updatedBy: string;
  readonly updatedAt: Date;
}

/** A rule about to be stored; the repository assigns the id. */
export type NewAutoApprovalRule = Omit<AutoApprovalRule, 'id'>;

/** What an update changes; absent fields stay as they are. */
export interface AutoApprovalRuleChanges {
  readonly name?: string;
  readonly conditions?: AutoApprovalConditions;
  readonly enabled?: boolean;
  readonly updatedBy: string;
  readonly updatedAt: Date;
}

/** What a rule is evaluated against: one recommendation and the service it is for. */
export interface AutoApprovalCandidate {
  readonly recommendationId: string;
  readonly serviceId: string;
  readonly sliType: SliType;
  readonly criticality: ServiceCriticality;
  readonly team: string | null;
  /** 0–1; see {@link recommendationConfidence}. */
  readonly confidence: number;
}

export const AutoApprovalErrorCodes = {
  /** A rule id that no rule has. → 404 */
  RULE_NOT_FOUND: 'AUTO_APPROVAL.RULE_NOT_FOUND',
  /** Another rule already has this name. → 409 */
  NAME_TAKEN: 'AUTO_APPROVAL.NAME_TAKEN',
} as const;

/** `system:auto-approval:<name>`: who the audit log names for a rule's decisions. */
export function autoApprovalActor(ruleName: string): string {
  return `${AUTO_APPROVAL_ACTOR_PREFIX}${ruleName}`;
}

/**
 * The parts of a stored recommendation auto-approval reads: enough to match a rule, name the
 * target it would accept and compare it with the active SLO, without reviving the explanation.
 */
export type RecommendationSummary = {
  readonly id: string;
  readonly serviceId: string;
  /** `dataQuality.dataCompleteness`, 0–1. */
  readonly dataCompleteness: number;
  /** `dataQuality.coldStart`: an archetype-based recommendation from under 30 days of data. */
  readonly coldStart: boolean;
  readonly generatedAt: Date;
  readonly expiresAt: Date;
} & (
  | { readonly sliType: 'availability'; readonly tiers: AvailabilityRecommendation['tiers'] }
  | { readonly sliType: 'latency'; readonly tiers: LatencyRecommendation['tiers'] }
);

/** The target a tier of a recommendation sets: percent for availability, ms at a percentile for latency. */
export type TierTarget =
  | { readonly sliType: 'availability'; readonly target: number }
  | {
      readonly sliType: 'latency';
      readonly targetMs: number;
      readonly percentile: LatencyTierRecommendation['percentile'];
    };
