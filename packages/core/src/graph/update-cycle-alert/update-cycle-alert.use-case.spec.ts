import { DomainErrorCodes } from '../../shared/domain-error';
import { FixedClock } from '../../shared/testing/fixed-clock';
import { type CycleAlertStatus } from '../graph.types';
import { InMemoryGraphStores } from '../testing/in-memory-graph-stores';
import { UpdateCycleAlertUseCase } from './update-cycle-alert.use-case';

async function alertIn(status: CycleAlertStatus) {
  const stores = new InMemoryGraphStores();
  const clock = new FixedClock('2026-02-14T10:00:00.000Z');
  const [{ alert }] = await stores.cycleAlerts.recordCycles(
    [{ members: ['a', 'b'], path: ['a', 'b', 'a'] }],
    clock.now(),
  );
  if (status !== 'open') {
    await stores.cycleAlerts.update(
      alert.id,
      { status, actor: 'ops', notes: null },
      clock.now(),
      'open',
    );
  }
  clock.advance(60_000);
  return {
    id: alert.id,
    stores,
    clock,
    useCase: new UpdateCycleAlertUseCase(stores.cycleAlerts, clock),
  };
}

describe('UpdateCycleAlertUseCase', () => {
  it.each([
    ['open', 'acknowledged'],
    ['open', 'resolved'],
    ['acknowledged', 'resolved'],
  ] as const)('allows %s → %s, recording actor and notes', async (from, to) => {
    const { id, useCase } = await alertIn(from);
    const updated = await useCase.execute({
      id,
      status: to,
      actor: 'ana',
      notes: 'split via queue',
    });
    expect(updated).toMatchObject({
      id,
      status: to,
      acknowledgedBy: 'ana',
      resolutionNotes: 'split via queue',
      updatedAt: new Date('2026-02-14T10:01:00.000Z'),
    });
  });

  it('keeps the stored actor when none is given', async () => {
    const { id, useCase } = await alertIn('acknowledged');
    expect(await useCase.execute({ id, status: 'resolved' })).toMatchObject({
      acknowledgedBy: 'ops',
    });
  });

  it.each([
    ['open', 'open'],
    ['acknowledged', 'acknowledged'],
    ['acknowledged', 'open'],
    ['resolved', 'open'],
    ['resolved', 'acknowledged'],
    ['resolved', 'resolved'],
  ] as const)('refuses %s → %s with CYCLE_ALERT_TRANSITION', async (from, to) => {
    const { id, useCase } = await alertIn(from);
    await expect(useCase.execute({ id, status: to })).rejects.toMatchObject({
      code: DomainErrorCodes.CYCLE_ALERT_TRANSITION,
      details: { from, to },
    });
  });

  it('fails with CYCLE_ALERT_NOT_FOUND for an unknown id', async () => {
    const { useCase } = await alertIn('open');
    await expect(useCase.execute({ id: 'missing', status: 'resolved' })).rejects.toMatchObject({
      code: DomainErrorCodes.CYCLE_ALERT_NOT_FOUND,
    });
  });

  it('rejects a status that does not exist', async () => {
    const { id, useCase } = await alertIn('open');
    await expect(useCase.execute({ id, status: 'closed' as 'resolved' })).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_INPUT,
      details: { fieldErrors: [expect.objectContaining({ field: 'status' })] },
    });
  });

  it('re-checks the transition when a concurrent change wins the race', async () => {
    const { id, stores, clock, useCase } = await alertIn('open');
    // Another request resolves the alert between this request's read and its write.
    const repository = stores.cycleAlerts;
    const find = repository.find.bind(repository);
    let raced = false;
    repository.find = async (alertId) => {
      const seen = await find(alertId);
      if (!raced) {
        raced = true;
        await repository.update(
          id,
          { status: 'resolved', actor: 'b', notes: null },
          clock.now(),
          'open',
        );
      }
      return seen;
    };

    await expect(useCase.execute({ id, status: 'acknowledged', actor: 'a' })).rejects.toMatchObject(
      {
        code: DomainErrorCodes.CYCLE_ALERT_TRANSITION,
        details: { from: 'resolved', to: 'acknowledged' },
      },
    );
    expect(await find(id)).toMatchObject({ status: 'resolved', acknowledgedBy: 'b' });
  });
});
