import { type Clock } from '../../shared/clock.port';
import { type SliAggregate, type SliAggregateRepository } from '../recommendation.ports';
import {
  AGGREGATE_WINDOW_SECONDS,
  AGGREGATE_WINDOWS,
  type AggregateWindow,
  type TelemetrySource,
} from '../telemetry.port';

const HOUR_MS = 3_600_000;

export interface AggregateSlisInput {
  /** Windows to compute; default every window of `sli_aggregates`. */
  readonly windows?: readonly AggregateWindow[];
  /** End of the windows; default the current hour's start. */
  readonly at?: Date;
}

export interface AggregateSlisOutput {
  readonly computedAt: Date;
  /** Services with traffic in at least one window. */
  readonly services: number;
  readonly rowsWritten: number;
  /** Services the telemetry knows but the graph does not (skipped). */
  readonly unknownServices: number;
  readonly windows: readonly { readonly window: AggregateWindow; readonly services: number }[];
}

/**
 * The hourly batch of spec 004 FR-6: per window, one fleet-wide round of queries (`sum by
 * (service)`, never a query per service), turned into `sli_aggregates` rows (availability,
 * error rate, request rate, p50/p95/p99 latency) and upserted, so re-running an hour writes the
 * same rows. Windows are read one after another to keep the metric store's load flat.
 */
export class AggregateSlisUseCase {
  constructor(
    private readonly telemetry: TelemetrySource,
    private readonly aggregates: SliAggregateRepository,
    private readonly clock: Clock,
  ) {}

  async execute(input: AggregateSlisInput = {}): Promise<AggregateSlisOutput> {
    const at = input.at ?? new Date(Math.floor(this.clock.now().getTime() / HOUR_MS) * HOUR_MS);
    const windows = input.windows ?? AGGREGATE_WINDOWS;
    const rows: SliAggregate[] = [];
    const services = new Set<string>();
    const perWindow: { window: AggregateWindow; services: number }[] = [];
    for (const window of windows) {
      const fleet = await this.telemetry.fleetAggregates(window, at);
      perWindow.push({ window, services: fleet.size });
      const seconds = AGGREGATE_WINDOW_SECONDS[window];
      for (const [serviceId, aggregate] of fleet) {
        if (!(aggregate.total > 0)) continue;
        services.add(serviceId);
        const availability = Math.min(1, Math.max(0, aggregate.good / aggregate.total));
        const row = (sliType: SliAggregate['sliType'], value: number): void => {
          rows.push({
            serviceId,
            sliType,
            window,
            value,
            sampleCount: Math.round(aggregate.total),
            computedAt: at,
          });
        };
        row('availability', availability);
        row('error_rate', 1 - availability);
        row('request_rate', aggregate.total / seconds);
        if (aggregate.latencyMs !== null) {
          row('latency_p50', aggregate.latencyMs.p50);
          row('latency_p95', aggregate.latencyMs.p95);
          row('latency_p99', aggregate.latencyMs.p99);
        }
      }
    }
    const { written, unknownServices } = await this.aggregates.upsert(rows);
    return {
      computedAt: at,
      services: services.size,
      rowsWritten: written,
      unknownServices,
      windows: perWindow,
    };
  }
}
