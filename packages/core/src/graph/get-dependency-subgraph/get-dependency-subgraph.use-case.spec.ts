import fc from 'fast-check';
import { DomainError, DomainErrorCodes } from '../../shared/domain-error';
import { GraphSnapshotCache } from '../graph-snapshot/graph-snapshot-cache';
import { type EdgeSpec, graphSubmission } from '../testing/graph-submission.builder';
import { InMemoryGraphStores } from '../testing/in-memory-graph-stores';
import { GetDependencySubgraphUseCase } from './get-dependency-subgraph.use-case';
import { type DependencySubgraph } from './get-dependency-subgraph.types';

const OPTIONS = { now: new Date('2026-02-14T10:00:00.000Z'), stalenessWindowMs: 7 * 86_400_000 };

async function useCaseFor(
  edges: readonly EdgeSpec[],
  nodes: Parameters<typeof graphSubmission>[1]['nodes'] = [],
) {
  const stores = new InMemoryGraphStores();
  await stores.graph.applySubmission(graphSubmission('manual', { nodes, edges }), OPTIONS);
  return new GetDependencySubgraphUseCase(new GraphSnapshotCache(stores.graph));
}

// web → api → auth ⇄ users → db; api → pay (external); batch → api
const SHOP: readonly EdgeSpec[] = [
  ['web', 'api', { protocol: 'http' }, 0.8],
  ['api', 'auth'],
  ['auth', 'users'],
  ['users', 'auth'],
  ['users', 'db'],
  ['api', 'pay'],
  ['batch', 'api'],
];
const SHOP_NODES = [['pay', { serviceType: 'external' }] as const];

const ids = (subgraph: DependencySubgraph) => subgraph.nodes.map((node) => node.serviceId);
const pairs = (subgraph: DependencySubgraph) =>
  subgraph.edges.map((edge) => `${edge.source}→${edge.target}`);

describe('GetDependencySubgraphUseCase', () => {
  it('walks downstream to the requested depth with depths, edge annotations and truncation', async () => {
    const useCase = await useCaseFor(SHOP, SHOP_NODES);
    const subgraph = await useCase.execute({ serviceId: 'web', direction: 'downstream', depth: 2 });

    expect(subgraph.root.serviceId).toBe('web');
    expect(subgraph.nodes.map((node) => [node.serviceId, node.depth, node.cycleId])).toEqual([
      ['web', 0, null],
      ['api', 1, null],
      ['auth', 2, 'cycle:auth'],
      ['pay', 2, null],
    ]);
    expect(pairs(subgraph)).toEqual(['web→api', 'api→auth', 'api→pay']);
    expect(subgraph.edges[0]).toMatchObject({
      protocol: 'http',
      confidenceScore: 0.8,
      discoverySources: ['manual'],
      lastObservedAt: OPTIONS.now,
      inCycle: false,
    });
    expect(subgraph.truncated).toBe(true);
    expect(subgraph.cycles).toEqual([
      { cycleId: 'cycle:auth', members: ['auth', 'users'], path: ['auth', 'users', 'auth'] },
    ]);
  });

  it('walks upstream, marks cycle edges and is not truncated when everything was reached', async () => {
    const useCase = await useCaseFor(SHOP, SHOP_NODES);
    const subgraph = await useCase.execute({ serviceId: 'db', direction: 'upstream', depth: 10 });

    expect(new Set(ids(subgraph))).toEqual(new Set(['db', 'users', 'auth', 'api', 'web', 'batch']));
    expect(subgraph.truncated).toBe(false);
    expect(
      subgraph.edges
        .filter((edge) => edge.inCycle)
        .map((edge) => `${edge.source}→${edge.target}`)
        .sort(),
    ).toEqual(['auth→users', 'users→auth']);
  });

  it('defaults to both directions and three hops', async () => {
    const useCase = await useCaseFor(SHOP, SHOP_NODES);
    const subgraph = await useCase.execute({ serviceId: 'api' });
    expect(subgraph).toMatchObject({
      direction: 'both',
      depth: 3,
      includeExternal: true,
      truncated: false,
    });
    expect(new Set(ids(subgraph))).toEqual(
      new Set(['api', 'web', 'batch', 'auth', 'pay', 'users', 'db']),
    );
  });

  it('leaves external services out of the walk when includeExternal is false', async () => {
    const useCase = await useCaseFor([...SHOP, ['pay', 'db']], SHOP_NODES);
    const subgraph = await useCase.execute({
      serviceId: 'api',
      direction: 'downstream',
      depth: 1,
      includeExternal: false,
    });
    expect(ids(subgraph)).toEqual(['api', 'auth']);
    expect(pairs(subgraph)).toEqual(['api→auth']);

    const externalRoot = await useCase.execute({ serviceId: 'pay', includeExternal: false });
    expect(ids(externalRoot)).toEqual(['pay']);
    expect(externalRoot.edges).toEqual([]);
  });

  it('keeps the nearest services when maxNodes cuts the answer, and says so', async () => {
    const useCase = await useCaseFor(SHOP, SHOP_NODES);
    const subgraph = await useCase.execute({
      serviceId: 'web',
      direction: 'downstream',
      depth: 10,
      maxNodes: 3,
    });
    expect(subgraph.nodes.map((node) => [node.serviceId, node.depth])).toEqual([
      ['web', 0],
      ['api', 1],
      ['auth', 2],
    ]);
    // Only edges between returned services.
    expect(pairs(subgraph)).toEqual(['web→api', 'api→auth']);
    expect(subgraph).toMatchObject({ truncated: true, truncatedBy: 'max_nodes', maxNodes: 3 });

    const everything = await useCase.execute({
      serviceId: 'web',
      direction: 'downstream',
      depth: 10,
    });
    expect(everything).toMatchObject({ truncated: false, truncatedBy: null, maxNodes: 250 });
    const shallow = await useCase.execute({ serviceId: 'web', direction: 'downstream', depth: 1 });
    expect(shallow).toMatchObject({ truncated: true, truncatedBy: 'depth' });
  });

  it.each([0, 5001, 1.5])('rejects maxNodes %p', async (maxNodes) => {
    const useCase = await useCaseFor(SHOP);
    await expect(useCase.execute({ serviceId: 'web', maxNodes })).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_INPUT,
      details: {
        fieldErrors: [
          { field: 'maxNodes', message: expect.stringContaining('1 to 5000') as unknown },
        ],
      },
    });
  });

  it('fails with SERVICE_NOT_FOUND for an unknown service', async () => {
    const useCase = await useCaseFor(SHOP);
    await expect(useCase.execute({ serviceId: 'ghost' })).rejects.toMatchObject({
      code: DomainErrorCodes.SERVICE_NOT_FOUND,
    });
  });

  it.each([0, 11, 2.5])('rejects depth %p', async (depth) => {
    const useCase = await useCaseFor(SHOP);
    await expect(useCase.execute({ serviceId: 'web', depth })).rejects.toMatchObject({
      code: DomainErrorCodes.INVALID_INPUT,
      details: {
        fieldErrors: [{ field: 'depth', message: expect.stringContaining('1 to 10') as unknown }],
      },
    });
  });

  it('rejects an unknown direction', async () => {
    const useCase = await useCaseFor(SHOP);
    const error: unknown = await useCase
      .execute({ serviceId: 'web', direction: 'sideways' as 'both' })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(DomainError);
    expect(
      (error as DomainError).details.fieldErrors?.map((fieldError) => fieldError.field),
    ).toEqual(['direction']);
  });

  it('is monotonic in depth and never returns less for both than for either direction', async () => {
    const service = fc.integer({ min: 0, max: 7 }).map((index) => `s${index}`);
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(service, service), {
          selector: ([source, target]) => `${source}→${target}`,
          maxLength: 20,
        }),
        service,
        fc.integer({ min: 1, max: 9 }),
        async (rawEdges, start, depth) => {
          const edges = rawEdges.filter(([source, target]) => source !== target);
          const useCase = await useCaseFor(edges, [start]);
          const query = (direction: 'upstream' | 'downstream' | 'both', hops: number) =>
            useCase.execute({ serviceId: start, direction, depth: hops });

          const shallow = await query('both', depth);
          const deeper = await query('both', depth + 1);
          const deeperIds = new Set(ids(deeper));
          expect(ids(shallow).every((id) => deeperIds.has(id))).toBe(true);
          if (!shallow.truncated) expect(deeperIds.size).toBe(shallow.nodes.length);

          const both = new Set(ids(shallow));
          for (const direction of ['upstream', 'downstream'] as const) {
            expect(ids(await query(direction, depth)).every((id) => both.has(id))).toBe(true);
          }
          for (const edge of shallow.edges) {
            expect(both.has(edge.source) && both.has(edge.target)).toBe(true);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
