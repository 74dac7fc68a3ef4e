import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Auto-approval rules (spec 004 FR-11). */
export class AutoApproval1764300000000 implements MigrationInterface {
  name = 'AutoApproval1764300000000';

  async up(_queryRunner: QueryRunner): Promise<void> {}

  async down(_queryRunner: QueryRunner): Promise<void> {}
}
