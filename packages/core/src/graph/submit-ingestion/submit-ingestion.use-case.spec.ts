import { DomainError, DomainErrorCodes } from '../../shared/domain-error';
import { FixedClock } from '../../shared/testing/fixed-clock';
import { IngestionQueue } from '../graph.ports';
import { graphSubmission } from '../testing/graph-submission.builder';
import { InlineIngestionQueue, InMemoryGraphStores } from '../testing/in-memory-graph-stores';
import { estimateCompletionSeconds, SubmitIngestionUseCase } from './submit-ingestion.use-case';

function setUp(queue: IngestionQueue = new InlineIngestionQueue()) {
  const stores = new InMemoryGraphStores();
  const clock = new FixedClock('2026-02-14T10:00:00.000Z');
  return {
    stores,
    queue,
    clock,
    useCase: new SubmitIngestionUseCase(stores.ingestions, queue, clock),
  };
}

async function fieldErrorsOf(promise: Promise<unknown>) {
  const error: unknown = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(DomainErrorCodes.INVALID_INPUT);
  return (error as DomainError).details.fieldErrors;
}

describe('SubmitIngestionUseCase', () => {
  it('stores the ingestion as queued with its submission, enqueues it and estimates the time', async () => {
    const queue = new InlineIngestionQueue();
    const { stores, useCase } = setUp(queue);
    const submission = graphSubmission('manual', { nodes: ['a', 'b'], edges: [['a', 'b']] });

    const output = await useCase.execute(submission);

    expect(output).toEqual({
      ingestionId: expect.any(String) as unknown,
      status: 'queued',
      nodesReceived: 2,
      edgesReceived: 1,
      estimatedCompletionSeconds: 2,
    });
    expect(queue.enqueued).toEqual([output.ingestionId]);
    expect(await stores.ingestions.find(output.ingestionId)).toMatchObject({
      status: 'queued',
      source: 'manual',
      submittedAt: new Date('2026-02-14T10:00:00.000Z'),
    });
    expect(await stores.ingestions.loadSubmission(output.ingestionId)).toEqual(submission);
  });

  it('does not store the submission when the queue hands it to the processor in memory', async () => {
    const delivered: unknown[] = [];
    const queue = new InlineIngestionQueue(
      (_id, submission) => Promise.resolve(delivered.push(submission)),
      { deliversSubmission: true },
    );
    const { stores, useCase } = setUp(queue);
    const submission = graphSubmission('manual', { nodes: ['a', 'b'], edges: [['a', 'b']] });

    const { ingestionId } = await useCase.execute(submission);

    expect(delivered).toEqual([submission]);
    expect(await stores.ingestions.find(ingestionId)).toMatchObject({ status: 'queued' });
    expect(await stores.ingestions.loadSubmission(ingestionId)).toBeNull();
  });

  it('defaults the observation time to the time of submission', async () => {
    const { stores, useCase } = setUp();
    const { observedAt: _omitted, ...withoutTime } = graphSubmission('manual', { nodes: ['a'] });
    const { ingestionId } = await useCase.execute(withoutTime);
    expect((await stores.ingestions.loadSubmission(ingestionId))?.observedAt).toEqual(
      new Date('2026-02-14T10:00:00.000Z'),
    );
  });

  it('reports every domain rule broken, with field paths, and stores nothing', async () => {
    const queue = new InlineIngestionQueue();
    const { stores, useCase } = setUp(queue);
    const submission = graphSubmission('manual', {
      nodes: ['a', 'b', 'a'],
      edges: [
        ['a', 'b'],
        ['c', 'c'],
        ['x', 'y', {}, 1.5],
        ['a', 'b'],
      ],
    });

    expect(await fieldErrorsOf(useCase.execute(submission))).toEqual([
      {
        field: 'nodes[2].service_id',
        message: expect.stringContaining('duplicates nodes[0].service_id') as unknown,
      },
      {
        field: 'edges[1].target',
        message: expect.stringContaining('calling itself is not a dependency') as unknown,
      },
      { field: 'edges[2].confidence_score', message: 'must be a number from 0 to 1, got 1.5' },
      {
        field: 'edges[3]',
        message: expect.stringContaining('duplicates edges[0] (a → b)') as unknown,
      },
    ]);
    expect(queue.enqueued).toEqual([]);
    expect(await stores.ingestions.find('00000000-0000-4000-8000-000000000001')).toBeNull();
  });

  it('rejects ids outside 1–255 characters and a NaN confidence', async () => {
    const { useCase } = setUp();
    const submission = graphSubmission('manual', {
      nodes: ['x'.repeat(256)],
      edges: [['', 'b', {}, Number.NaN]],
    });
    expect((await fieldErrorsOf(useCase.execute(submission)))?.map((error) => error.field)).toEqual(
      ['nodes[0].service_id', 'edges[0].source', 'edges[0].confidence_score'],
    );
  });

  it('counts characters, not UTF-16 units: 255 emoji are a valid id, 256 are not', async () => {
    const { useCase } = setUp();
    const ok = '🚀'.repeat(255);
    await expect(
      useCase.execute(graphSubmission('manual', { nodes: [ok], edges: [] })),
    ).resolves.toMatchObject({
      status: 'queued',
    });
    const tooLong = graphSubmission('manual', { nodes: ['🚀'.repeat(256)], edges: [] });
    expect((await fieldErrorsOf(useCase.execute(tooLong)))?.map((error) => error.field)).toEqual([
      'nodes[0].service_id',
    ]);
  });

  it('summarises field errors beyond the first hundred', async () => {
    const { useCase } = setUp();
    const edges = Array.from({ length: 150 }, (_, index) => [`s${index}`, `s${index}`] as const);
    const fieldErrors = await fieldErrorsOf(useCase.execute(graphSubmission('manual', { edges })));
    expect(fieldErrors).toHaveLength(101);
    expect(fieldErrors?.[100]).toEqual({
      field: 'submission',
      message: '50 more problems not listed',
    });
  });

  it('marks the ingestion failed when it cannot be queued, and rethrows', async () => {
    class BrokenQueue extends IngestionQueue {
      readonly deliversSubmission = false;
      enqueue(): Promise<void> {
        return Promise.reject(new Error('redis down'));
      }
    }
    const { stores, useCase } = setUp(new BrokenQueue());
    await expect(useCase.execute(graphSubmission('manual', { nodes: ['a'] }))).rejects.toThrow(
      'redis down',
    );
    const ingestion = await stores.ingestions.find('00000000-0000-4000-8000-000000000001');
    expect(ingestion).toMatchObject({
      status: 'failed',
      error: expect.stringContaining('could not be queued') as unknown,
    });
  });
});

describe('estimateCompletionSeconds', () => {
  it('is one second plus one per 25,000 rows, rounded up', () => {
    expect(estimateCompletionSeconds(0, 0)).toBe(1);
    expect(estimateCompletionSeconds(150, 420)).toBe(2);
    expect(estimateCompletionSeconds(5_000, 50_000)).toBe(4);
  });
});
