import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The dependency graph of spec 004 FR-1 (services, service_dependencies,
 * circular_dependency_alerts), plus ingestion_jobs and the single-row graph_state version.
 *
 * Enumerations are PostgreSQL enum types: compact, validated by the server, readable in psql.
 * `discovery_source` lists its values in priority order (manual > service_mesh >
 * otel_service_graph > kubernetes), so `ORDER BY discovery_source` sorts by priority.
 */
export class GraphSchema1763900000000 implements MigrationInterface {
  name = 'GraphSchema1763900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TYPE service_criticality AS ENUM ('critical', 'high', 'medium', 'low');
      CREATE TYPE service_type AS ENUM ('internal', 'external');
      CREATE TYPE communication_mode AS ENUM ('sync', 'async');
      CREATE TYPE dependency_criticality AS ENUM ('hard', 'soft', 'degraded');
      CREATE TYPE discovery_source AS ENUM ('manual', 'service_mesh', 'otel_service_graph', 'kubernetes');
      CREATE TYPE cycle_alert_status AS ENUM ('open', 'acknowledged', 'resolved');
      CREATE TYPE ingestion_status AS ENUM ('queued', 'processing', 'completed', 'failed');

      CREATE TABLE services (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        service_id varchar(255) NOT NULL CONSTRAINT services_service_id_key UNIQUE,
        metadata jsonb NOT NULL DEFAULT '{}',
        criticality service_criticality NOT NULL DEFAULT 'medium',
        team varchar(255),
        service_type service_type NOT NULL DEFAULT 'internal',
        discovered boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- Filtered keyset listings: WHERE team = $1 AND service_id > $2 ORDER BY service_id.
      CREATE INDEX idx_services_team ON services (team, service_id);
      CREATE INDEX idx_services_criticality ON services (criticality, service_id);
      CREATE INDEX idx_services_discovered ON services (service_id) WHERE discovered;

      CREATE TABLE service_dependencies (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source_service_id uuid NOT NULL REFERENCES services (id),
        target_service_id uuid NOT NULL REFERENCES services (id),
        communication_mode communication_mode NOT NULL,
        criticality dependency_criticality NOT NULL DEFAULT 'hard',
        protocol varchar(50),
        timeout_ms integer,
        retry_config jsonb,
        redundancy_group varchar(255),
        discovery_source discovery_source NOT NULL,
        confidence_score double precision NOT NULL DEFAULT 1.0
          CONSTRAINT service_dependencies_confidence_range CHECK (confidence_score BETWEEN 0 AND 1),
        last_observed_at timestamptz NOT NULL DEFAULT now(),
        is_stale boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT service_dependencies_edge_source_key
          UNIQUE (source_service_id, target_service_id, discovery_source)
      );
      -- Spec 004 §7.4: dependencies of / dependents on a service among live edges.
      CREATE INDEX idx_deps_source ON service_dependencies (source_service_id) WHERE NOT is_stale;
      CREATE INDEX idx_deps_target ON service_dependencies (target_service_id) WHERE NOT is_stale;
      -- Staleness sweep: live edges last observed before the cutoff.
      CREATE INDEX idx_deps_last_observed ON service_dependencies (last_observed_at) WHERE NOT is_stale;

      CREATE TABLE circular_dependency_alerts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cycle_path jsonb NOT NULL,
        members text[] NOT NULL,
        -- sha256 of the sorted members as JSON: the identity of a cycle. A giant strongly
        -- connected component has thousands of members, too large for a btree entry itself.
        members_key char(64) NOT NULL,
        detected_at timestamptz NOT NULL DEFAULT now(),
        status cycle_alert_status NOT NULL DEFAULT 'open',
        acknowledged_by varchar(255),
        resolution_notes text,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      -- At most one unresolved (open or acknowledged) alert per member set.
      CREATE UNIQUE INDEX uq_cycle_alerts_unresolved_members
        ON circular_dependency_alerts (members_key) WHERE status <> 'resolved';
      CREATE INDEX idx_cycle_alerts_detected ON circular_dependency_alerts (detected_at DESC, id DESC);

      CREATE TABLE ingestion_jobs (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source discovery_source NOT NULL,
        status ingestion_status NOT NULL DEFAULT 'queued',
        nodes_received integer NOT NULL,
        edges_received integer NOT NULL,
        submitted_at timestamptz NOT NULL,
        started_at timestamptz,
        completed_at timestamptz,
        result jsonb,
        error text,
        -- json, not jsonb: stored verbatim and read back whole, never queried into.
        submission json
      );
      CREATE INDEX idx_ingestion_jobs_pending ON ingestion_jobs (submitted_at)
        WHERE status IN ('queued', 'processing');

      CREATE TABLE graph_state (
        id boolean PRIMARY KEY DEFAULT true CONSTRAINT graph_state_single_row CHECK (id),
        version bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO graph_state DEFAULT VALUES;
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      DROP TABLE graph_state;
      DROP TABLE ingestion_jobs;
      DROP TABLE circular_dependency_alerts;
      DROP TABLE service_dependencies;
      DROP TABLE services;
      DROP TYPE ingestion_status;
      DROP TYPE cycle_alert_status;
      DROP TYPE discovery_source;
      DROP TYPE dependency_criticality;
      DROP TYPE communication_mode;
      DROP TYPE service_type;
      DROP TYPE service_criticality;
    `);
  }
}
