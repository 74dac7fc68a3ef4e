import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The controller's registry and canary policies (spec 002 persistence, spec 003 canaries), so a
 * controller restart loses nothing. A warm cache, not the authority: workers re-register when a
 * heartbeat answers `worker_not_registered`, so these tables carry no foreign keys or history.
 *
 * Ids are compared byte-wise (COLLATE "C"), like the in-memory registry's Map keys. Capabilities
 * and policies are jsonb: their shape belongs to @slo-engine/registry, which validates them, and
 * the controller only ever reads them whole. The app role gets its grants from the default
 * privileges SloLifecycle1764200000000 set for later tables.
 */
export class ControllerRegistry1764600000000 implements MigrationInterface {
  name = 'ControllerRegistry1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE controller_workers (
        worker_id text COLLATE "C" PRIMARY KEY
          CONSTRAINT controller_workers_id_not_empty CHECK (worker_id <> ''),
        worker_url text NOT NULL,
        capabilities jsonb NOT NULL
          CONSTRAINT controller_workers_capabilities_array CHECK (jsonb_typeof(capabilities) = 'array'),
        identity text,
        registered_at timestamptz NOT NULL,
        last_heartbeat_at timestamptz NOT NULL
      );
      CREATE TABLE controller_canary_policies (
        capability text COLLATE "C" PRIMARY KEY
          CONSTRAINT controller_canary_policies_capability_not_empty CHECK (capability <> ''),
        policy jsonb NOT NULL
          CONSTRAINT controller_canary_policies_policy_object CHECK (jsonb_typeof(policy) = 'object'),
        updated_at timestamptz NOT NULL,
        updated_by text NOT NULL,
        rolled_back_at timestamptz,
        rolled_back_reason text,
        -- A rollback has both a time and a reason, or neither.
        CONSTRAINT controller_canary_policies_rollback_complete
          CHECK ((rolled_back_at IS NULL) = (rolled_back_reason IS NULL))
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE controller_canary_policies, controller_workers');
  }
}
