/**
 * Behavioural contract of {@link DashboardReadModel}, runnable against any implementation: the
 * in-memory read model (core) and the PostgreSQL materialised views (adapters) both run it, so the
 * SQL definitions and the reference definitions in `dashboard-definitions.ts` give the same
 * numbers. It registers tests with the Jest globals of the run that calls it and asserts with
 * `node:assert/strict`, so core's build needs no test typings.
 */
import assert from 'node:assert/strict';
import { SERVICE_CRITICALITIES, type ServiceCriticality } from '../../graph/graph.types';
import { seededRandomFrom } from '../../shared/seeded-random';
import { AUDIT_ACTIONS } from '../../slos/slo.types';
import {
  budgetCellsOf,
  budgetConsumptionsOf,
  coverageCellsOf,
  coverageReport,
  type DashboardSources,
  errorBudgetHealthReport,
  mostConsumedOf,
  ofTeam,
  qualityCellsOf,
  recommendationQualityReport,
} from '../dashboard-definitions';
import { type DashboardReadModel } from '../dashboard-read-model.port';
import { BUDGET_BUCKETS, MAX_TOP_CONSUMERS, type BudgetBucket } from '../dashboard.types';

// The test runner's globals (Jest's `describe` and `it`), declared here rather than through
// @types/jest so that core's compiled output and declarations do not depend on test typings.
declare function describe(name: string, body: () => void): void;
declare function it(name: string, body: () => Promise<void>, timeoutMs?: number): void;

export interface DashboardReadModelUnderTest {
  readonly readModel: DashboardReadModel;
  /** Replaces every row the dashboard reads with `sources` (the figures change only on refresh). */
  readonly load: (sources: DashboardSources) => Promise<void>;
}

/** A fresh read model over empty data. Called once per test. */
export type DashboardReadModelFactory = () => Promise<DashboardReadModelUnderTest>;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

type Service = DashboardSources['services'][number];

function service(
  serviceId: string,
  team: string | null,
  criticality: ServiceCriticality,
  extra: Partial<Pick<Service, 'serviceType' | 'discovered'>> = {},
): Service {
  return { serviceId, team, criticality, serviceType: 'internal', discovered: false, ...extra };
}

/**
 * Ten services; the expected figures below are worked out by hand from the definitions.
 * `now` is the time of the test: PostgreSQL refreshes with its own clock, so nothing here sits
 * within an hour of a boundary except where noted.
 */
export function contractDashboardSources(now: Date): DashboardSources {
  const t = (offsetMs: number): Date => new Date(now.getTime() + offsetMs);
  return {
    services: [
      service('pay-api', 'payments', 'critical'),
      service('pay-ledger', 'payments', 'critical'),
      service('pay-web', 'payments', 'high'),
      service('pay-batch', 'payments', 'high'),
      service('search-api', 'search', 'medium'),
      service('search-idx', 'search', 'low'),
      service('orphan', null, 'medium'),
      service('legacy', null, 'medium'),
      // Not counted anywhere: an external provider and a discovered placeholder.
      service('ext-stripe', 'payments', 'critical', { serviceType: 'external' }),
      service('ghost', null, 'medium', { discovered: true }),
    ],
    activeSlos: [
      { serviceId: 'pay-api', availabilityTarget: 99.9, latencyP99TargetMs: 300 },
      // 75% keeps the arithmetic exact in binary: 0.9375 consumes exactly 0.25, 0.75 exactly 1.
      { serviceId: 'pay-ledger', availabilityTarget: 75, latencyP99TargetMs: null },
      { serviceId: 'pay-web', availabilityTarget: 75, latencyP99TargetMs: 200 },
      { serviceId: 'search-api', availabilityTarget: 99.5, latencyP99TargetMs: null },
      { serviceId: 'search-idx', availabilityTarget: null, latencyP99TargetMs: 400 },
      { serviceId: 'legacy', availabilityTarget: 99, latencyP99TargetMs: null },
      { serviceId: 'ext-stripe', availabilityTarget: 99.99, latencyP99TargetMs: null },
    ],
    recommendations: [
      { serviceId: 'pay-api', status: 'accepted', expiresAt: t(DAY) },
      { serviceId: 'pay-ledger', status: 'active', expiresAt: t(DAY) },
      { serviceId: 'pay-batch', status: 'active', expiresAt: t(-HOUR) },
      { serviceId: 'orphan', status: 'active', expiresAt: t(2 * HOUR) },
      { serviceId: 'ghost', status: 'active', expiresAt: t(DAY) },
    ],
    aggregates: [
      // The newest 28-day aggregate counts, not an older one.
      agg('pay-api', 'availability', '28d', 0.99, t(-2 * DAY)),
      agg('pay-api', 'availability', '28d', 0.9998, t(-HOUR)),
      agg('pay-api', 'latency_p99', '28d', 250, t(-HOUR)),
      agg('pay-ledger', 'availability', '28d', 0.9375, t(-HOUR)),
      agg('pay-web', 'availability', '28d', 0.75, t(-HOUR)),
      agg('pay-web', 'latency_p99', '28d', 350, t(-HOUR)),
      agg('pay-web', 'latency_p99', '7d', 100, t(-HOUR)),
      agg('search-api', 'availability', '28d', 0.99, t(-HOUR)),
      agg('search-idx', 'availability', '28d', 0.5, t(-HOUR)),
      agg('search-idx', 'latency_p99', '28d', 380, t(-HOUR)),
      // Another window does not count.
      agg('legacy', 'availability', '7d', 0.5, t(-HOUR)),
      agg('ext-stripe', 'availability', '28d', 0.5, t(-HOUR)),
    ],
    auditEntries: [
      { serviceId: 'pay-api', action: 'accept', timestamp: t(-10 * DAY) },
      { serviceId: 'pay-ledger', action: 'modify', timestamp: t(-89 * DAY) },
      { serviceId: 'pay-web', action: 'auto_approve', timestamp: t(-5 * DAY) },
      // Outside the 90-day window.
      { serviceId: 'pay-web', action: 'reject', timestamp: t(-91 * DAY) },
      { serviceId: 'pay-batch', action: 'reject', timestamp: t(-3 * DAY) },
      { serviceId: 'search-api', action: 'accept', timestamp: t(-DAY) },
      // Not decisions.
      { serviceId: 'search-api', action: 'expire', timestamp: t(-DAY) },
      { serviceId: 'search-api', action: 'drift_triggered', timestamp: t(-DAY) },
      { serviceId: 'ext-stripe', action: 'accept', timestamp: t(-DAY) },
    ],
  };
}

function agg(
  serviceId: string,
  sliType: DashboardSources['aggregates'][number]['sliType'],
  window: DashboardSources['aggregates'][number]['window'],
  value: number,
  computedAt: Date,
): DashboardSources['aggregates'][number] {
  return { serviceId, sliType, window, value, computedAt };
}

const EMPTY: DashboardSources = {
  services: [],
  activeSlos: [],
  recommendations: [],
  aggregates: [],
  auditEntries: [],
};

function buckets(counts: Partial<Record<BudgetBucket, number>>): Record<BudgetBucket, number> {
  return Object.fromEntries(BUDGET_BUCKETS.map((b) => [b, counts[b] ?? 0])) as Record<
    BudgetBucket,
    number
  >;
}

function close(actual: number | null, expected: number): void {
  assert.ok(actual !== null && Math.abs(actual - expected) < 1e-9, `${actual} ≉ ${expected}`);
}

/**
 * A random, valid data set from `seed`: teams that sort differently by case, ties in budget
 * consumption, observations exactly at the target, expired and decided recommendations, audit
 * rows of every action, timestamps at least twelve hours from any boundary.
 */
export function randomDashboardSources(seed: string, now: Date): DashboardSources {
  const random = seededRandomFrom(seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)];
  const t = (offsetMs: number): Date => new Date(now.getTime() + offsetMs);
  const teams = ['alpha', 'Beta', 'beta', 'a team', null] as const;
  const targets = [99, 99.5, 99.9, 99.95, 99.9999, 95.1234, 75];
  const sources: {
    [K in keyof DashboardSources]: Array<DashboardSources[K][number]>;
  } = { services: [], activeSlos: [], recommendations: [], aggregates: [], auditEntries: [] };
  const count = Math.floor(random() * 25);
  for (let i = 0; i < count; i++) {
    const serviceId = `svc-${String(i).padStart(2, '0')}`;
    sources.services.push(
      service(serviceId, pick(teams), pick(SERVICE_CRITICALITIES), {
        serviceType: random() < 0.1 ? 'external' : 'internal',
        discovered: random() < 0.1,
      }),
    );
    const target = random() < 0.8 ? pick(targets) : null;
    const p99Target = random() < 0.5 ? pick([100, 250, 400]) : null;
    if (random() < 0.7 && (target !== null || p99Target !== null)) {
      sources.activeSlos.push({
        serviceId,
        availabilityTarget: target,
        latencyP99TargetMs: p99Target,
      });
    }
    // At most two per service: one per SLI type, as storage allows one active of each.
    for (let k = Math.floor(random() * 3); k > 0; k--) {
      sources.recommendations.push({
        serviceId,
        status: pick(['active', 'active', 'superseded', 'expired', 'accepted', 'rejected']),
        expiresAt: t((random() < 0.5 ? -1 : 1) * (1 + Math.floor(random() * 48)) * HOUR),
      });
    }
    for (let k = Math.floor(random() * 3); k > 0; k--) {
      const computedAt = t(-k * DAY - Math.floor(random() * 1000));
      const exact = target !== null && random() < 0.2;
      sources.aggregates.push(
        agg(
          serviceId,
          'availability',
          pick(['28d', '28d', '7d']),
          exact ? target / 100 : 0.9 + Math.floor(random() * 1000) / 10_000,
          computedAt,
        ),
      );
      sources.aggregates.push(
        agg(
          serviceId,
          'latency_p99',
          pick(['28d', '28d', '1d']),
          pick([100, 250, 399.5, 400, 401, 900]),
          computedAt,
        ),
      );
    }
    for (let k = Math.floor(random() * 4); k > 0; k--) {
      // Whole days plus or minus half a day: never near the 90-day edge.
      const days = Math.floor(random() * 120) + (random() < 0.5 ? 0.5 : -0.5);
      sources.auditEntries.push({
        serviceId,
        action: pick(AUDIT_ACTIONS),
        timestamp: t(-Math.max(0.5, days) * DAY),
      });
    }
  }
  return sources;
}

/** Registers the contract's tests for one implementation. */
export function describeDashboardReadModelContract(
  implementation: string,
  factory: DashboardReadModelFactory,
): void {
  describe(`DashboardReadModel contract: ${implementation}`, () => {
    it('counts coverage by team and criticality, leaving out external and discovered services', async () => {
      const { readModel, load } = await factory();
      await load(contractDashboardSources(new Date()));
      const { refreshedAt } = await readModel.refresh();

      const report = await readModel.coverage();

      assert.deepEqual(report.refreshedAt, refreshedAt);
      assert.deepEqual(report.totals, {
        services: 8,
        withActiveSlo: 6,
        pendingRecommendation: 2,
        withoutSlo: 2,
        coverageRatio: 0.75,
      });
      assert.deepEqual(
        report.byCriticality.map((c) => [
          c.criticality,
          c.services,
          c.withActiveSlo,
          c.pendingRecommendation,
        ]),
        [
          ['critical', 2, 2, 1],
          ['high', 2, 1, 0],
          ['medium', 3, 2, 1],
          ['low', 1, 1, 0],
        ],
      );
      assert.deepEqual(
        report.teams.map((team) => [
          team.team,
          team.services,
          team.withActiveSlo,
          team.pendingRecommendation,
          team.coverageRatio,
        ]),
        [
          ['payments', 4, 3, 1, 0.75],
          ['search', 2, 2, 0, 1],
          ['unassigned', 2, 1, 1, 0.5],
        ],
      );
      const search = report.teams[1];
      assert.deepEqual(
        search.byCriticality.map((c) => [c.criticality, c.services, c.coverageRatio]),
        [
          ['critical', 0, null],
          ['high', 0, null],
          ['medium', 1, 1],
          ['low', 1, 1],
        ],
      );
    });

    it('narrows coverage to one team, "unassigned" for services without one', async () => {
      const { readModel, load } = await factory();
      await load(contractDashboardSources(new Date()));
      await readModel.refresh();

      const unassigned = await readModel.coverage({ team: 'unassigned' });
      const unknown = await readModel.coverage({ team: 'nobody' });

      assert.deepEqual(unassigned.totals, {
        services: 2,
        withActiveSlo: 1,
        pendingRecommendation: 1,
        withoutSlo: 1,
        coverageRatio: 0.5,
      });
      assert.deepEqual(
        unassigned.teams.map((team) => team.team),
        ['unassigned'],
      );
      assert.deepEqual(unknown.totals, {
        services: 0,
        withActiveSlo: 0,
        pendingRecommendation: 0,
        withoutSlo: 0,
        coverageRatio: null,
      });
      assert.deepEqual(unknown.teams, []);
    });

    it('buckets error-budget consumption over 28 days and lists the most consumed', async () => {
      const { readModel, load } = await factory();
      await load(contractDashboardSources(new Date()));
      const { refreshedAt } = await readModel.refresh();

      const report = await readModel.errorBudgetHealth({ top: 3 });

      assert.deepEqual(report.refreshedAt, refreshedAt);
      assert.deepEqual(report.totals, {
        services: 4,
        buckets: buckets({ under_25: 1, '25_to_50': 1, exhausted: 2 }),
      });
      assert.deepEqual(report.teams, [
        {
          team: 'payments',
          services: 3,
          buckets: buckets({ under_25: 1, '25_to_50': 1, exhausted: 1 }),
        },
        { team: 'search', services: 1, buckets: buckets({ exhausted: 1 }) },
      ]);
      assert.deepEqual(
        report.mostConsumed.map((s) => [s.serviceId, s.bucket]),
        [
          ['search-api', 'exhausted'],
          ['pay-web', 'exhausted'],
          ['pay-ledger', '25_to_50'],
        ],
      );
      const [searchApi, payWeb, payLedger] = report.mostConsumed;
      close(searchApi.budgetConsumed, 2);
      assert.equal(payWeb.budgetConsumed, 1);
      assert.equal(payLedger.budgetConsumed, 0.25);
      assert.deepEqual(
        {
          team: searchApi.team,
          criticality: searchApi.criticality,
          availabilityTarget: searchApi.availabilityTarget,
          observedAvailability: searchApi.observedAvailability,
        },
        {
          team: 'search',
          criticality: 'medium',
          availabilityTarget: 99.5,
          observedAvailability: 0.99,
        },
      );
      assert.ok(searchApi.observedAt instanceof Date);
    });

    it('narrows error-budget health to one team, the top list included', async () => {
      const { readModel, load } = await factory();
      await load(contractDashboardSources(new Date()));
      await readModel.refresh();

      const report = await readModel.errorBudgetHealth({
        team: 'payments',
        top: MAX_TOP_CONSUMERS,
      });

      assert.equal(report.totals.services, 3);
      assert.deepEqual(
        report.teams.map((team) => team.team),
        ['payments'],
      );
      assert.deepEqual(
        report.mostConsumed.map((s) => s.serviceId),
        ['pay-web', 'pay-ledger', 'pay-api'],
      );
      close(report.mostConsumed[2].budgetConsumed, 0.2);
    });

    it('counts decisions in the trailing window and breaches against the 28-day aggregates', async () => {
      const { readModel, load } = await factory();
      await load(contractDashboardSources(new Date()));
      const { refreshedAt } = await readModel.refresh();

      const report = await readModel.recommendationQuality();

      assert.deepEqual(report.refreshedAt, refreshedAt);
      assert.equal(report.windowDays, 90);
      assert.deepEqual(report.totals.decisions, {
        accept: 2,
        modify: 1,
        reject: 1,
        autoApprove: 1,
        total: 5,
      });
      close(report.totals.acceptanceRate, 0.8);
      close(report.totals.modificationRate, 0.2);
      assert.deepEqual(report.totals.availabilityBreaches, {
        evaluated: 4,
        breached: 1,
        breachRate: 0.25,
      });
      assert.deepEqual(report.totals.latencyP99Breaches, {
        evaluated: 3,
        breached: 1,
        breachRate: 1 / 3,
      });
      assert.deepEqual(
        report.byCriticality.map((c) => [
          c.criticality,
          c.decisions.total,
          c.acceptanceRate,
          c.modificationRate,
          c.availabilityBreaches.breachRate,
          c.latencyP99Breaches.breachRate,
        ]),
        [
          ['critical', 2, 1, 0.5, 0, 0],
          ['high', 2, 0.5, 0, 0, 1],
          ['medium', 1, 1, 0, 1, null],
          ['low', 0, null, null, null, 0],
        ],
      );
      assert.deepEqual(
        report.teams.map((team) => [team.team, team.decisions.total]),
        [
          ['payments', 4],
          ['search', 1],
          ['unassigned', 0],
        ],
      );
    });

    it('narrows recommendation quality to one team', async () => {
      const { readModel, load } = await factory();
      await load(contractDashboardSources(new Date()));
      await readModel.refresh();

      const report = await readModel.recommendationQuality({ team: 'search' });

      assert.deepEqual(report.totals.decisions, {
        accept: 1,
        modify: 0,
        reject: 0,
        autoApprove: 0,
        total: 1,
      });
      assert.deepEqual(report.totals.availabilityBreaches, {
        evaluated: 1,
        breached: 1,
        breachRate: 1,
      });
      assert.deepEqual(report.totals.latencyP99Breaches, {
        evaluated: 1,
        breached: 0,
        breachRate: 0,
      });
      assert.deepEqual(
        report.teams.map((team) => team.team),
        ['search'],
      );
    });

    it('answers from the last refresh until the next one', async () => {
      const { readModel, load } = await factory();
      await load(contractDashboardSources(new Date()));
      const first = await readModel.refresh();
      await load(EMPTY);

      assert.equal((await readModel.coverage()).totals.services, 8);
      assert.deepEqual(await readModel.lastRefreshedAt(), first.refreshedAt);

      const second = await readModel.refresh();

      assert.ok(second.refreshedAt.getTime() >= first.refreshedAt.getTime());
      assert.deepEqual(await readModel.lastRefreshedAt(), second.refreshedAt);
      const coverage = await readModel.coverage();
      assert.equal(coverage.totals.services, 0);
      assert.equal(coverage.totals.coverageRatio, null);
      assert.deepEqual(
        coverage.byCriticality.map((c) => c.services),
        [0, 0, 0, 0],
      );
      const budgets = await readModel.errorBudgetHealth({ top: 5 });
      assert.deepEqual(budgets.totals, { services: 0, buckets: buckets({}) });
      assert.deepEqual(budgets.mostConsumed, []);
      const quality = await readModel.recommendationQuality();
      assert.equal(quality.totals.decisions.total, 0);
      assert.equal(quality.totals.acceptanceRate, null);
      assert.deepEqual(quality.teams, []);
    });

    it('gives the reference definitions\u2019 numbers on random data', async () => {
      const { readModel, load } = await factory();
      for (let run = 0; run < 12; run++) {
        const now = new Date();
        const sources = randomDashboardSources(`dashboard-contract-${run}`, now);
        await load(sources);
        const { refreshedAt } = await readModel.refresh();
        const budgets = budgetConsumptionsOf(sources);
        const coverageCells = coverageCellsOf(sources, now);
        const qualityCells = qualityCellsOf(sources, now);
        for (const filter of [{}, { team: 'beta' }, { team: 'unassigned' }]) {
          const context = `run ${run}, filter ${JSON.stringify(filter)}`;
          assert.deepEqual(
            await readModel.coverage(filter),
            coverageReport(ofTeam(coverageCells, filter), refreshedAt),
            context,
          );
          const ofTeamBudgets = ofTeam(budgets, filter);
          assert.deepEqual(
            await readModel.errorBudgetHealth({ ...filter, top: 7 }),
            errorBudgetHealthReport(
              budgetCellsOf(ofTeamBudgets),
              mostConsumedOf(ofTeamBudgets, 7),
              refreshedAt,
            ),
            context,
          );
          assert.deepEqual(
            await readModel.recommendationQuality(filter),
            recommendationQualityReport(ofTeam(qualityCells, filter), refreshedAt),
            context,
          );
        }
      }
    }, 60_000);
  });
}
