import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Recommendation storage of spec 004: `slo_recommendations` (FR-2 data model) and the
 * pre-computed `sli_aggregates` (FR-6).
 *
 * `slo_recommendations` keeps the spec's columns; a recommendation object is split as
 * `tiers` + `explanation` + `metric` + `sli_type`, its data quality goes to `data_quality`.
 * Columns beyond the spec are what the core's `StoredRecommendation` carries (`lookback_days`,
 * `graph_version`, `dependency_digest`) and `status_changed_at` (when it stopped being active, for
 * the 90-day retention of superseded and expired rows).
 *
 * `sli_aggregates.value` is double precision, not the spec's DECIMAL: values are JavaScript
 * numbers (ratios, milliseconds, requests per second) that float8 stores and returns exactly,
 * while numeric would come back as strings to parse and costs more to store and compare; nothing
 * here needs decimal arithmetic.
 */
export class Recommendations1764100000000 implements MigrationInterface {
  name = 'Recommendations1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TYPE recommendation_sli_type AS ENUM ('availability', 'latency');
      CREATE TYPE recommendation_status AS ENUM ('active', 'superseded', 'expired');
      -- Declared in the order of the core's AGGREGATE_SLI_TYPES and AGGREGATE_WINDOWS, so
      -- ORDER BY sorts the way the core lists them.
      CREATE TYPE aggregate_sli_type AS ENUM
        ('availability', 'latency_p50', 'latency_p95', 'latency_p99', 'error_rate', 'request_rate');
      CREATE TYPE aggregate_window AS ENUM ('1h', '1d', '7d', '28d', '90d');

      CREATE TABLE slo_recommendations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        service_id uuid NOT NULL REFERENCES services (id),
        sli_type recommendation_sli_type NOT NULL,
        -- What the tiers target: 'error_rate' (availability), 'p99_response_time_ms' (latency).
        metric text NOT NULL,
        tiers jsonb NOT NULL,
        explanation jsonb NOT NULL,
        data_quality jsonb NOT NULL,
        lookback_window_start timestamptz NOT NULL,
        lookback_window_end timestamptz NOT NULL,
        lookback_days integer NOT NULL
          CONSTRAINT slo_recommendations_lookback_days_range CHECK (lookback_days BETWEEN 7 AND 365),
        -- The spec's dependency_graph_snapshot_id: the graph_state.version the dependency
        -- analysis read (there is no graph_snapshots table; a version identifies the graph).
        graph_version bigint NOT NULL
          CONSTRAINT slo_recommendations_graph_version_range CHECK (graph_version >= 0),
        -- sha256 (hex) of the dependency facts the recommendation used.
        dependency_digest char(64) NOT NULL
          CONSTRAINT slo_recommendations_dependency_digest_hex CHECK (dependency_digest ~ '^[0-9a-f]{64}$'),
        generated_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL,
        status recommendation_status NOT NULL DEFAULT 'active',
        -- When the row stopped being active (superseded or expired); NULL while active.
        status_changed_at timestamptz
      );
      -- At most one active recommendation per (service, SLI type).
      CREATE UNIQUE INDEX uq_slo_recommendations_active
        ON slo_recommendations (service_id, sli_type) WHERE status = 'active';
      -- History of a service, newest first.
      CREATE INDEX idx_slo_recommendations_history
        ON slo_recommendations (service_id, generated_at DESC, id DESC);
      -- The expiry sweep: active rows whose expires_at has passed.
      CREATE INDEX idx_slo_recommendations_expiry
        ON slo_recommendations (expires_at) WHERE status = 'active';

      CREATE TABLE sli_aggregates (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        service_id uuid NOT NULL REFERENCES services (id),
        sli_type aggregate_sli_type NOT NULL,
        -- The spec's "window", a reserved word in PostgreSQL.
        time_window aggregate_window NOT NULL,
        value double precision NOT NULL,
        sample_count bigint NOT NULL CONSTRAINT sli_aggregates_sample_count_range CHECK (sample_count >= 0),
        computed_at timestamptz NOT NULL,
        -- The upsert key; its prefix is the spec's INDEX(service_id, sli_type, window), and it
        -- serves "newest per (SLI type, window)" of a service.
        CONSTRAINT sli_aggregates_key UNIQUE (service_id, sli_type, time_window, computed_at)
      );
      -- Retention purges: rows of a window computed before a cutoff.
      CREATE INDEX idx_sli_aggregates_retention ON sli_aggregates (time_window, computed_at);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE sli_aggregates;
      DROP TABLE slo_recommendations;
      DROP TYPE aggregate_window;
      DROP TYPE aggregate_sli_type;
      DROP TYPE recommendation_status;
      DROP TYPE recommendation_sli_type;
    `);
  }
}
