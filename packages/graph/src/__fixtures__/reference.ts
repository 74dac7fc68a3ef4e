/**
 * Deliberately naive reference implementations for the property tests: adjacency sets and
 * breadth-first reachability, so they share no code or data layout with the package.
 */
export type EdgePairs = ReadonlyArray<readonly [string, string]>;

export interface NaiveGraph {
  readonly ids: readonly string[];
  readonly successors: ReadonlyMap<string, ReadonlySet<string>>;
  readonly predecessors: ReadonlyMap<string, ReadonlySet<string>>;
}

export function naiveGraph(nodes: readonly string[], edges: EdgePairs): NaiveGraph {
  const ids: string[] = [];
  const successors = new Map<string, Set<string>>();
  const predecessors = new Map<string, Set<string>>();
  const add = (id: string): void => {
    if (successors.has(id)) return;
    ids.push(id);
    successors.set(id, new Set());
    predecessors.set(id, new Set());
  };
  for (const id of nodes) add(id);
  for (const [source, target] of edges) {
    add(source);
    add(target);
    successors.get(source)?.add(target);
    predecessors.get(target)?.add(source);
  }
  return { ids, successors, predecessors };
}

/** Nodes reachable from `starts` by paths of length ≥ 0 along `next`. */
export function naiveReach(
  starts: Iterable<string>,
  next: ReadonlyMap<string, ReadonlySet<string>>,
): Set<string> {
  const seen = new Set<string>(starts);
  const queue = [...seen];
  for (let head = 0; head < queue.length; head++) {
    for (const neighbour of next.get(queue[head]) ?? []) {
      if (!seen.has(neighbour)) {
        seen.add(neighbour);
        queue.push(neighbour);
      }
    }
  }
  return seen;
}

/** Nodes reachable from `start` by paths of length ≥ 1. */
export function naiveReachNonEmpty(
  start: string,
  next: ReadonlyMap<string, ReadonlySet<string>>,
): Set<string> {
  return naiveReach(next.get(start) ?? [], next);
}

/** Shortest distance from any start, following `neighbours` of each node. */
export function naiveDistances(
  starts: readonly string[],
  neighbours: (id: string) => Iterable<string>,
): Map<string, number> {
  const distance = new Map<string, number>();
  let frontier: string[] = [];
  for (const start of starts) {
    if (!distance.has(start)) {
      distance.set(start, 0);
      frontier.push(start);
    }
  }
  for (let depth = 1; frontier.length > 0; depth++) {
    const nextFrontier: string[] = [];
    for (const id of frontier) {
      for (const neighbour of neighbours(id)) {
        if (!distance.has(neighbour)) {
          distance.set(neighbour, depth);
          nextFrontier.push(neighbour);
        }
      }
    }
    frontier = nextFrontier;
  }
  return distance;
}
