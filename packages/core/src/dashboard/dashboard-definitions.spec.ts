import fc from 'fast-check';
import { SERVICE_CRITICALITIES } from '../graph/graph.types';
import { AUDIT_ACTIONS } from '../slos/slo.types';
import {
  budgetBucketOf,
  budgetCellsOf,
  budgetConsumed,
  budgetConsumptionsOf,
  coverageCellsOf,
  coverageReport,
  type DashboardSources,
  dashboardTeamOf,
  errorBudgetHealthReport,
  isDashboardService,
  mostConsumedOf,
  qualityCellsOf,
  recommendationQualityReport,
} from './dashboard-definitions';
import { BUDGET_BUCKETS, UNASSIGNED_TEAM } from './dashboard.types';

const NOW = new Date('2026-03-01T00:00:00.000Z');
const DAY = 86_400_000;

/** Percent targets with up to four decimals, as active_slos stores them. */
const target = fc.integer({ min: 10_000, max: 999_999 }).map((k) => k / 10_000);
const observed = fc.double({ min: 0, max: 1, noNaN: true });

const sources: fc.Arbitrary<DashboardSources> = fc
  .uniqueArray(
    fc.record({
      serviceId: fc.string({ minLength: 1, maxLength: 6 }),
      team: fc.constantFrom('a', 'b', 'B', null),
      criticality: fc.constantFrom(...SERVICE_CRITICALITIES),
      serviceType: fc.constantFrom('internal' as const, 'internal' as const, 'external' as const),
      discovered: fc.boolean(),
      availabilityTarget: fc.option(target),
      latencyP99TargetMs: fc.option(fc.integer({ min: 1, max: 2_000 })),
      hasSlo: fc.boolean(),
      recommendation: fc.option(
        fc.record({
          status: fc.constantFrom('active', 'superseded', 'expired', 'accepted', 'rejected'),
          expiresInHours: fc.integer({ min: -48, max: 48 }),
        }),
      ),
      availability: fc.option(observed),
      latencyP99: fc.option(fc.double({ min: 0, max: 3_000, noNaN: true })),
      decisions: fc.array(
        fc.record({
          action: fc.constantFrom(...AUDIT_ACTIONS),
          daysAgo: fc.double({ min: 0, max: 200, noNaN: true }),
        }),
        { maxLength: 4 },
      ),
    }),
    { selector: (s) => s.serviceId, maxLength: 30 },
  )
  .map((rows) => ({
    services: rows,
    activeSlos: rows.filter((r) => r.hasSlo).map((r) => ({ ...r })),
    recommendations: rows.flatMap((r) =>
      r.recommendation
        ? [
            {
              serviceId: r.serviceId,
              status: r.recommendation.status,
              expiresAt: new Date(NOW.getTime() + r.recommendation.expiresInHours * 3_600_000),
            },
          ]
        : [],
    ),
    aggregates: rows.flatMap((r) => [
      ...(r.availability === null
        ? []
        : [
            {
              serviceId: r.serviceId,
              sliType: 'availability' as const,
              window: '28d' as const,
              value: r.availability,
              computedAt: NOW,
            },
          ]),
      ...(r.latencyP99 === null
        ? []
        : [
            {
              serviceId: r.serviceId,
              sliType: 'latency_p99' as const,
              window: '28d' as const,
              value: r.latencyP99,
              computedAt: NOW,
            },
          ]),
    ]),
    auditEntries: rows.flatMap((r) =>
      r.decisions.map((d) => ({
        serviceId: r.serviceId,
        action: d.action,
        timestamp: new Date(NOW.getTime() - d.daysAgo * DAY),
      })),
    ),
  }));

function inUnitInterval(value: number | null): boolean {
  return value === null || (value >= 0 && value <= 1);
}

describe('budgetConsumed', () => {
  it.each([
    [0.9995, 99.9, 0.5],
    [0.998, 99.9, 2],
    [1, 99.9, 0],
    [0.9375, 75, 0.25],
    [0.75, 75, 1],
  ])('observing %p against %p% consumes %p of the budget', (seen, slo, expected) => {
    expect(budgetConsumed(seen, slo)).toBeCloseTo(expected, 9);
  });

  it('is never negative, and falls as the observed availability rises', () => {
    fc.assert(
      fc.property(observed, observed, target, (a, b, slo) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(budgetConsumed(high, slo)).toBeGreaterThanOrEqual(0);
        expect(budgetConsumed(high, slo)).toBeLessThanOrEqual(budgetConsumed(low, slo));
      }),
    );
  });

  it('consumes exactly the budget when observing exactly the target', () => {
    fc.assert(
      fc.property(target, (slo) => {
        expect(budgetConsumed(slo / 100, slo)).toBeCloseTo(1, 6);
      }),
    );
  });
});

describe('budgetBucketOf', () => {
  it.each([
    [0, 'under_25'],
    [0.2499, 'under_25'],
    [0.25, '25_to_50'],
    [0.5, '50_to_75'],
    [0.75, '75_to_100'],
    [0.9999, '75_to_100'],
    [1, 'exhausted'],
    [40, 'exhausted'],
  ] as const)('puts %p in %s', (consumed, bucket) => {
    expect(budgetBucketOf(consumed)).toBe(bucket);
  });

  it('orders buckets as consumption grows', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 10, noNaN: true }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        (a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          expect(BUDGET_BUCKETS.indexOf(budgetBucketOf(low))).toBeLessThanOrEqual(
            BUDGET_BUCKETS.indexOf(budgetBucketOf(high)),
          );
        },
      ),
    );
  });
});

describe('which services count', () => {
  it('counts declared internal services only, null teams as unassigned', () => {
    expect(isDashboardService({ discovered: false, serviceType: 'internal' })).toBe(true);
    expect(isDashboardService({ discovered: true, serviceType: 'internal' })).toBe(false);
    expect(isDashboardService({ discovered: false, serviceType: 'external' })).toBe(false);
    expect(dashboardTeamOf(null)).toBe(UNASSIGNED_TEAM);
    expect(dashboardTeamOf('payments')).toBe('payments');
  });
});

describe('coverage', () => {
  it('keeps ratios in [0, 1] and adds teams and criticalities up to the totals', () => {
    fc.assert(
      fc.property(sources, (data) => {
        const report = coverageReport(coverageCellsOf(data, NOW), NOW);
        const counted = data.services.filter(isDashboardService).length;

        expect(report.totals.services).toBe(counted);
        expect(report.totals.withActiveSlo + report.totals.withoutSlo).toBe(counted);
        for (const figures of [report.totals, ...report.byCriticality, ...report.teams]) {
          expect(inUnitInterval(figures.coverageRatio)).toBe(true);
          expect(figures.coverageRatio === null).toBe(figures.services === 0);
          expect(figures.pendingRecommendation).toBeLessThanOrEqual(figures.services);
        }
        const sum = (
          key: 'services' | 'withActiveSlo' | 'pendingRecommendation',
          of: ReadonlyArray<Record<typeof key, number>>,
        ) => of.reduce((total, figures) => total + figures[key], 0);
        for (const key of ['services', 'withActiveSlo', 'pendingRecommendation'] as const) {
          expect(sum(key, report.teams)).toBe(report.totals[key]);
          expect(sum(key, report.byCriticality)).toBe(report.totals[key]);
          for (const team of report.teams) expect(sum(key, team.byCriticality)).toBe(team[key]);
        }
      }),
    );
  });
});

describe('error-budget health', () => {
  it('puts every judged service in exactly one bucket, overall and per team', () => {
    fc.assert(
      fc.property(sources, fc.integer({ min: 1, max: 100 }), (data, top) => {
        const budgets = budgetConsumptionsOf(data);
        const report = errorBudgetHealthReport(
          budgetCellsOf(budgets),
          mostConsumedOf(budgets, top),
          NOW,
        );
        const judged = data.services.filter(
          (s) =>
            isDashboardService(s) &&
            data.activeSlos.some(
              (slo) => slo.serviceId === s.serviceId && slo.availabilityTarget !== null,
            ) &&
            data.aggregates.some(
              (a) => a.serviceId === s.serviceId && a.sliType === 'availability',
            ),
        ).length;

        const total = (buckets: Readonly<Record<string, number>>) =>
          Object.values(buckets).reduce((sum, n) => sum + n, 0);
        expect(report.totals.services).toBe(judged);
        expect(total(report.totals.buckets)).toBe(judged);
        for (const team of report.teams) expect(total(team.buckets)).toBe(team.services);
        expect(report.teams.reduce((sum, team) => sum + team.services, 0)).toBe(judged);
        expect(report.mostConsumed).toHaveLength(Math.min(top, judged));
        for (let i = 1; i < report.mostConsumed.length; i++) {
          expect(report.mostConsumed[i - 1].budgetConsumed).toBeGreaterThanOrEqual(
            report.mostConsumed[i].budgetConsumed,
          );
        }
        for (const budget of budgets)
          expect(budget.bucket).toBe(budgetBucketOf(budget.budgetConsumed));
      }),
    );
  });
});

describe('recommendation quality', () => {
  it('keeps rates in [0, 1], acceptance at least modification, and adds up', () => {
    fc.assert(
      fc.property(sources, (data) => {
        const report = recommendationQualityReport(qualityCellsOf(data, NOW), NOW);

        for (const figures of [report.totals, ...report.byCriticality, ...report.teams]) {
          expect(inUnitInterval(figures.acceptanceRate)).toBe(true);
          expect(inUnitInterval(figures.modificationRate)).toBe(true);
          expect(figures.acceptanceRate ?? 0).toBeGreaterThanOrEqual(figures.modificationRate ?? 0);
          expect(figures.acceptanceRate === null).toBe(figures.decisions.total === 0);
          for (const breaches of [figures.availabilityBreaches, figures.latencyP99Breaches]) {
            expect(inUnitInterval(breaches.breachRate)).toBe(true);
            expect(breaches.breached).toBeLessThanOrEqual(breaches.evaluated);
          }
        }
        expect(report.teams.reduce((sum, team) => sum + team.decisions.total, 0)).toBe(
          report.totals.decisions.total,
        );
        expect(report.byCriticality.reduce((sum, c) => sum + c.decisions.total, 0)).toBe(
          report.totals.decisions.total,
        );
      }),
    );
  });

  it('counts decisions of the last 90 days only, and no expiry or drift entries', () => {
    const service = {
      serviceId: 's',
      team: 't',
      criticality: 'low',
      serviceType: 'internal',
      discovered: false,
    } as const;
    const at = (daysAgo: number) => new Date(NOW.getTime() - daysAgo * DAY);
    const [cell] = qualityCellsOf(
      {
        services: [service],
        activeSlos: [],
        recommendations: [],
        aggregates: [],
        auditEntries: [
          { serviceId: 's', action: 'accept', timestamp: at(89.9) },
          { serviceId: 's', action: 'reject', timestamp: at(90) },
          { serviceId: 's', action: 'modify', timestamp: at(120) },
          { serviceId: 's', action: 'expire', timestamp: at(1) },
          { serviceId: 's', action: 'drift_triggered', timestamp: at(1) },
          { serviceId: 's', action: 'auto_approve', timestamp: at(0) },
        ],
      },
      NOW,
    );

    expect(cell.decisions).toEqual({ accept: 1, modify: 0, reject: 0, autoApprove: 1 });
  });
});
