import { type Clock } from '../shared/clock.port';
import {
  type AggregateSliType,
  type SliAggregate,
  SliAggregateRepository,
} from './recommendation.ports';
import { type AggregateWindow } from './telemetry.port';

/** How long a fleet-wide `latestValues` read is served from memory by default: one minute. */
export const DEFAULT_LATEST_VALUES_TTL_MS = 60_000;

/** Distinct (SLI type, window) reads kept by default: every pair there is, with room to spare. */
export const DEFAULT_LATEST_VALUES_MAX_ENTRIES = 64;

export interface CachingSliAggregateRepositoryOptions {
  /** How long one `latestValues` read is reused, in ms (the staleness bound). */
  readonly ttlMs?: number;
  /** The most (SLI type, window) reads kept; the least recently used goes first beyond it. */
  readonly maxEntries?: number;
}

interface Entry {
  readonly values: Promise<ReadonlyMap<string, number>>;
  /** Served until then (the read started at `expiresAt − ttlMs`)… */
  readonly expiresAt: number;
  /** …and read again in the background from then on, once. */
  readonly refreshAt: number;
  refreshing: boolean;
}

/**
 * A {@link SliAggregateRepository} that keeps each fleet-wide `latestValues(sliType, window)` read
 * in process memory for a short TTL. That read is one bulk query over every service (≈35 ms on
 * 5,000 services with a day of hourly rows, the largest part of an FR-4 impact analysis), while the
 * aggregates it reads change once an hour, when the aggregation job writes them.
 *
 * Staleness: an answer is at most `ttlMs` (default 60 s) older than the database when the rows
 * are written by another process (the workers' hourly aggregation); a write through this instance
 * (`upsert`, `purge`) drops every cached read once it has run, so its own process never reads its
 * writes stale. Concurrent callers of one pair share one query (single flight); a failed read is
 * not kept. Callers share the returned map: it is read-only.
 *
 * Refresh ahead: the first call in the second half of an entry's TTL still gets the kept answer
 * and starts a new read in the background, which replaces it when done. A steady stream of calls
 * (one per half TTL is enough) then never waits for the query, and none is served anything older
 * than the TTL.
 *
 * `latest(serviceId)` is one service's small read and is not cached.
 */
export class CachingSliAggregateRepository extends SliAggregateRepository {
  private readonly entries = new Map<string, Entry>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;

  constructor(
    private readonly inner: SliAggregateRepository,
    private readonly clock: Clock,
    options: CachingSliAggregateRepositoryOptions = {},
  ) {
    super();
    this.ttlMs = options.ttlMs ?? DEFAULT_LATEST_VALUES_TTL_MS;
    this.maxEntries = options.maxEntries ?? DEFAULT_LATEST_VALUES_MAX_ENTRIES;
    if (!(this.ttlMs >= 0) || !Number.isFinite(this.ttlMs)) {
      throw new RangeError(`ttlMs must be a finite number of ms ≥ 0, got ${String(options.ttlMs)}`);
    }
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1) {
      throw new RangeError(`maxEntries must be an integer ≥ 1, got ${String(options.maxEntries)}`);
    }
  }

  override async upsert(
    aggregates: readonly SliAggregate[],
  ): Promise<{ readonly written: number; readonly unknownServices: number }> {
    return this.writing(() => this.inner.upsert(aggregates));
  }

  override latest(serviceId: string): Promise<readonly SliAggregate[]> {
    return this.inner.latest(serviceId);
  }

  override latestValues(
    sliType: AggregateSliType,
    window: AggregateWindow,
  ): Promise<ReadonlyMap<string, number>> {
    const key = `${sliType}\u0000${window}`;
    const now = this.clock.now().getTime();
    const cached = this.entries.get(key);
    this.entries.delete(key);
    if (cached !== undefined && now < cached.expiresAt) {
      // Re-inserted last: Map order is the recency order the bound evicts by.
      this.entries.set(key, cached);
      if (now >= cached.refreshAt && !cached.refreshing) {
        this.refresh(key, sliType, window, cached, now);
      }
      return cached.values;
    }
    const entry = this.entry(this.inner.latestValues(sliType, window), now);
    this.keep(key, entry);
    entry.values.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return entry.values;
  }

  override purge(windows: readonly AggregateWindow[], computedBefore: Date): Promise<number> {
    return this.writing(() => this.inner.purge(windows, computedBefore));
  }

  private entry(values: Promise<ReadonlyMap<string, number>>, readAt: number): Entry {
    return {
      values,
      expiresAt: readAt + this.ttlMs,
      refreshAt: readAt + this.ttlMs / 2,
      refreshing: false,
    };
  }

  private keep(key: string, entry: Entry): void {
    this.entries.set(key, entry);
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  /**
   * Reads the pair again and keeps the answer in place of `stale`, unless a write, an eviction or
   * a new read replaced `stale` meanwhile (its answer could predate theirs). A failed refresh
   * changes nothing: `stale` is served until it expires, then a caller reads and sees any error.
   */
  private refresh(
    key: string,
    sliType: AggregateSliType,
    window: AggregateWindow,
    stale: Entry,
    now: number,
  ): void {
    stale.refreshing = true;
    this.inner.latestValues(sliType, window).then(
      (values) => {
        if (this.entries.get(key) === stale) {
          this.keep(key, this.entry(Promise.resolve(values), now));
        }
      },
      () => {
        stale.refreshing = false;
      },
    );
  }

  /** Drops every cached read: the next `latestValues` of each pair queries the store. */
  invalidate(): void {
    this.entries.clear();
  }

  /**
   * Runs a write, then drops the cache: reads kept from before it, and reads that started while it
   * ran (they may predate its commit), are all older than the write. Also when it fails: it may
   * have written part of its rows.
   */
  private async writing<T>(write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      this.invalidate();
    }
  }
}
