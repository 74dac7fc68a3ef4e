import { DomainErrorCodes } from '../../shared/domain-error';
import { FixedClock } from '../../shared/testing/fixed-clock';
import { InMemoryGraphStores } from '../testing/in-memory-graph-stores';
import { graphSubmission } from '../testing/graph-submission.builder';
import { GetIngestionUseCase } from './get-ingestion.use-case';

describe('GetIngestionUseCase', () => {
  it('returns the ingestion with its progress', async () => {
    const stores = new InMemoryGraphStores();
    const submittedAt = new FixedClock().now();
    const created = await stores.ingestions.create({
      source: 'manual',
      nodesReceived: 1,
      edgesReceived: 0,
      submittedAt,
      submission: graphSubmission('manual', { nodes: ['a'] }),
    });
    expect(
      await new GetIngestionUseCase(stores.ingestions).execute({ ingestionId: created.id }),
    ).toEqual(created);
  });

  it('fails with INGESTION_NOT_FOUND for an unknown id', async () => {
    const useCase = new GetIngestionUseCase(new InMemoryGraphStores().ingestions);
    await expect(useCase.execute({ ingestionId: 'nope' })).rejects.toMatchObject({
      code: DomainErrorCodes.INGESTION_NOT_FOUND,
      details: { ingestionId: 'nope' },
    });
  });
});
