import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * API keys for service callers (spec 004 FR-8, SEC-002): hashed secrets only.
 *
 * `id` is the public key id of the raw key `sloe_<id>_<secret>`, compared byte-wise (COLLATE "C":
 * ids are case-sensitive base62, and keyset pages must sort as the in-memory store does).
 * `secret_hash` is the SecretHasher's encoded string (`scrypt$N$r$p$salt$hash`); the secret itself
 * is never stored. Revoked keys keep their row (`revoked_at`) for the record.
 * The role is a CHECK rather than an enum type so the role list can change without a type swap.
 */
export class ApiKeys1764500000000 implements MigrationInterface {
  name = 'ApiKeys1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id varchar(32) COLLATE "C" PRIMARY KEY
          CONSTRAINT api_keys_id_base62 CHECK (id ~ '^[0-9A-Za-z]+$'),
        name varchar(100) NOT NULL
          CONSTRAINT api_keys_name_not_blank CHECK (btrim(name) <> ''),
        role text NOT NULL
          CONSTRAINT api_keys_role_known CHECK (role IN ('viewer', 'service_owner', 'sre_admin')),
        team varchar(255),
        secret_hash text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz,
        expires_at timestamptz,
        CONSTRAINT api_keys_service_owner_has_team CHECK (role <> 'service_owner' OR team IS NOT NULL)
      );
      -- GET /api/v1/api-keys: newest first, keyset pagination on (created_at, id).
      CREATE INDEX idx_api_keys_created ON api_keys (created_at DESC, id DESC);
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE api_keys');
  }
}
