import { type GraphRepository } from '../graph.ports';
import { GraphSnapshot } from './graph-snapshot';

/**
 * Keeps the last {@link GraphSnapshot} in memory and reloads it only when the stored graph version
 * changed, so dependency-subgraph queries are in-memory breadth-first walks over CSR arrays
 * (`@slo-engine/graph`), O(visited nodes + their edges).
 *
 * Why not the recursive CTE of spec 004 FR-1: it carries a `path` array per row and prunes only
 * repeats within one path, so it enumerates every simple path up to the depth limit rather than
 * every node once. On a hub (a service with hundreds of callers and callees) a 3-hop query already
 * produces millions of rows; the walk here visits each node once at its shortest depth.
 *
 * `get()` costs one cheap `graphVersion()` call when nothing changed. Concurrent callers during a
 * reload share one `loadActiveGraph()` (single flight). A load that started before a caller saw a
 * newer version is followed by one more load, so a caller never gets a graph older than the
 * version it observed (unless that version was rolled back meanwhile).
 */
export class GraphSnapshotCache {
  private current: GraphSnapshot | undefined;
  private loading: Promise<GraphSnapshot> | undefined;

  constructor(private readonly graph: GraphRepository) {}

  async get(): Promise<GraphSnapshot> {
    const version = await this.graph.graphVersion();
    if (this.current?.version === version) return this.current;
    const snapshot = await this.load();
    return snapshot.version >= version ? snapshot : this.load();
  }

  /** The cached snapshot if it is of `version`, without asking the repository. */
  peek(version: number): GraphSnapshot | undefined {
    return this.current?.version === version ? this.current : undefined;
  }

  /**
   * Offers a snapshot built elsewhere (the ingestion that just committed it), so the next query
   * needs no reload. Ignored when the cache already holds a newer version.
   */
  offer(snapshot: GraphSnapshot): void {
    if (this.current === undefined || snapshot.version > this.current.version)
      this.current = snapshot;
  }

  /** Drops the cached snapshot (the next `get()` reloads). */
  invalidate(): void {
    this.current = undefined;
  }

  private load(): Promise<GraphSnapshot> {
    if (this.loading !== undefined) return this.loading;
    const loading = this.graph.loadActiveGraph().then((active) => {
      const snapshot = new GraphSnapshot(active);
      if (this.current === undefined || snapshot.version >= this.current.version) {
        this.current = snapshot;
      }
      return snapshot;
    });
    this.loading = loading;
    const clear = (): void => {
      if (this.loading === loading) this.loading = undefined;
    };
    loading.then(clear, clear);
    return loading;
  }
}
