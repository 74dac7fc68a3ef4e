import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Organisational dashboard aggregates (spec 004 FR-12). */
export class Dashboard1764400000000 implements MigrationInterface {
  name = 'Dashboard1764400000000';

  async up(_queryRunner: QueryRunner): Promise<void> {}

  async down(_queryRunner: QueryRunner): Promise<void> {}
}
