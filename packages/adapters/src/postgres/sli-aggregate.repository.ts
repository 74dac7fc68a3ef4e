import {
  type AggregateSliType,
  type AggregateWindow,
  type SliAggregate,
  SliAggregateRepository,
  assertStorableAggregates,
} from '@slo-engine/core';
import { type EntityManager } from 'typeorm';
import { arrayLiteral, rows } from './sql';

/**
 * One statement. The input is compared with the stored rows first, so only new rows and rows whose
 * value or sample count differ reach the INSERT (a repeated run writes, and locks, nothing); ON
 * CONFLICT still settles a row a concurrent run inserted meanwhile. Rows are written in key order,
 * so two runs over the same keys lock them in the same order. Rows of unknown services fall out of
 * the join with `services` and are counted (distinct service ids).
 */
const UPSERT = `
WITH input AS (
  SELECT * FROM unnest($1::text[], $2::aggregate_sli_type[], $3::aggregate_window[], $4::float8[],
                       $5::bigint[], $6::timestamptz[])
    AS i(service_id, sli_type, time_window, value, sample_count, computed_at)
),
changed AS (
  SELECT s.id AS service_key, i.sli_type, i.time_window, i.value, i.sample_count, i.computed_at
  FROM input i
  JOIN services s ON s.service_id = i.service_id
  LEFT JOIN sli_aggregates a
    ON a.service_id = s.id AND a.sli_type = i.sli_type AND a.time_window = i.time_window
   AND a.computed_at = i.computed_at
  WHERE a.id IS NULL OR (a.value, a.sample_count) IS DISTINCT FROM (i.value, i.sample_count)
),
written AS (
  INSERT INTO sli_aggregates AS a (service_id, sli_type, time_window, value, sample_count, computed_at)
  SELECT service_key, sli_type, time_window, value, sample_count, computed_at
  FROM changed
  ORDER BY service_key, sli_type, time_window, computed_at
  ON CONFLICT (service_id, sli_type, time_window, computed_at) DO UPDATE
    SET value = EXCLUDED.value, sample_count = EXCLUDED.sample_count
    WHERE (a.value, a.sample_count) IS DISTINCT FROM (EXCLUDED.value, EXCLUDED.sample_count)
  RETURNING 1
)
SELECT (SELECT count(*)::int FROM written) AS written,
       (SELECT count(DISTINCT i.service_id)::int FROM input i
        WHERE NOT EXISTS (SELECT 1 FROM services s WHERE s.service_id = i.service_id))
         AS unknown_services`;

/** Newest row per (SLI type, window), walking the unique index backwards per group. */
const LATEST = `
SELECT DISTINCT ON (a.sli_type, a.time_window)
       a.sli_type, a.time_window, a.value, a.sample_count, a.computed_at
FROM sli_aggregates a
WHERE a.service_id = (SELECT id FROM services WHERE service_id = $1)
ORDER BY a.sli_type, a.time_window, a.computed_at DESC`;

/**
 * Newest value of one (SLI type, window) per service: one probe of the unique index per service
 * (a backward scan that stops at the first row), so the cost follows the number of services, not
 * the rows that retention keeps per service.
 */
const LATEST_VALUES = `
SELECT s.service_id, latest.value
FROM services s
CROSS JOIN LATERAL (
  SELECT a.value FROM sli_aggregates a
  WHERE a.service_id = s.id AND a.sli_type = $1 AND a.time_window = $2
  ORDER BY a.computed_at DESC
  LIMIT 1
) latest`;

const PURGE = `
WITH purged AS (
  DELETE FROM sli_aggregates
  WHERE time_window = ANY ($1::aggregate_window[]) AND computed_at < $2
  RETURNING 1
)
SELECT count(*)::int AS count FROM purged`;

interface AggregateRow {
  readonly sli_type: AggregateSliType;
  readonly time_window: AggregateWindow;
  readonly value: number;
  /** bigint arrives as a string. */
  readonly sample_count: string;
  readonly computed_at: Date;
}

/**
 * `sli_aggregates` (the spec's `window` column is `time_window`). Bound to an EntityManager like
 * the other repositories; every method is one statement.
 */
export class PostgresSliAggregateRepository extends SliAggregateRepository {
  constructor(private readonly manager: EntityManager) {
    super();
  }

  /**
   * `written` counts rows inserted or changed; `unknownServices` counts distinct unknown service
   * ids. Within one call, the last of several rows with the same key wins. Every column travels as
   * one array parameter (six bind parameters whatever the size).
   */
  override async upsert(
    aggregates: readonly SliAggregate[],
  ): Promise<{ readonly written: number; readonly unknownServices: number }> {
    if (aggregates.length === 0) return { written: 0, unknownServices: 0 };
    assertStorableAggregates(aggregates);
    // ON CONFLICT DO UPDATE may not touch a row twice in one statement: keep the last per key.
    const last = new Map<string, SliAggregate>();
    for (const a of aggregates) {
      last.set(
        `${a.serviceId}\u0000${a.sliType}\u0000${a.window}\u0000${a.computedAt.getTime()}`,
        a,
      );
    }
    const unique = last.size === aggregates.length ? aggregates : [...last.values()];
    const [counts] = await rows<{ written: number; unknown_services: number }>(
      this.manager,
      UPSERT,
      [
        arrayLiteral(unique.map((a) => a.serviceId)),
        arrayLiteral(unique.map((a) => a.sliType)),
        arrayLiteral(unique.map((a) => a.window)),
        arrayLiteral(unique.map((a) => a.value)),
        arrayLiteral(unique.map((a) => a.sampleCount)),
        arrayLiteral(unique.map((a) => a.computedAt.toISOString())),
      ],
    );
    return { written: counts.written, unknownServices: counts.unknown_services };
  }

  /** Ordered by SLI type, then window (the order of AGGREGATE_SLI_TYPES and AGGREGATE_WINDOWS). */
  override async latest(serviceId: string): Promise<readonly SliAggregate[]> {
    const found = await rows<AggregateRow>(this.manager, LATEST, [serviceId]);
    return found.map((row) => ({
      serviceId,
      sliType: row.sli_type,
      window: row.time_window,
      value: row.value,
      sampleCount: Number(row.sample_count),
      computedAt: row.computed_at,
    }));
  }

  override async latestValues(
    sliType: AggregateSliType,
    window: AggregateWindow,
  ): Promise<ReadonlyMap<string, number>> {
    const found = await rows<{ service_id: string; value: number }>(this.manager, LATEST_VALUES, [
      sliType,
      window,
    ]);
    return new Map(found.map((row) => [row.service_id, row.value]));
  }

  override async purge(windows: readonly AggregateWindow[], computedBefore: Date): Promise<number> {
    if (windows.length === 0) return 0;
    const [{ count }] = await rows<{ count: number }>(this.manager, PURGE, [
      arrayLiteral([...windows]),
      computedBefore,
    ]);
    return count;
  }
}
