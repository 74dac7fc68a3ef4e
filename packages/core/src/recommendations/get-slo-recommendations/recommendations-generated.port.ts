import { type StoredRecommendation } from '../recommendation.types';

/**
 * Told about recommendations right after they were generated and stored (not when a stored or
 * stale answer is served). Auto-approval (FR-11) listens here. Listener failures never fail the
 * request that generated the recommendations: the use case reports them to its `onListenerError`.
 */
export abstract class RecommendationsGeneratedListener {
  abstract onGenerated(stored: readonly StoredRecommendation[]): Promise<void>;
}

export interface RecommendationsGeneratedHook {
  readonly listener: RecommendationsGeneratedListener;
  /** Receives what the listener threw; by default the error is dropped. */
  readonly onListenerError?: (error: unknown, stored: readonly StoredRecommendation[]) => void;
}
