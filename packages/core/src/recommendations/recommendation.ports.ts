/**
 * Storage ports of the recommendation feature (spec 004 FR-2 caching, FR-6 aggregates). Abstract
 * classes without decorators, so each class is its own Nest injection token.
 */
import { type AggregateWindow } from './telemetry.port';
import { type SliType, type StoredRecommendation } from './recommendation.types';

/** A recommendation about to be stored; the repository assigns `id` and `status: 'active'`. */
export type NewRecommendation = Omit<StoredRecommendation, 'id' | 'status'>;

export abstract class RecommendationRepository {
  /** The active recommendation of the service for the SLI type, or null. */
  abstract findActive(serviceId: string, sliType: SliType): Promise<StoredRecommendation | null>;

  /**
   * Stores the recommendations as active and marks the previously active one of the same
   * (service, SLI type) `superseded`, atomically: readers see either the old or the new one.
   * Returns the stored rows in input order.
   *
   * @throws DomainError `GRAPH.SERVICE_NOT_FOUND` when a service id is not stored.
   */
  abstract saveActive(
    recommendations: readonly NewRecommendation[],
  ): Promise<readonly StoredRecommendation[]>;

  /** Marks the active recommendations of the service `superseded` (e.g. an SLO was accepted). */
  abstract invalidate(serviceId: string, at: Date): Promise<number>;

  /** Marks active recommendations whose `expiresAt` ≤ `now` as `expired`; returns how many. */
  abstract expireDue(now: Date): Promise<number>;

  /** Every stored recommendation of a service, newest first (audit and tests). */
  abstract history(serviceId: string, limit: number): Promise<readonly StoredRecommendation[]>;
}

/** SLI types of `sli_aggregates` (spec 004 FR-6). */
export const AGGREGATE_SLI_TYPES = [
  'availability',
  'latency_p50',
  'latency_p95',
  'latency_p99',
  'error_rate',
  'request_rate',
] as const;
export type AggregateSliType = (typeof AGGREGATE_SLI_TYPES)[number];

/** One row of `sli_aggregates`. */
export interface SliAggregate {
  readonly serviceId: string;
  readonly sliType: AggregateSliType;
  readonly window: AggregateWindow;
  /** Ratio for availability and error_rate, ms for latency, requests per second for request_rate. */
  readonly value: number;
  /** Requests behind the value. */
  readonly sampleCount: number;
  /** The aggregation run's time (the end of the window); with the rest of the key, unique. */
  readonly computedAt: Date;
}

export abstract class SliAggregateRepository {
  /**
   * Upserts on (service, SLI type, window, computedAt) so a repeated run writes the same rows once.
   * Rows of services the graph does not know are skipped and counted.
   */
  abstract upsert(
    aggregates: readonly SliAggregate[],
  ): Promise<{ readonly written: number; readonly unknownServices: number }>;

  /** The newest aggregate per (SLI type, window) of the service. */
  abstract latest(serviceId: string): Promise<readonly SliAggregate[]>;

  /**
   * The newest value of one (SLI type, window) for every service that has one, by service id: one
   * bulk read for fleet-wide analyses (FR-4 impact analysis), never a read per service.
   */
  abstract latestValues(
    sliType: AggregateSliType,
    window: AggregateWindow,
  ): Promise<ReadonlyMap<string, number>>;

  /** Deletes rows computed before the cutoff for the given windows (retention); returns how many. */
  abstract purge(windows: readonly AggregateWindow[], computedBefore: Date): Promise<number>;
}
