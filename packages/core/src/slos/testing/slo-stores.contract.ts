/**
 * Behavioural contract of the SLO lifecycle ports (SloLifecycleStore, ActiveSloRepository,
 * SloAuditLogRepository) and of the recommendation statuses a decision sets, runnable against any
 * implementation: the in-memory stores (core) and the PostgreSQL adapters both run it. Registers
 * tests with the Jest globals of the run that calls it and asserts with `node:assert/strict`, so
 * core's build needs no test typings.
 */
import assert from 'node:assert/strict';
import { type RecommendationRepository } from '../../recommendations/recommendation.ports';
import { type StoredRecommendation } from '../../recommendations/recommendation.types';
import { contractRecommendation } from '../../recommendations/testing/recommendation-stores.contract';
import {
  type ActiveSloRepository,
  type SloAuditLogRepository,
  type SloLifecycleStore,
} from '../slo.ports';
import { type AuditEntry, GENESIS_HASH, type NewActiveSlo, type NewAuditEntry } from '../slo.types';

declare function describe(name: string, body: () => void): void;
declare function it(name: string, body: () => Promise<void>, timeoutMs?: number): void;

/** The stores under test; the services named to the factory exist, no other does. */
export interface SloStoresUnderTest {
  /** Recommendations as the implementation shows them, decisions applied. */
  readonly recommendations: RecommendationRepository;
  readonly activeSlos: ActiveSloRepository;
  readonly auditLog: SloAuditLogRepository;
  readonly lifecycle: SloLifecycleStore;
  /** Changes a stored entry's rationale behind the log's back (what an attacker with storage access does). */
  tamperRationale(entryId: string, rationale: string): Promise<void>;
}

/** Creates fresh, empty stores whose graph knows exactly `serviceIds`. Called once per test. */
export type SloStoresFactory = (serviceIds: readonly string[]) => Promise<SloStoresUnderTest>;

export interface SloStoresContractOptions {
  readonly teardown?: (stores: SloStoresUnderTest) => void | Promise<void>;
}

const SERVICES = ['checkout', 'payments'] as const;
const T0 = Date.parse('2026-02-14T10:00:00.000Z');
const at = (minutes: number): Date => new Date(T0 + minutes * 60_000);
const UNKNOWN_UUID = '00000000-0000-4000-8000-0000000fffff';

function newSlo(serviceId: string, change: Partial<NewActiveSlo> = {}): NewActiveSlo {
  return {
    serviceId,
    availabilityTarget: 99.9,
    latencyP95TargetMs: null,
    latencyP99TargetMs: 450,
    latencyP999TargetMs: null,
    source: 'recommendation_accepted',
    recommendationId: null,
    activatedAt: at(0),
    activatedBy: 'jane.doe@example.com',
    ...change,
  };
}

function newEntry(serviceId: string, change: Partial<NewAuditEntry> = {}): NewAuditEntry {
  return {
    serviceId,
    action: 'accept',
    actor: 'jane.doe@example.com',
    recommendationId: null,
    previousSlo: null,
    newSlo: null,
    selectedTier: 'balanced',
    rationale: 'Adjusting availability: "quotes", ünïcødé \\ and\nnewline',
    modificationDelta: null,
    warnings: [],
    timestamp: at(1),
    ...change,
  };
}

/** Registers the contract tests for one implementation. */
export function describeSloStoresContract(
  name: string,
  makeStores: SloStoresFactory,
  options: SloStoresContractOptions = {},
): void {
  const withStores =
    (body: (stores: SloStoresUnderTest) => Promise<void>) => async (): Promise<void> => {
      const stores = await makeStores(SERVICES);
      try {
        await body(stores);
      } finally {
        await options.teardown?.(stores);
      }
    };

  async function saveRecommendation(
    stores: SloStoresUnderTest,
    serviceId: string,
    sliType: 'availability' | 'latency' = 'availability',
  ): Promise<StoredRecommendation> {
    const [saved] = await stores.recommendations.saveActive([
      contractRecommendation(serviceId, sliType),
    ]);
    return saved;
  }

  describe(`SLO lifecycle stores contract: ${name}`, () => {
    it(
      'locks known services only',
      withStores(async ({ lifecycle }) => {
        const result = await lifecycle.transaction(async (tx) => [
          await tx.lockService('checkout'),
          await tx.lockService('no-such-service'),
        ]);
        assert.deepStrictEqual(result, [true, false]);
      }),
    );

    it(
      "finds a recommendation by id among the service's own only",
      withStores(async (stores) => {
        const recommendation = await saveRecommendation(stores, 'checkout');
        const found = await stores.lifecycle.transaction(async (tx) => ({
          own: await tx.lockRecommendation('checkout', recommendation.id),
          otherService: await tx.lockRecommendation('payments', recommendation.id),
          unknown: await tx.lockRecommendation('checkout', UNKNOWN_UUID),
          notAnId: await tx.lockRecommendation('checkout', 'not-a-uuid'),
        }));
        assert.deepStrictEqual(found, {
          own: recommendation,
          otherService: null,
          unknown: null,
          notAnId: null,
        });
      }),
    );

    it(
      'stores an active SLO per service, replacing it in place on the next save',
      withStores(async ({ lifecycle, activeSlos }) => {
        assert.equal(await activeSlos.findByService('checkout'), null);
        const first = await lifecycle.transaction((tx) =>
          tx.saveActiveSlo(newSlo('checkout', { availabilityTarget: 99.9999 }), at(0)),
        );
        assert.deepStrictEqual(first, {
          ...newSlo('checkout', { availabilityTarget: 99.9999 }),
          id: first.id,
          createdAt: at(0),
          updatedAt: at(0),
        });
        assert.deepStrictEqual(await activeSlos.findByService('checkout'), first);

        const replacement = newSlo('checkout', {
          availabilityTarget: null,
          latencyP95TargetMs: 200,
          latencyP99TargetMs: null,
          latencyP999TargetMs: 1200,
          source: 'recommendation_modified',
          activatedAt: at(5),
          activatedBy: 'system:auto-approval:low-risk',
        });
        const second = await lifecycle.transaction(async (tx) => {
          const saved = await tx.saveActiveSlo(replacement, at(5));
          assert.deepStrictEqual(await tx.activeSlo('checkout'), saved);
          return saved;
        });
        assert.deepStrictEqual(second, {
          ...replacement,
          id: first.id,
          createdAt: at(0),
          updatedAt: at(5),
        });
        assert.deepStrictEqual(await activeSlos.findByService('checkout'), second);
      }),
    );

    it(
      'reads the active SLOs of many services at once, leaving out those without one',
      withStores(async ({ lifecycle, activeSlos }) => {
        const saved = await lifecycle.transaction(async (tx) => ({
          checkout: await tx.saveActiveSlo(
            newSlo('checkout', { availabilityTarget: 99.95 }),
            at(0),
          ),
          payments: await tx.saveActiveSlo(newSlo('payments', { availabilityTarget: 99.9 }), at(0)),
        }));
        const found = await activeSlos.findByServices(['payments', 'checkout', 'cart', 'ghost']);
        assert.deepStrictEqual(
          new Map([...found].sort(([a], [b]) => (a < b ? -1 : 1))),
          new Map([
            ['checkout', saved.checkout],
            ['payments', saved.payments],
          ]),
        );
        assert.equal((await activeSlos.findByServices([])).size, 0);
      }),
    );

    it(
      'lists the availability targets of services that have one',
      withStores(async ({ lifecycle, activeSlos }) => {
        await lifecycle.transaction(async (tx) => {
          await tx.saveActiveSlo(newSlo('checkout', { availabilityTarget: 99.95 }), at(0));
          await tx.saveActiveSlo(newSlo('payments', { availabilityTarget: null }), at(0));
        });
        assert.deepStrictEqual(
          [...(await activeSlos.availabilityTargets())],
          [['checkout', 99.95]],
        );
      }),
    );

    it(
      'takes a decided recommendation out of the active ones and shows the decision in its history',
      withStores(async (stores) => {
        const accepted = await saveRecommendation(stores, 'checkout', 'availability');
        const rejected = await saveRecommendation(stores, 'checkout', 'latency');
        await stores.lifecycle.transaction(async (tx) => {
          await tx.lockRecommendation('checkout', accepted.id);
          await tx.decideRecommendation(accepted.id, 'accepted', at(1));
          await tx.lockRecommendation('checkout', rejected.id);
          await tx.decideRecommendation(rejected.id, 'rejected', at(1));
        });

        const { recommendations } = stores;
        assert.equal(await recommendations.findActive('checkout', 'availability'), null);
        assert.equal(await recommendations.findActive('checkout', 'latency'), null);
        assert.deepStrictEqual(
          (await recommendations.history('checkout', 10)).map((r) => [r.id, r.status]).sort(),
          [
            [accepted.id, 'accepted'],
            [rejected.id, 'rejected'],
          ].sort(),
        );
        assert.equal(await recommendations.invalidate('checkout', at(2)), 0);
        assert.equal(await recommendations.expireDue(at(60 * 48)), 0);
        const found = await stores.lifecycle.transaction((tx) =>
          tx.lockRecommendation('checkout', accepted.id),
        );
        assert.equal(found?.status, 'accepted');

        const [next] = await recommendations.saveActive([
          contractRecommendation('checkout', 'availability', 1),
        ]);
        assert.deepStrictEqual(await recommendations.findActive('checkout', 'availability'), next);
        assert.equal(
          (await recommendations.history('checkout', 10)).find((r) => r.id === accepted.id)?.status,
          'accepted',
        );
      }),
    );

    it(
      'appends audit entries as one chain: gapless sequences, each linked to the previous hash',
      withStores(async (stores) => {
        const recommendation = await saveRecommendation(stores, 'checkout');
        const slo = await stores.lifecycle.transaction((tx) =>
          tx.saveActiveSlo(newSlo('checkout'), at(0)),
        );
        const snapshot = {
          sloId: slo.id,
          availabilityTarget: 99.9,
          latencyP95TargetMs: null,
          latencyP99TargetMs: 450,
          latencyP999TargetMs: null,
          source: 'recommendation_accepted' as const,
          recommendationId: null,
          activatedAt: at(0),
          activatedBy: 'jane.doe@example.com',
        };
        const full = newEntry('checkout', {
          action: 'modify',
          recommendationId: recommendation.id,
          previousSlo: snapshot,
          newSlo: { ...snapshot, availabilityTarget: 99.95, source: 'recommendation_modified' },
          modificationDelta: { availability: '+0.05 from recommended 99.9' },
          warnings: ['above the composite bound'],
          timestamp: new Date(T0 + 123),
        });
        const sparse = newEntry('payments', {
          action: 'reject',
          selectedTier: null,
          rationale: null,
        });

        const first = await stores.lifecycle.transaction((tx) => tx.appendAudit(full));
        const second = await stores.lifecycle.transaction((tx) => tx.appendAudit(sparse));

        assert.deepStrictEqual(first, {
          ...full,
          id: first.id,
          sequence: 1,
          prevHash: GENESIS_HASH,
          hash: first.hash,
        });
        assert.match(first.hash, /^[0-9a-f]{64}$/);
        assert.deepStrictEqual(second, {
          ...sparse,
          id: second.id,
          sequence: 2,
          prevHash: first.hash,
          hash: second.hash,
        });
        assert.deepStrictEqual(await stores.auditLog.history('checkout', { limit: 10 }), [first]);
        assert.deepStrictEqual(await stores.auditLog.history('payments', { limit: 10 }), [second]);
        assert.deepStrictEqual(await stores.auditLog.chainLinks(0, 10), [
          {
            sequence: 1,
            id: first.id,
            prevHash: GENESIS_HASH,
            hash: first.hash,
            expectedHash: first.hash,
          },
          {
            sequence: 2,
            id: second.id,
            prevHash: first.hash,
            hash: second.hash,
            expectedHash: second.hash,
          },
        ]);
        assert.deepStrictEqual(
          (await stores.auditLog.chainLinks(1, 10)).map((link) => link.sequence),
          [2],
        );
        assert.deepStrictEqual(
          (await stores.auditLog.chainLinks(0, 1)).map((link) => link.sequence),
          [1],
        );
      }),
    );

    it(
      "pages a service's history newest first by sequence",
      withStores(async (stores) => {
        const appended: AuditEntry[] = [];
        for (let i = 0; i < 5; i++) {
          appended.push(
            await stores.lifecycle.transaction((tx) =>
              tx.appendAudit(newEntry(i === 2 ? 'payments' : 'checkout', { timestamp: at(i) })),
            ),
          );
        }
        const ids = (entries: readonly AuditEntry[]): string[] => entries.map((e) => e.id);
        const checkout = [appended[4], appended[3], appended[1], appended[0]];

        assert.deepStrictEqual(
          ids(await stores.auditLog.history('checkout', { limit: 2 })),
          ids(checkout.slice(0, 2)),
        );
        assert.deepStrictEqual(
          ids(await stores.auditLog.history('checkout', { beforeSequence: 4, limit: 10 })),
          ids(checkout.slice(2)),
        );
        assert.deepStrictEqual(await stores.auditLog.history('no-such-service', { limit: 10 }), []);
      }),
    );

    it(
      'rolls a failed transaction back entirely',
      withStores(async (stores) => {
        const recommendation = await saveRecommendation(stores, 'checkout');
        await assert.rejects(
          stores.lifecycle.transaction(async (tx) => {
            await tx.lockRecommendation('checkout', recommendation.id);
            await tx.saveActiveSlo(newSlo('checkout'), at(0));
            await tx.decideRecommendation(recommendation.id, 'accepted', at(0));
            await tx.appendAudit(newEntry('checkout'));
            throw new Error('rolled back');
          }),
          /rolled back/,
        );
        assert.equal(await stores.activeSlos.findByService('checkout'), null);
        assert.deepStrictEqual(await stores.auditLog.chainLinks(0, 10), []);
        assert.deepStrictEqual(
          await stores.recommendations.findActive('checkout', 'availability'),
          recommendation,
        );
        // The chain continues from the last committed entry.
        const next = await stores.lifecycle.transaction((tx) =>
          tx.appendAudit(newEntry('checkout')),
        );
        assert.equal(next.sequence, 1);
        assert.equal(next.prevHash, GENESIS_HASH);
      }),
    );

    it(
      'keeps one linear chain when many transactions append at once',
      withStores(async (stores) => {
        const appended = await Promise.all(
          Array.from({ length: 24 }, (_, i) =>
            stores.lifecycle.transaction((tx) =>
              tx.appendAudit(
                newEntry(i % 2 === 0 ? 'checkout' : 'payments', { actor: `user-${i}` }),
              ),
            ),
          ),
        );
        const links = await stores.auditLog.chainLinks(0, 100);
        assert.deepStrictEqual(
          links.map((link) => link.sequence),
          Array.from({ length: 24 }, (_, i) => i + 1),
        );
        links.forEach((link, i) => {
          assert.equal(link.prevHash, i === 0 ? GENESIS_HASH : links[i - 1].hash);
          assert.equal(link.hash, link.expectedHash);
        });
        assert.deepStrictEqual(
          new Set(appended.map((entry) => entry.id)),
          new Set(links.map((link) => link.id)),
        );
      }),
    );

    it(
      'lets exactly one of concurrent decisions on one recommendation see it active',
      withStores(async (stores) => {
        const recommendation = await saveRecommendation(stores, 'checkout');
        const outcomes = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            stores.lifecycle.transaction(async (tx) => {
              await tx.lockService('checkout');
              const locked = await tx.lockRecommendation('checkout', recommendation.id);
              if (locked?.status !== 'active') return 'not current';
              await tx.decideRecommendation(
                recommendation.id,
                i % 2 ? 'accepted' : 'rejected',
                at(i),
              );
              await tx.appendAudit(newEntry('checkout', { actor: `user-${i}` }));
              return 'decided';
            }),
          ),
        );
        assert.deepStrictEqual(
          outcomes.filter((outcome) => outcome === 'decided'),
          ['decided'],
        );
        assert.equal((await stores.auditLog.chainLinks(0, 10)).length, 1);
      }),
    );

    it(
      'recomputes a changed entry to a hash different from the stored one',
      withStores(async (stores) => {
        const [first, second] = [
          await stores.lifecycle.transaction((tx) => tx.appendAudit(newEntry('checkout'))),
          await stores.lifecycle.transaction((tx) => tx.appendAudit(newEntry('payments'))),
        ];
        await stores.tamperRationale(first.id, 'target was always fine');

        const [tampered, intact] = await stores.auditLog.chainLinks(0, 10);
        assert.equal(tampered.id, first.id);
        assert.equal(tampered.hash, first.hash);
        assert.notEqual(tampered.expectedHash, first.hash);
        assert.equal(intact.id, second.id);
        assert.equal(intact.expectedHash, intact.hash);
      }),
    );
  });
}
