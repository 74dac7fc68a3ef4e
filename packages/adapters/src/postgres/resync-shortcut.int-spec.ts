/**
 * The unchanged-re-sync shortcut must never change an outcome: the same random sequences of
 * submissions (several sources, repeated content, time moving by minutes to days) are applied to
 * two databases, one repository with the shortcut and one without; every result and the stored
 * tables must be identical.
 */
import { type DiscoverySource, type GraphSubmission } from '@slo-engine/core';
import fc from 'fast-check';
import { createMigratedDatabase, type MigratedDatabase } from './__fixtures__/migrated-database';
import { PostgresGraphRepository } from './graph.repository';

const DAY_MS = 86_400_000;
const T0 = Date.parse('2026-02-14T10:00:00.000Z');
const OPTIONS = { stalenessWindowMs: 2 * DAY_MS };
const SERVICES = ['a', 'b', 'c', 'd'];

let withShortcut: MigratedDatabase;
let withoutShortcut: MigratedDatabase;

beforeAll(async () => {
  [withShortcut, withoutShortcut] = await Promise.all([
    createMigratedDatabase('adapters_shortcut_on'),
    createMigratedDatabase('adapters_shortcut_off'),
  ]);
});
afterAll(async () => Promise.all([withShortcut.close(), withoutShortcut.close()]));

const source = fc.constantFrom<DiscoverySource>('manual', 'kubernetes', 'otel_service_graph');
const content = fc.record({
  nodes: fc.uniqueArray(
    fc.record({
      serviceId: fc.constantFrom(...SERVICES),
      metadata: fc.record({ team: fc.constantFrom('t1', 't2') }),
    }),
    { selector: (node) => node.serviceId, maxLength: 3 },
  ),
  edges: fc.uniqueArray(
    fc.record({
      source: fc.constantFrom(...SERVICES),
      target: fc.constantFrom(...SERVICES),
      attributes: fc.record(
        { protocol: fc.constantFrom('grpc', 'http'), criticality: fc.constantFrom('hard', 'soft') },
        { requiredKeys: [] },
      ),
    }),
    { selector: (edge) => `${edge.source}>${edge.target}`, maxLength: 6 },
  ),
});
/** A step re-sends an earlier submission's content (the case the shortcut is for) or new content. */
const step = fc.record({
  source,
  repeatOf: fc.option(fc.nat(), { nil: undefined, freq: 2 }),
  content,
  advanceMs: fc.constantFrom(0, 60_000, 30 * 60_000, 2 * 3_600_000, 3 * DAY_MS),
  /** How far the observation lies in the past: beyond the staleness window now and then. */
  lagMs: fc.constantFrom(0, 0, 0, 3 * DAY_MS),
});

type Content = Pick<GraphSubmission, 'nodes' | 'edges'>;

function withoutSelfLoops(value: Content): Content {
  return { ...value, edges: value.edges.filter((edge) => edge.source !== edge.target) };
}

async function storedTables(db: MigratedDatabase): Promise<unknown> {
  const [services, edges, state] = await Promise.all([
    db.dataSource.query<unknown[]>(
      `SELECT service_id, metadata, team, criticality, discovered, updated_at
       FROM services ORDER BY service_id`,
    ),
    db.dataSource.query<unknown[]>(
      `SELECT s.service_id AS source, t.service_id AS target, d.discovery_source, d.protocol,
              d.criticality, d.last_observed_at, d.is_stale, d.updated_at
       FROM service_dependencies d
       JOIN services s ON s.id = d.source_service_id
       JOIN services t ON t.id = d.target_service_id
       ORDER BY 1, 2, 3`,
    ),
    db.dataSource.query<unknown[]>('SELECT version FROM graph_state'),
  ]);
  return { services, edges, state };
}

describe('unchanged re-sync shortcut', () => {
  it('gives the same results and stored graph as the full comparison', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        await Promise.all([withShortcut.reset(), withoutShortcut.reset()]);
        const fast = new PostgresGraphRepository(withShortcut.dataSource.manager);
        const full = new PostgresGraphRepository(withoutShortcut.dataSource.manager, {
          shortcutUnchangedResyncs: false,
        });
        const sent: GraphSubmission[] = [];
        let now = T0;
        for (const { source: from, repeatOf, content: fresh, advanceMs, lagMs } of steps) {
          now += advanceMs;
          // A repeat re-sends an earlier submission of the same source, as a periodic sync does.
          const base =
            repeatOf !== undefined && sent.length > 0
              ? sent[repeatOf % sent.length]
              : { source: from, ...withoutSelfLoops(fresh) };
          const submission: GraphSubmission = { ...base, observedAt: new Date(now - lagMs) };
          sent.push(submission);
          const options = { ...OPTIONS, now: new Date(now) };
          const [a, b] = await Promise.all([
            fast.applySubmission(submission, options),
            full.applySubmission(submission, options),
          ]);
          expect(a).toEqual(b);
        }
        expect(await storedTables(withShortcut)).toEqual(await storedTables(withoutShortcut));
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('takes the shortcut for an unchanged re-sync within the observation resolution', async () => {
    await withShortcut.reset();
    const repository = new PostgresGraphRepository(withShortcut.dataSource.manager);
    const submission: GraphSubmission = {
      source: 'manual',
      observedAt: new Date(T0),
      nodes: [{ serviceId: 'a', metadata: {} }],
      edges: [{ source: 'a', target: 'b', attributes: {} }],
    };
    await repository.applySubmission(submission, { ...OPTIONS, now: new Date(T0) });
    // Sabotage the stored edge: only a run that compares rows would notice and rewrite it.
    await withShortcut.dataSource.query(`UPDATE service_dependencies SET protocol = 'tampered'`);

    const again = await repository.applySubmission(
      { ...submission, observedAt: new Date(T0 + 60_000) },
      { ...OPTIONS, now: new Date(T0 + 60_000) },
    );

    expect(again).toMatchObject({ edgesUnchanged: 1, edgesUpdated: 0, changed: false });
    const [edge] = await withShortcut.dataSource.query<Array<{ protocol: string }>>(
      'SELECT protocol FROM service_dependencies',
    );
    expect(edge.protocol).toBe('tampered');
  });
});
