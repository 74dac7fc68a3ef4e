import { FixedClock } from '../../shared/testing/fixed-clock';
import { type GraphSubmission } from '../graph.types';
import { SubmitIngestionUseCase } from '../submit-ingestion/submit-ingestion.use-case';
import { GraphSnapshotCache } from '../graph-snapshot/graph-snapshot-cache';
import { graphSubmission } from '../testing/graph-submission.builder';
import { InlineIngestionQueue, InMemoryGraphStores } from '../testing/in-memory-graph-stores';
import { INTERNAL_FAILURE_MESSAGE, ProcessIngestionUseCase } from './process-ingestion.use-case';

const DAY = 86_400_000;

function setUp() {
  const stores = new InMemoryGraphStores();
  const clock = new FixedClock('2026-02-14T10:00:00.000Z');
  const queue = new InlineIngestionQueue();
  const submit = new SubmitIngestionUseCase(stores.ingestions, queue, clock);
  const process = new ProcessIngestionUseCase(stores.unitOfWork, stores.ingestions, clock);
  const ingest = async (submission: Omit<GraphSubmission, 'observedAt'>) => {
    const { ingestionId } = await submit.execute(submission);
    return process.execute({ ingestionId });
  };
  return { stores, clock, submit, process, ingest };
}

function withoutTime(submission: GraphSubmission): Omit<GraphSubmission, 'observedAt'> {
  const { observedAt: _observedAt, ...rest } = submission;
  return rest;
}

describe('ProcessIngestionUseCase', () => {
  it('stores the graph, detects the cycle, records an alert and completes the ingestion', async () => {
    const { stores, ingest } = setUp();
    const outcome = await ingest(
      withoutTime(
        graphSubmission('manual', {
          nodes: ['a', 'b'],
          edges: [
            ['a', 'b'],
            ['b', 'c', { criticality: 'soft' }],
            ['c', 'a'],
            ['c', 'd'],
          ],
        }),
      ),
    );

    expect(outcome.status).toBe('completed');
    if (outcome.status !== 'completed') return;
    expect(outcome.result).toMatchObject({
      servicesCreated: 2,
      placeholdersCreated: ['c', 'd'],
      edgesCreated: 4,
      cycles: [{ members: ['a', 'b', 'c'], path: ['a', 'b', 'c', 'a'], newAlert: true }],
    });
    expect(outcome.result.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/a → b → c → a.*async boundaries/),
        expect.stringContaining(
          'placeholders (discovered: true) until their metadata is submitted: c, d',
        ),
      ]),
    );
    const ingestion = await stores.ingestions.find(outcome.ingestionId);
    expect(ingestion).toMatchObject({ status: 'completed', result: outcome.result, error: null });
    expect(await stores.ingestions.loadSubmission(outcome.ingestionId)).toBeNull();
    expect((await stores.cycleAlerts.list({}, { limit: 10 })).items).toEqual([
      expect.objectContaining({
        members: ['a', 'b', 'c'],
        cyclePath: ['a', 'b', 'c', 'a'],
        status: 'open',
      }),
    ]);
  });

  it('does not duplicate the alert when the same cycle is ingested again', async () => {
    const { stores, ingest } = setUp();
    const submission = withoutTime(
      graphSubmission('manual', {
        edges: [
          ['a', 'b'],
          ['b', 'a'],
        ],
      }),
    );
    const first = await ingest(submission);
    const second = await ingest(submission);

    expect(first.status === 'completed' && first.result.cycles[0].newAlert).toBe(true);
    expect(second.status === 'completed' && second.result.cycles).toEqual([
      expect.objectContaining({
        newAlert: false,
        alertId: first.status === 'completed' ? first.result.cycles[0].alertId : '',
      }),
    ]);
    expect((await stores.cycleAlerts.list({}, { limit: 10 })).items).toHaveLength(1);
  });

  it('rolls everything back and marks the ingestion failed when a step throws', async () => {
    const { stores, ingest } = setUp();
    await ingest(withoutTime(graphSubmission('manual', { edges: [['a', 'b']] })));
    const graphBefore = await stores.graph.loadActiveGraph();
    jest
      .spyOn(stores.cycleAlerts, 'recordCycles')
      .mockRejectedValueOnce(new Error('connection reset at pg/lib/client.js:132'));

    const outcome = await ingest(
      withoutTime(
        graphSubmission('manual', {
          nodes: ['z'],
          edges: [
            ['b', 'c'],
            ['c', 'b'],
          ],
        }),
      ),
    );

    expect(outcome).toMatchObject({ status: 'failed', error: INTERNAL_FAILURE_MESSAGE });
    expect(outcome.status === 'failed' && outcome.cause).toBeInstanceOf(Error);
    expect(await stores.graph.loadActiveGraph()).toEqual(graphBefore);
    expect(await stores.graph.findService('z')).toBeNull();
    expect(await stores.ingestions.find(outcome.ingestionId)).toMatchObject({
      status: 'failed',
      error: INTERNAL_FAILURE_MESSAGE,
      result: null,
    });
  });

  it('skips an ingestion that is not queued (another worker took it)', async () => {
    const { submit, process, stores } = setUp();
    const { ingestionId } = await submit.execute(
      withoutTime(graphSubmission('manual', { nodes: ['a'] })),
    );
    expect((await process.execute({ ingestionId })).status).toBe('completed');
    expect(await process.execute({ ingestionId })).toEqual({ status: 'skipped', ingestionId });
    expect(await process.execute({ ingestionId: 'unknown' })).toEqual({
      status: 'skipped',
      ingestionId: 'unknown',
    });
    expect(await stores.graph.graphVersion()).toBe(1);
  });

  it('reports attribute conflicts resolved by source priority', async () => {
    const { ingest } = setUp();
    await ingest(
      withoutTime(graphSubmission('kubernetes', { edges: [['a', 'b', { timeoutMs: 1000 }]] })),
    );
    const outcome = await ingest(
      withoutTime(graphSubmission('manual', { edges: [['a', 'b', { timeoutMs: 5000 }]] })),
    );
    expect(outcome.status === 'completed' && outcome.result.conflicts).toEqual([
      {
        source: 'a',
        target: 'b',
        attribute: 'timeoutMs',
        kept: { discoverySource: 'manual', value: 5000 },
        overridden: [{ discoverySource: 'kubernetes', value: 1000 }],
      },
    ]);
    expect(outcome.status === 'completed' && outcome.result.warnings).toEqual([
      expect.stringContaining('1 attribute conflict(s)'),
    ]);
  });

  it('reports divergences between declared and observed edges once both kinds exist', async () => {
    const { ingest } = setUp();
    const declaredOnly = await ingest(
      withoutTime(
        graphSubmission('manual', {
          edges: [
            ['a', 'b'],
            ['a', 'c'],
          ],
        }),
      ),
    );
    expect(declaredOnly.status === 'completed' && declaredOnly.result.divergences).toEqual([]);

    const observed = await ingest(
      withoutTime(
        graphSubmission('otel_service_graph', {
          edges: [
            ['a', 'b'],
            ['a', 'd'],
          ],
        }),
      ),
    );
    expect(observed.status === 'completed' && observed.result.divergences).toEqual([
      {
        source: 'a',
        target: 'd',
        kind: 'observed_not_declared',
        declaredBy: [],
        observedBy: ['otel_service_graph'],
      },
    ]);

    const redeclared = await ingest(
      withoutTime(graphSubmission('manual', { edges: [['a', 'c']] })),
    );
    expect(redeclared.status === 'completed' && redeclared.result.divergences).toEqual([
      {
        source: 'a',
        target: 'c',
        kind: 'declared_not_observed',
        declaredBy: ['manual'],
        observedBy: [],
      },
    ]);
  });

  it('marks edges stale once they were not observed within the window', async () => {
    const { stores, clock, ingest } = setUp();
    await ingest(withoutTime(graphSubmission('otel_service_graph', { edges: [['a', 'b']] })));
    clock.advance(7 * DAY + 1);
    const outcome = await ingest(withoutTime(graphSubmission('manual', { edges: [['c', 'd']] })));

    expect(outcome.status === 'completed' && outcome.result.edgesMarkedStale).toBe(1);
    expect(outcome.status === 'completed' && outcome.result.warnings).toContain(
      '1 edge observation(s) not seen for 7 day(s) were marked stale.',
    );
    expect(await stores.graph.edgeObservations('a')).toEqual([
      expect.objectContaining({ isStale: true }),
    ]);
    expect((await stores.graph.loadActiveGraph()).edges.map((edge) => edge.source)).toEqual(['c']);
  });

  it('honours a configured staleness window', async () => {
    const { stores, clock, submit } = setUp();
    const process = new ProcessIngestionUseCase(stores.unitOfWork, stores.ingestions, clock, {
      stalenessWindowMs: DAY,
    });
    const first = await submit.execute(
      withoutTime(graphSubmission('manual', { edges: [['a', 'b']] })),
    );
    await process.execute({ ingestionId: first.ingestionId });
    clock.advance(DAY + 1);
    const second = await submit.execute(withoutTime(graphSubmission('manual', { nodes: ['x'] })));
    const outcome = await process.execute({ ingestionId: second.ingestionId });
    expect(outcome.status === 'completed' && outcome.result.edgesMarkedStale).toBe(1);
  });

  it('reuses the cached snapshot for an unchanged re-sync and primes it after a change', async () => {
    const stores = new InMemoryGraphStores();
    const clock = new FixedClock('2026-02-14T10:00:00.000Z');
    const snapshots = new GraphSnapshotCache(stores.graph);
    const submit = new SubmitIngestionUseCase(stores.ingestions, new InlineIngestionQueue(), clock);
    const process = new ProcessIngestionUseCase(
      stores.unitOfWork,
      stores.ingestions,
      clock,
      {},
      snapshots,
    );
    const graph = withoutTime(
      graphSubmission('manual', {
        nodes: ['a', 'b'],
        edges: [
          ['a', 'b'],
          ['b', 'a'],
        ],
      }),
    );
    const ingest = async () => process.execute(await submit.execute(graph));
    const loads = jest.spyOn(stores.graph, 'loadActiveGraph');

    const first = await ingest();
    expect(first.status).toBe('completed');
    expect(loads).toHaveBeenCalledTimes(1);
    // The committed graph is what queries now see, without a reload.
    const version = await stores.graph.graphVersion();
    expect(snapshots.peek(version)?.cycles.map((c) => c.members)).toEqual([['a', 'b']]);

    const again = await ingest();
    expect(loads).toHaveBeenCalledTimes(1);
    expect(
      again.status === 'completed' && again.result.cycles.map((c) => [c.members, c.newAlert]),
    ).toEqual([[['a', 'b'], false]]);
  });

  it('uses a submission the queue carried in memory instead of reading the stored copy', async () => {
    const { stores, submit, process } = setUp();
    const graph = withoutTime(graphSubmission('manual', { nodes: ['a'], edges: [['a', 'b']] }));
    const { ingestionId } = await submit.execute(graph);
    const reads = jest.spyOn(stores.ingestions, 'loadSubmission');
    const carried = { ...graph, observedAt: new Date('2026-02-14T10:00:00.000Z') };

    const outcome = await process.execute({ ingestionId, submission: carried });

    expect(outcome.status).toBe('completed');
    expect(reads).not.toHaveBeenCalled();
  });
});
