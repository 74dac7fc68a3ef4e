import {
  contractRecommendation,
  contractRule,
  describeAutoApprovalRuleRepositoryContract,
  InMemoryRecommendationRepository,
  RepositoryActiveRecommendationReader,
  summarizeRecommendation,
} from '@slo-engine/core';
import { createMigratedDatabase, type MigratedDatabase } from './__fixtures__/migrated-database';
import { PostgresActiveRecommendationReader } from './active-recommendation.reader';
import { PostgresAutoApprovalRuleRepository } from './auto-approval-rule.repository';
import { PostgresRecommendationRepository } from './recommendation.repository';

let db: MigratedDatabase;

beforeAll(async () => {
  db = await createMigratedDatabase('adapters_auto_approval');
});
afterAll(async () => db.close());

// The shared reset() does not know this standalone table; empty it here.
async function emptyRules(): Promise<void> {
  await db.dataSource.query('TRUNCATE auto_approval_rules');
}

describeAutoApprovalRuleRepositoryContract('PostgreSQL', async () => {
  await emptyRules();
  return new PostgresAutoApprovalRuleRepository(db.dataSource.manager);
});

describe('PostgresAutoApprovalRuleRepository (storage)', () => {
  beforeEach(emptyRules);

  it('stores conditions as the snake_case JSON of the spec, disabled by default in the column', async () => {
    const rules = new PostgresAutoApprovalRuleRepository(db.dataSource.manager);
    const created = await rules.create(
      contractRule('low-crit', {
        conditions: {
          criticality: ['low', 'medium'],
          confidenceMin: 0.85,
          tier: 'balanced',
          teams: null,
          sliTypes: ['availability'],
        },
      }),
    );

    const [row] = await db.dataSource.query<Array<{ conditions: unknown; enabled: boolean }>>(
      'SELECT conditions, enabled FROM auto_approval_rules WHERE id = $1',
      [created.id],
    );
    expect(row).toEqual({
      conditions: {
        criticality: ['low', 'medium'],
        confidence_min: 0.85,
        tier: 'balanced',
        teams: null,
        sli_types: ['availability'],
      },
      enabled: false,
    });
    const [defaults] = await db.dataSource.query<Array<{ enabled: boolean }>>(
      `INSERT INTO auto_approval_rules (name, conditions, created_by, updated_by)
       VALUES ('raw', '{}', 'x', 'x') RETURNING enabled`,
    );
    expect(defaults.enabled).toBe(false);
  });

  it('refuses conditions that are not a JSON object', async () => {
    await expect(
      db.dataSource.query(
        `INSERT INTO auto_approval_rules (name, conditions, created_by, updated_by)
         VALUES ('bad', '[]', 'x', 'x')`,
      ),
    ).rejects.toThrow(/auto_approval_rules_conditions_object/);
  });
});

describe('PostgresActiveRecommendationReader', () => {
  const NOW = new Date('2026-02-14T12:00:00.000Z');
  const SERVICES = ['reviews', 'checkout', 'Zeta'];

  beforeEach(async () => {
    await db.reset();
    await db.dataSource.query(
      'INSERT INTO services (service_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING',
      [SERVICES],
    );
  });

  it('lists current recommendations of every service like the repository-backed reader', async () => {
    const postgres = new PostgresRecommendationRepository(db.dataSource.manager);
    const memory = new InMemoryRecommendationRepository(new Set(SERVICES));
    // Generated at 10:00 (expiring next day) except checkout latency, generated the day before.
    const batch = [
      contractRecommendation('reviews', 'latency'),
      contractRecommendation('reviews', 'availability'),
      contractRecommendation('checkout', 'availability'),
      contractRecommendation('checkout', 'latency', -24),
      contractRecommendation('Zeta', 'availability'),
    ];
    const saved = await postgres.saveActive(batch);
    await memory.saveActive(batch);
    // A superseded one is not current either.
    await postgres.saveActive([contractRecommendation('Zeta', 'availability', 1)]);
    await memory.saveActive([contractRecommendation('Zeta', 'availability', 1)]);

    const found = await new PostgresActiveRecommendationReader(db.dataSource.manager).listActive(
      NOW,
    );
    const expected = await new RepositoryActiveRecommendationReader(
      memory,
      () => SERVICES,
    ).listActive(NOW);

    expect(found.map((s) => [s.serviceId, s.sliType])).toEqual([
      ['Zeta', 'availability'],
      ['checkout', 'availability'],
      ['reviews', 'availability'],
      ['reviews', 'latency'],
    ]);
    expect(found.map(({ id: _id, ...rest }) => rest)).toEqual(
      expected.map(({ id: _id, ...rest }) => rest),
    );
    expect(found[2]).toEqual(summarizeRecommendation(saved[1]));
  });
});
