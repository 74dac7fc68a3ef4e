import { DomainError, DomainErrorCodes, type FieldError } from '../../shared/domain-error';
import { type Clock } from '../../shared/clock.port';
import { type GraphSnapshotCache } from '../../graph/graph-snapshot/graph-snapshot-cache';
import { throwIfInvalid } from '../../graph/input-validation';
import { dependencyClosure } from '../dependency-analysis';
import { type RecommendationRepository } from '../recommendation.ports';
import {
  type DataQuality,
  type Recommendation,
  type SliType,
  type StoredRecommendation,
} from '../recommendation.types';
import { TelemetryUnavailableError, type TimeRange } from '../telemetry.port';
import { type RecommendationGenerator } from './recommendation-generator';
import { type RecommendationsGeneratedHook } from './recommendations-generated.port';

export const SLI_TYPE_CHOICES = ['availability', 'latency', 'all'] as const;
export type SliTypeChoice = (typeof SLI_TYPE_CHOICES)[number];
export const DEFAULT_LOOKBACK_DAYS = 30;
export const MIN_LOOKBACK_DAYS = 7;
export const MAX_LOOKBACK_DAYS = 365;

export interface GetSloRecommendationsInput {
  readonly serviceId: string;
  readonly sliType?: SliTypeChoice;
  readonly lookbackDays?: number;
  readonly forceRegenerate?: boolean;
}

/** Where the answer came from. */
export type RecommendationSource = 'cache' | 'generated' | 'stale';

export interface SloRecommendations {
  readonly serviceId: string;
  readonly generatedAt: Date;
  readonly expiresAt: Date;
  readonly lookbackWindow: TimeRange;
  readonly dataQuality: DataQuality;
  readonly recommendations: readonly Recommendation[];
  readonly recommendationIds: readonly string[];
  readonly source: RecommendationSource;
  /** True when the telemetry source could not answer and stored recommendations were served. */
  readonly stale: boolean;
  readonly staleReason: string | null;
}

/**
 * GET /services/{id}/slo-recommendations (spec 004 FR-2): serves the stored recommendation while
 * it is valid (not expired, same lookback, same dependency closure), otherwise generates and
 * stores a new one. When the telemetry source is down or its breaker is open, serves what is
 * stored marked `stale` instead of failing (REL-005); with nothing stored, the unavailability
 * propagates (503 with Retry-After at the edge).
 */
export class GetSloRecommendationsUseCase {
  constructor(
    private readonly snapshots: GraphSnapshotCache,
    private readonly recommendations: RecommendationRepository,
    private readonly generator: RecommendationGenerator,
    private readonly clock: Clock,
    /** Told about freshly generated recommendations once they are stored (auto-approval). */
    private readonly generated?: RecommendationsGeneratedHook,
  ) {}

  async execute(input: GetSloRecommendationsInput): Promise<SloRecommendations> {
    const sliType = input.sliType ?? 'all';
    const lookbackDays = input.lookbackDays ?? DEFAULT_LOOKBACK_DAYS;
    const fieldErrors: FieldError[] = [];
    if (!(SLI_TYPE_CHOICES as readonly string[]).includes(sliType)) {
      fieldErrors.push({
        field: 'sli_type',
        message: `must be one of ${SLI_TYPE_CHOICES.join(', ')}, got ${JSON.stringify(sliType)}`,
      });
    }
    if (
      !Number.isInteger(lookbackDays) ||
      lookbackDays < MIN_LOOKBACK_DAYS ||
      lookbackDays > MAX_LOOKBACK_DAYS
    ) {
      fieldErrors.push({
        field: 'lookback_days',
        message: `must be an integer from ${MIN_LOOKBACK_DAYS} to ${MAX_LOOKBACK_DAYS}, got ${String(lookbackDays)}`,
      });
    }
    throwIfInvalid(fieldErrors, 'The recommendation query');

    const snapshot = await this.snapshots.get();
    if (snapshot.service(input.serviceId) === undefined) {
      throw new DomainError(
        DomainErrorCodes.SERVICE_NOT_FOUND,
        `No service has id "${input.serviceId}".`,
        { serviceId: input.serviceId },
      );
    }
    const sliTypes: SliType[] = sliType === 'all' ? ['availability', 'latency'] : [sliType];
    const now = this.clock.now();
    const stored = await Promise.all(
      sliTypes.map((type) => this.recommendations.findActive(input.serviceId, type)),
    );
    const closure = dependencyClosure(snapshot, input.serviceId);
    if (!input.forceRegenerate) {
      const digest = closure.digest;
      const valid = stored.every(
        (recommendation) =>
          recommendation !== null &&
          recommendation.expiresAt.getTime() > now.getTime() &&
          recommendation.lookbackDays === lookbackDays &&
          recommendation.dependencyDigest === digest,
      );
      if (valid) return view(stored as StoredRecommendation[], 'cache', null);
    }
    try {
      const fresh = await this.generator.generate({
        snapshot,
        serviceId: input.serviceId,
        sliTypes,
        lookbackDays,
        now,
        closure,
      });
      const saved = await this.recommendations.saveActive(fresh);
      await this.announce(saved);
      return view(saved, 'generated', null);
    } catch (error) {
      if (!(error instanceof TelemetryUnavailableError)) throw error;
      if (stored.every((recommendation) => recommendation !== null)) {
        return view(
          stored,
          'stale',
          `The telemetry source is unavailable (${error.message}); serving the recommendation generated at ${stored[0].generatedAt.toISOString()}.`,
        );
      }
      throw error;
    }
  }

  private async announce(saved: readonly StoredRecommendation[]): Promise<void> {
    if (this.generated === undefined) return;
    try {
      await this.generated.listener.onGenerated(saved);
    } catch (error) {
      this.generated.onListenerError?.(error, saved);
    }
  }
}

function view(
  stored: readonly StoredRecommendation[],
  source: RecommendationSource,
  staleReason: string | null,
): SloRecommendations {
  const [first] = stored;
  return {
    serviceId: first.serviceId,
    generatedAt: first.generatedAt,
    expiresAt: first.expiresAt,
    lookbackWindow: first.lookbackWindow,
    dataQuality: first.dataQuality,
    recommendations: stored.map((recommendation) => recommendation.recommendation),
    recommendationIds: stored.map((recommendation) => recommendation.id),
    source,
    stale: source === 'stale',
    staleReason,
  };
}
