/**
 * Circular-dependency alerts: GET /api/v1/graph/cycles after ingestion (no duplicates on
 * re-ingestion), PATCH /api/v1/graph/cycles/:id through open → acknowledged → resolved, the
 * transitions the lifecycle forbids (409), unknown ids (404), bad input (400), status filter and
 * cursor pagination. The tests run in order on one database.
 */
import {
  API,
  type ApiFixture,
  type CycleAlertBody,
  createApiFixture,
  expectJson,
  expectProblem,
  type GraphPayload,
  type PageBody,
  problemFields,
  sorted,
} from './api-fixture';

const CYCLES_URL = `${API}/graph/cycles`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Two cycles (a → b → c → a and x ⇄ y), joined by a → x, and an acyclic tail p → q. */
const GRAPH: GraphPayload = {
  source: 'manual',
  nodes: ['a', 'b', 'c', 'x', 'y', 'p', 'q'].map((service_id) => ({ service_id })),
  edges: [
    ['a', 'b'],
    ['b', 'c'],
    ['c', 'a'],
    ['x', 'y'],
    ['y', 'x'],
    ['a', 'x'],
    ['p', 'q'],
  ].map(([source, target]) => ({ source, target })),
};
const EDGES = new Set(
  (GRAPH.edges as Array<{ source: string; target: string }>).map((e) => `${e.source}>${e.target}`),
);
const ABC = ['a', 'b', 'c'];
const XY = ['x', 'y'];

function expectClosedPath(alert: CycleAlertBody, edges: ReadonlySet<string>): void {
  const path = alert.cycle_path;
  expect(path).toHaveLength(alert.members.length + 1);
  expect(path[0]).toBe(path[path.length - 1]);
  expect(sorted(path.slice(0, -1))).toEqual(alert.members);
  for (let i = 0; i + 1 < path.length; i++) expect(edges).toContain(`${path[i]}>${path[i + 1]}`);
}

describe('circular-dependency alerts (e2e)', () => {
  let api: ApiFixture;
  let abc: CycleAlertBody;
  let xy: CycleAlertBody;

  const list = async (query = ''): Promise<PageBody<CycleAlertBody>> =>
    expectJson<PageBody<CycleAlertBody>>(
      await api.request({ method: 'GET', url: `${CYCLES_URL}${query}` }),
    );
  const patch = (id: string, payload: Record<string, unknown>) =>
    api.request({ method: 'PATCH', url: `${CYCLES_URL}/${id}`, payload });
  const alertRow = async (id: string): Promise<unknown> =>
    (
      await api.dataSource.query<unknown[]>(
        'SELECT status, acknowledged_by, resolution_notes, updated_at FROM circular_dependency_alerts WHERE id = $1',
        [id],
      )
    )[0];

  beforeAll(async () => {
    api = await createApiFixture();
  });
  afterAll(() => api.close());

  it('has no alerts before any ingestion', async () => {
    expect(await list()).toEqual({ items: [], next_cursor: null });
  });

  it('lists one open alert per cycle after ingestion', async () => {
    const done = await api.ingest(GRAPH);
    expect(sorted((done.result?.cycles ?? []).map((c) => c.members.join(',')))).toEqual([
      'a,b,c',
      'x,y',
    ]);

    const page = await list();
    expect(page.next_cursor).toBeNull();
    expect(page.items).toHaveLength(2);
    const byMembers = new Map(page.items.map((alert) => [alert.members.join(','), alert]));
    abc = byMembers.get('a,b,c') as CycleAlertBody;
    xy = byMembers.get('x,y') as CycleAlertBody;
    for (const alert of [abc, xy]) {
      expect(alert).toEqual({
        id: expect.stringMatching(UUID) as unknown,
        cycle_path: expect.any(Array) as unknown,
        members: alert === abc ? ABC : XY,
        status: 'open',
        detected_at: expect.stringMatching(/Z$/) as unknown,
        acknowledged_by: null,
        resolution_notes: null,
        updated_at: expect.stringMatching(/Z$/) as unknown,
      });
      expectClosedPath(alert, EDGES);
      // The ingestion result names the same alert with the same path.
      expect(done.result?.cycles).toContainEqual({
        path: alert.cycle_path,
        members: alert.members,
        new_alert: true,
        alert_id: alert.id,
      });
    }
  });

  it('does not duplicate alerts when the same cycles are ingested again', async () => {
    const again = await api.ingest(GRAPH);
    expect(again.result?.cycles.map((c) => [c.alert_id, c.new_alert])).toEqual(
      expect.arrayContaining([
        [abc.id, false],
        [xy.id, false],
      ]),
    );
    expect((await list()).items.map((a) => a.id).sort()).toEqual([abc.id, xy.id].sort());
    expect((await api.counts()).circular_dependency_alerts).toBe(2);
  });

  it('raises a new alert for a new cycle and lists the newest first', async () => {
    const done = await api.ingest({
      source: 'manual',
      nodes: [],
      edges: [{ source: 'q', target: 'p' }],
    });
    const created = done.result?.cycles.filter((c) => c.new_alert) ?? [];
    expect(created.map((c) => c.members)).toEqual([['p', 'q']]);
    const page = await list();
    expect(page.items).toHaveLength(3);
    expect(page.items[0]).toMatchObject({ id: created[0].alert_id, members: ['p', 'q'] });
    expect(sorted(page.items.slice(1).map((a) => a.id))).toEqual(sorted([abc.id, xy.id]));
  });

  it('acknowledges an open alert (200) as the authenticated caller', async () => {
    const response = await api.request({
      method: 'PATCH',
      url: `${CYCLES_URL}/${abc.id}`,
      headers: await api.asUser({ sub: 'jane', email: 'jane.doe', roles: ['service_owner'] }),
      payload: { status: 'acknowledged' },
    });
    const alert = expectJson<CycleAlertBody>(response);
    expect(alert).toEqual({
      ...abc,
      status: 'acknowledged',
      acknowledged_by: 'jane.doe',
      updated_at: expect.stringMatching(/Z$/) as unknown,
    });
    expect(Date.parse(alert.updated_at)).toBeGreaterThanOrEqual(Date.parse(abc.updated_at));
    abc = alert;
  });

  it('resolves an acknowledged alert (200) with notes, recording who resolved it', async () => {
    const alert = expectJson<CycleAlertBody>(
      await patch(abc.id, {
        status: 'resolved',
        resolution_notes: 'Moved the c → a callback onto a queue.',
      }),
    );
    expect(alert).toMatchObject({
      id: abc.id,
      cycle_path: abc.cycle_path,
      status: 'resolved',
      acknowledged_by: 'api-key:bootstrap',
      resolution_notes: 'Moved the c → a callback onto a queue.',
    });
    abc = alert;
  });

  it('resolves an open alert directly', async () => {
    const alert = expectJson<CycleAlertBody>(await patch(xy.id, { status: 'resolved' }));
    expect(alert).toMatchObject({ status: 'resolved', acknowledged_by: 'api-key:bootstrap' });
    xy = alert;
  });

  it.each([
    ['acknowledged', 'resolved → acknowledged'],
    ['resolved', 'resolved → resolved'],
  ])('answers 409 for %s on a resolved alert (%s) and changes nothing', async (status) => {
    const before = await alertRow(abc.id);
    const problem = expectProblem(
      await patch(abc.id, { status, resolution_notes: 'reopen' }),
      409,
      'GRAPH.CYCLE_ALERT_TRANSITION',
    );
    expect(problem).toMatchObject({
      type: 'https://slo-engine.dev/problems/graph-cycle-alert-transition',
      instance: `${CYCLES_URL}/${abc.id}`,
    });
    expect(problem.detail).toContain('resolved');
    expect(await alertRow(abc.id)).toEqual(before);
  });

  it('answers 404 for an unknown alert id and for an id that is no uuid', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      const problem = expectProblem(
        await patch(id, { status: 'acknowledged' }),
        404,
        'GRAPH.CYCLE_ALERT_NOT_FOUND',
      );
      expect(problem.instance).toBe(`${CYCLES_URL}/${id}`);
    }
  });

  it.each([
    ['status missing', {}, 'status'],
    ['status open (not a target state)', { status: 'open' }, 'status'],
    ['status not in the enum', { status: 'closed' }, 'status'],
    ['status a number', { status: 1 }, 'status'],
    // Who acts comes from the credentials; a body naming someone is refused, not ignored.
    [
      'acknowledged_by in the body',
      { status: 'acknowledged', acknowledged_by: 'mallory' },
      'acknowledged_by',
    ],
    ['resolution_notes empty', { status: 'resolved', resolution_notes: '' }, 'resolution_notes'],
    [
      'resolution_notes over 10,000 chars',
      { status: 'resolved', resolution_notes: 'n'.repeat(10_001) },
      'resolution_notes',
    ],
    ['an unknown key', { status: 'resolved', note: 'typo' }, 'note'],
  ])('%s → 400 naming the field, alert unchanged', async (_what, payload, field) => {
    const open = (await list('?status=open')).items[0];
    const before = await alertRow(open.id);
    const problem = expectProblem(await patch(open.id, payload), 400, 'VALIDATION.INVALID_INPUT');
    expect(new Set(problemFields(problem))).toEqual(new Set([field]));
    expect(await alertRow(open.id)).toEqual(before);
  });

  it('filters by status', async () => {
    const statuses = async (status: string): Promise<string[]> =>
      (await list(`?status=${status}`)).items.map((a) => a.members.join(',')).sort();
    expect(await statuses('open')).toEqual(['p,q']);
    expect(await statuses('acknowledged')).toEqual([]);
    expect(await statuses('resolved')).toEqual(['a,b,c', 'x,y']);
    const problem = expectProblem(
      await api.request({ method: 'GET', url: `${CYCLES_URL}?status=closed` }),
      400,
      'VALIDATION.INVALID_INPUT',
    );
    expect(problemFields(problem)).toEqual(['status']);
  });

  it('raises a fresh alert when a resolved cycle is still there at the next ingestion', async () => {
    const done = await api.ingest(GRAPH);
    const reraised = done.result?.cycles.find((c) => c.members.join(',') === 'a,b,c');
    expect(reraised).toMatchObject({ new_alert: true });
    expect(reraised?.alert_id).not.toBe(abc.id);

    const resolved = (await list('?status=resolved')).items.map((a) => a.id);
    expect(resolved).toEqual(expect.arrayContaining([abc.id, xy.id]));
    const open = (await list('?status=open')).items.map((a) => a.members.join(',')).sort();
    expect(open).toEqual(['a,b,c', 'p,q', 'x,y']);
  });

  it('pages with limit and next_cursor, newest first, without duplicates', async () => {
    const all = (await list()).items;
    expect(all).toHaveLength(5);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: PageBody<CycleAlertBody> = await list(
        `?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`,
      );
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((a) => a.id));
      cursor = page.next_cursor;
    } while (cursor !== null && seen.length <= all.length);
    expect(seen).toEqual(all.map((a) => a.id));
    const detected = all.map((a) => Date.parse(a.detected_at));
    expect(detected).toEqual([...detected].sort((p, q) => q - p));
  });

  it.each([
    ['cursor=garbage', 'VALIDATION.INVALID_CURSOR', undefined],
    ['limit=0', 'VALIDATION.INVALID_INPUT', 'limit'],
    ['limit=501', 'VALIDATION.INVALID_INPUT', 'limit'],
    ['limit=two', 'VALIDATION.INVALID_INPUT', 'limit'],
  ])('?%s → 400 %s', async (query, code, field) => {
    const problem = expectProblem(
      await api.request({ method: 'GET', url: `${CYCLES_URL}?${query}` }),
      400,
      code,
    );
    if (field !== undefined) expect(new Set(problemFields(problem))).toEqual(new Set([field]));
  });
});
