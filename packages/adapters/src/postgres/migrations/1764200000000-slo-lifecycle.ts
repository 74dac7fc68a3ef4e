import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Key of the transaction-level advisory lock under which every `slo_audit_log` insert reads the
 * chain head (an arbitrary fixed bigint: the ASCII bytes of "slo-aud"; the migration lock is
 * "slo-eng"). Holding it until commit makes concurrent inserts queue, so each links to the row
 * committed before it and the chain stays linear.
 */
export const AUDIT_CHAIN_LOCK_KEY = '32488847080256868';

/** The database role the application's login user is granted; created here, never dropped. */
export const APP_ROLE = 'slo_engine_app';

/**
 * SLO lifecycle (spec 004 FR-5): `active_slos` (one row per service) and `slo_audit_log`, an
 * append-only, hash-chained record of every decision.
 *
 * `slo_audit_log` is append-only in the database, not only in the code:
 * - row triggers reject UPDATE and DELETE, a statement trigger rejects TRUNCATE (for everyone,
 *   owner and superuser included; only `session_replication_role = replica`, a superuser setting,
 *   or disabling the triggers as the owner skips them);
 * - the application role `slo_engine_app` holds SELECT and INSERT on it, nothing else;
 * - a BEFORE INSERT trigger chains the rows: under the advisory lock it reads the newest row,
 *   numbers the new one `sequence = newest + 1` (gapless: a rolled-back insert releases its number,
 *   so a gap in a committed chain means a deleted row), and sets
 *   `hash = sha256(prev_hash || slo_audit_log_canonical(row))`. Values the caller gives for
 *   `sequence`, `prev_hash` and `hash` are overwritten. `sequence` is assigned there, not by an
 *   identity column, because identity values are drawn before the lock: two concurrent inserts
 *   could then commit in the opposite order of their numbers and fork the chain.
 *
 * The trigger refuses inserts outside READ COMMITTED: under REPEATABLE READ or SERIALIZABLE the
 * transaction's snapshot may predate the previous holder's commit, so it would not see the head
 * it must link to.
 *
 * The canonical text is one SQL function, so verification recomputes exactly what the trigger
 * hashed. It is a JSON array of the columns in a fixed order (jsonb's text form is deterministic:
 * normalised whitespace, sorted keys), the timestamp formatted in UTC explicitly, so neither
 * TimeZone nor DateStyle changes it.
 *
 * `recommendation_status` gains 'accepted' and 'rejected' (a decided recommendation leaves
 * 'active'). `availability_target` is numeric(7,4): percent with four decimals (99.9999).
 * `latency_p999_target_ms` goes beyond the spec's columns: the Conservative latency tier targets
 * p99.9.
 */
export class SloLifecycle1764200000000 implements MigrationInterface {
  name = 'SloLifecycle1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // ADD VALUE inside a transaction is allowed (PostgreSQL 12+) as long as this transaction does
    // not use the new values; migrations run one transaction each, so later ones may.
    await queryRunner.query(`
      ALTER TYPE recommendation_status ADD VALUE IF NOT EXISTS 'accepted';
      ALTER TYPE recommendation_status ADD VALUE IF NOT EXISTS 'rejected';

      CREATE TYPE slo_source AS ENUM ('recommendation_accepted', 'recommendation_modified', 'manual');
      CREATE TYPE audit_action AS ENUM
        ('accept', 'modify', 'reject', 'auto_approve', 'expire', 'drift_triggered');

      CREATE TABLE active_slos (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        service_id uuid NOT NULL REFERENCES services (id) CONSTRAINT active_slos_service_id_key UNIQUE,
        availability_target numeric(7, 4)
          CONSTRAINT active_slos_availability_range CHECK (availability_target > 0 AND availability_target < 100),
        latency_p95_target_ms integer CONSTRAINT active_slos_latency_p95_positive CHECK (latency_p95_target_ms > 0),
        latency_p99_target_ms integer CONSTRAINT active_slos_latency_p99_positive CHECK (latency_p99_target_ms > 0),
        latency_p999_target_ms integer CONSTRAINT active_slos_latency_p999_positive CHECK (latency_p999_target_ms > 0),
        source slo_source NOT NULL,
        recommendation_id uuid REFERENCES slo_recommendations (id),
        activated_at timestamptz NOT NULL,
        activated_by varchar(255) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );

      CREATE TABLE slo_audit_log (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        -- Chain order, assigned by the insert trigger (gapless); see the migration's comment.
        sequence bigint NOT NULL CONSTRAINT slo_audit_log_sequence_key UNIQUE
          CONSTRAINT slo_audit_log_sequence_positive CHECK (sequence > 0),
        service_id uuid NOT NULL REFERENCES services (id),
        action audit_action NOT NULL,
        actor varchar(255) NOT NULL,
        recommendation_id uuid REFERENCES slo_recommendations (id),
        previous_slo jsonb,
        new_slo jsonb,
        selected_tier varchar(20),
        rationale text,
        modification_delta jsonb,
        warnings jsonb NOT NULL DEFAULT '[]',
        "timestamp" timestamptz NOT NULL DEFAULT now(),
        prev_hash char(64) NOT NULL CONSTRAINT slo_audit_log_prev_hash_hex CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash char(64) NOT NULL CONSTRAINT slo_audit_log_hash_hex CHECK (hash ~ '^[0-9a-f]{64}$')
      );
      CREATE INDEX idx_slo_audit_log_service_time ON slo_audit_log (service_id, "timestamp");
      CREATE INDEX idx_slo_audit_log_actor_time ON slo_audit_log (actor, "timestamp");
      -- A service's history, newest first, keyset-paginated by sequence.
      CREATE INDEX idx_slo_audit_log_service_sequence ON slo_audit_log (service_id, sequence);

      -- The text a row's hash covers (besides prev_hash). Any change here invalidates every
      -- stored hash: treat it as frozen.
      CREATE FUNCTION slo_audit_log_canonical(entry slo_audit_log) RETURNS text
        LANGUAGE sql STABLE AS $$
          SELECT jsonb_build_array(
            entry.id, entry.sequence, entry.service_id, entry.action, entry.actor,
            entry.recommendation_id, entry.previous_slo, entry.new_slo, entry.selected_tier,
            entry.rationale, entry.modification_delta, entry.warnings,
            to_char(entry."timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
          )::text
        $$;

      -- sha256(prev_hash || canonical text), hex: what the row's hash must be.
      CREATE FUNCTION slo_audit_log_expected_hash(entry slo_audit_log) RETURNS text
        LANGUAGE sql STABLE AS $$
          SELECT encode(sha256(convert_to(entry.prev_hash || slo_audit_log_canonical(entry), 'UTF8')), 'hex')
        $$;

      CREATE FUNCTION slo_audit_log_chain() RETURNS trigger
        LANGUAGE plpgsql AS $$
      DECLARE
        head record;
      BEGIN
        IF current_setting('transaction_isolation') <> 'read committed' THEN
          RAISE EXCEPTION 'slo_audit_log inserts must run under READ COMMITTED, not %',
            current_setting('transaction_isolation')
            USING ERRCODE = 'invalid_transaction_state';
        END IF;
        PERFORM pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY});
        -- A new statement, so (under READ COMMITTED) a new snapshot: it sees the row of whoever
        -- held the lock before.
        SELECT a.sequence, a.hash INTO head FROM slo_audit_log a ORDER BY a.sequence DESC LIMIT 1;
        IF FOUND THEN
          NEW.sequence := head.sequence + 1;
          NEW.prev_hash := head.hash;
        ELSE
          NEW.sequence := 1;
          NEW.prev_hash := repeat('0', 64);
        END IF;
        NEW.hash := slo_audit_log_expected_hash(NEW);
        RETURN NEW;
      END;
      $$;

      CREATE FUNCTION slo_audit_log_reject_change() RETURNS trigger
        LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'slo_audit_log is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END;
      $$;

      CREATE TRIGGER slo_audit_log_chain BEFORE INSERT ON slo_audit_log
        FOR EACH ROW EXECUTE FUNCTION slo_audit_log_chain();
      CREATE TRIGGER slo_audit_log_no_update BEFORE UPDATE ON slo_audit_log
        FOR EACH ROW EXECUTE FUNCTION slo_audit_log_reject_change();
      CREATE TRIGGER slo_audit_log_no_delete BEFORE DELETE ON slo_audit_log
        FOR EACH ROW EXECUTE FUNCTION slo_audit_log_reject_change();
      CREATE TRIGGER slo_audit_log_no_truncate BEFORE TRUNCATE ON slo_audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION slo_audit_log_reject_change();
    `);

    // Roles are cluster-wide: parallel test databases run this at once, so both the existence
    // check and a lost creation race are tolerated.
    await queryRunner.query(`
      DO $$
      BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${APP_ROLE}') THEN
          BEGIN
            CREATE ROLE ${APP_ROLE} NOLOGIN;
          EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;
          END;
        END IF;
      END
      $$;
    `);
    // Default privileges apply to objects the migrating user creates later in this schema, so
    // later migrations' tables are usable by the app role without their own GRANTs.
    await queryRunner.query(`
      GRANT USAGE ON SCHEMA public TO ${APP_ROLE};
      GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_ROLE};
      REVOKE UPDATE, DELETE ON slo_audit_log FROM ${APP_ROLE};
      GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE};
      ALTER DEFAULT PRIVILEGES IN SCHEMA public
        GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_ROLE};
      ALTER DEFAULT PRIVILEGES IN SCHEMA public
        GRANT USAGE, SELECT ON SEQUENCES TO ${APP_ROLE};
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The role is shared by every database of the cluster: only this database's grants go.
    await queryRunner.query(`
      ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ${APP_ROLE};
      ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ${APP_ROLE};
      REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${APP_ROLE};
      REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${APP_ROLE};
      REVOKE USAGE ON SCHEMA public FROM ${APP_ROLE};

      DROP FUNCTION slo_audit_log_expected_hash(slo_audit_log);
      DROP FUNCTION slo_audit_log_canonical(slo_audit_log);
      DROP TABLE slo_audit_log;
      DROP FUNCTION slo_audit_log_chain();
      DROP FUNCTION slo_audit_log_reject_change();
      DROP TABLE active_slos;
      DROP TYPE audit_action;
      DROP TYPE slo_source;

      -- An enum value cannot be dropped: rebuild the type without 'accepted' and 'rejected'
      -- (decided recommendations become 'superseded'). The partial indexes compare status with
      -- an enum literal, so they are rebuilt around the change.
      DROP INDEX uq_slo_recommendations_active;
      DROP INDEX idx_slo_recommendations_expiry;
      ALTER TABLE slo_recommendations ALTER COLUMN status DROP DEFAULT;
      ALTER TYPE recommendation_status RENAME TO recommendation_status_with_decisions;
      CREATE TYPE recommendation_status AS ENUM ('active', 'superseded', 'expired');
      ALTER TABLE slo_recommendations ALTER COLUMN status TYPE recommendation_status
        USING (CASE WHEN status::text IN ('accepted', 'rejected') THEN 'superseded'
                    ELSE status::text END)::recommendation_status;
      ALTER TABLE slo_recommendations ALTER COLUMN status SET DEFAULT 'active';
      DROP TYPE recommendation_status_with_decisions;
      CREATE UNIQUE INDEX uq_slo_recommendations_active
        ON slo_recommendations (service_id, sli_type) WHERE status = 'active';
      CREATE INDEX idx_slo_recommendations_expiry
        ON slo_recommendations (expires_at) WHERE status = 'active';
    `);
  }
}
