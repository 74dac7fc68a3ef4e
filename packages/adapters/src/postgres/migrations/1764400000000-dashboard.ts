import { type MigrationInterface, type QueryRunner } from 'typeorm';
import { APP_ROLE } from './1764200000000-slo-lifecycle';

/**
 * Organisational dashboard aggregates (spec 004 FR-12): three materialised views, refreshed
 * together by `dashboard_refresh()` (hourly by the API, later by the workers), and the single-row
 * `dashboard_refreshes` that says when that last happened.
 *
 * Definitions (the core's `dashboard-definitions.ts` computes the same numbers from plain arrays;
 * the read-model contract test runs both over the same data):
 *
 * - Services counted: declared (`NOT discovered`) and internal. Discovered placeholders are names
 *   an edge mentioned that nobody registered, with no owner to decide on an SLO; external
 *   services are third parties whose published SLA we consume, not SLOs we set. Counting either
 *   would make coverage look worse for reasons no team can act on. A null team is grouped as
 *   'unassigned'. Team and criticality are the service's current ones, also for past decisions.
 *
 * - `dashboard_coverage`, one row per (team, criticality): services, those with an `active_slos`
 *   row, and those with a recommendation awaiting a decision (status 'active' and not past
 *   `expires_at`: an expired one can no longer be accepted). The ratio is computed when read.
 *
 * - `dashboard_error_budget`, one row per service with an active availability SLO and a 28-day
 *   availability aggregate (the newest one): budget consumed = (1 − observed) / (1 − target/100)
 *   over those 28 days, floored at 0; 1 or more means exhausted. Buckets: under_25 [0, .25),
 *   25_to_50 [.25, .5), 50_to_75 [.5, .75), 75_to_100 [.75, 1), exhausted [1, ∞). The target is
 *   cast to float8 before dividing, as JavaScript computes it, so both sides agree to the bit at
 *   the bucket boundaries. Targets are below 100 (active_slos' CHECK), so the divisor is never 0.
 *
 * - `dashboard_recommendation_quality`, one row per (team, criticality) of counted services:
 *   decisions (audit actions accept, modify, reject, auto_approve) in the trailing 90 days
 *   (2160 hours: an interval in days would follow the session time zone's DST changes), and, over
 *   the active SLOs as they are now, how many could be evaluated (an availability target and a
 *   28-day availability aggregate; a p99 target and a 28-day latency_p99 aggregate) and how many
 *   are breached (observed availability below the target; observed p99 above the target).
 *
 * `REFRESH MATERIALIZED VIEW CONCURRENTLY` needs a unique index over plain columns on each view;
 * it lets readers keep reading the previous contents while a refresh runs. `dashboard_refresh()`
 * is SECURITY DEFINER because only a view's owner may refresh it (PostgreSQL 15): the application
 * role gets EXECUTE on it, nothing more. Its search_path is pinned, as any definer function's must be.
 *
 * Views pin the columns they read: a later migration that changes the type of one of them must
 * drop and recreate the views around the change.
 */
export class Dashboard1764400000000 implements MigrationInterface {
  name = 'Dashboard1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE dashboard_refreshes (
        id boolean PRIMARY KEY DEFAULT true CONSTRAINT dashboard_refreshes_single_row CHECK (id),
        refreshed_at timestamptz NOT NULL
      );

      CREATE MATERIALIZED VIEW dashboard_coverage AS
      WITH counted AS (
        SELECT COALESCE(s.team, 'unassigned') AS team, s.criticality,
               EXISTS (SELECT FROM active_slos a WHERE a.service_id = s.id) AS has_active_slo,
               EXISTS (SELECT FROM slo_recommendations r
                       WHERE r.service_id = s.id AND r.status = 'active' AND r.expires_at > now())
                 AS has_pending_recommendation
        FROM services s
        WHERE NOT s.discovered AND s.service_type = 'internal'
      )
      SELECT team, criticality,
             count(*)::int AS services,
             count(*) FILTER (WHERE has_active_slo)::int AS with_active_slo,
             count(*) FILTER (WHERE has_pending_recommendation)::int AS pending_recommendation
      FROM counted
      GROUP BY team, criticality;
      CREATE UNIQUE INDEX uq_dashboard_coverage ON dashboard_coverage (team, criticality);

      CREATE MATERIALIZED VIEW dashboard_error_budget AS
      WITH observed AS (
        SELECT DISTINCT ON (a.service_id) a.service_id, a.value, a.computed_at
        FROM sli_aggregates a
        WHERE a.sli_type = 'availability' AND a.time_window = '28d'
        ORDER BY a.service_id, a.computed_at DESC
      ),
      consumption AS (
        SELECT s.id AS service_key, s.service_id, COALESCE(s.team, 'unassigned') AS team,
               s.criticality, slo.availability_target::float8 AS availability_target,
               o.value AS observed_availability, o.computed_at AS observed_at,
               GREATEST(0::float8, (1 - o.value) / (1 - slo.availability_target::float8 / 100))
                 AS budget_consumed
        FROM services s
        JOIN active_slos slo ON slo.service_id = s.id AND slo.availability_target IS NOT NULL
        JOIN observed o ON o.service_id = s.id
        WHERE NOT s.discovered AND s.service_type = 'internal'
      )
      SELECT c.*,
             CASE WHEN c.budget_consumed < 0.25 THEN 'under_25'
                  WHEN c.budget_consumed < 0.5 THEN '25_to_50'
                  WHEN c.budget_consumed < 0.75 THEN '50_to_75'
                  WHEN c.budget_consumed < 1 THEN '75_to_100'
                  ELSE 'exhausted' END AS bucket
      FROM consumption c;
      CREATE UNIQUE INDEX uq_dashboard_error_budget ON dashboard_error_budget (service_key);
      -- The most-consumed list, overall or of one team.
      CREATE INDEX idx_dashboard_error_budget_consumed
        ON dashboard_error_budget (budget_consumed DESC, service_id COLLATE "C");
      CREATE INDEX idx_dashboard_error_budget_team
        ON dashboard_error_budget (team, budget_consumed DESC, service_id COLLATE "C");

      CREATE MATERIALIZED VIEW dashboard_recommendation_quality AS
      WITH counted AS (
        SELECT s.id, COALESCE(s.team, 'unassigned') AS team, s.criticality
        FROM services s
        WHERE NOT s.discovered AND s.service_type = 'internal'
      ),
      decisions AS (
        SELECT l.service_id,
               count(*) FILTER (WHERE l.action = 'accept') AS accept,
               count(*) FILTER (WHERE l.action = 'modify') AS modify,
               count(*) FILTER (WHERE l.action = 'reject') AS reject,
               count(*) FILTER (WHERE l.action = 'auto_approve') AS auto_approve
        FROM slo_audit_log l
        WHERE l.action IN ('accept', 'modify', 'reject', 'auto_approve')
          AND l."timestamp" > now() - interval '2160 hours'
        GROUP BY l.service_id
      ),
      availability AS (
        SELECT DISTINCT ON (a.service_id) a.service_id, a.value
        FROM sli_aggregates a
        WHERE a.sli_type = 'availability' AND a.time_window = '28d'
        ORDER BY a.service_id, a.computed_at DESC
      ),
      latency AS (
        SELECT DISTINCT ON (a.service_id) a.service_id, a.value
        FROM sli_aggregates a
        WHERE a.sli_type = 'latency_p99' AND a.time_window = '28d'
        ORDER BY a.service_id, a.computed_at DESC
      ),
      per_service AS (
        SELECT c.team, c.criticality,
               COALESCE(d.accept, 0) AS accept, COALESCE(d.modify, 0) AS modify,
               COALESCE(d.reject, 0) AS reject, COALESCE(d.auto_approve, 0) AS auto_approve,
               slo.availability_target IS NOT NULL AND av.value IS NOT NULL AS availability_evaluated,
               av.value < slo.availability_target::float8 / 100 AS availability_breached,
               slo.latency_p99_target_ms IS NOT NULL AND p99.value IS NOT NULL AS latency_evaluated,
               p99.value > slo.latency_p99_target_ms AS latency_breached
        FROM counted c
        LEFT JOIN decisions d ON d.service_id = c.id
        LEFT JOIN active_slos slo ON slo.service_id = c.id
        LEFT JOIN availability av ON av.service_id = c.id
        LEFT JOIN latency p99 ON p99.service_id = c.id
      )
      SELECT team, criticality,
             sum(accept)::int AS accept,
             sum(modify)::int AS modify,
             sum(reject)::int AS reject,
             sum(auto_approve)::int AS auto_approve,
             count(*) FILTER (WHERE availability_evaluated)::int AS availability_evaluated,
             count(*) FILTER (WHERE availability_evaluated AND availability_breached)::int
               AS availability_breached,
             count(*) FILTER (WHERE latency_evaluated)::int AS latency_p99_evaluated,
             count(*) FILTER (WHERE latency_evaluated AND latency_breached)::int
               AS latency_p99_breached
      FROM per_service
      GROUP BY team, criticality;
      CREATE UNIQUE INDEX uq_dashboard_recommendation_quality
        ON dashboard_recommendation_quality (team, criticality);

      -- The views were filled just now (WITH DATA is the default), so this is when they are from.
      INSERT INTO dashboard_refreshes (refreshed_at) VALUES (now());

      -- One transaction: readers see all three views and the time from the same refresh.
      -- now() is the transaction's start, the instant every view's now() used.
      CREATE FUNCTION dashboard_refresh() RETURNS timestamptz
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_coverage;
        REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_error_budget;
        REFRESH MATERIALIZED VIEW CONCURRENTLY dashboard_recommendation_quality;
        UPDATE dashboard_refreshes SET refreshed_at = now();
        RETURN now();
      END;
      $$;
      REVOKE ALL ON FUNCTION dashboard_refresh() FROM PUBLIC;
      GRANT EXECUTE ON FUNCTION dashboard_refresh() TO ${APP_ROLE};
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP FUNCTION dashboard_refresh();
      DROP MATERIALIZED VIEW dashboard_recommendation_quality;
      DROP MATERIALIZED VIEW dashboard_error_budget;
      DROP MATERIALIZED VIEW dashboard_coverage;
      DROP TABLE dashboard_refreshes;
    `);
  }
}
