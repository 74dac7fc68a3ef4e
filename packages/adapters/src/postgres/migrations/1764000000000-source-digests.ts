import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * `graph_source_digests`: per discovery source, the digest of the last submission applied from it
 * and the graph version right after it. A re-sync with the same content while the graph version
 * is unchanged (and no edge of the source is due an observation refresh) is then known to change
 * nothing, without comparing 50,000 rows.
 */
export class SourceDigests1764000000000 implements MigrationInterface {
  name = 'SourceDigests1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE graph_source_digests (
        discovery_source discovery_source PRIMARY KEY,
        -- sha256 of the source's last applied nodes and edges (observation time excluded).
        content_digest char(64) NOT NULL,
        -- graph_state.version right after that submission was applied.
        graph_version bigint NOT NULL,
        -- The oldest last_observed_at among the source's edges then ('infinity' without edges);
        -- NULL when some of them were stale, which disables the shortcut.
        oldest_observation_at timestamptz,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE graph_source_digests');
  }
}
