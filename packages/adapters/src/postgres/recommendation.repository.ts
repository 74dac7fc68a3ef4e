import {
  type AvailabilityRecommendation,
  type DataQuality,
  DomainError,
  DomainErrorCodes,
  type Explanation,
  type LatencyRecommendation,
  type NewRecommendation,
  type Recommendation,
  type RecommendationStatus,
  RecommendationRepository,
  type SliType,
  type StoredRecommendation,
  assertStorableRecommendations,
} from '@slo-engine/core';
import { type EntityManager } from 'typeorm';
import { arrayLiteral, inTransaction, isUuid, rows } from './sql';

/** `explanation` as stored: JSON, the provenance's Dates as ISO strings. */
type ExplanationJson = Omit<Explanation, 'provenance'> & {
  readonly provenance: Omit<
    Explanation['provenance'],
    'lookbackWindowStart' | 'lookbackWindowEnd'
  > & {
    readonly lookbackWindowStart: string;
    readonly lookbackWindowEnd: string;
  };
};

/** `data_quality` as stored: JSON, Dates as ISO strings. */
type DataQualityJson = Omit<DataQuality, 'telemetryGaps' | 'reevaluateAt'> & {
  readonly telemetryGaps: ReadonlyArray<{ readonly start: string; readonly end: string }>;
  readonly reevaluateAt: string | null;
};

interface RecommendationRow {
  readonly id: string;
  /** `services.service_id` (the text id), not the uuid the table references. */
  readonly service_id: string;
  readonly sli_type: SliType;
  readonly metric: string;
  readonly tiers: unknown;
  readonly explanation: ExplanationJson;
  readonly data_quality: DataQualityJson;
  readonly lookback_window_start: Date;
  readonly lookback_window_end: Date;
  readonly lookback_days: number;
  /** bigint arrives as a string. */
  readonly graph_version: string;
  readonly dependency_digest: string;
  readonly generated_at: Date;
  readonly expires_at: Date;
  readonly status: RecommendationStatus;
}

/**
 * Columns of `slo_recommendations r` as {@link RecommendationRow}, the text service id taken from
 * `serviceId` (an expression).
 */
const columns = (
  serviceId: string,
): string => `r.id, ${serviceId} AS service_id, r.sli_type, r.metric, r.tiers, r.explanation, r.data_quality,
  r.lookback_window_start, r.lookback_window_end, r.lookback_days, r.graph_version,
  r.dependency_digest, r.generated_at, r.expires_at, r.status`;
const COLUMNS = columns('s.service_id');

function toExplanation(json: ExplanationJson): Explanation {
  return {
    ...json,
    provenance: {
      ...json.provenance,
      lookbackWindowStart: new Date(json.provenance.lookbackWindowStart),
      lookbackWindowEnd: new Date(json.provenance.lookbackWindowEnd),
    },
  };
}

function toDataQuality(json: DataQualityJson): DataQuality {
  return {
    ...json,
    telemetryGaps: json.telemetryGaps.map((gap) => ({
      ...gap,
      start: new Date(gap.start),
      end: new Date(gap.end),
    })),
    reevaluateAt: json.reevaluateAt === null ? null : new Date(json.reevaluateAt),
  };
}

function toRecommendation(row: RecommendationRow): Recommendation {
  const explanation = toExplanation(row.explanation);
  return row.sli_type === 'availability'
    ? {
        sliType: 'availability',
        metric: row.metric as AvailabilityRecommendation['metric'],
        tiers: row.tiers as AvailabilityRecommendation['tiers'],
        explanation,
      }
    : {
        sliType: 'latency',
        metric: row.metric as LatencyRecommendation['metric'],
        tiers: row.tiers as LatencyRecommendation['tiers'],
        explanation,
      };
}

function toStoredRecommendation(row: RecommendationRow): StoredRecommendation {
  return {
    id: row.id,
    serviceId: row.service_id,
    sliType: row.sli_type,
    recommendation: toRecommendation(row),
    dataQuality: toDataQuality(row.data_quality),
    lookbackWindow: { start: row.lookback_window_start, end: row.lookback_window_end },
    lookbackDays: row.lookback_days,
    graphVersion: Number(row.graph_version),
    dependencyDigest: row.dependency_digest,
    generatedAt: row.generated_at,
    expiresAt: row.expires_at,
    status: row.status,
  };
}

/**
 * Namespace of the transaction-level advisory locks that serialise `saveActive` per
 * (service, SLI type): the two-int4 key space, which never meets the bigint key of the migration
 * lock. The second key is `hashtext(service id | SLI type)`; a collision only serialises more.
 */
const SAVE_LOCK_NAMESPACE = 0x534c4f52; // "SLOR"

/** Locks in ascending key order, so two batches naming the same keys cannot deadlock. */
const LOCK_KEYS = `
SELECT pg_advisory_xact_lock(${SAVE_LOCK_NAMESPACE}, k.key)
FROM (SELECT DISTINCT hashtext(key) AS key FROM unnest($1::text[]) AS key ORDER BY 1) AS k`;

const KNOWN_SERVICES = 'SELECT service_id FROM services WHERE service_id = ANY ($1::text[])';

/** Marks the active row of each (service, SLI type) superseded, at the new one's generation time. */
const SUPERSEDE = `
WITH latest AS (
  SELECT s.id AS service_key, k.sli_type, k.at
  FROM unnest($1::text[], $2::recommendation_sli_type[], $3::timestamptz[]) AS k(service_id, sli_type, at)
  JOIN services s ON s.service_id = k.service_id
),
changed AS (
  UPDATE slo_recommendations r SET status = 'superseded', status_changed_at = latest.at
  FROM latest
  WHERE r.service_id = latest.service_key AND r.sli_type = latest.sli_type AND r.status = 'active'
  RETURNING 1
)
SELECT count(*)::int AS count FROM changed`;

/**
 * Inserts the batch (ids drawn up front, so each stored row is matched to its input position) and
 * returns the stored rows in input order. The input CTE is read twice, hence materialised once.
 */
const INSERT = `
WITH input AS (
  SELECT gen_random_uuid() AS id, s.id AS service_key, i.*
  FROM unnest($1::text[], $2::recommendation_sli_type[], $3::text[], $4::jsonb[], $5::jsonb[],
              $6::jsonb[], $7::timestamptz[], $8::timestamptz[], $9::int[], $10::bigint[],
              $11::text[], $12::timestamptz[], $13::timestamptz[], $14::recommendation_status[],
              $15::timestamptz[])
    WITH ORDINALITY AS i(service_id, sli_type, metric, tiers, explanation, data_quality,
                         lookback_window_start, lookback_window_end, lookback_days, graph_version,
                         dependency_digest, generated_at, expires_at, status, status_changed_at, ord)
  JOIN services s ON s.service_id = i.service_id
),
inserted AS (
  INSERT INTO slo_recommendations
    (id, service_id, sli_type, metric, tiers, explanation, data_quality, lookback_window_start,
     lookback_window_end, lookback_days, graph_version, dependency_digest, generated_at,
     expires_at, status, status_changed_at)
  SELECT id, service_key, sli_type, metric, tiers, explanation, data_quality,
         lookback_window_start, lookback_window_end, lookback_days, graph_version,
         dependency_digest, generated_at, expires_at, status, status_changed_at
  FROM input ORDER BY ord
  RETURNING *
)
SELECT ${columns('i.service_id')}
FROM inserted r JOIN input i ON i.id = r.id
ORDER BY i.ord`;

const FIND_ACTIVE = `
SELECT ${COLUMNS} FROM slo_recommendations r JOIN services s ON s.id = r.service_id
WHERE s.service_id = $1 AND r.sli_type = $2::recommendation_sli_type AND r.status = 'active'`;

const INVALIDATE = `
WITH changed AS (
  UPDATE slo_recommendations SET status = 'superseded', status_changed_at = $2
  WHERE service_id = (SELECT id FROM services WHERE service_id = $1) AND status = 'active'
  RETURNING 1
)
SELECT count(*)::int AS count FROM changed`;

const EXPIRE_DUE = `
WITH changed AS (
  UPDATE slo_recommendations SET status = 'expired', status_changed_at = $1
  WHERE status = 'active' AND expires_at <= $1
  RETURNING 1
)
SELECT count(*)::int AS count FROM changed`;

const HISTORY = `
SELECT ${COLUMNS} FROM slo_recommendations r JOIN services s ON s.id = r.service_id
WHERE r.service_id = (SELECT id FROM services WHERE service_id = $1)
ORDER BY r.generated_at DESC, r.id DESC
LIMIT $2`;

/**
 * The recommendation if it belongs to the service, row-locked until the transaction ends: a
 * concurrent decision or a supersede of the same row waits, then sees this one's outcome.
 */
const LOCK_OF_SERVICE = `
SELECT ${COLUMNS} FROM slo_recommendations r JOIN services s ON s.id = r.service_id
WHERE r.id = $1::uuid AND s.service_id = $2
FOR UPDATE OF r`;

const DECIDE = `
WITH changed AS (
  UPDATE slo_recommendations SET status = $2::recommendation_status, status_changed_at = $3
  WHERE id = $1::uuid
  RETURNING 1
)
SELECT count(*)::int AS count FROM changed`;

function lockKey(serviceId: string, sliType: SliType): string {
  return `${serviceId}|${sliType}`;
}

/**
 * `slo_recommendations`. Bound to an EntityManager: the DataSource's own for standalone use, a
 * transaction's to join it. A recommendation is stored as `tiers`, `explanation` (JSON, Dates as
 * ISO strings, revived on read), `metric` and `sli_type`; its data quality as `data_quality`.
 */
export class PostgresRecommendationRepository extends RecommendationRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  override async findActive(
    serviceId: string,
    sliType: SliType,
  ): Promise<StoredRecommendation | null> {
    const [row] = await rows<RecommendationRow>(this.manager, FIND_ACTIVE, [serviceId, sliType]);
    return row ? toStoredRecommendation(row) : null;
  }

  /**
   * One transaction of four statements whatever the batch size: refuse unknown services, take the
   * advisory locks of the touched (service, SLI type) keys (concurrent saves of the same key queue
   * here, so the second sees the first's row and supersedes it instead of violating the partial
   * unique index), supersede the active rows, insert. A key named twice in the batch keeps the
   * later one active; the earlier one is stored `superseded`.
   */
  override async saveActive(
    recommendations: readonly NewRecommendation[],
  ): Promise<readonly StoredRecommendation[]> {
    if (recommendations.length === 0) return [];
    assertStorableRecommendations(recommendations);

    // Per key, the input position of its last recommendation: that one stays active.
    const lastIndex = new Map<string, number>();
    recommendations.forEach((r, i) => lastIndex.set(lockKey(r.serviceId, r.sliType), i));
    const supersededAt = recommendations.map((r) => {
      const last = recommendations[lastIndex.get(lockKey(r.serviceId, r.sliType)) ?? 0];
      return last === r ? null : last.generatedAt.toISOString();
    });
    const latest = [...lastIndex.values()].map((i) => recommendations[i]);

    return inTransaction(this.manager, async (manager) => {
      const serviceIds = [...new Set(recommendations.map((r) => r.serviceId))];
      const known = await rows<{ service_id: string }>(manager, KNOWN_SERVICES, [
        arrayLiteral(serviceIds),
      ]);
      if (known.length < serviceIds.length) {
        const found = new Set(known.map((row) => row.service_id));
        const missing = serviceIds.filter((id) => !found.has(id));
        throw new DomainError(
          DomainErrorCodes.SERVICE_NOT_FOUND,
          `No service has id ${missing.map((id) => `"${id}"`).join(', ')}.`,
          { serviceIds: missing },
        );
      }
      await rows(manager, LOCK_KEYS, [arrayLiteral([...lastIndex.keys()])]);
      await rows(manager, SUPERSEDE, [
        arrayLiteral(latest.map((r) => r.serviceId)),
        arrayLiteral(latest.map((r) => r.sliType)),
        arrayLiteral(latest.map((r) => r.generatedAt.toISOString())),
      ]);
      const inserted = await rows<RecommendationRow>(manager, INSERT, [
        arrayLiteral(recommendations.map((r) => r.serviceId)),
        arrayLiteral(recommendations.map((r) => r.sliType)),
        arrayLiteral(recommendations.map((r) => r.recommendation.metric)),
        arrayLiteral(recommendations.map((r) => JSON.stringify(r.recommendation.tiers))),
        arrayLiteral(recommendations.map((r) => JSON.stringify(r.recommendation.explanation))),
        arrayLiteral(recommendations.map((r) => JSON.stringify(r.dataQuality))),
        arrayLiteral(recommendations.map((r) => r.lookbackWindow.start.toISOString())),
        arrayLiteral(recommendations.map((r) => r.lookbackWindow.end.toISOString())),
        arrayLiteral(recommendations.map((r) => r.lookbackDays)),
        arrayLiteral(recommendations.map((r) => r.graphVersion)),
        arrayLiteral(recommendations.map((r) => r.dependencyDigest)),
        arrayLiteral(recommendations.map((r) => r.generatedAt.toISOString())),
        arrayLiteral(recommendations.map((r) => r.expiresAt.toISOString())),
        arrayLiteral(supersededAt.map((at) => (at === null ? 'active' : 'superseded'))),
        arrayLiteral(supersededAt),
      ]);
      if (inserted.length !== recommendations.length) {
        throw new Error(
          `stored ${inserted.length} of ${recommendations.length} recommendations; rolled back`,
        );
      }
      return inserted.map(toStoredRecommendation);
    });
  }

  /** Supersedes the service's active recommendations (any SLI type); an unknown service has none. */
  override async invalidate(serviceId: string, at: Date): Promise<number> {
    const [{ count }] = await rows<{ count: number }>(this.manager, INVALIDATE, [serviceId, at]);
    return count;
  }

  override async expireDue(now: Date): Promise<number> {
    const [{ count }] = await rows<{ count: number }>(this.manager, EXPIRE_DUE, [now]);
    return count;
  }

  /**
   * For the SLO lifecycle (not part of the port): the service's recommendation with this id,
   * locked `FOR UPDATE` until the caller's transaction ends; null when the id is not a uuid or
   * not one of the service's recommendations. Call it on a repository bound to a transaction.
   */
  async lockOfService(serviceId: string, id: string): Promise<StoredRecommendation | null> {
    if (!isUuid(id)) return null;
    const [row] = await rows<RecommendationRow>(this.manager, LOCK_OF_SERVICE, [id, serviceId]);
    return row ? toStoredRecommendation(row) : null;
  }

  /** For the SLO lifecycle: records the decision taken on a recommendation as its status. */
  async decide(id: string, status: 'accepted' | 'rejected', at: Date): Promise<number> {
    const [{ count }] = await rows<{ count: number }>(this.manager, DECIDE, [id, status, at]);
    return count;
  }

  /** Newest first: `generated_at` descending, then id descending. */
  override async history(
    serviceId: string,
    limit: number,
  ): Promise<readonly StoredRecommendation[]> {
    if (!(limit >= 1)) return [];
    const found = await rows<RecommendationRow>(this.manager, HISTORY, [
      serviceId,
      Number.isFinite(limit) ? Math.floor(limit) : null, // LIMIT NULL: no limit
    ]);
    return found.map(toStoredRecommendation);
  }
}
