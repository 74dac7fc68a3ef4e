import { RegistryError } from './errors';

/**
 * Service-level indicators of one capability (or one version of it) over a rolling window.
 * Percentiles are nearest-rank (the ⌈q·n⌉-th smallest latency) within
 * {@link SLI_LATENCY_RELATIVE_ERROR}; they are absent when the window holds no request.
 */
export interface SliSnapshot {
  readonly requests: number;
  readonly failures: number;
  /** (requests − failures) / requests; 1 when there was no request (nothing failed). */
  readonly availability: number;
  readonly p50Ms?: number;
  readonly p95Ms?: number;
  readonly p99Ms?: number;
  /** The configured window length; the data covers between `windowMs − bucketMs` and `windowMs`. */
  readonly windowMs: number;
}

export interface RollingSliWindowOptions {
  /** Length of the window, a whole multiple of `bucketMs`. Default 300,000 (5 minutes). */
  readonly windowMs?: number;
  /** Width of one time bucket: the granularity at which old samples drop out. Default 10,000. */
  readonly bucketMs?: number;
}

export const DEFAULT_SLI_WINDOW_MS = 300_000;
export const DEFAULT_SLI_BUCKET_MS = 10_000;

/**
 * Largest relative error of a reported percentile against the exact nearest-rank percentile of
 * the same samples (between 1 µs and 1 h; see {@link MIN_TRACKED_LATENCY_MS}). Two per cent is far
 * below the gap between any two SLO targets people write, and keeps the histogram at ~550 bins.
 */
export const SLI_LATENCY_RELATIVE_ERROR = 0.02;
/** Latencies below this (1 µs) are counted as 0 ms: no transport measures finer than that. */
export const MIN_TRACKED_LATENCY_MS = 0.001;
/** Latencies above this (1 h) are counted as 1 h: a request that slow has long timed out. */
export const MAX_TRACKED_LATENCY_MS = 3_600_000;

// Logarithmic bins in the style of DDSketch: bin i ≥ 1 holds (MIN·γ^(i−2), MIN·γ^(i−1)] and
// reports 2·MIN·γ^(i−1)/(γ+1), which is within α of every value of the bin when γ = (1+α)/(1−α).
// Bin 0 holds everything below MIN and reports 0.
const GAMMA = (1 + SLI_LATENCY_RELATIVE_ERROR) / (1 - SLI_LATENCY_RELATIVE_ERROR);
const LOG_GAMMA = Math.log(GAMMA);
const BIN_COUNT =
  2 + Math.ceil(Math.log(MAX_TRACKED_LATENCY_MS / MIN_TRACKED_LATENCY_MS) / LOG_GAMMA);
const BIN_VALUE: Float64Array = (() => {
  const values = new Float64Array(BIN_COUNT);
  for (let i = 1; i < BIN_COUNT; i++)
    values[i] = (2 * MIN_TRACKED_LATENCY_MS * GAMMA ** (i - 1)) / (GAMMA + 1);
  return values;
})();

function binOf(latencyMs: number): number {
  if (latencyMs < MIN_TRACKED_LATENCY_MS) return 0;
  const clamped = Math.min(latencyMs, MAX_TRACKED_LATENCY_MS);
  const bin = 1 + Math.ceil(Math.log(clamped / MIN_TRACKED_LATENCY_MS) / LOG_GAMMA);
  return Math.min(bin, BIN_COUNT - 1);
}

/** One time slice of the ring. The histogram is allocated on the first sample, so idle capabilities cost a few numbers. */
interface TimeBucket {
  /** floor(t / bucketMs) of the samples it holds; −∞ while never used. */
  epoch: number;
  requests: number;
  failures: number;
  counts: Uint32Array | undefined;
  /** Lowest and highest bin touched, so resetting and merging skip the empty ends. */
  lowBin: number;
  highBin: number;
}

const NO_REQUESTS_AVAILABILITY = 1;

function invalid(message: string): RegistryError {
  return new RegistryError('REGISTRY.INVALID_OPTION', message);
}

/**
 * Requests, failures and latency percentiles over the last `windowMs`, on an injected clock
 * (every call takes `now`; there are no timers). A ring of `windowMs / bucketMs` time buckets,
 * each with a log-bucketed latency histogram: `record` is O(1) and allocates nothing after a
 * bucket's first sample; `snapshot` is O(buckets × bins) and never sorts samples.
 *
 * A sample recorded at `t` counts for `snapshot(now)` while its bucket is among the last
 * `windowMs / bucketMs` buckets ending with `now`'s, so it always satisfies `now − t < windowMs`
 * and stops counting at the latest `windowMs + bucketMs` after it was recorded (not before
 * `windowMs − bucketMs`). Samples that arrive for a bucket already recycled (older than the
 * window relative to the latest sample) are dropped; `snapshot` ignores buckets later than `now`.
 */
export class RollingSliWindow {
  readonly windowMs: number;
  readonly bucketMs: number;
  private readonly ring: TimeBucket[];
  private latestEpoch = Number.NEGATIVE_INFINITY;
  // Reused by every snapshot: JavaScript runs one snapshot at a time, and merging into a fresh
  // 550-entry array per call would be the only allocation on the evaluation path.
  private readonly merged = new Float64Array(BIN_COUNT);

  constructor(options: RollingSliWindowOptions = {}) {
    const windowMs = options.windowMs ?? DEFAULT_SLI_WINDOW_MS;
    const bucketMs = options.bucketMs ?? DEFAULT_SLI_BUCKET_MS;
    if (!Number.isSafeInteger(bucketMs) || bucketMs <= 0)
      throw invalid(`sli window: bucketMs must be a positive integer, got ${String(bucketMs)}`);
    if (!Number.isSafeInteger(windowMs) || windowMs < bucketMs || windowMs % bucketMs !== 0)
      throw invalid(
        `sli window: windowMs must be a whole multiple of bucketMs (${bucketMs}), got ${String(windowMs)}`,
      );
    this.windowMs = windowMs;
    this.bucketMs = bucketMs;
    this.ring = Array.from({ length: windowMs / bucketMs }, () => ({
      epoch: Number.NEGATIVE_INFINITY,
      requests: 0,
      failures: 0,
      counts: undefined,
      lowBin: BIN_COUNT,
      highBin: -1,
    }));
  }

  /**
   * Counts one finished request at `now` (ms). `ok` false counts a failure; its latency counts
   * too, since callers waited for it. Throws `REGISTRY.INVALID_OPTION` for a negative or
   * non-finite latency or a non-finite `now`: both are measurement bugs worth surfacing.
   */
  record(now: number, latencyMs: number, ok: boolean): void {
    if (!Number.isFinite(now)) throw invalid(`sli window: now must be finite, got ${String(now)}`);
    if (!(latencyMs >= 0 && latencyMs !== Number.POSITIVE_INFINITY))
      throw invalid(`sli window: latencyMs must be finite and ≥ 0, got ${String(latencyMs)}`);
    const epoch = Math.floor(now / this.bucketMs);
    const bucket = this.ring[this.slotOf(epoch)];
    if (bucket.epoch > epoch) return; // the slot already holds newer data: the sample is too old
    if (bucket.epoch < epoch) {
      if (epoch <= this.latestEpoch - this.ring.length) return; // older than the window
      this.recycle(bucket, epoch);
    }
    if (epoch > this.latestEpoch) this.latestEpoch = epoch;
    bucket.requests++;
    if (!ok) bucket.failures++;
    const bin = binOf(latencyMs);
    const counts = (bucket.counts ??= new Uint32Array(BIN_COUNT));
    counts[bin]++;
    if (bin < bucket.lowBin) bucket.lowBin = bin;
    if (bin > bucket.highBin) bucket.highBin = bin;
  }

  /** The indicators of the requests recorded in the window that ends at `now`. */
  snapshot(now: number): SliSnapshot {
    if (!Number.isFinite(now)) throw invalid(`sli window: now must be finite, got ${String(now)}`);
    const current = Math.floor(now / this.bucketMs);
    const oldest = current - this.ring.length + 1;
    let requests = 0;
    let failures = 0;
    let lowBin = BIN_COUNT;
    let highBin = -1;
    this.merged.fill(0);
    for (const bucket of this.ring) {
      if (bucket.epoch < oldest || bucket.epoch > current || bucket.requests === 0) continue;
      requests += bucket.requests;
      failures += bucket.failures;
      const counts = bucket.counts as Uint32Array;
      for (let bin = bucket.lowBin; bin <= bucket.highBin; bin++) this.merged[bin] += counts[bin];
      if (bucket.lowBin < lowBin) lowBin = bucket.lowBin;
      if (bucket.highBin > highBin) highBin = bucket.highBin;
    }
    if (requests === 0)
      return {
        requests,
        failures,
        availability: NO_REQUESTS_AVAILABILITY,
        windowMs: this.windowMs,
      };
    // Nearest rank ⌈q·n⌉ in integer arithmetic, so a rank never depends on how q·n rounds
    // (0.55 × 100 is 55.00000000000001 in floating point, whose ceiling is 56).
    const ranks = [
      Math.ceil((requests * 50) / 100),
      Math.ceil((requests * 95) / 100),
      Math.ceil((requests * 99) / 100),
    ] as const;
    const values = [0, 0, 0];
    let next = 0;
    let seen = 0;
    for (let bin = lowBin; bin <= highBin && next < ranks.length; bin++) {
      seen += this.merged[bin];
      while (next < ranks.length && seen >= ranks[next]) values[next++] = BIN_VALUE[bin];
    }
    return {
      requests,
      failures,
      availability: (requests - failures) / requests,
      p50Ms: values[0],
      p95Ms: values[1],
      p99Ms: values[2],
      windowMs: this.windowMs,
    };
  }

  /** True when nothing recorded so far counts at `now` (the window can be dropped and recreated). */
  isIdle(now: number): boolean {
    return this.latestEpoch < Math.floor(now / this.bucketMs) - this.ring.length + 1;
  }

  private slotOf(epoch: number): number {
    const slot = epoch % this.ring.length;
    return slot < 0 ? slot + this.ring.length : slot;
  }

  private recycle(bucket: TimeBucket, epoch: number): void {
    if (bucket.counts !== undefined && bucket.highBin >= bucket.lowBin)
      bucket.counts.fill(0, bucket.lowBin, bucket.highBin + 1);
    bucket.epoch = epoch;
    bucket.requests = 0;
    bucket.failures = 0;
    bucket.lowBin = BIN_COUNT;
    bucket.highBin = -1;
  }
}

/** The snapshot of a window that saw nothing: what a capability without traffic reports. */
export function emptySliSnapshot(windowMs: number = DEFAULT_SLI_WINDOW_MS): SliSnapshot {
  return { requests: 0, failures: 0, availability: NO_REQUESTS_AVAILABILITY, windowMs };
}
