import { FixedClock } from '../../shared/testing/fixed-clock';
import { type SloAuditLogRepository } from '../slo.ports';
import { type AuditChainLink, GENESIS_HASH } from '../slo.types';
import { sloWorld } from '../testing/slo-fixture';
import { VerifyAuditChainUseCase } from './verify-audit-chain.use-case';

/** A log that serves fixed links, counting the batches read. */
function scriptedLog(links: readonly AuditChainLink[]): SloAuditLogRepository & { reads: number } {
  return {
    reads: 0,
    history: () => Promise.resolve([]),
    chainLinks(afterSequence: number, limit: number) {
      this.reads += 1;
      return Promise.resolve(links.filter((l) => l.sequence > afterSequence).slice(0, limit));
    },
  };
}

function chain(length: number): AuditChainLink[] {
  const links: AuditChainLink[] = [];
  for (let sequence = 1; sequence <= length; sequence++) {
    const hash = sequence.toString(16).padStart(64, 'a');
    links.push({
      sequence,
      id: `id-${sequence}`,
      prevHash: links.at(-1)?.hash ?? GENESIS_HASH,
      hash,
      expectedHash: hash,
    });
  }
  return links;
}

describe('VerifyAuditChainUseCase', () => {
  const clock = new FixedClock('2026-02-14T12:00:00.000Z');

  it('reports an intact chain with its head, reading it in batches', async () => {
    const links = chain(7);
    const log = scriptedLog(links);

    const result = await new VerifyAuditChainUseCase(log, clock, { batchSize: 3 }).execute();

    expect(result).toEqual({
      ok: true,
      rowsChecked: 7,
      headHash: links[6].hash,
      headSequence: 7,
      firstBrokenLink: null,
      verifiedAt: new Date('2026-02-14T12:00:00.000Z'),
    });
    expect(log.reads).toBe(3);
  });

  it('reports an empty log as intact with the genesis head', async () => {
    expect(await new VerifyAuditChainUseCase(scriptedLog([]), clock).execute()).toMatchObject({
      ok: true,
      rowsChecked: 0,
      headHash: GENESIS_HASH,
      headSequence: 0,
    });
  });

  it.each<[string, (links: AuditChainLink[]) => AuditChainLink[], object]>([
    [
      'a changed row',
      (links) => links.map((l) => (l.sequence === 3 ? { ...l, expectedHash: 'f'.repeat(64) } : l)),
      { sequence: 3, id: 'id-3', reason: 'hash_mismatch', expected: 'f'.repeat(64) },
    ],
    [
      'a row whose hash was recomputed after a change',
      (links) =>
        links.map((l) =>
          l.sequence === 3 ? { ...l, hash: 'e'.repeat(64), expectedHash: 'e'.repeat(64) } : l,
        ),
      { sequence: 4, id: 'id-4', reason: 'prev_hash_mismatch', expected: 'e'.repeat(64) },
    ],
    [
      'a removed row',
      (links) => links.filter((l) => l.sequence !== 2),
      { sequence: 3, id: 'id-3', reason: 'sequence_gap', expected: '2', actual: '3' },
    ],
    [
      'a removed first row',
      (links) => links.filter((l) => l.sequence !== 1),
      { sequence: 2, reason: 'sequence_gap', expected: '1', actual: '2' },
    ],
  ])('finds %s and stops there', async (_, damage, broken) => {
    const links = chain(5);

    const result = await new VerifyAuditChainUseCase(scriptedLog(damage(links)), clock, {
      batchSize: 2,
    }).execute();

    expect(result.ok).toBe(false);
    expect(result.firstBrokenLink).toMatchObject(broken);
  });

  it('detects a tampered entry of the in-memory log', async () => {
    const world = await sloWorld();
    await world.accept('checkout');
    const second = await world.accept('payments');
    await world.accept('checkout', 1);
    const useCase = new VerifyAuditChainUseCase(world.stores.auditLog, clock);
    expect(await useCase.execute()).toMatchObject({ ok: true, rowsChecked: 3, headSequence: 3 });

    world.stores.tamperAuditEntry(second.auditEntryId, { actor: 'someone.else@example.com' });

    expect(await useCase.execute()).toMatchObject({
      ok: false,
      rowsChecked: 2,
      headSequence: 1,
      firstBrokenLink: { sequence: 2, id: second.auditEntryId, reason: 'hash_mismatch' },
    });
  });

  it('refuses a batch size that is not a positive integer', () => {
    expect(() => new VerifyAuditChainUseCase(scriptedLog([]), clock, { batchSize: 0 })).toThrow(
      RangeError,
    );
  });
});
