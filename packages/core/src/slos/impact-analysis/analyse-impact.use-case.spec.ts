import fc from 'fast-check';
import { GraphSnapshotCache } from '../../graph/graph-snapshot/graph-snapshot-cache';
import {
  graphSubmission,
  type EdgeSpec,
  type NodeSpec,
} from '../../graph/testing/graph-submission.builder';
import { InMemoryGraphStores } from '../../graph/testing/in-memory-graph-stores';
import { type SliAggregate } from '../../recommendations/recommendation.ports';
import { InMemorySliAggregateRepository } from '../../recommendations/testing/in-memory-recommendation-stores';
import { DomainError, DomainErrorCodes } from '../../shared/domain-error';
import { AnalyseImpactUseCase, type AnalyseImpactInput } from './analyse-impact.use-case';
import { analyseImpact } from './impact-analysis';

const AT = new Date('2026-02-14T10:00:00.000Z');

// AC-004: api-gateway → checkout-service → payment-service (hard), fraud-service ↔ payment-service
// (a cycle), reporting → payment-service (soft), mobile-bff → api-gateway.
const NODES: NodeSpec[] = [
  'api-gateway',
  'checkout-service',
  'payment-service',
  'fraud-service',
  'reporting',
  'mobile-bff',
];
const EDGES: EdgeSpec[] = [
  ['api-gateway', 'checkout-service'],
  ['checkout-service', 'payment-service'],
  ['payment-service', 'fraud-service'],
  ['fraud-service', 'payment-service'],
  ['reporting', 'payment-service', { criticality: 'soft' }],
  ['mobile-bff', 'api-gateway'],
];
const OBSERVED: Readonly<Record<string, number>> = {
  'api-gateway': 0.9995,
  'checkout-service': 0.9993,
  'payment-service': 0.999,
  'fraud-service': 0.9996,
};

function aggregate(serviceId: string, window: SliAggregate['window'], value: number, hours = 0) {
  return {
    serviceId,
    sliType: 'availability' as const,
    window,
    value,
    sampleCount: 10_000,
    computedAt: new Date(AT.getTime() + hours * 3_600_000),
  };
}

/** Counts the bulk reads, so tests see one read per port whatever the graph's size. */
class CountingActiveSlos {
  calls = 0;
  constructor(private readonly targets: ReadonlyMap<string, number>) {}
  async availabilityTargets(): Promise<ReadonlyMap<string, number>> {
    this.calls += 1;
    await Promise.resolve();
    return this.targets;
  }
}

async function setUp(
  targets: Readonly<Record<string, number>> = {
    'checkout-service': 99.9,
    'api-gateway': 99,
  },
  nodes: readonly NodeSpec[] = NODES,
  edges: readonly EdgeSpec[] = EDGES,
) {
  const stores = new InMemoryGraphStores();
  await stores.graph.applySubmission(graphSubmission('manual', { nodes, edges }), {
    now: AT,
    stalenessWindowMs: 30 * 86_400_000,
  });
  const ids = new Set(nodes.map((node) => (typeof node === 'string' ? node : node[0])));
  const aggregates = new InMemorySliAggregateRepository(ids);
  await aggregates.upsert([
    ...Object.entries(OBSERVED).map(([id, value]) => aggregate(id, '28d', value)),
    // Older 28-day rows and other windows must not be read.
    aggregate('checkout-service', '28d', 0.5, -24),
    aggregate('checkout-service', '1h', 0.2, 1),
  ]);
  const latestValues = jest.spyOn(aggregates, 'latestValues');
  const activeSlos = new CountingActiveSlos(new Map(Object.entries(targets)));
  const snapshots = new GraphSnapshotCache(stores.graph);
  let n = 0;
  const useCase = new AnalyseImpactUseCase(
    snapshots,
    activeSlos,
    aggregates,
    () => `analysis-${++n}`,
  );
  return { useCase, snapshots, activeSlos, latestValues, targets };
}

const request = (
  proposedTarget: number,
  extra: Partial<AnalyseImpactInput['proposedChange']> = {},
  serviceId = 'payment-service',
): AnalyseImpactInput => ({
  serviceId,
  proposedChange: { sliType: 'availability', proposedTarget, ...extra },
});

async function invalid(promise: Promise<unknown>): Promise<DomainError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('AnalyseImpactUseCase', () => {
  it('analyses the proposed target with the stored SLOs and the newest 28-day availability', async () => {
    const { useCase, snapshots, targets } = await setUp();

    const report = await useCase.execute(request(99.5, { currentTarget: 99.9 }));

    const expected = analyseImpact({
      snapshot: await snapshots.get(),
      serviceId: 'payment-service',
      proposedAvailability: 0.995,
      currentAvailability: 0.999,
      availabilityOf: (id) => OBSERVED[id],
      activeSloTargetOf: (id) => (targets[id] === undefined ? undefined : targets[id] / 100),
    });
    expect(report).toEqual({
      ...expected,
      analysisId: 'analysis-1',
      proposedChange: { sliType: 'availability', currentTarget: 99.9, proposedTarget: 99.5 },
    });
    expect(report.impactedServices.map((s) => [s.serviceId, s.relationship, s.sloAtRisk])).toEqual([
      ['fraud-service', 'upstream', null],
      ['checkout-service', 'upstream', true],
      ['api-gateway', 'upstream (transitive)', false],
      ['mobile-bff', 'upstream (transitive)', null],
    ]);
    const checkout = report.impactedServices.find((s) => s.serviceId === 'checkout-service')!;
    expect(checkout.currentSloTarget).toBe(99.9);
    expect(checkout.projectedCompositeAvailability).toBeLessThan(99.9);
    expect(checkout.cycleNote).toBeNull();
    expect(report.cycleNote).toMatch(
      /^payment-service is in a circular dependency group \(fraud-service, payment-service\)/,
    );
    expect(report.softOnlyDependents).toEqual(['reporting']);
    expect(report.summary).toMatchObject({ totalImpacted: 4, slosAtRisk: 1 });
    expect(report.summary.recommendation).toMatch(
      /^Reducing payment-service to 99\.5% puts 1 upstream service at risk of SLO breach\./,
    );
  });

  it('reads each source once, however many services are upstream', async () => {
    const nodes = Array.from({ length: 300 }, (_, i) => `caller-${i}`);
    const { useCase, activeSlos, latestValues } = await setUp(
      Object.fromEntries(nodes.map((id) => [id, 99])),
      [...nodes, 'payment-service'],
      nodes.map((id): EdgeSpec => [id, 'payment-service']),
    );

    const report = await useCase.execute(request(99));

    expect(report.summary.totalImpacted).toBe(300);
    expect(activeSlos.calls).toBe(1);
    expect(latestValues.mock.calls).toEqual([['availability', '28d']]);
  });

  it('reads no SLO for a service nobody calls, and no aggregate when the current target is given', async () => {
    const { useCase, activeSlos, latestValues } = await setUp();

    const given = await useCase.execute(request(99, { currentTarget: 99.95 }, 'mobile-bff'));
    expect(given).toMatchObject({ currentAvailability: 99.95, impactedServices: [] });
    expect(activeSlos.calls).toBe(0);
    expect(latestValues).not.toHaveBeenCalled();

    const observed = await useCase.execute(request(99, {}, 'api-gateway'));
    expect(observed.currentAvailability).toBeCloseTo(99.95, 10);
    expect(observed.impactedServices.map((s) => s.serviceId)).toEqual(['mobile-bff']);
    expect(activeSlos.calls).toBe(1);
    expect(latestValues.mock.calls).toEqual([['availability', '28d']]);
  });

  it('assumes the observed availability as the current one when current_target is left out', async () => {
    const { useCase } = await setUp();

    const report = await useCase.execute(request(99.5));

    expect(report.currentAvailability).toBeCloseTo(99.9, 10);
    expect(report.proposedChange.currentTarget).toBe(report.currentAvailability);
  });

  it('plans unobserved services with the fallback (published SLA less 0.1%, else the baseline)', async () => {
    const { useCase, snapshots } = await setUp();
    const withoutCheckout = await useCase.execute(request(99.5, {}, 'checkout-service'));

    const expected = analyseImpact({
      snapshot: await snapshots.get(),
      serviceId: 'checkout-service',
      proposedAvailability: 0.995,
      availabilityOf: (id) => OBSERVED[id],
      activeSloTargetOf: () => undefined,
    });
    expect(withoutCheckout.impactedServices.map((s) => s.projectedCompositeAvailability)).toEqual(
      expected.impactedServices.map((s) => s.projectedCompositeAvailability),
    );
  });

  it('answers 404 for an unknown service without reading SLOs or aggregates', async () => {
    const { useCase, activeSlos, latestValues } = await setUp();

    const error = await invalid(useCase.execute(request(99.5, {}, 'no-such-service')));

    expect(error.code).toBe(DomainErrorCodes.SERVICE_NOT_FOUND);
    expect(activeSlos.calls).toBe(0);
    expect(latestValues).not.toHaveBeenCalled();
  });

  it('refuses latency changes, naming the field and why', async () => {
    const { useCase, activeSlos } = await setUp();

    const error = await invalid(useCase.execute(request(99.5, { sliType: 'latency' })));

    expect(error.code).toBe(DomainErrorCodes.INVALID_INPUT);
    expect(error.details.fieldErrors).toEqual([
      {
        field: 'proposed_change.sli_type',
        message: expect.stringMatching(
          /must be "availability": latency targets do not compose/,
        ) as unknown,
      },
    ]);
    expect(activeSlos.calls).toBe(0);
  });

  it('lists every invalid field at once', async () => {
    const { useCase } = await setUp();

    const error = await invalid(
      useCase.execute({
        serviceId: '',
        proposedChange: { sliType: 'throughput', proposedTarget: 100, currentTarget: 0 },
      }),
    );

    expect(error.details.fieldErrors?.map((e) => e.field)).toEqual([
      'service_id',
      'proposed_change.sli_type',
      'proposed_change.proposed_target',
      'proposed_change.current_target',
    ]);
    const missing = await invalid(
      useCase.execute({ serviceId: 'payment-service' } as unknown as AnalyseImpactInput),
    );
    expect(missing.details.fieldErrors?.map((e) => e.field)).toEqual(['proposed_change']);
  });

  it.each([0, 100, -1, 150, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses the percentage %p for both targets',
    async (value) => {
      const { useCase } = await setUp();
      const error = await invalid(useCase.execute(request(value, { currentTarget: value })));
      expect(error.details.fieldErrors?.map((e) => e.field)).toEqual([
        'proposed_change.proposed_target',
        'proposed_change.current_target',
      ]);
    },
  );

  it('a lower proposed target never raises a projected composite or clears a risk', async () => {
    const { useCase } = await setUp();
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 90, max: 99.999, noNaN: true }),
        fc.double({ min: 90, max: 99.999, noNaN: true }),
        async (a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const [lower, higher] = await Promise.all([
            useCase.execute(request(low, { currentTarget: 99.9 })),
            useCase.execute(request(high, { currentTarget: 99.9 })),
          ]);
          for (const service of higher.impactedServices) {
            const other = lower.impactedServices.find((s) => s.serviceId === service.serviceId)!;
            expect(other.projectedCompositeAvailability).toBeLessThanOrEqual(
              service.projectedCompositeAvailability,
            );
            if (service.sloAtRisk === true) expect(other.sloAtRisk).toBe(true);
          }
          expect(lower.summary.slosAtRisk).toBeGreaterThanOrEqual(higher.summary.slosAtRisk);
        },
      ),
      { numRuns: 50 },
    );
  });
});
