import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** API keys for service callers (spec 004 FR-8, SEC-002): hashed secrets only. */
export class ApiKeys1764500000000 implements MigrationInterface {
  name = 'ApiKeys1764500000000';

  async up(_queryRunner: QueryRunner): Promise<void> {}

  async down(_queryRunner: QueryRunner): Promise<void> {}
}
