import { FixedClock } from '../../shared/testing/fixed-clock';
import { graphSubmission } from '../testing/graph-submission.builder';
import { InMemoryGraphStores } from '../testing/in-memory-graph-stores';
import {
  DEFAULT_INGESTION_STALL_TIMEOUT_MS,
  FailStalledIngestionsUseCase,
} from './fail-stalled-ingestions.use-case';

const MINUTE = 60_000;

async function submitAt(stores: InMemoryGraphStores, clock: FixedClock): Promise<string> {
  const { id } = await stores.ingestions.create({
    source: 'manual',
    nodesReceived: 1,
    edgesReceived: 0,
    submittedAt: clock.now(),
    submission: graphSubmission('manual', { nodes: ['a'] }),
  });
  return id;
}

describe('FailStalledIngestionsUseCase', () => {
  it('fails queued and processing ingestions older than the timeout, and only those', async () => {
    const stores = new InMemoryGraphStores();
    const clock = new FixedClock('2026-02-14T10:00:00.000Z');
    const lostQueued = await submitAt(stores, clock);
    const lostProcessing = await submitAt(stores, clock);
    await stores.ingestions.markProcessing(lostProcessing, clock.now());
    const finished = await submitAt(stores, clock);
    await stores.ingestions.markProcessing(finished, clock.now());
    await stores.ingestions.complete(finished, {} as never, clock.now());
    clock.advance(9 * MINUTE);
    const recent = await submitAt(stores, clock);
    clock.advance(2 * MINUTE);

    const useCase = new FailStalledIngestionsUseCase(stores.ingestions, clock, {
      timeoutMs: 10 * MINUTE,
    });
    const { failedIngestionIds } = await useCase.execute();

    expect([...failedIngestionIds].sort()).toEqual([lostQueued, lostProcessing].sort());
    for (const id of [lostQueued, lostProcessing]) {
      const ingestion = await stores.ingestions.find(id);
      expect(ingestion).toMatchObject({ status: 'failed', completedAt: clock.now() });
      expect(ingestion?.error).toMatch(/did not finish within 10 minute\(s\).*Submit it again/);
    }
    expect(await stores.ingestions.find(finished)).toMatchObject({ status: 'completed' });
    expect(await stores.ingestions.find(recent)).toMatchObject({ status: 'queued' });
    // Nothing left to fail: a second sweep is a no-op.
    expect((await useCase.execute()).failedIngestionIds).toEqual([]);
  });

  it('waits ten minutes by default', async () => {
    const stores = new InMemoryGraphStores();
    const clock = new FixedClock();
    const id = await submitAt(stores, clock);
    const useCase = new FailStalledIngestionsUseCase(stores.ingestions, clock);
    clock.advance(DEFAULT_INGESTION_STALL_TIMEOUT_MS);
    expect((await useCase.execute()).failedIngestionIds).toEqual([]);
    clock.advance(1);
    expect((await useCase.execute()).failedIngestionIds).toEqual([id]);
  });
});
