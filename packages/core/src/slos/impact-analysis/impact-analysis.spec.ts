import { buildAvailabilityModel, compositeAvailability } from '@slo-engine/reliability';
import fc from 'fast-check';
import { GraphSnapshot } from '../../graph/graph-snapshot/graph-snapshot';
import { type EffectiveEdge } from '../../graph/graph.ports';
import { type EdgeCriticality, type ServiceNode } from '../../graph/graph.types';
import { analyseComposite, dependencyClosure } from '../../recommendations/dependency-analysis';
import { DomainError, DomainErrorCodes } from '../../shared/domain-error';
import { analyseImpact, type ImpactAnalysis, type ImpactAnalysisInput } from './impact-analysis';

const AT = new Date('2026-02-14T10:00:00.000Z');

type NodeSpec = string | { id: string; external?: boolean; publishedSla?: number };
type EdgeSpec = readonly [string, string, EdgeCriticality?, string?];

function snapshotOf(nodes: readonly NodeSpec[], edges: readonly EdgeSpec[]): GraphSnapshot {
  const services: ServiceNode[] = nodes.map((spec) => {
    const node = typeof spec === 'string' ? { id: spec } : spec;
    return {
      serviceId: node.id,
      metadata: node.publishedSla !== undefined ? { publishedSla: node.publishedSla } : {},
      team: null,
      criticality: 'medium',
      serviceType: node.external === true ? 'external' : 'internal',
      discovered: false,
      createdAt: AT,
      updatedAt: AT,
    };
  });
  const effective: EffectiveEdge[] = edges.map(([source, target, criticality, group]) => ({
    source,
    target,
    communicationMode: 'sync',
    criticality: criticality ?? 'hard',
    protocol: null,
    timeoutMs: null,
    retryConfig: null,
    redundancyGroup: group ?? null,
    discoverySources: ['manual'],
    confidenceScore: 1,
    lastObservedAt: AT,
  }));
  return new GraphSnapshot({ version: 7, services, edges: effective });
}

function analyse(
  snapshot: GraphSnapshot,
  serviceId: string,
  proposedAvailability: number,
  availability: Readonly<Record<string, number>>,
  slos: Readonly<Record<string, number>> = {},
  extra: Partial<ImpactAnalysisInput> = {},
): ImpactAnalysis {
  return analyseImpact({
    snapshot,
    serviceId,
    proposedAvailability,
    availabilityOf: (id) => availability[id],
    activeSloTargetOf: (id) => slos[id],
    ...extra,
  });
}

const row = (analysis: ImpactAnalysis, id: string) =>
  analysis.impactedServices.find((service) => service.serviceId === id)!;

describe('analyseImpact', () => {
  // web → api → payment, all hard.
  const chain = snapshotOf(
    ['web', 'api', 'payment'],
    [
      ['web', 'api'],
      ['api', 'payment'],
    ],
  );
  const chainAvailability = { web: 0.9995, api: 0.999, payment: 0.999 };

  it('projects a serial chain: direct and transitive callers, SLO comparison, sort and summary', () => {
    const analysis = analyse(chain, 'payment', 0.995, chainAvailability, { api: 0.998 });

    expect(analysis.impactedServices.map((s) => [s.serviceId, s.relationship, s.distance])).toEqual(
      [
        ['api', 'upstream', 1],
        ['web', 'upstream (transitive)', 2],
      ],
    );
    const api = row(analysis, 'api');
    expect(api.currentCompositeAvailability).toBeCloseTo(99.9 * 0.999, 10);
    expect(api.projectedCompositeAvailability).toBeCloseTo(99.9 * 0.995, 10);
    expect(api.delta).toBeCloseTo(-0.3996, 10);
    expect(api.currentSloTarget).toBeCloseTo(99.8, 10);
    expect(api.sloAtRisk).toBe(true);
    expect(api.riskDetail).toBe('projected 99.40% < target 99.8%');
    expect(api.cycleNote).toBeNull();

    const web = row(analysis, 'web');
    expect(web.currentCompositeAvailability).toBeCloseTo(99.95 * 0.999 * 0.999, 10);
    expect(web.projectedCompositeAvailability).toBeCloseTo(99.95 * 0.999 * 0.995, 10);
    expect(web.currentSloTarget).toBeNull();
    expect(web.sloAtRisk).toBeNull();
    expect(web.riskDetail).toBe('no active SLO');

    expect(analysis.currentAvailability).toBeCloseTo(99.9, 10);
    expect(analysis.proposedAvailability).toBeCloseTo(99.5, 10);
    expect(analysis.graphVersion).toBe(7);
    expect(analysis.summary).toEqual({
      totalImpacted: 2,
      slosAtRisk: 1,
      recommendation:
        'Reducing payment to 99.5% puts 1 upstream service at risk of SLO breach. 1 impacted service without an active SLO could not be checked.',
    });
    expect(analysis.notes).toEqual([]);
    expect(analysis.cycleNote).toBeNull();
  });

  it('keeps every risk detail short and ASCII', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.9, max: 1, noNaN: true }),
        fc.option(fc.double({ min: 0.9, max: 0.99999, noNaN: true }), { nil: undefined }),
        (proposed, target) => {
          const analysis = analyse(chain, 'payment', proposed, chainAvailability, { web: target! });
          for (const service of analysis.impactedServices) {
            expect(service.riskDetail).toMatch(/^[\x20-\x7e]{1,60}$/);
          }
        },
      ),
    );
  });

  it('says when a target stays met, is already missed, or nothing is at risk', () => {
    const analysis = analyse(chain, 'payment', 0.9985, chainAvailability, {
      api: 0.99,
      web: 0.9999,
    });
    expect(row(analysis, 'api').sloAtRisk).toBe(false);
    expect(row(analysis, 'api').riskDetail).toBe('projected 99.75% >= target 99%');
    expect(row(analysis, 'web').sloAtRisk).toBe(true);
    expect(row(analysis, 'web').riskDetail).toBe(
      'projected 99.70% < target 99.99% (already below)',
    );

    const raise = analyse(chain, 'payment', 0.9999, chainAvailability, { api: 0.99, web: 0.99 });
    expect(raise.summary.recommendation).toBe(
      'Raising payment to 99.99% puts no upstream service at risk of SLO breach.',
    );
    expect(raise.impactedServices.every((s) => s.delta > 0)).toBe(true);
    // Sorted by magnitude: the larger gain first.
    expect(raise.impactedServices.map((s) => s.serviceId)).toEqual(['api', 'web']);

    const top = analyse(chain, 'web', 0.99, chainAvailability);
    expect(top.impactedServices).toEqual([]);
    expect(top.summary.recommendation).toBe(
      'Reducing web to 99% affects no upstream service: none depends on it over hard dependencies.',
    );
  });

  it('answers a service nobody calls over hard edges from the traversal alone', () => {
    // ui -soft-> web → api; web calls api, nobody calls web over a hard edge.
    const snapshot = snapshotOf(
      ['ui', 'web', 'api'],
      [
        ['ui', 'web', 'soft'],
        ['web', 'api'],
        ['web', 'web'],
      ],
    );
    const analysis = analyse(snapshot, 'web', 0.99, { web: 0.9995, api: 0.999 });

    expect(analysis).toMatchObject({
      currentAvailability: 99.95,
      proposedAvailability: 99,
      cycleMembers: [],
      impactedServices: [],
      softOnlyDependents: ['ui'],
      summary: {
        totalImpacted: 0,
        slosAtRisk: 0,
        recommendation:
          'Reducing web to 99% affects no upstream service: none depends on it over hard dependencies.',
      },
    });
    expect(analysis.notes).toEqual([
      '1 service (ui) reaches web only through soft or degraded dependencies; composite availability leaves soft dependencies out, so the change does not propagate to it.',
    ]);
  });

  it('prints enough decimals that a composite below its target never reads as the target', () => {
    const analysis = analyse(
      chain,
      'payment',
      0.99899,
      { web: 1, api: 1, payment: 1 },
      { api: 0.999 },
    );
    expect(row(analysis, 'api').riskDetail).toBe('projected 99.899% < target 99.9%');
  });

  it('folds a redundancy group into one parallel factor', () => {
    // api → db-a | db-b (group "db"); api → cache.
    const snapshot = snapshotOf(
      ['api', 'db-a', 'db-b', 'cache'],
      [
        ['api', 'db-a', 'hard', 'db'],
        ['api', 'db-b', 'hard', 'db'],
        ['api', 'cache'],
      ],
    );
    const availability = { api: 0.999, 'db-a': 0.99, 'db-b': 0.99, cache: 0.9995 };
    const analysis = analyse(snapshot, 'db-a', 0.9, availability);

    const api = row(analysis, 'api');
    expect(api.relationship).toBe('upstream');
    expect(api.currentCompositeAvailability / 100).toBeCloseTo(
      0.999 * 0.9995 * (1 - 0.01 * 0.01),
      12,
    );
    expect(api.projectedCompositeAvailability / 100).toBeCloseTo(
      0.999 * 0.9995 * (1 - 0.1 * 0.01),
      12,
    );
    expect(analysis.impactedServices).toHaveLength(1);
  });

  it('does not propagate through soft or degraded edges, and says so', () => {
    // batch -soft-> api, report -degraded-> api, ui → batch (hard), web → api (hard).
    const snapshot = snapshotOf(
      ['web', 'api', 'batch', 'report', 'ui'],
      [
        ['web', 'api'],
        ['batch', 'api', 'soft'],
        ['report', 'api', 'degraded'],
        ['ui', 'batch'],
      ],
    );
    const analysis = analyse(snapshot, 'api', 0.99, {});

    expect(analysis.impactedServices.map((s) => s.serviceId)).toEqual(['web']);
    expect(analysis.softOnlyDependents).toEqual(['batch', 'report', 'ui']);
    expect(analysis.notes).toEqual([
      '3 services (batch, report, ui) reach api only through soft or degraded dependencies; composite availability leaves soft dependencies out, so the change does not propagate to them.',
    ]);
    // Nothing observed: planned at the archetype baseline (backend service 99.9%).
    expect(analysis.currentAvailability).toBeCloseTo(99.9, 10);
  });

  describe('circular dependencies', () => {
    // web → auth ⇄ users → db
    const snapshot = snapshotOf(
      ['web', 'auth', 'users', 'db'],
      [
        ['web', 'auth'],
        ['auth', 'users'],
        ['users', 'auth'],
        ['users', 'db'],
      ],
    );
    const availability = { web: 0.9995, auth: 0.998, users: 0.999, db: 0.9999 };

    it('keeps the supernode at its weakest member: a non-weakest change changes nothing', () => {
      const analysis = analyse(snapshot, 'users', 0.9985, availability, { web: 0.99 });

      expect(analysis.cycleMembers).toEqual(['auth', 'users']);
      expect(analysis.impactedServices.map((s) => [s.serviceId, s.relationship, s.delta])).toEqual([
        ['auth', 'upstream', 0],
        ['web', 'upstream (transitive)', 0],
      ]);
      const note =
        "users is in a circular dependency group (auth, users) counted as one supernode at its weakest member: 99.80% (auth) either way: changing users does not change the supernode's availability, so no composite through it changes.";
      // Once for the answer, not on every row: each row reaches the changed service's supernode.
      expect(analysis.cycleNote).toBe(note);
      expect(analysis.impactedServices.map((s) => s.cycleNote)).toEqual([null, null]);
      expect(analysis.notes).toEqual([note]);
    });

    it('moves the supernode when the changed member becomes the weakest', () => {
      const analysis = analyse(snapshot, 'users', 0.99, availability);
      const web = row(analysis, 'web');
      expect(web.currentCompositeAvailability / 100).toBeCloseTo(0.9995 * 0.998 * 0.9999, 12);
      expect(web.projectedCompositeAvailability / 100).toBeCloseTo(0.9995 * 0.99 * 0.9999, 12);
      expect(analysis.cycleNote).toContain('99.80% (auth) -> 99.00% (users)');
      expect(web.cycleNote).toBeNull();
    });

    it('notes an upstream service that is itself in a cycle', () => {
      const analysis = analyse(snapshot, 'db', 0.99, availability);
      expect(analysis.cycleMembers).toEqual([]);
      expect(analysis.cycleNote).toBeNull();
      expect(row(analysis, 'users').cycleNote).toBe(
        'users is in a circular dependency group (auth, users) counted as one supernode at its weakest member.',
      );
      expect(row(analysis, 'web').cycleNote).toBeNull();
    });

    it("notes a row whose own circular group is not the changed service's, besides the answer's note", () => {
      // web ⇄ gateway → auth ⇄ users
      const twoCycles = snapshotOf(
        ['web', 'gateway', 'auth', 'users'],
        [
          ['web', 'gateway'],
          ['gateway', 'web'],
          ['gateway', 'auth'],
          ['auth', 'users'],
          ['users', 'auth'],
        ],
      );
      const analysis = analyse(twoCycles, 'users', 0.99, availability);

      expect(analysis.cycleNote).toMatch(
        /^users is in a circular dependency group \(auth, users\)/,
      );
      expect(analysis.impactedServices.map((s) => [s.serviceId, s.cycleNote])).toEqual([
        ['auth', null],
        [
          'gateway',
          'gateway is in a circular dependency group (gateway, web) counted as one supernode at its weakest member.',
        ],
        [
          'web',
          'web is in a circular dependency group (gateway, web) counted as one supernode at its weakest member.',
        ],
      ]);
    });
  });

  it('traces a changed external dependency through the internal services, planned from its SLA', () => {
    // web → checkout → stripe (external, published 99.99%); stripe → hook (an external caller).
    const snapshot = snapshotOf(
      [
        'web',
        'checkout',
        { id: 'stripe', external: true, publishedSla: 0.9999 },
        { id: 'partner', external: true },
      ],
      [
        ['web', 'checkout'],
        ['checkout', 'stripe'],
        ['partner', 'checkout'],
      ],
    );
    const analysis = analyse(snapshot, 'stripe', 0.999, { web: 1, checkout: 1 }, { web: 0.9995 });

    expect(analysis.currentAvailability).toBeCloseTo(99.99 * 0.999, 10);
    expect(analysis.impactedServices.map((s) => s.serviceId)).toEqual(['checkout', 'web']);
    expect(row(analysis, 'web').sloAtRisk).toBe(true);
    expect(row(analysis, 'web').projectedCompositeAvailability).toBeCloseTo(99.9, 10);
    expect(analysis.notes).toEqual([
      '1 external service upstream (partner) is not listed: no SLO of ours applies to it.',
    ]);
  });

  it('takes an explicit current availability over the planned one', () => {
    const analysis = analyse(
      chain,
      'payment',
      0.995,
      chainAvailability,
      {},
      { currentAvailability: 0.9999 },
    );
    expect(analysis.currentAvailability).toBeCloseTo(99.99, 10);
    expect(row(analysis, 'api').currentCompositeAvailability).toBeCloseTo(99.9 * 0.9999, 10);
  });

  it('rejects an unknown service and availabilities that are not ratios', () => {
    const error = (run: () => unknown): DomainError => {
      try {
        run();
      } catch (thrown) {
        return thrown as DomainError;
      }
      throw new Error('expected a DomainError');
    };
    const unknown = error(() => analyse(chain, 'nope', 0.99, {}));
    expect(unknown).toBeInstanceOf(DomainError);
    expect(unknown.code).toBe(DomainErrorCodes.SERVICE_NOT_FOUND);

    for (const bad of [99.5, -0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const invalid = error(() => analyse(chain, 'payment', bad, {}));
      expect(invalid.code).toBe(DomainErrorCodes.INVALID_INPUT);
      expect(invalid.details.fieldErrors?.map((f) => f.field)).toEqual([
        'proposed_change.proposed_target',
      ]);
    }
    const current = error(() =>
      analyse(chain, 'payment', 0.99, {}, {}, { currentAvailability: 99.9 }),
    );
    expect(current.details.fieldErrors?.map((f) => f.field)).toEqual([
      'proposed_change.current_target',
    ]);
  });

  describe('properties', () => {
    const N = 7;
    const ids = Array.from({ length: N }, (_, i) => `s${i}`);
    const arbitraryCase = fc.record({
      edges: fc.uniqueArray(
        fc.record({
          from: fc.integer({ min: 0, max: N - 1 }),
          to: fc.integer({ min: 0, max: N - 1 }),
          criticality: fc.constantFrom<EdgeCriticality>('hard', 'hard', 'soft', 'degraded'),
          group: fc.constantFrom<string | undefined>(undefined, undefined, 'g', 'h'),
        }),
        { selector: (edge) => `${edge.from}>${edge.to}`, maxLength: 16 },
      ),
      availability: fc.array(fc.double({ min: 0.9, max: 1, noNaN: true }), {
        minLength: N,
        maxLength: N,
      }),
      external: fc.array(fc.boolean(), { minLength: N, maxLength: N }),
      changed: fc.integer({ min: 0, max: N - 1 }),
      low: fc.double({ min: 0, max: 1, noNaN: true }),
      high: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    type Case = typeof arbitraryCase extends fc.Arbitrary<infer T> ? T : never;
    const build = (c: Case) => {
      const edges = c.edges
        .filter((edge) => edge.from !== edge.to)
        .map(
          (edge) =>
            [
              ids[edge.from],
              ids[edge.to],
              edge.criticality,
              edge.criticality === 'hard' ? edge.group : undefined,
            ] as const,
        );
      const snapshot = snapshotOf(
        ids.map((id, i) => ({ id, external: c.external[i] })),
        edges,
      );
      const availability = Object.fromEntries(ids.map((id, i) => [id, c.availability[i]]));
      return { snapshot, edges, availability };
    };
    /** Services that reach `target` over hard edges only (naive fixpoint). */
    const hardUpstream = (edges: readonly EdgeSpec[], target: string): Set<string> => {
      const reach = new Set([target]);
      for (let changed = true; changed;) {
        changed = false;
        for (const [from, to, criticality] of edges) {
          if (criticality === 'hard' && reach.has(to) && !reach.has(from)) {
            reach.add(from);
            changed = true;
          }
        }
      }
      reach.delete(target);
      return reach;
    };

    it('lists exactly the internal hard upstream; delta = projected − current; lowering never raises', () => {
      fc.assert(
        fc.property(arbitraryCase, (c) => {
          const { snapshot, edges, availability } = build(c);
          const changed = ids[c.changed];
          const [lo, hi] = c.low <= c.high ? [c.low, c.high] : [c.high, c.low];
          const lower = analyse(snapshot, changed, lo, availability);
          const higher = analyse(snapshot, changed, hi, availability);

          const expected = [...hardUpstream(edges, changed)].filter(
            (id) => !c.external[ids.indexOf(id)],
          );
          expect(lower.impactedServices.map((s) => s.serviceId).sort()).toEqual(expected.sort());
          for (const service of lower.impactedServices) {
            expect(service.delta).toBe(
              service.projectedCompositeAvailability - service.currentCompositeAvailability,
            );
            expect(service.projectedCompositeAvailability).toBeLessThanOrEqual(
              row(higher, service.serviceId).projectedCompositeAvailability,
            );
          }
          const magnitudes = lower.impactedServices.map((s) => Math.abs(s.delta));
          expect(magnitudes).toEqual([...magnitudes].sort((a, b) => b - a));
        }),
        { numRuns: 300 },
      );
    });

    it('equals the composites of the model buildAvailabilityModel makes of the whole graph by name', () => {
      fc.assert(
        fc.property(arbitraryCase, (c) => {
          const { snapshot, edges, availability } = build(c);
          const changed = ids[c.changed];
          const analysis = analyse(snapshot, changed, c.low, availability);
          // The definition the fast path replaces: every service, every hard edge, looked up by id.
          const compositesWith = (changedAvailability: number) =>
            compositeAvailability(
              buildAvailabilityModel({
                services: ids.map((id) => ({
                  id,
                  availability: id === changed ? changedAvailability : availability[id],
                })),
                dependencies: edges
                  .filter(([, , criticality]) => criticality === 'hard')
                  .map(([from, to, , group]) =>
                    group === undefined ? { from, to } : { from, to, redundancyGroup: group },
                  ),
              }),
            );
          const before = compositesWith(availability[changed]);
          const after = compositesWith(c.low);

          const changedCycle = before.get(changed)!.cycleMembers;
          expect(analysis.cycleMembers).toEqual([...changedCycle].sort());
          expect(analysis.cycleNote !== null).toBe(changedCycle.length > 1);
          for (const service of analysis.impactedServices) {
            const expected = before.get(service.serviceId)!;
            expect(service.currentCompositeAvailability / 100).toBeCloseTo(expected.composite, 12);
            expect(service.projectedCompositeAvailability / 100).toBeCloseTo(
              after.get(service.serviceId)!.composite,
              12,
            );
            const ownCycle = expected.cycleMembers;
            expect(service.cycleNote !== null).toBe(
              ownCycle.length > 1 && !ownCycle.includes(changed),
            );
          }
        }),
        { numRuns: 400 },
      );
    });

    it('agrees with the FR-3 per-service composite of dependency-analysis', () => {
      fc.assert(
        fc.property(arbitraryCase, (c) => {
          const { snapshot, availability } = build(c);
          const changed = ids[c.changed];
          const analysis = analyse(snapshot, changed, c.low, availability);
          const observed = new Map(Object.entries(availability));
          for (const service of analysis.impactedServices) {
            const closure = dependencyClosure(snapshot, service.serviceId);
            const self = availability[service.serviceId];
            const before = analyseComposite(closure, self, observed).composite;
            const after = analyseComposite(
              closure,
              self,
              observed,
              new Map([[changed, c.low]]),
            ).composite;
            expect(service.currentCompositeAvailability / 100).toBeCloseTo(before, 12);
            expect(service.projectedCompositeAvailability / 100).toBeCloseTo(after, 12);
          }
        }),
        { numRuns: 200 },
      );
    });
  });
});
