export { DirectedGraph, type FromEdgesOptions } from './directed-graph';
export { GraphError, type GraphErrorCode } from './errors';
export { stronglyConnectedComponents, type StronglyConnectedComponents } from './scc';
export { condense, cyclePath, findCycle, type Condensation, type Supernode } from './condense';
export {
  traverse,
  DEFAULT_MAX_DEPTH,
  type Traversal,
  type TraversalDirection,
  type TraversalOptions,
  type VisitedNode,
  type WalkedEdge,
} from './traversal';
export {
  upstreamClosure,
  upstreamClosureIndexes,
  downstreamClosure,
  downstreamClosureIndexes,
  type ClosureOptions,
} from './reachability';
export { topologicalSort, topologicalSortIndexes } from './topological-sort';
