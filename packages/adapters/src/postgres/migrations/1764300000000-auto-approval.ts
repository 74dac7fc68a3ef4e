import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Auto-approval rules (spec 004 FR-11). `conditions` is JSON in the wire's snake_case
 * (`{"criticality": ["low"], "confidence_min": 0.85, "tier": "balanced", "teams": null,
 * "sli_types": ["availability", "latency"]}`), validated by the application. Rules are few and read
 * whole, ordered by name; the unique constraint on `name` is the only index they need. A rule
 * starts disabled. Audit rows name a rule by `system:auto-approval:<name>`, not by reference, so
 * deleting a rule leaves its history intact.
 */
export class AutoApproval1764300000000 implements MigrationInterface {
  name = 'AutoApproval1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE auto_approval_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(255) NOT NULL CONSTRAINT auto_approval_rules_name_key UNIQUE,
        conditions jsonb NOT NULL
          CONSTRAINT auto_approval_rules_conditions_object CHECK (jsonb_typeof(conditions) = 'object'),
        enabled boolean NOT NULL DEFAULT false,
        created_by varchar(255) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_by varchar(255) NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE auto_approval_rules');
  }
}
