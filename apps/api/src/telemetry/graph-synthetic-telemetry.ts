import {
  type AggregateWindow,
  type GraphSnapshot,
  type GraphSnapshotCache,
  type LatencyHistogramSeries,
  type RequestCounts,
  type RequestCountSeries,
  type ServiceWindowAggregate,
  type TelemetryHealth,
  TelemetrySource,
  type TimeRange,
} from '@slo-engine/core';
import { SyntheticFleet, SyntheticTelemetrySource } from '@slo-engine/adapters';

/** How far back the synthetic history reaches: the longest lookback (365 days) plus a margin. */
export const SYNTHETIC_HISTORY_DAYS = 400;
const DAY_MS = 86_400_000;

/**
 * The embedded mode's telemetry: a seeded synthetic fleet of whatever graph is stored (the demo
 * topology until the user ingests their own). The fleet is rebuilt when the graph version
 * changes, so every stored service has history and failures propagate along its real edges.
 */
export class GraphSyntheticTelemetry extends TelemetrySource {
  private current: { version: number; source: SyntheticTelemetrySource } | undefined;
  private readonly origin: Date;

  constructor(
    private readonly snapshots: GraphSnapshotCache,
    private readonly seed: string,
    now: Date = new Date(),
  ) {
    super();
    this.origin = new Date(now.getTime() - SYNTHETIC_HISTORY_DAYS * DAY_MS);
  }

  private async source(): Promise<SyntheticTelemetrySource> {
    const snapshot = await this.snapshots.get();
    if (this.current?.version !== snapshot.version) {
      this.current = { version: snapshot.version, source: this.build(snapshot) };
    }
    return this.current.source;
  }

  private build(snapshot: GraphSnapshot): SyntheticTelemetrySource {
    const fleet = new SyntheticFleet({
      services: snapshot.active.services.map((service) => ({
        serviceId: service.serviceId,
        metadata: { ...service.metadata, serviceType: service.serviceType },
      })),
      edges: snapshot.active.edges.map((edge) => ({
        source: edge.source,
        target: edge.target,
        criticality: edge.criticality,
        redundancyGroup: edge.redundancyGroup,
      })),
      seed: this.seed,
      origin: this.origin,
    });
    return new SyntheticTelemetrySource(fleet);
  }

  override async requestCounts(
    serviceId: string,
    range: TimeRange,
    stepSeconds: number,
  ): Promise<RequestCountSeries> {
    return (await this.source()).requestCounts(serviceId, range, stepSeconds);
  }

  override async latencyHistograms(
    serviceId: string,
    range: TimeRange,
    stepSeconds: number,
  ): Promise<LatencyHistogramSeries> {
    return (await this.source()).latencyHistograms(serviceId, range, stepSeconds);
  }

  override async requestTotals(
    serviceIds: readonly string[],
    range: TimeRange,
  ): Promise<ReadonlyMap<string, RequestCounts>> {
    return (await this.source()).requestTotals(serviceIds, range);
  }

  override async cpuThrottling(serviceId: string, range: TimeRange): Promise<number | null> {
    return (await this.source()).cpuThrottling(serviceId, range);
  }

  override async fleetAggregates(
    window: AggregateWindow,
    at: Date,
  ): Promise<ReadonlyMap<string, ServiceWindowAggregate>> {
    return (await this.source()).fleetAggregates(window, at);
  }

  override checkHealth(): Promise<TelemetryHealth> {
    return Promise.resolve({ ok: true, detail: `synthetic fleet (seed "${this.seed}")` });
  }
}
