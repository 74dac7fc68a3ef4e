/**
 * In-memory implementations of the recommendation storage ports, with the semantics of the
 * PostgreSQL adapters (both pass `describeRecommendationStoresContract`): one active
 * recommendation per (service, SLI type), unknown services refused (recommendations) or skipped
 * and counted (aggregates), upserts that leave identical rows alone. Recommendations are stored as
 * JSON copies (Dates revived, like the adapter's jsonb columns), so callers cannot change what is
 * stored. For unit tests, app tests and demos; not for production.
 */
import { DomainError, DomainErrorCodes } from '../../shared/domain-error';
import { sequentialUuids } from '../../graph/testing/in-memory-graph-stores';
import {
  AGGREGATE_SLI_TYPES,
  type AggregateSliType,
  type NewRecommendation,
  RecommendationRepository,
  type SliAggregate,
  SliAggregateRepository,
} from '../recommendation.ports';
import { type SliType, type StoredRecommendation } from '../recommendation.types';
import {
  assertStorableAggregates,
  assertStorableRecommendations,
} from '../recommendation-store-rules';
import { AGGREGATE_WINDOWS, type AggregateWindow } from '../telemetry.port';

/**
 * Which service ids the graph stores: a set of ids, or a predicate (e.g.
 * `(id) => graph.findService(id).then((s) => s !== null)` over an `InMemoryGraphRepository`).
 */
export type KnownServices =
  ReadonlySet<string> | ((serviceId: string) => boolean | Promise<boolean>);

export interface InMemoryRecommendationRepositoryOptions {
  /** Id source; deterministic {@link sequentialUuids} by default. */
  readonly newId?: () => string;
}

async function unknownServiceIds(
  known: KnownServices,
  serviceIds: Iterable<string>,
): Promise<string[]> {
  const unknown: string[] = [];
  for (const serviceId of new Set(serviceIds)) {
    const exists = typeof known === 'function' ? await known(serviceId) : known.has(serviceId);
    if (!exists) unknown.push(serviceId);
  }
  return unknown;
}

function serviceNotFound(serviceIds: readonly string[]): DomainError {
  return new DomainError(
    DomainErrorCodes.SERVICE_NOT_FOUND,
    `No service has id ${serviceIds.map((id) => `"${id}"`).join(', ')}.`,
    { serviceIds },
  );
}

/** Code-unit order, as PostgreSQL compares the hex text of uuids. */
function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Where a stored recommendation, written as JSON, has Dates (as ISO strings). */
interface StoredRecommendationJson {
  readonly recommendation: {
    readonly explanation: {
      readonly provenance: {
        readonly lookbackWindowStart: string;
        readonly lookbackWindowEnd: string;
      };
    };
  };
  readonly dataQuality: {
    readonly telemetryGaps: ReadonlyArray<{ readonly start: string; readonly end: string }>;
    readonly reevaluateAt: string | null;
  };
  readonly lookbackWindow: { readonly start: string; readonly end: string };
  readonly generatedAt: string;
  readonly expiresAt: string;
}

/**
 * A deep copy made the way the PostgreSQL adapter stores a recommendation: through JSON, the
 * known Date fields revived (so what does not survive JSON does not survive here either).
 */
function throughJson(row: StoredRecommendation): StoredRecommendation {
  const parsed: unknown = JSON.parse(JSON.stringify(row));
  const copy = parsed as StoredRecommendation;
  const json = parsed as StoredRecommendationJson;
  const { explanation } = copy.recommendation;
  const { provenance } = json.recommendation.explanation;
  return {
    ...copy,
    recommendation: {
      ...copy.recommendation,
      explanation: {
        ...explanation,
        provenance: {
          ...explanation.provenance,
          lookbackWindowStart: new Date(provenance.lookbackWindowStart),
          lookbackWindowEnd: new Date(provenance.lookbackWindowEnd),
        },
      },
    },
    dataQuality: {
      ...copy.dataQuality,
      telemetryGaps: json.dataQuality.telemetryGaps.map((gap) => ({
        ...gap,
        start: new Date(gap.start),
        end: new Date(gap.end),
      })),
      reevaluateAt:
        json.dataQuality.reevaluateAt === null ? null : new Date(json.dataQuality.reevaluateAt),
    },
    lookbackWindow: {
      start: new Date(json.lookbackWindow.start),
      end: new Date(json.lookbackWindow.end),
    },
    generatedAt: new Date(json.generatedAt),
    expiresAt: new Date(json.expiresAt),
  };
}

function activeKey(serviceId: string, sliType: SliType): string {
  return `${serviceId}\u0000${sliType}`;
}

export class InMemoryRecommendationRepository extends RecommendationRepository {
  /** Every stored recommendation by id, in insertion order. */
  private readonly stored = new Map<string, StoredRecommendation>();
  /** Id of the active recommendation per {@link activeKey}. */
  private readonly active = new Map<string, string>();
  private readonly newId: () => string;

  constructor(
    private readonly knownServices: KnownServices,
    options: InMemoryRecommendationRepositoryOptions = {},
  ) {
    super();
    this.newId = options.newId ?? sequentialUuids();
  }

  async findActive(serviceId: string, sliType: SliType): Promise<StoredRecommendation | null> {
    await Promise.resolve();
    const id = this.active.get(activeKey(serviceId, sliType));
    const found = id === undefined ? undefined : this.stored.get(id);
    return found === undefined ? null : throughJson(found);
  }

  /**
   * Saves in input order, as one step: a (service, SLI type) named twice keeps the later one
   * active and the earlier one is stored `superseded`.
   */
  async saveActive(
    recommendations: readonly NewRecommendation[],
  ): Promise<readonly StoredRecommendation[]> {
    assertStorableRecommendations(recommendations);
    const unknown = await unknownServiceIds(
      this.knownServices,
      recommendations.map((r) => r.serviceId),
    );
    if (unknown.length > 0) throw serviceNotFound(unknown);
    // Nothing awaits from here on, so concurrent calls never interleave.
    const saved = recommendations.map((recommendation) => {
      const key = activeKey(recommendation.serviceId, recommendation.sliType);
      const previousId = this.active.get(key);
      const previous = previousId === undefined ? undefined : this.stored.get(previousId);
      if (previous !== undefined)
        this.stored.set(previous.id, { ...previous, status: 'superseded' });
      const row = throughJson({ ...recommendation, id: this.newId(), status: 'active' });
      this.stored.set(row.id, row);
      this.active.set(key, row.id);
      return row;
    });
    return saved.map((row) => throughJson(this.stored.get(row.id) ?? row));
  }

  async invalidate(serviceId: string, _at: Date): Promise<number> {
    await Promise.resolve();
    let count = 0;
    for (const sliType of ['availability', 'latency'] as const) {
      if (this.deactivate(activeKey(serviceId, sliType), 'superseded')) count += 1;
    }
    return count;
  }

  async expireDue(now: Date): Promise<number> {
    await Promise.resolve();
    let count = 0;
    for (const [key, id] of [...this.active]) {
      const row = this.stored.get(id);
      if (row !== undefined && row.expiresAt.getTime() <= now.getTime()) {
        this.deactivate(key, 'expired');
        count += 1;
      }
    }
    return count;
  }

  /** Newest first: `generatedAt` descending, then id descending (as the PostgreSQL adapter). */
  async history(serviceId: string, limit: number): Promise<readonly StoredRecommendation[]> {
    await Promise.resolve();
    return [...this.stored.values()]
      .filter((row) => row.serviceId === serviceId)
      .sort((a, b) => b.generatedAt.getTime() - a.generatedAt.getTime() || compareIds(b.id, a.id))
      .slice(0, Math.max(0, Math.floor(limit)))
      .map(throughJson);
  }

  private deactivate(key: string, status: 'superseded' | 'expired'): boolean {
    const id = this.active.get(key);
    const row = id === undefined ? undefined : this.stored.get(id);
    if (row === undefined) return false;
    this.stored.set(row.id, { ...row, status });
    this.active.delete(key);
    return true;
  }
}

function seriesKey(sliType: AggregateSliType, window: AggregateWindow): string {
  return `${sliType}\u0000${window}`;
}

const SLI_TYPE_ORDER = new Map<AggregateSliType, number>(AGGREGATE_SLI_TYPES.map((t, i) => [t, i]));
const WINDOW_ORDER = new Map<AggregateWindow, number>(AGGREGATE_WINDOWS.map((w, i) => [w, i]));

/** A service's rows of one (SLI type, window), by `computedAt` in epoch milliseconds. */
type Series = Map<number, SliAggregate>;

export class InMemorySliAggregateRepository extends SliAggregateRepository {
  /** Service id → {@link seriesKey} → series. */
  private readonly services = new Map<string, Map<string, Series>>();

  constructor(private readonly knownServices: KnownServices) {
    super();
  }

  /**
   * `written` counts rows inserted or changed; a row equal to the stored one is left alone, so a
   * repeated run writes 0. `unknownServices` counts distinct unknown service ids. Within one call,
   * the last of several rows with the same key wins.
   */
  async upsert(
    aggregates: readonly SliAggregate[],
  ): Promise<{ readonly written: number; readonly unknownServices: number }> {
    assertStorableAggregates(aggregates);
    const unknown = new Set(
      await unknownServiceIds(
        this.knownServices,
        aggregates.map((a) => a.serviceId),
      ),
    );
    // The last of several rows with the same key wins.
    const last = new Map<string, SliAggregate>();
    for (const aggregate of aggregates) {
      if (unknown.has(aggregate.serviceId)) continue;
      const key = seriesKey(aggregate.sliType, aggregate.window);
      last.set(
        `${aggregate.serviceId}\u0000${key}\u0000${aggregate.computedAt.getTime()}`,
        aggregate,
      );
    }
    // Nothing awaits from here on, so concurrent calls never interleave.
    let written = 0;
    for (const aggregate of last.values()) {
      let bySeries = this.services.get(aggregate.serviceId);
      if (bySeries === undefined) {
        bySeries = new Map();
        this.services.set(aggregate.serviceId, bySeries);
      }
      const key = seriesKey(aggregate.sliType, aggregate.window);
      let series = bySeries.get(key);
      if (series === undefined) {
        series = new Map();
        bySeries.set(key, series);
      }
      const at = aggregate.computedAt.getTime();
      const existing = series.get(at);
      if (
        existing !== undefined &&
        existing.value === aggregate.value &&
        existing.sampleCount === aggregate.sampleCount
      ) {
        continue;
      }
      series.set(at, { ...aggregate, computedAt: new Date(at) });
      written += 1;
    }
    return { written, unknownServices: unknown.size };
  }

  /** Ordered by SLI type, then window, in the order of AGGREGATE_SLI_TYPES and AGGREGATE_WINDOWS. */
  async latest(serviceId: string): Promise<readonly SliAggregate[]> {
    await Promise.resolve();
    const found: SliAggregate[] = [];
    for (const series of this.services.get(serviceId)?.values() ?? []) {
      let newest: SliAggregate | undefined;
      for (const row of series.values()) {
        if (newest === undefined || row.computedAt > newest.computedAt) newest = row;
      }
      if (newest !== undefined) found.push({ ...newest, computedAt: new Date(newest.computedAt) });
    }
    return found.sort(
      (a, b) =>
        (SLI_TYPE_ORDER.get(a.sliType) ?? 0) - (SLI_TYPE_ORDER.get(b.sliType) ?? 0) ||
        (WINDOW_ORDER.get(a.window) ?? 0) - (WINDOW_ORDER.get(b.window) ?? 0),
    );
  }

  async latestValues(
    sliType: AggregateSliType,
    window: AggregateWindow,
  ): Promise<ReadonlyMap<string, number>> {
    await Promise.resolve();
    const key = seriesKey(sliType, window);
    const values = new Map<string, number>();
    for (const [serviceId, bySeries] of this.services) {
      let newest: SliAggregate | undefined;
      for (const row of bySeries.get(key)?.values() ?? []) {
        if (newest === undefined || row.computedAt > newest.computedAt) newest = row;
      }
      if (newest !== undefined) values.set(serviceId, newest.value);
    }
    return values;
  }

  async purge(windows: readonly AggregateWindow[], computedBefore: Date): Promise<number> {
    await Promise.resolve();
    const cutoff = computedBefore.getTime();
    let purged = 0;
    for (const bySeries of this.services.values()) {
      for (const series of bySeries.values()) {
        for (const [at, row] of [...series]) {
          if (at < cutoff && windows.includes(row.window)) {
            series.delete(at);
            purged += 1;
          }
        }
      }
    }
    return purged;
  }
}
