import { Injectable } from '@nestjs/common';
import { GraphSnapshotCache } from '@slo-engine/core';
import { MetricsRegistry } from '@slo-engine/platform';

/**
 * `slo_engine_dependency_graph_nodes` and `…_edges` (spec 004 §11.2: alert when the node count
 * drops by more than 10 % in an hour, a sign that a discovery source lost part of the fleet). Read
 * at scrape time from the in-memory snapshot the subgraph queries use: one version check when
 * nothing changed, a reload only after an ingestion.
 */
@Injectable()
export class GraphMetrics {
  constructor(metrics: MetricsRegistry, snapshots: GraphSnapshotCache) {
    metrics.gauge({
      name: 'slo_engine_dependency_graph_nodes',
      help: 'Services in the active dependency graph (discovered placeholders included)',
      async collect() {
        // A failed read leaves the last value: a database blip must not look like a shrinking graph.
        const snapshot = await snapshots.get().catch(() => undefined);
        if (snapshot === undefined) return;
        this.set(snapshot.active.services.length);
      },
    });
    metrics.gauge({
      name: 'slo_engine_dependency_graph_edges',
      help: 'Active (not stale) dependency edges in the graph',
      async collect() {
        const snapshot = await snapshots.get().catch(() => undefined);
        if (snapshot !== undefined) this.set(snapshot.active.edges.length);
      },
    });
  }
}
