import {
  DirectedGraph,
  downstreamClosure,
  downstreamClosureIndexes,
  upstreamClosure,
  upstreamClosureIndexes,
} from '@slo-engine/graph';
import { errorCodeOf } from './__fixtures__/errors';

/** a → b → c → d, e → c, c ⇄ f, g isolated. */
const graph = DirectedGraph.fromEdges(
  [
    ['a', 'b'],
    ['b', 'c'],
    ['c', 'd'],
    ['e', 'c'],
    ['c', 'f'],
    ['f', 'c'],
  ],
  { nodes: ['g'] },
);
const index = (id: string): number => graph.requireIndex(id);

describe('upstreamClosure', () => {
  it('returns every node that can reach a target, in node index order', () => {
    expect(upstreamClosure(graph, 'd')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(upstreamClosure(graph, 'b')).toEqual(['a', 'b']);
    expect(upstreamClosure(graph, 'g')).toEqual(['g']);
  });

  it('unions over several targets', () => {
    expect(upstreamClosure(graph, ['b', 'g'])).toEqual(
      ['g', 'a', 'b'].sort((x, y) => index(x) - index(y)),
    );
    expect(upstreamClosure(graph, [])).toEqual([]);
  });

  it('keeps a target without a non-empty path to a target only when reflexive', () => {
    expect(upstreamClosure(graph, 'b', { reflexive: false })).toEqual(['a']);
    // c lies on the cycle c ⇄ f, so it reaches itself by a non-empty path.
    expect(upstreamClosure(graph, 'c', { reflexive: false })).toEqual(['a', 'b', 'c', 'e', 'f']);
    // b reaches d, so b stays even though it is a target itself.
    expect(upstreamClosure(graph, ['b', 'd'], { reflexive: false })).toEqual([
      'a',
      'b',
      'c',
      'e',
      'f',
    ]);
  });

  it('answers over indexes too', () => {
    expect(Array.from(upstreamClosureIndexes(graph, [index('b')]))).toEqual([
      index('a'),
      index('b'),
    ]);
    expect(
      Array.from(upstreamClosureIndexes(graph, new Int32Array([index('b')]), { reflexive: false })),
    ).toEqual([index('a')]);
  });

  it('rejects unknown targets and bad indexes', () => {
    expect(errorCodeOf(() => upstreamClosure(graph, 'zz'))).toBe('GRAPH.UNKNOWN_NODE');
    expect(errorCodeOf(() => upstreamClosureIndexes(graph, [graph.nodeCount]))).toBe(
      'GRAPH.INDEX_OUT_OF_RANGE',
    );
    expect(() => upstreamClosureIndexes(graph, [-1])).toThrow(
      '@slo-engine/graph: targetIndexes[0] = -1 is not a node index (0..6)',
    );
    expect(errorCodeOf(() => upstreamClosure(graph, 'a', { reflexive: 'no' as never }))).toBe(
      'GRAPH.INVALID_ARGUMENT',
    );
    expect(errorCodeOf(() => upstreamClosure(graph, null as never))).toBe('GRAPH.INVALID_ARGUMENT');
  });
});

describe('downstreamClosure', () => {
  it('returns every node reachable from a source', () => {
    expect(downstreamClosure(graph, 'a')).toEqual(['a', 'b', 'c', 'd', 'f']);
    expect(downstreamClosure(graph, 'd')).toEqual(['d']);
    expect(downstreamClosure(graph, 'd', { reflexive: false })).toEqual([]);
    expect(downstreamClosure(graph, 'f', { reflexive: false })).toEqual(['c', 'd', 'f']);
    expect(Array.from(downstreamClosureIndexes(graph, [index('e')]))).toEqual(
      ['c', 'd', 'e', 'f'].map(index).sort((x, y) => x - y),
    );
  });
});
