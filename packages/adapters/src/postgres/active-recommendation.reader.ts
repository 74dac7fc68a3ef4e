import {
  ActiveRecommendationReader,
  type AvailabilityRecommendation,
  type LatencyRecommendation,
  type RecommendationSummary,
  type SliType,
} from '@slo-engine/core';
import { type EntityManager } from 'typeorm';
import { rows } from './sql';

interface SummaryRow {
  readonly id: string;
  readonly service_id: string;
  readonly sli_type: SliType;
  readonly tiers: unknown;
  readonly data_completeness: number;
  readonly cold_start: boolean;
  readonly generated_at: Date;
  readonly expires_at: Date;
}

/**
 * Reads only the columns a summary needs (tiers hold no Dates, so they need no reviving); the
 * explanation, the largest column, stays in the database. `data_quality` keeps the core's field
 * names (`dataCompleteness`, `coldStart`).
 */
const LIST_ACTIVE = `
SELECT r.id, s.service_id, r.sli_type, r.tiers,
       (r.data_quality ->> 'dataCompleteness')::float8 AS data_completeness,
       COALESCE((r.data_quality ->> 'coldStart')::boolean, false) AS cold_start,
       r.generated_at, r.expires_at
FROM slo_recommendations r JOIN services s ON s.id = r.service_id
WHERE r.status = 'active' AND r.expires_at > $1
ORDER BY s.service_id COLLATE "C", r.sli_type`;

/** Every service's current recommendations in one query (auto-approval dry runs). */
export class PostgresActiveRecommendationReader extends ActiveRecommendationReader {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  override async listActive(now: Date): Promise<readonly RecommendationSummary[]> {
    const found = await rows<SummaryRow>(this.manager, LIST_ACTIVE, [now]);
    return found.map((row): RecommendationSummary => {
      const common = {
        id: row.id,
        serviceId: row.service_id,
        dataCompleteness: row.data_completeness,
        coldStart: row.cold_start,
        generatedAt: row.generated_at,
        expiresAt: row.expires_at,
      };
      return row.sli_type === 'availability'
        ? {
            ...common,
            sliType: 'availability',
            tiers: row.tiers as AvailabilityRecommendation['tiers'],
          }
        : { ...common, sliType: 'latency', tiers: row.tiers as LatencyRecommendation['tiers'] };
    });
  }
}
