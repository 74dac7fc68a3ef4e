import {
  contractRecommendation,
  DecideRecommendationUseCase,
  describeSloStoresContract,
  FixedClock,
  GENESIS_HASH,
  type NewAuditEntry,
  SloErrorCodes,
  VerifyAuditChainUseCase,
} from '@slo-engine/core';
import { type DataSource } from 'typeorm';
import { createMigratedDatabase, type MigratedDatabase } from './__fixtures__/migrated-database';
import { PostgresActiveSloRepository } from './active-slo.repository';
import { createDataSource } from './data-source';
import { APP_ROLE } from './migrations/1764200000000-slo-lifecycle';
import { PostgresRecommendationRepository } from './recommendation.repository';
import { PostgresSloAuditLogRepository } from './slo-audit-log.repository';
import { PostgresSloLifecycleStore } from './slo-lifecycle.store';

let db: MigratedDatabase;

beforeAll(async () => {
  db = await createMigratedDatabase('adapters_slo_lifecycle');
});
afterAll(async () => db.close());

async function addServices(serviceIds: readonly string[]): Promise<void> {
  await db.dataSource.query(
    'INSERT INTO services (service_id) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING',
    [[...serviceIds]],
  );
}

/**
 * Runs `sql` with the audit triggers off: `session_replication_role = replica` is a superuser
 * setting, the way someone with full database access would go around the append-only rules.
 */
async function behindTheLogsBack(sql: string, parameters: unknown[] = []): Promise<void> {
  await db.dataSource.transaction(async (manager) => {
    await manager.query('SET LOCAL session_replication_role = replica');
    await manager.query(sql, parameters);
  });
}

function stores(dataSource: DataSource = db.dataSource) {
  return {
    recommendations: new PostgresRecommendationRepository(dataSource.manager),
    activeSlos: new PostgresActiveSloRepository(dataSource.manager),
    auditLog: new PostgresSloAuditLogRepository(dataSource.manager),
    lifecycle: new PostgresSloLifecycleStore(dataSource.manager),
  };
}

function entry(serviceId: string, actor = 'jane.doe@example.com'): NewAuditEntry {
  return {
    serviceId,
    action: 'accept',
    actor,
    recommendationId: null,
    previousSlo: null,
    newSlo: null,
    selectedTier: 'balanced',
    rationale: 'because',
    modificationDelta: null,
    warnings: [],
    timestamp: new Date('2026-02-14T10:00:00.123Z'),
  };
}

describeSloStoresContract('PostgreSQL', async (serviceIds) => {
  await db.reset();
  await addServices(serviceIds);
  return {
    ...stores(),
    tamperRationale: (id, rationale) =>
      behindTheLogsBack('UPDATE slo_audit_log SET rationale = $2 WHERE id = $1', [id, rationale]),
  };
});

describe('slo_audit_log in PostgreSQL', () => {
  const clock = new FixedClock('2026-02-14T12:00:00.000Z');

  beforeEach(async () => {
    await db.reset();
    await addServices(['checkout', 'payments']);
  });

  async function append(count: number): Promise<void> {
    const { lifecycle } = stores();
    for (let i = 0; i < count; i++) {
      await lifecycle.transaction((tx) => tx.appendAudit(entry(i % 2 ? 'payments' : 'checkout')));
    }
  }

  it('keeps one linear chain when many connections decide at once', async () => {
    const wide = createDataSource({ url: db.database.url, poolSize: 16 });
    await wide.initialize();
    try {
      const { lifecycle, auditLog } = stores(wide);
      await Promise.all(
        Array.from({ length: 80 }, (_, i) =>
          lifecycle.transaction((tx) =>
            tx.appendAudit(entry(i % 3 ? 'checkout' : 'payments', `user-${i}`)),
          ),
        ),
      );

      const verification = await new VerifyAuditChainUseCase(auditLog, clock, {
        batchSize: 7,
      }).execute();
      expect(verification).toMatchObject({ ok: true, rowsChecked: 80, headSequence: 80 });
      const [{ actors }] = await db.dataSource.query<Array<{ actors: number }>>(
        'SELECT count(DISTINCT actor)::int AS actors FROM slo_audit_log',
      );
      expect(actors).toBe(80);
    } finally {
      await wide.destroy();
    }
  });

  it('lets exactly one of concurrent accepts of one recommendation win', async () => {
    const wide = createDataSource({ url: db.database.url, poolSize: 8 });
    await wide.initialize();
    try {
      const { recommendations, lifecycle, auditLog } = stores(wide);
      const [recommendation] = await recommendations.saveActive([
        contractRecommendation('checkout', 'availability'),
      ]);
      const decide = new DecideRecommendationUseCase(
        lifecycle,
        new FixedClock('2026-02-14T10:30:00.000Z'),
      );

      const outcomes = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          decide.execute({
            serviceId: 'checkout',
            recommendationId: recommendation.id,
            action: 'accept',
            selectedTier: 'balanced',
            actor: `user-${i}`,
          }),
        ),
      );

      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toMatchObject({
            code: SloErrorCodes.RECOMMENDATION_NOT_CURRENT,
            details: { reason: 'accepted' },
          });
        }
      }
      expect(await auditLog.chainLinks(0, 10)).toHaveLength(1);
    } finally {
      await wide.destroy();
    }
  });

  it.each([
    ['UPDATE', "UPDATE slo_audit_log SET rationale = 'rewritten'"],
    ['DELETE', 'DELETE FROM slo_audit_log'],
    ['TRUNCATE', 'TRUNCATE slo_audit_log'],
  ])('refuses %s by trigger, even for a superuser', async (operation, sql) => {
    await append(2);

    await expect(db.dataSource.query(sql)).rejects.toThrow(
      `slo_audit_log is append-only: ${operation} is not allowed`,
    );
    expect(await stores().auditLog.chainLinks(0, 10)).toHaveLength(2);
  });

  it.each([
    ['UPDATE', "UPDATE slo_audit_log SET rationale = 'rewritten'"],
    ['DELETE', 'DELETE FROM slo_audit_log'],
    ['TRUNCATE', 'TRUNCATE slo_audit_log'],
  ])(`refuses %s to the application role ${APP_ROLE} by its grants`, async (_, sql) => {
    await append(1);

    const attempt = db.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL ROLE ${APP_ROLE}`);
      await manager.query(sql);
    });

    await expect(attempt).rejects.toThrow('permission denied for table slo_audit_log');
  });

  it(`lets the application role ${APP_ROLE} decide: insert and read the log, write the other tables`, async () => {
    const [recommendation] = await stores().recommendations.saveActive([
      contractRecommendation('checkout', 'availability'),
    ]);

    const decision = await db.dataSource.transaction(async (manager) => {
      await manager.query(`SET LOCAL ROLE ${APP_ROLE}`);
      return new DecideRecommendationUseCase(
        new PostgresSloLifecycleStore(manager),
        new FixedClock('2026-02-14T10:30:00.000Z'),
      ).execute({
        serviceId: 'checkout',
        recommendationId: recommendation.id,
        action: 'accept',
        selectedTier: 'balanced',
        actor: 'jane.doe@example.com',
      });
    });

    expect(decision.activeSlo?.availabilityTarget).toBe(99.9);
  });

  it('hashes the same whatever the session time zone and date style', async () => {
    await append(3);

    const links = await db.dataSource.transaction(async (manager) => {
      await manager.query("SET LOCAL TimeZone = 'Pacific/Chatham'");
      await manager.query("SET LOCAL DateStyle = 'SQL, DMY'");
      await manager.query("SET LOCAL IntervalStyle = 'sql_standard'");
      return new PostgresSloAuditLogRepository(manager).chainLinks(0, 10);
    });

    expect(links).toHaveLength(3);
    for (const link of links) expect(link.expectedHash).toBe(link.hash);
  });

  it('assigns sequence and hashes itself, whatever the inserting statement says', async () => {
    await append(1);
    await db.dataSource.query(
      `INSERT INTO slo_audit_log (service_id, action, actor, sequence, prev_hash, hash)
       SELECT id, 'reject', 'mallory', 99, repeat('1', 64), repeat('2', 64)
       FROM services WHERE service_id = 'checkout'`,
    );

    const links = await stores().auditLog.chainLinks(0, 10);
    expect(links.map((l) => l.sequence)).toEqual([1, 2]);
    expect(links[1].prevHash).toBe(links[0].hash);
    expect(links[1].hash).toBe(links[1].expectedHash);
    expect(links[0].prevHash).toBe(GENESIS_HASH);
  });

  it('refuses an insert outside READ COMMITTED, whose snapshot could miss the chain head', async () => {
    const attempt = db.dataSource.transaction('REPEATABLE READ', (manager) =>
      manager.query(
        `INSERT INTO slo_audit_log (service_id, action, actor)
         SELECT id, 'reject', 'mallory' FROM services WHERE service_id = 'checkout'`,
      ),
    );

    await expect(attempt).rejects.toThrow('must run under READ COMMITTED');
  });

  it('detects a row changed behind the triggers, and a row removed', async () => {
    await append(4);
    const verify = new VerifyAuditChainUseCase(stores().auditLog, clock);
    const before = await verify.execute();
    expect(before).toMatchObject({ ok: true, rowsChecked: 4 });
    const [third] = await db.dataSource.query<Array<{ id: string }>>(
      'SELECT id FROM slo_audit_log WHERE sequence = 3',
    );

    await behindTheLogsBack(
      `UPDATE slo_audit_log SET "timestamp" = "timestamp" + interval '1 microsecond' WHERE sequence = 3`,
    );
    expect(await verify.execute()).toMatchObject({
      ok: false,
      rowsChecked: 3,
      headSequence: 2,
      firstBrokenLink: { sequence: 3, id: third.id, reason: 'hash_mismatch' },
    });

    await behindTheLogsBack('DELETE FROM slo_audit_log WHERE sequence = 3');
    expect(await verify.execute()).toMatchObject({
      ok: false,
      firstBrokenLink: { sequence: 4, reason: 'sequence_gap', expected: '3', actual: '4' },
    });
  });
});
