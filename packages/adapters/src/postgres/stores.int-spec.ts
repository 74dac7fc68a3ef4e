import { DomainErrorCodes, type GraphSubmission, type IngestionResult } from '@slo-engine/core';
import { createMigratedDatabase, type MigratedDatabase } from './__fixtures__/migrated-database';
import { PostgresCycleAlertRepository } from './cycle-alert.repository';
import { PostgresIngestionRepository } from './ingestion.repository';

const T0 = new Date('2026-02-14T10:00:00.000Z');
const MISSING_ID = '00000000-0000-4000-8000-000000000000';

let db: MigratedDatabase;
let alerts: PostgresCycleAlertRepository;
let ingestions: PostgresIngestionRepository;

beforeAll(async () => {
  db = await createMigratedDatabase('adapters_stores');
  alerts = new PostgresCycleAlertRepository(db.dataSource.manager);
  ingestions = new PostgresIngestionRepository(db.dataSource.manager);
});
afterAll(async () => db.close());
beforeEach(async () => db.reset());

function at(minutes: number): Date {
  return new Date(T0.getTime() + minutes * 60_000);
}

const ABC = { path: ['a', 'b', 'c', 'a'], members: ['a', 'b', 'c'] };
const XY = { path: ['x', 'y', 'x'], members: ['x', 'y'] };

describe('PostgresCycleAlertRepository', () => {
  it('records a cycle once while an unresolved alert for its members exists', async () => {
    const [first] = await alerts.recordCycles([ABC], T0);
    const second = await alerts.recordCycles(
      [{ path: ['b', 'c', 'a', 'b'], members: ['a', 'b', 'c'] }, XY],
      at(1),
    );

    expect(first).toEqual({
      created: true,
      alert: {
        id: expect.any(String) as string,
        cyclePath: ['a', 'b', 'c', 'a'],
        members: ['a', 'b', 'c'],
        detectedAt: T0,
        status: 'open',
        acknowledgedBy: null,
        resolutionNotes: null,
        updatedAt: T0,
      },
    });
    expect(second.map((r) => [r.created, r.alert.members])).toEqual([
      [false, ['a', 'b', 'c']],
      [true, ['x', 'y']],
    ]);
    expect(second[0].alert.id).toBe(first.alert.id);
    expect(second[0].alert.cyclePath).toEqual(['a', 'b', 'c', 'a']);
  });

  it('lets the database refuse a second unresolved alert for the same members', async () => {
    await alerts.recordCycles([ABC], T0);

    const duplicate = db.dataSource.query(
      `INSERT INTO circular_dependency_alerts (cycle_path, members, members_key, status)
       VALUES ('["a","b","c","a"]', '{a,b,c}',
               encode(sha256(convert_to('["a","b","c"]'::jsonb::text, 'UTF8')), 'hex'), 'acknowledged')`,
    );

    await expect(duplicate).rejects.toMatchObject({ driverError: { code: '23505' } });
  });

  it('records a giant strongly connected component (thousands of members) once', async () => {
    // The identity is a hash: a member list this long is far past PostgreSQL's btree entry limit.
    const members = Array.from({ length: 5000 }, (_, i) => `service-${String(i).padStart(5, '0')}`);
    const giant = { members, path: [members[0], members[1], members[0]] };
    const first = await alerts.recordCycles([giant], T0);
    const again = await alerts.recordCycles([giant], T0);
    expect(first[0].created).toBe(true);
    expect(again[0].created).toBe(false);
    expect(again[0].alert.id).toBe(first[0].alert.id);
    expect(again[0].alert.members).toHaveLength(5000);
  });

  it('opens a new alert once the previous one is resolved', async () => {
    const [{ alert }] = await alerts.recordCycles([ABC], T0);
    await alerts.update(
      alert.id,
      { status: 'acknowledged', actor: 'ana', notes: null },
      at(1),
      'open',
    );
    const resolved = await alerts.update(
      alert.id,
      { status: 'resolved', actor: null, notes: 'made async' },
      at(2),
      'acknowledged',
    );

    const [again] = await alerts.recordCycles([ABC], at(3));

    expect(resolved).toMatchObject({
      status: 'resolved',
      acknowledgedBy: 'ana',
      resolutionNotes: 'made async',
      updatedAt: at(2),
    });
    expect(again.created).toBe(true);
    expect(again.alert.id).not.toBe(alert.id);
    await expect(
      alerts.update(alert.id, { status: 'open', actor: null, notes: null }, at(4), 'resolved'),
    ).rejects.toMatchObject({ code: DomainErrorCodes.CYCLE_ALERT_TRANSITION });
  });

  it('reports unknown alerts', async () => {
    expect(await alerts.find(MISSING_ID)).toBeNull();
    expect(await alerts.find('not-a-uuid')).toBeNull();
    await expect(
      alerts.update(MISSING_ID, { status: 'resolved', actor: null, notes: null }, T0, 'open'),
    ).rejects.toMatchObject({ code: DomainErrorCodes.CYCLE_ALERT_NOT_FOUND });
  });

  it('changes an alert only while it still has the expected status', async () => {
    const [{ alert }] = await alerts.recordCycles([ABC], T0);
    await alerts.update(alert.id, { status: 'resolved', actor: 'b', notes: 'x' }, at(1), 'open');

    const lost = await alerts.update(
      alert.id,
      { status: 'acknowledged', actor: 'a', notes: null },
      at(2),
      'open',
    );

    expect(lost).toBeNull();
    expect(await alerts.find(alert.id)).toMatchObject({ status: 'resolved', acknowledgedBy: 'b' });
  });

  it('lists newest first across pages and filters by status', async () => {
    const cycles = Array.from({ length: 5 }, (_, i) => ({
      path: [`s${i}`, `t${i}`, `s${i}`],
      members: [`s${i}`, `t${i}`],
    }));
    for (const [i, cycle] of cycles.entries()) await alerts.recordCycles([cycle], at(i));
    const [{ alert: oldest }] = await alerts.recordCycles([cycles[0]], at(9));
    await alerts.update(
      oldest.id,
      { status: 'acknowledged', actor: 'ana', notes: null },
      at(9),
      'open',
    );

    const seen: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await alerts.list({}, { limit: 2, cursor });
      seen.push(page.items.map((a) => a.members[0]));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    expect(seen).toEqual([['s4', 's3'], ['s2', 's1'], ['s0']]);
    const acknowledged = await alerts.list({ status: 'acknowledged' }, { limit: 10 });
    expect(acknowledged.items.map((a) => a.id)).toEqual([oldest.id]);
    await expect(alerts.list({}, { limit: 2, cursor: 'bogus' })).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_CURSOR,
    });
  });
});

describe('PostgresIngestionRepository', () => {
  const submission: GraphSubmission = {
    source: 'kubernetes',
    observedAt: T0,
    nodes: [{ serviceId: 'a', metadata: { team: 't', extra: { nested: [1, 2] } } }],
    edges: [{ source: 'a', target: 'b', attributes: { protocol: 'http' }, confidenceScore: 0.7 }],
  };
  const result: IngestionResult = {
    servicesCreated: 1,
    servicesUpdated: 0,
    placeholdersCreated: ['b'],
    edgesCreated: 1,
    edgesUpdated: 0,
    edgesUnchanged: 0,
    edgesMarkedStale: 0,
    conflicts: [],
    cycles: [],
    divergences: [],
    warnings: [],
  };

  it('walks an ingestion from queued to completed and drops its submission', async () => {
    const created = await ingestions.create({
      source: 'kubernetes',
      nodesReceived: 1,
      edgesReceived: 1,
      submittedAt: T0,
      submission,
    });
    expect(created).toEqual({
      id: expect.any(String) as string,
      source: 'kubernetes',
      status: 'queued',
      nodesReceived: 1,
      edgesReceived: 1,
      submittedAt: T0,
      startedAt: null,
      completedAt: null,
      result: null,
      error: null,
    });
    expect(await ingestions.loadSubmission(created.id)).toEqual(submission);

    expect(await ingestions.markProcessing(created.id, at(1))).toBe(true);
    expect(await ingestions.markProcessing(created.id, at(1))).toBe(false);
    await ingestions.complete(created.id, result, at(2));

    expect(await ingestions.find(created.id)).toMatchObject({
      status: 'completed',
      startedAt: at(1),
      completedAt: at(2),
      result,
      error: null,
    });
    expect(await ingestions.loadSubmission(created.id)).toBeNull();
  });

  it('records a failure with its message', async () => {
    const { id } = await ingestions.create({
      source: 'manual',
      nodesReceived: 0,
      edgesReceived: 0,
      submittedAt: T0,
      submission: { ...submission, source: 'manual' },
    });

    await ingestions.fail(id, 'graph store unavailable', at(1));

    expect(await ingestions.find(id)).toMatchObject({
      status: 'failed',
      error: 'graph store unavailable',
      completedAt: at(1),
      result: null,
    });
    expect(await ingestions.loadSubmission(id)).toBeNull();
  });

  it('stores no submission when none is given (the queue carries it in memory)', async () => {
    const { id } = await ingestions.create({
      source: 'manual',
      nodesReceived: 1,
      edgesReceived: 1,
      submittedAt: T0,
    });
    expect(await ingestions.find(id)).toMatchObject({ status: 'queued' });
    expect(await ingestions.loadSubmission(id)).toBeNull();
  });

  it('fails unfinished ingestions submitted before the cut-off, and only those', async () => {
    const create = (submittedAt: Date) =>
      ingestions.create({ source: 'manual', nodesReceived: 0, edgesReceived: 0, submittedAt });
    const queued = await create(T0);
    const processing = await create(T0);
    await ingestions.markProcessing(processing.id, at(1));
    const completed = await create(T0);
    await ingestions.complete(completed.id, result, at(1));
    const recent = await create(at(20));

    const failed = await ingestions.failStalled(at(10), 'lost', at(30));

    expect(failed).toEqual([queued.id, processing.id].sort());
    expect(await ingestions.find(queued.id)).toMatchObject({
      status: 'failed',
      error: 'lost',
      startedAt: at(30),
      completedAt: at(30),
    });
    expect(await ingestions.find(processing.id)).toMatchObject({
      status: 'failed',
      startedAt: at(1),
    });
    expect(await ingestions.find(completed.id)).toMatchObject({ status: 'completed', error: null });
    expect(await ingestions.find(recent.id)).toMatchObject({ status: 'queued' });
    expect(await ingestions.failStalled(at(10), 'lost', at(31))).toEqual([]);
  });

  it('finds nothing for unknown ids', async () => {
    expect(await ingestions.find(MISSING_ID)).toBeNull();
    expect(await ingestions.find('nope')).toBeNull();
    expect(await ingestions.loadSubmission(MISSING_ID)).toBeNull();
    expect(await ingestions.markProcessing(MISSING_ID, T0)).toBe(false);
  });
});
