import fc from 'fast-check';
import {
  buildAvailabilityModel,
  buildIndexedAvailabilityModel,
  compositeAvailability,
  compositeAvailabilityOf,
  compositeValues,
  type AvailabilityModelInput,
  type DependencyInput,
  type IndexedAvailabilityModelInput,
  type ServiceComposite,
} from './index';
import { codeOf } from './__fixtures__/helpers';
import { referenceComposites } from './__fixtures__/reference-composite';

function composites(
  input: AvailabilityModelInput,
  memoryBudgetBytes?: number,
): Map<string, ServiceComposite> {
  return new Map(compositeAvailability(buildAvailabilityModel(input), { memoryBudgetBytes }));
}

function valueOf(input: AvailabilityModelInput, id: string): number {
  return composites(input).get(id)!.composite;
}

const services = (entries: Record<string, number>): AvailabilityModelInput['services'] =>
  Object.entries(entries).map(([id, availability]) => ({ id, availability }));

describe('compositeAvailability', () => {
  it('multiplies a hard chain', () => {
    const input = {
      services: services({ a: 0.9999, b: 0.999, c: 0.998 }),
      dependencies: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
      ],
    };
    const result = composites(input);
    expect(result.get('a')!.composite).toBeCloseTo(0.9999 * 0.999 * 0.998, 14);
    expect(result.get('b')!.composite).toBeCloseTo(0.999 * 0.998, 14);
    expect(result.get('c')!.composite).toBeCloseTo(0.998, 14);
    expect([...result.keys()]).toEqual(['a', 'b', 'c']);
  });

  it('counts a shared dependency once, where the per-path product counts it twice', () => {
    // Diamond: a → b → d and a → c → d.
    const availability = { a: 0.9999, b: 0.999, c: 0.9995, d: 0.99 };
    const dependencies = [
      { from: 'a', to: 'b' },
      { from: 'a', to: 'c' },
      { from: 'b', to: 'd' },
      { from: 'c', to: 'd' },
    ];
    const perPath = (id: keyof typeof availability): number =>
      availability[id] *
      dependencies
        .filter((e) => e.from === id)
        .reduce((p, e) => p * perPath(e.to as keyof typeof availability), 1);
    const distinct = 0.9999 * 0.999 * 0.9995 * 0.99;
    expect(perPath('a')).toBeCloseTo(distinct * 0.99, 14);
    expect(valueOf({ services: services(availability), dependencies }, 'a')).toBeCloseTo(
      distinct,
      14,
    );
  });

  it('counts every child when some children are reachable through others, in any order', () => {
    // a needs b, c, d and e; b also needs c, and c needs e; d stands alone.
    const availability = { a: 0.9, b: 0.8, c: 0.7, d: 0.6, e: 0.5 };
    const edges = [
      ['a', 'b'],
      ['a', 'c'],
      ['a', 'd'],
      ['a', 'e'],
      ['b', 'c'],
      ['c', 'e'],
    ] as const;
    const permutations = <T>(items: readonly T[]): T[][] =>
      items.length <= 1
        ? [[...items]]
        : items.flatMap((item, i) =>
            permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [
              item,
              ...rest,
            ]),
          );
    for (const order of permutations(Object.keys(availability) as (keyof typeof availability)[])) {
      for (const edgeOrder of [edges, [...edges].reverse()]) {
        const input = {
          services: order.map((id) => ({ id, availability: availability[id] })),
          dependencies: edgeOrder.map(([from, to]) => ({ from, to })),
        };
        expect(valueOf(input, 'a')).toBeCloseTo(0.9 * 0.8 * 0.7 * 0.6 * 0.5, 14);
        expect(valueOf(input, 'b')).toBeCloseTo(0.8 * 0.7 * 0.5, 14);
      }
    }
  });

  it('leaves soft dependencies out and lists the direct ones', () => {
    const input: AvailabilityModelInput = {
      services: services({ a: 0.999, b: 0.99, c: 0.5, d: 0.9 }),
      dependencies: [
        { from: 'a', to: 'b' },
        { from: 'a', to: 'c', kind: 'soft' },
        { from: 'a', to: 'c', kind: 'soft' },
        { from: 'a', to: 'b', kind: 'soft' },
        { from: 'b', to: 'd', kind: 'soft' },
      ],
    };
    const a = composites(input).get('a')!;
    expect(a.composite).toBeCloseTo(0.999 * 0.99, 14);
    // b is also a hard dependency, so it is not "excluded"; duplicates are listed once.
    expect(a.excludedSoftDependencies).toEqual(['c']);
    expect(composites(input).get('b')!.excludedSoftDependencies).toEqual(['d']);
    expect(composites(input).get('d')!.excludedSoftDependencies).toEqual([]);
  });

  it('turns a redundancy group into one parallel factor of the replicas composites', () => {
    const input: AvailabilityModelInput = {
      services: services({ api: 0.9999, primary: 0.99, replica: 0.98, disk: 0.999, dns: 0.9995 }),
      dependencies: [
        { from: 'api', to: 'primary', redundancyGroup: 'db' },
        { from: 'api', to: 'replica', redundancyGroup: 'db' },
        { from: 'api', to: 'replica', redundancyGroup: 'db' },
        { from: 'replica', to: 'disk' },
        { from: 'api', to: 'dns' },
      ],
    };
    const api = composites(input).get('api')!;
    const group = 1 - (1 - 0.99) * (1 - 0.98 * 0.999);
    expect(api.composite).toBeCloseTo(0.9999 * 0.9995 * group, 14);
    expect(api.bottleneck).toEqual({
      kind: 'service',
      serviceId: 'dns',
      availability: 0.9995,
      errorShare: Math.log(0.9995) / Math.log(api.composite),
    });
  });

  it('names a redundancy group as the bottleneck when it is the weakest factor', () => {
    const input: AvailabilityModelInput = {
      services: services({ api: 1, x: 0.9, y: 0.9, z: 0.999 }),
      dependencies: [
        { from: 'api', to: 'x', redundancyGroup: 'pool' },
        { from: 'api', to: 'y', redundancyGroup: 'pool' },
        { from: 'api', to: 'z' },
      ],
    };
    const api = composites(input).get('api')!;
    expect(api.composite).toBeCloseTo(0.99 * 0.999, 14);
    expect(api.bottleneck).toEqual({
      kind: 'redundancy-group',
      serviceId: 'api',
      group: 'pool',
      members: ['x', 'y'],
      availability: expect.closeTo(0.99, 14) as number,
      errorShare: expect.closeTo(Math.log(0.99) / Math.log(0.99 * 0.999), 12) as number,
    });
  });

  it('contracts a cycle to its weakest member and reports the members', () => {
    const input: AvailabilityModelInput = {
      services: services({ gateway: 0.9999, orders: 0.999, billing: 0.998, ledger: 0.9995 }),
      dependencies: [
        { from: 'gateway', to: 'orders' },
        { from: 'orders', to: 'billing' },
        { from: 'billing', to: 'orders' },
        { from: 'billing', to: 'ledger' },
      ],
    };
    const result = composites(input);
    expect(result.get('gateway')!.composite).toBeCloseTo(0.9999 * 0.998 * 0.9995, 14);
    expect(result.get('orders')!.composite).toBeCloseTo(0.998 * 0.9995, 14);
    expect(result.get('billing')!.composite).toBeCloseTo(0.998 * 0.9995, 14);
    expect(result.get('orders')!.cycleMembers).toEqual(['orders', 'billing']);
    expect(result.get('gateway')!.cycleMembers).toEqual([]);
    // orders' weakest factor is billing (inside its cycle); billing's own is not a dependency.
    expect(result.get('orders')!.bottleneck).toMatchObject({
      kind: 'service',
      serviceId: 'billing',
    });
    expect(result.get('billing')!.bottleneck).toMatchObject({
      kind: 'service',
      serviceId: 'ledger',
    });
  });

  it('documents the weakest-link rule: closing a cycle can raise a composite', () => {
    const chain = {
      services: services({ a: 0.9, b: 0.9 }),
      dependencies: [{ from: 'a', to: 'b' }],
    };
    expect(valueOf(chain, 'a')).toBeCloseTo(0.81, 14);
    const cycle = { ...chain, dependencies: [...chain.dependencies, { from: 'b', to: 'a' }] };
    expect(valueOf(cycle, 'a')).toBeCloseTo(0.9, 14);
  });

  it('treats a replica inside the caller own cycle as up whenever the cycle is', () => {
    const input: AvailabilityModelInput = {
      services: services({ a: 0.99, b: 0.98, c: 0.5 }),
      dependencies: [
        { from: 'a', to: 'b', redundancyGroup: 'g' },
        { from: 'a', to: 'c', redundancyGroup: 'g' },
        { from: 'b', to: 'a' },
      ],
    };
    expect(valueOf(input, 'a')).toBeCloseTo(0.98, 14);
    expect(referenceComposites(input).get('a')).toBeCloseTo(0.98, 14);
  });

  it('plans with the adjusted published SLA when no availability was observed', () => {
    const input: AvailabilityModelInput = {
      services: [
        { id: 'checkout', availability: 0.9999 },
        { id: 'payment-api', publishedSla: 0.9999 },
        { id: 'observed-api', availability: 0.9991, publishedSla: 0.99999 },
      ],
      dependencies: [
        { from: 'checkout', to: 'payment-api' },
        { from: 'checkout', to: 'observed-api' },
      ],
    };
    const result = composites(input);
    expect(result.get('payment-api')!.availabilitySource).toBe('published-sla-adjusted');
    expect(result.get('payment-api')!.availability).toBeCloseTo(0.9989001, 15);
    expect(result.get('observed-api')!.availabilitySource).toBe('observed');
    expect(result.get('checkout')!.composite).toBeCloseTo(0.9999 * 0.9989001 * 0.9991, 14);
    expect(result.get('checkout')!.bottleneck).toMatchObject({ serviceId: 'payment-api' });
  });

  it('has no bottleneck without dependencies or when every factor is perfect', () => {
    const result = composites({
      services: services({ a: 0.99, b: 1 }),
      dependencies: [{ from: 'a', to: 'b' }],
    });
    expect(result.get('a')!.bottleneck).toBeNull();
    expect(result.get('b')!.bottleneck).toBeNull();
    expect(result.get('a')!.composite).toBeCloseTo(0.99, 15);
  });

  it('handles zero availabilities', () => {
    const result = composites({
      services: services({ a: 0.9, b: 0 }),
      dependencies: [{ from: 'a', to: 'b' }],
    });
    expect(result.get('a')!.composite).toBe(0);
    expect(result.get('a')!.bottleneck).toMatchObject({ serviceId: 'b', errorShare: 1 });
  });

  it('returns an empty map for an empty graph', () => {
    expect(composites({ services: [], dependencies: [] }).size).toBe(0);
  });

  it('validates the model input', () => {
    expect(
      codeOf(() =>
        buildAvailabilityModel({
          services: services({ a: 0.9 }),
          dependencies: [{ from: 'a', to: 'x' }],
        }),
      ),
    ).toBe('RELIABILITY.UNKNOWN_SERVICE');
    expect(
      codeOf(() =>
        buildAvailabilityModel({
          services: [...services({ a: 0.9 }), { id: 'a', availability: 0.8 }],
          dependencies: [],
        }),
      ),
    ).toBe('RELIABILITY.DUPLICATE_SERVICE');
    expect(
      codeOf(() => buildAvailabilityModel({ services: [{ id: 'a' }], dependencies: [] })),
    ).toBe('RELIABILITY.MISSING_AVAILABILITY');
    expect(
      codeOf(() => buildAvailabilityModel({ services: services({ a: 99.9 }), dependencies: [] })),
    ).toBe('RELIABILITY.INVALID_RATIO');
    const ab = services({ a: 0.9, b: 0.9 });
    const bad: DependencyInput[] = [
      { from: 'a', to: 'b', kind: 'soft', redundancyGroup: 'g' },
      { from: 'a', to: 'b', kind: 'weak' as 'soft' },
      { from: 'a', to: 'b', redundancyGroup: '' },
      { from: 'a', to: 7 as unknown as string },
    ];
    for (const dependency of bad) {
      expect(
        codeOf(() => buildAvailabilityModel({ services: ab, dependencies: [dependency] })),
      ).toBe('RELIABILITY.INVALID_ARGUMENT');
    }
    expect(
      codeOf(() =>
        buildAvailabilityModel({
          services: null,
          dependencies: [],
        } as unknown as AvailabilityModelInput),
      ),
    ).toBe('RELIABILITY.INVALID_ARGUMENT');
    const model = buildAvailabilityModel({ services: ab, dependencies: [] });
    expect(codeOf(() => compositeAvailability(model, { memoryBudgetBytes: 0 }))).toBe(
      'RELIABILITY.INVALID_ARGUMENT',
    );
  });
});

describe('compositeAvailabilityOf', () => {
  it('computes one service over its closure', () => {
    const input: AvailabilityModelInput = {
      services: services({ a: 0.99, b: 0.98, c: 0.97, unrelated: 0.1 }),
      dependencies: [
        { from: 'a', to: 'b' },
        { from: 'b', to: 'c' },
        { from: 'unrelated', to: 'a' },
        { from: 'a', to: 'unrelated', kind: 'soft' },
      ],
    };
    const a = compositeAvailabilityOf(buildAvailabilityModel(input), 'a');
    expect(a).toEqual(composites(input).get('a'));
    expect(a.excludedSoftDependencies).toEqual(['unrelated']);
  });

  it('rejects an unknown service', () => {
    const model = buildAvailabilityModel({ services: services({ a: 0.9 }), dependencies: [] });
    expect(codeOf(() => compositeAvailabilityOf(model, 'zzz'))).toBe('RELIABILITY.UNKNOWN_SERVICE');
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over random graphs (cycles, soft edges and redundancy groups included).

interface RandomGraph {
  readonly input: AvailabilityModelInput;
  readonly n: number;
}

const availabilityArb = fc.oneof(
  fc.double({ min: 0.9, max: 1, noNaN: true }),
  fc.constantFrom(0.99, 0.999, 1),
);

function graphArb(options: {
  maxNodes: number;
  maxEdges: number;
  /** Only edges from a lower to a higher index: no cycles, deep closures, many children. */
  dag?: boolean;
}): fc.Arbitrary<RandomGraph> {
  return fc.integer({ min: 1, max: options.maxNodes }).chain((n) =>
    fc
      .record({
        availabilities: fc.array(availabilityArb, { minLength: n, maxLength: n }),
        edges: fc.array(
          fc.record({
            from: fc.nat(n - 1),
            to: fc.nat(n - 1),
            // 0..1 = hard, 2 = soft, 3..4 = redundancy groups "g3"/"g4".
            flavour: fc.nat(4),
          }),
          { maxLength: options.maxEdges },
        ),
      })
      .map(({ availabilities, edges }) => ({
        n,
        input: {
          services: availabilities.map((availability, i) => ({ id: `s${i}`, availability })),
          dependencies: edges
            .filter(({ from, to }) => !options.dag || from !== to)
            .map(({ from, to, flavour }): DependencyInput => {
              const [caller, callee] = options.dag && from > to ? [to, from] : [from, to];
              return {
                from: `s${caller}`,
                to: `s${callee}`,
                ...(flavour === 2 ? { kind: 'soft' as const } : {}),
                ...(flavour >= 3 ? { redundancyGroup: `g${flavour}` } : {}),
              };
            }),
        },
      })),
  );
}

const smallOrDag = (maxNodes: number, maxEdges: number): fc.Arbitrary<RandomGraph> =>
  fc.oneof(graphArb({ maxNodes, maxEdges }), graphArb({ maxNodes, maxEdges, dag: true }));

const isHard = (d: DependencyInput): boolean => (d.kind ?? 'hard') === 'hard';

/** Nodes reachable from `start` over `edges`, itself included. */
function reachOver(edges: readonly DependencyInput[], start: string): Set<string> {
  const seen = new Set([start]);
  const stack = [start];
  while (stack.length > 0) {
    const u = stack.pop()!;
    for (const e of edges) {
      if (e.from !== u || seen.has(e.to)) continue;
      seen.add(e.to);
      stack.push(e.to);
    }
  }
  return seen;
}

/** Nodes reachable from `from` over plain hard edges, plus the members of its own cycle. */
function serialReach(input: AvailabilityModelInput, from: string): Set<string> {
  const nonSoft = input.dependencies.filter(isHard);
  const result = reachOver(
    nonSoft.filter((d) => d.redundancyGroup === undefined),
    from,
  );
  // Members of from's own cycle (over any non-soft edge) share its supernode.
  for (const v of reachOver(nonSoft, from)) if (reachOver(nonSoft, v).has(from)) result.add(v);
  return result;
}

describe('compositeAvailability properties', () => {
  it('matches the brute-force definition', () => {
    fc.assert(
      fc.property(graphArb({ maxNodes: 9, maxEdges: 18 }), ({ input }) => {
        const expected = referenceComposites(input);
        for (const [id, result] of composites(input)) {
          expect(result.composite).toBeCloseTo(expected.get(id)!, 12);
        }
      }),
      { numRuns: 150 },
    );
    // Denser and larger: several children per component, several bitset words and bytes.
    fc.assert(
      fc.property(smallOrDag(70, 280), ({ input }) => {
        const expected = referenceComposites(input);
        for (const [id, result] of composites(input)) {
          expect(result.composite).toBeCloseTo(expected.get(id)!, 12);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('gives the same numbers in column blocks as in one block, and one service at a time', () => {
    fc.assert(
      fc.property(smallOrDag(90, 300), ({ input }) => {
        const model = buildAvailabilityModel(input);
        const whole = compositeAvailability(model);
        // 64 bytes → blocks of 32 components, so larger graphs cross several blocks.
        const blocked = compositeAvailability(model, { memoryBudgetBytes: 64 });
        for (const [id, result] of whole) {
          expect(blocked.get(id)!.composite).toBeCloseTo(result.composite, 13);
          expect(blocked.get(id)!.bottleneck?.availability ?? -1).toBeCloseTo(
            result.bottleneck?.availability ?? -1,
            14,
          );
        }
        const step = Math.max(1, Math.floor(input.services.length / 8));
        for (let i = 0; i < input.services.length; i += step) {
          const id = input.services[i].id;
          const single = compositeAvailabilityOf(model, id);
          const { composite, bottleneck, ...rest } = whole.get(id)!;
          expect(single.composite).toBeCloseTo(composite, 13);
          expect(single).toMatchObject(rest);
          expect(single.bottleneck).toEqual(
            bottleneck === null
              ? null
              : { ...bottleneck, errorShare: expect.closeTo(bottleneck.errorShare, 10) as number },
          );
        }
      }),
      { numRuns: 60 },
    );
  });

  it('never exceeds the availability of any hard member (own and reachable)', () => {
    fc.assert(
      fc.property(smallOrDag(30, 80), ({ input }) => {
        const own = new Map(input.services.map((s) => [s.id, s.availability!]));
        for (const [id, result] of composites(input)) {
          for (const member of serialReach(input, id)) {
            expect(result.composite).toBeLessThanOrEqual(own.get(member)! * (1 + 1e-12));
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  it('never rises when a hard dependency is added (without closing a cycle)', () => {
    fc.assert(
      fc.property(
        smallOrDag(25, 60),
        fc.nat(),
        fc.nat(),
        fc.boolean(),
        ({ input, n }, i, j, grouped) => {
          const from = `s${i % n}`;
          const to = `s${j % n}`;
          // Adding from → to closes a cycle only if `to` already reaches `from`.
          fc.pre(from === to || !reachOver(input.dependencies.filter(isHard), to).has(from));
          // Joining an existing group adds a replica, which may help; a new group must not.
          fc.pre(
            !grouped ||
              !input.dependencies.some((d) => d.from === from && d.redundancyGroup === 'g3'),
          );
          const added: DependencyInput = grouped
            ? { from, to, redundancyGroup: 'g3' }
            : { from, to };
          const before = composites(input);
          const after = composites({ ...input, dependencies: [...input.dependencies, added] });
          for (const [id, result] of after) {
            expect(result.composite).toBeLessThanOrEqual(before.get(id)!.composite * (1 + 1e-12));
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is unchanged by soft dependencies, cycles through them included', () => {
    fc.assert(
      fc.property(
        graphArb({ maxNodes: 20, maxEdges: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 20 }),
        ({ input, n }, extra) => {
          const soft = extra.map(([i, j]): DependencyInput => ({
            from: `s${i % n}`,
            to: `s${j % n}`,
            kind: 'soft',
          }));
          const before = composites(input);
          const after = composites({ ...input, dependencies: [...input.dependencies, ...soft] });
          for (const [id, result] of after)
            expect(result.composite).toBe(before.get(id)!.composite);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('attributes shares that add up to at most the whole error', () => {
    fc.assert(
      fc.property(graphArb({ maxNodes: 15, maxEdges: 30 }), ({ input }) => {
        for (const result of composites(input).values()) {
          if (result.bottleneck === null) continue;
          expect(result.bottleneck.availability).toBeGreaterThanOrEqual(
            result.composite * (1 - 1e-12),
          );
          if (result.composite > 0) {
            expect(result.bottleneck.errorShare).toBeGreaterThan(0);
            expect(result.bottleneck.errorShare).toBeLessThanOrEqual(1 + 1e-9);
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});

// ---------------------------------------------------------------------------------------------
// The integer-indexed fast path: the same model, so the same composites.

/** A named input as the indexed builder takes it: same services, hard edges in the same order. */
function indexedInputOf(input: AvailabilityModelInput): IndexedAvailabilityModelInput {
  const index = new Map(input.services.map((s, i) => [s.id, i]));
  const hard = input.dependencies.filter(isHard);
  return {
    serviceIds: input.services.map((s) => s.id),
    availability: input.services.map((s) => s.availability!),
    sources: hard.map((d) => index.get(d.from)!),
    targets: hard.map((d) => index.get(d.to)!),
    redundancyGroups: hard.map((d) => d.redundancyGroup ?? null),
  };
}

describe('buildIndexedAvailabilityModel and compositeValues', () => {
  it('build the model buildAvailabilityModel builds, so every composite is identical', () => {
    fc.assert(
      fc.property(
        fc.oneof(graphArb({ maxNodes: 12, maxEdges: 30 }), smallOrDag(70, 280)),
        ({ input }) => {
          const named = buildAvailabilityModel(input);
          const indexed = buildIndexedAvailabilityModel(indexedInputOf(input));

          expect(indexed.serviceIds).toEqual(named.serviceIds);
          expect(indexed.availability).toEqual(named.availability);
          expect(indexed.edgeGroup).toEqual(named.edgeGroup);
          expect(indexed.groups).toEqual(named.groups);
          expect(indexed.groupMemberNodes).toEqual(named.groupMemberNodes);
          const expected = compositeAvailability(named);
          const actual = compositeAvailability(indexed);
          for (const [id, composite] of expected) {
            // Soft edges are not an input of the indexed builder: nothing to list.
            expect(actual.get(id)).toEqual({ ...composite, excludedSoftDependencies: [] });
          }
          const values = compositeValues(indexed);
          indexed.serviceIds.forEach((id, node) => {
            const composite = expected.get(id)!;
            expect(values.composite[node]).toBe(composite.composite);
            const c = values.componentOf[node];
            const members = Array.from(
              values.memberNodes.subarray(values.memberOffsets[c], values.memberOffsets[c + 1]),
              (member) => indexed.serviceIds[member],
            );
            expect(members.length > 1 ? members : []).toEqual(composite.cycleMembers);
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads no redundancy group when none is given', () => {
    const model = buildIndexedAvailabilityModel({
      serviceIds: ['a', 'b', 'c'],
      availability: Float64Array.of(0.999, 0.99, 0.98),
      sources: Int32Array.of(0, 0, 1, 2),
      targets: Int32Array.of(1, 2, 2, 1),
    });
    expect(model.groups).toEqual([]);
    expect(Array.from(compositeValues(model).composite)).toEqual(
      [0.999 * 0.98, 0.98, 0.98].map((value) => expect.closeTo(value, 15) as number),
    );
    expect(compositeAvailability(model).get('b')!.cycleMembers).toEqual(['b', 'c']);
  });

  it('rejects what buildAvailabilityModel rejects, with the same codes', () => {
    const valid: IndexedAvailabilityModelInput = {
      serviceIds: ['a', 'b'],
      availability: [0.99, 0.98],
      sources: [0],
      targets: [1],
    };
    const build = (change: Partial<Record<keyof IndexedAvailabilityModelInput, unknown>>) =>
      codeOf(() =>
        buildIndexedAvailabilityModel({ ...valid, ...change } as IndexedAvailabilityModelInput),
      );
    expect(build({})).toBeUndefined();
    expect(build({ serviceIds: ['a', 'a'] })).toBe('RELIABILITY.DUPLICATE_SERVICE');
    expect(build({ serviceIds: ['a', 7] })).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(build({ serviceIds: 'ab' })).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(build({ availability: [0.99, 99] })).toBe('RELIABILITY.INVALID_RATIO');
    expect(build({ availability: [0.99, Number.NaN] })).toBe('RELIABILITY.INVALID_RATIO');
    expect(build({ availability: [0.99] })).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(build({ sources: [0, 1] })).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(build({ targets: [2] })).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(build({ sources: [-1] })).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(build({ sources: [0.5] })).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(build({ sources: undefined })).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(build({ redundancyGroups: [''] })).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(build({ redundancyGroups: [3] })).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(build({ redundancyGroups: [] })).toBe('RELIABILITY.INVALID_ARGUMENT');
    expect(build({ redundancyGroups: [null] })).toBeUndefined();
    expect(
      (() => {
        try {
          buildIndexedAvailabilityModel({ ...valid, serviceIds: ['a', 'a'] });
        } catch (error) {
          return (error as Error).message;
        }
        return '';
      })(),
    ).toBe(
      '@slo-engine/reliability: service "a" is declared twice (serviceIds[0] and serviceIds[1])',
    );
  });
});
