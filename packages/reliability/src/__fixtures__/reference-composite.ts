import { type AvailabilityModelInput } from '../model';

/**
 * Brute-force composite availability straight from the definition, for small graphs: SCCs from
 * a reachability matrix, closures by explicit sets, group factors by memoised recursion. Shares
 * nothing with the production code.
 */
export function referenceComposites(input: AvailabilityModelInput): Map<string, number> {
  const ids = input.services.map((s) => s.id);
  const n = ids.length;
  const index = new Map(ids.map((id, i) => [id, i]));
  const own = input.services.map((s) => s.availability ?? (s.publishedSla ?? 1) * (1 - 0.001));
  const hardEdges = input.dependencies.filter((d) => (d.kind ?? 'hard') === 'hard');

  // reach[u][v]: v reachable from u over non-soft edges (reflexive).
  const reach = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => i === j));
  for (const d of hardEdges) reach[index.get(d.from)!][index.get(d.to)!] = true;
  for (let k = 0; k < n; k++)
    for (let i = 0; i < n; i++)
      if (reach[i][k]) for (let j = 0; j < n; j++) if (reach[k][j]) reach[i][j] = true;
  const components = ids.map((_, u) =>
    ids.map((_, v) => v).filter((v) => reach[u][v] && reach[v][u]),
  );
  const component = (u: number): number[] => components[u];
  const componentKey = (u: number): number => components[u][0];
  const base = (u: number): number => Math.min(...component(u).map((v) => own[v]));

  // Serial closure in components: follow plain hard edges, whole components at a time.
  const serialClosure = (u: number): Set<number> => {
    const seen = new Set<number>();
    const stack = [componentKey(u)];
    while (stack.length > 0) {
      const key = stack.pop()!;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const member of component(key)) {
        for (const d of hardEdges) {
          if (d.redundancyGroup !== undefined || index.get(d.from) !== member) continue;
          stack.push(componentKey(index.get(d.to)!));
        }
      }
    }
    return seen;
  };

  const memo = new Map<number, number>();
  const composite = (u: number): number => {
    const key = componentKey(u);
    const cached = memo.get(key);
    if (cached !== undefined) return cached;
    let product = 1;
    for (const c of serialClosure(key)) {
      product *= base(c);
      const members = component(c);
      const groups = new Map<string, Set<number>>();
      for (const d of hardEdges) {
        const from = index.get(d.from)!;
        if (d.redundancyGroup === undefined || !members.includes(from)) continue;
        const groupKey = `${from}/${d.redundancyGroup}`;
        const set = groups.get(groupKey) ?? new Set<number>();
        set.add(index.get(d.to)!);
        groups.set(groupKey, set);
      }
      for (const replicas of groups.values()) {
        let allDown = 1;
        for (const r of replicas) allDown *= members.includes(r) ? 0 : 1 - composite(r);
        product *= 1 - allDown;
      }
    }
    memo.set(key, product);
    return product;
  };
  return new Map(ids.map((id, i) => [id, composite(i)]));
}
