import { InMemoryRecommendationRepository } from '../../recommendations/testing/in-memory-recommendation-stores';
import { contractRecommendation } from '../../recommendations/testing/recommendation-stores.contract';
import { InMemorySloStores } from './in-memory-slo-stores';
import { describeSloStoresContract } from './slo-stores.contract';

describeSloStoresContract('in-memory', (serviceIds) => {
  const known = new Set(serviceIds);
  const stores = new InMemorySloStores(known, new InMemoryRecommendationRepository(known));
  return Promise.resolve({
    recommendations: stores.recommendations,
    activeSlos: stores.activeSlos,
    auditLog: stores.auditLog,
    lifecycle: stores.lifecycle,
    tamperRationale: (id, rationale) => {
      stores.tamperAuditEntry(id, { rationale });
      return Promise.resolve();
    },
  });
});

describe('InMemorySloStores', () => {
  it('keeps what it stored when the caller changes the objects it gave or got', async () => {
    const known = new Set(['checkout']);
    const stores = new InMemorySloStores(known, new InMemoryRecommendationRepository(known));
    const warnings = ['original'];
    const entry = await stores.lifecycle.transaction((tx) =>
      tx.appendAudit({
        serviceId: 'checkout',
        action: 'accept',
        actor: 'jane',
        recommendationId: null,
        previousSlo: null,
        newSlo: null,
        selectedTier: 'balanced',
        rationale: null,
        modificationDelta: { availability: '+0.05 from recommended 99.9' },
        warnings,
        timestamp: new Date('2026-02-14T10:00:00.000Z'),
      }),
    );
    warnings.push('changed by the caller');
    (entry.warnings as string[]).push('changed by the reader');
    entry.timestamp.setTime(0);

    const [stored] = await stores.auditLog.history('checkout', { limit: 1 });
    expect(stored.warnings).toEqual(['original']);
    expect(stored.timestamp).toEqual(new Date('2026-02-14T10:00:00.000Z'));
    const [link] = await stores.auditLog.chainLinks(0, 1);
    expect(link.expectedHash).toBe(link.hash);
  });

  it('runs the next transaction after one that failed', async () => {
    const known = new Set(['checkout']);
    const stores = new InMemorySloStores(known, new InMemoryRecommendationRepository(known));
    const [saved] = await stores.recommendations.saveActive([
      contractRecommendation('checkout', 'availability'),
    ]);
    await expect(
      stores.lifecycle.transaction(() => Promise.reject(new Error('failed'))),
    ).rejects.toThrow('failed');
    await expect(
      stores.lifecycle.transaction((tx) => tx.lockRecommendation('checkout', saved.id)),
    ).resolves.toEqual(saved);
  });
});
