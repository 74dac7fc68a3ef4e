import { edgeAttributeConflicts, mergeEdgeObservations, sameJsonValue } from './edge-merge';
import { type DependencyEdge } from './graph.types';

function observation(overrides: Partial<DependencyEdge>): DependencyEdge {
  return {
    source: 'a',
    target: 'b',
    discoverySource: 'manual',
    communicationMode: 'sync',
    criticality: 'hard',
    protocol: null,
    timeoutMs: null,
    retryConfig: null,
    redundancyGroup: null,
    confidenceScore: 1,
    lastObservedAt: new Date('2026-02-01T00:00:00.000Z'),
    isStale: false,
    ...overrides,
  };
}

describe('edge merge', () => {
  it('compares JSON values structurally, ignoring key order', () => {
    expect(
      sameJsonValue(
        { maxRetries: 3, backoffStrategy: 'x' },
        { backoffStrategy: 'x', maxRetries: 3 },
      ),
    ).toBe(true);
    expect(sameJsonValue({ maxRetries: 3 }, { maxRetries: 4 })).toBe(false);
    expect(sameJsonValue(null, { maxRetries: 3 })).toBe(false);
  });

  it('ignores stale observations when merging and when looking for conflicts', () => {
    const observations = [
      observation({ discoverySource: 'manual', criticality: 'soft', isStale: true }),
      observation({ discoverySource: 'kubernetes', criticality: 'hard', confidenceScore: 0.5 }),
    ];
    expect(mergeEdgeObservations(observations)).toMatchObject({
      criticality: 'hard',
      discoverySources: ['kubernetes'],
      confidenceScore: 0.5,
    });
    expect(edgeAttributeConflicts(observations)).toEqual([]);
    expect(mergeEdgeObservations([observation({ isStale: true })])).toBeNull();
  });

  it('takes the highest confidence and the latest observation across sources', () => {
    const merged = mergeEdgeObservations([
      observation({
        discoverySource: 'kubernetes',
        confidenceScore: 0.9,
        lastObservedAt: new Date('2026-02-03T00:00:00.000Z'),
      }),
      observation({ discoverySource: 'service_mesh', confidenceScore: 0.7 }),
    ]);
    expect(merged).toMatchObject({
      discoverySources: ['service_mesh', 'kubernetes'],
      confidenceScore: 0.9,
      lastObservedAt: new Date('2026-02-03T00:00:00.000Z'),
    });
  });
});
