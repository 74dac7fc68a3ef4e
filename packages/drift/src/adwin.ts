import { type DriftDetector } from './detector';
import { asSnapshotError, SnapshotReader } from './internal/snapshot';
import { assertFiniteValue, integerOption, numberOption, optionsObject } from './internal/validate';

/** Options of {@link Adwin}; every field is optional. */
export interface AdwinOptions {
  /** Confidence δ of the cut test: smaller means fewer false alarms and slower detection. Default 0.002. */
  readonly delta?: number;
  /** Look for a cut only every `clock` updates (1 = after every update). Default 32. */
  readonly clock?: number;
  /** Buckets kept per size class (M of the exponential histogram). Default 5. */
  readonly maxBuckets?: number;
  /** Both sub-windows of a cut must hold at least this many samples. Default 5. */
  readonly minWindowLength?: number;
  /** No cut is looked for while the window holds `gracePeriod` samples or fewer. Default 10. */
  readonly gracePeriod?: number;
}

/** {@link AdwinOptions} with every default filled in. */
export type ResolvedAdwinOptions = Required<AdwinOptions>;

/** river's defaults (`river.drift.ADWIN`). */
export const ADWIN_DEFAULTS: ResolvedAdwinOptions = Object.freeze({
  delta: 0.002,
  clock: 32,
  maxBuckets: 5,
  minWindowLength: 5,
  gracePeriod: 10,
});

/** The cut that made ADWIN shrink its window: why the last detection happened. */
export interface AdwinCut {
  /** Window width just before the detection. */
  readonly widthBefore: number;
  /** Samples in the older sub-window W₀ at the first significant cut. */
  readonly olderWidth: number;
  /** Samples in the newer sub-window W₁ at the first significant cut. */
  readonly newerWidth: number;
  /** Mean of W₀. */
  readonly olderMean: number;
  /** Mean of W₁. */
  readonly newerMean: number;
  /** The bound ε_cut that |mean(W₀) − mean(W₁)| exceeded. */
  readonly epsilon: number;
  /** Samples dropped from the old end of the window (one or more cuts). */
  readonly dropped: number;
}

/** Serialisable state of an {@link Adwin}; produced by `snapshot()`, consumed by `restore()`. */
export interface AdwinSnapshot {
  readonly kind: 'adwin';
  readonly version: 1;
  readonly options: ResolvedAdwinOptions;
  readonly state: {
    /** rows[i] holds [total, m2] pairs of buckets of 2^i samples, oldest first. */
    readonly rows: readonly (readonly (readonly [number, number])[])[];
    readonly width: number;
    readonly total: number;
    readonly m2: number;
    readonly tick: number;
    readonly detections: number;
    readonly driftDetected: boolean;
    readonly lastCut: AdwinCut | null;
  };
}

/** One size class of the exponential histogram: up to maxBuckets + 1 buckets of 2^i samples. */
interface Row {
  count: number;
  /** Sum of the samples of each bucket, oldest bucket at index 0. */
  readonly totals: Float64Array;
  /** Sum of squared deviations from the bucket mean (M2) of each bucket. */
  readonly m2s: Float64Array;
}

/**
 * ADWIN2 (Bifet & Gavaldà 2007): an adaptive window kept as an exponential histogram of buckets
 * (O(M·log W) memory), shrunk from its old end whenever two sub-windows W₀ (older) and W₁ (newer)
 * have means that differ by more than
 * `ε_cut = √(2·(1/m₀ + 1/m₁)·σ²_W·δ′) + ⅔·δ′·(1/m₀ + 1/m₁)`, where `mᵢ = |Wᵢ| − minWindowLength + 1`,
 * `δ′ = ln(2·ln|W| / δ)` and σ²_W is the window's variance (river's / MOA's form of the bound).
 * After a detection the window keeps its newer part, as in the paper. Every cut between two
 * buckets is examined, every `clock` updates; amortised O(1) per update plus O(M·log W) per check.
 */
export class Adwin implements DriftDetector {
  readonly options: ResolvedAdwinOptions;
  private rows: Row[] = [];
  private windowWidth = 0;
  private windowTotal = 0;
  private windowM2 = 0;
  private tick = 0;
  private detectionCount = 0;
  private detected = false;
  private cut: AdwinCut | null = null;

  constructor(options?: AdwinOptions) {
    this.options = resolveAdwinOptions(options, 'Adwin');
    this.rows.push(this.newRow());
  }

  /** Whether the last update signalled drift. */
  get driftDetected(): boolean {
    return this.detected;
  }

  /** Number of samples in the adaptive window. */
  get width(): number {
    return this.windowWidth;
  }

  /** Mean of the window (0 when empty). */
  get estimation(): number {
    return this.windowWidth === 0 ? 0 : this.windowTotal / this.windowWidth;
  }

  /** Population variance of the window (0 when it holds fewer than two samples). */
  get variance(): number {
    return this.windowWidth === 0 ? 0 : Math.max(0, this.windowM2 / this.windowWidth);
  }

  /** Sum of the samples in the window. */
  get total(): number {
    return this.windowTotal;
  }

  /** Detections since construction or the last reset. */
  get detections(): number {
    return this.detectionCount;
  }

  /** Buckets currently held (memory use is proportional to this). */
  get bucketCount(): number {
    let n = 0;
    for (const row of this.rows) n += row.count;
    return n;
  }

  /** Why the last detection happened; null before any detection or after `reset()`. */
  get lastCut(): AdwinCut | null {
    return this.cut;
  }

  update(x: number): boolean {
    assertFiniteValue(x, 'Adwin.update');
    this.insert(x);
    this.tick++;
    this.detected =
      this.tick % this.options.clock === 0 && this.windowWidth > this.options.gracePeriod
        ? this.shrinkWhileCut()
        : false;
    if (this.detected) this.detectionCount++;
    return this.detected;
  }

  reset(): void {
    this.rows = [this.newRow()];
    this.windowWidth = 0;
    this.windowTotal = 0;
    this.windowM2 = 0;
    this.tick = 0;
    this.detectionCount = 0;
    this.detected = false;
    this.cut = null;
  }

  snapshot(): AdwinSnapshot {
    return {
      kind: 'adwin',
      version: 1,
      options: { ...this.options },
      state: {
        rows: this.rows.map((row) => {
          const buckets: [number, number][] = [];
          for (let k = 0; k < row.count; k++) buckets.push([row.totals[k], row.m2s[k]]);
          return buckets;
        }),
        width: this.windowWidth,
        total: this.windowTotal,
        m2: this.windowM2,
        tick: this.tick,
        detections: this.detectionCount,
        driftDetected: this.detected,
        lastCut: this.cut === null ? null : { ...this.cut },
      },
    };
  }

  /** The snapshot, so `JSON.stringify(detector)` stores it directly. */
  toJSON(): AdwinSnapshot {
    return this.snapshot();
  }

  /** Rebuilds a detector from `snapshot()` output (possibly after a JSON round trip). */
  static restore(snapshot: unknown): Adwin {
    const what = 'Adwin';
    const root = SnapshotReader.open(what, snapshot, 'adwin', 1);
    const detector = asSnapshotError(what, () => new Adwin(root.raw('options') as AdwinOptions));
    const state = root.child('state');
    const rows = state.array('rows');
    if (rows.length === 0) throw state.invalid('rows must hold at least one row');
    let width = 0;
    detector.rows = rows.map((rawRow, i) => {
      if (!Array.isArray(rawRow) || rawRow.length > detector.options.maxBuckets) {
        throw state.invalid(`rows[${i}] must be an array of at most maxBuckets buckets`);
      }
      const row = detector.newRow();
      rawRow.forEach((bucket: unknown, k) => {
        if (
          !Array.isArray(bucket) ||
          bucket.length !== 2 ||
          !bucket.every((v) => typeof v === 'number' && Number.isFinite(v))
        ) {
          throw state.invalid(`rows[${i}][${k}] must be a [total, m2] pair of finite numbers`);
        }
        row.totals[k] = bucket[0] as number;
        row.m2s[k] = bucket[1] as number;
      });
      row.count = rawRow.length;
      width += row.count * 2 ** i;
      return row;
    });
    if (detector.rows.length > 1 && detector.rows[detector.rows.length - 1].count === 0) {
      throw state.invalid('the last row must not be empty');
    }
    detector.windowWidth = state.integer('width');
    if (width !== detector.windowWidth) {
      throw state.invalid(`width ${detector.windowWidth} does not match the buckets (${width})`);
    }
    detector.windowTotal = state.number('total');
    detector.windowM2 = state.number('m2');
    detector.tick = state.integer('tick');
    detector.detectionCount = state.integer('detections');
    detector.detected = state.boolean('driftDetected');
    const lastCut = state.raw('lastCut');
    if (lastCut === null) {
      detector.cut = null;
    } else {
      const cut = state.child('lastCut');
      detector.cut = {
        widthBefore: cut.integer('widthBefore'),
        olderWidth: cut.integer('olderWidth'),
        newerWidth: cut.integer('newerWidth'),
        olderMean: cut.number('olderMean'),
        newerMean: cut.number('newerMean'),
        epsilon: cut.number('epsilon'),
        dropped: cut.integer('dropped'),
      };
    }
    return detector;
  }

  private newRow(): Row {
    const capacity = this.options.maxBuckets + 1;
    return { count: 0, totals: new Float64Array(capacity), m2s: new Float64Array(capacity) };
  }

  private insert(x: number): void {
    const first = this.rows[0];
    first.totals[first.count] = x;
    first.m2s[first.count] = 0;
    first.count++;
    this.windowWidth++;
    if (this.windowWidth > 1) {
      const previous = this.windowWidth - 1;
      const d = x - this.windowTotal / previous;
      this.windowM2 += (previous * d * d) / this.windowWidth;
    }
    this.windowTotal += x;
    this.compress();
  }

  /** Merges the two oldest buckets of every overfull size class into one of the next class. */
  private compress(): void {
    const maxBuckets = this.options.maxBuckets;
    for (let i = 0; i < this.rows.length; i++) {
      const row = this.rows[i];
      if (row.count <= maxBuckets) return;
      if (i + 1 === this.rows.length) this.rows.push(this.newRow());
      const next = this.rows[i + 1];
      const size = 2 ** i;
      const t0 = row.totals[0];
      const t1 = row.totals[1];
      const meanGap = (t0 - t1) / size;
      // Chan et al.'s pairwise M2 merge; with equal sizes n·n/(2n) = n/2.
      next.totals[next.count] = t0 + t1;
      next.m2s[next.count] = row.m2s[0] + row.m2s[1] + (size / 2) * meanGap * meanGap;
      next.count++;
      row.totals.copyWithin(0, 2, row.count);
      row.m2s.copyWithin(0, 2, row.count);
      row.count -= 2;
    }
  }

  /** Drops the oldest bucket and returns how many samples it held. */
  private dropOldestBucket(): number {
    const lastIndex = this.rows.length - 1;
    const row = this.rows[lastIndex];
    const size = 2 ** lastIndex;
    const bucketTotal = row.totals[0];
    const bucketM2 = row.m2s[0];
    this.windowWidth -= size;
    this.windowTotal -= bucketTotal;
    if (this.windowWidth === 0) {
      this.windowTotal = 0;
      this.windowM2 = 0;
    } else {
      const gap = bucketTotal / size - this.windowTotal / this.windowWidth;
      this.windowM2 -= bucketM2 + (size * this.windowWidth * gap * gap) / (size + this.windowWidth);
    }
    row.totals.copyWithin(0, 1, row.count);
    row.m2s.copyWithin(0, 1, row.count);
    row.count--;
    if (row.count === 0 && lastIndex > 0) this.rows.pop();
    return size;
  }

  /**
   * Scans the cuts from the oldest end; on the first significant one drops the oldest bucket and
   * scans again, until no cut is significant. Returns whether anything was dropped.
   */
  private shrinkWhileCut(): boolean {
    const { delta, minWindowLength } = this.options;
    const widthBefore = this.windowWidth;
    let firstCut: Omit<AdwinCut, 'dropped'> | null = null;
    for (;;) {
      if (this.windowWidth < 2 * minWindowLength) break;
      const width = this.windowWidth;
      const deltaPrime = Math.log((2 * Math.log(width)) / delta);
      const windowVariance = Math.max(0, this.windowM2 / width);
      let olderWidth = 0;
      let olderTotal = 0;
      let found = false;
      scan: for (let i = this.rows.length - 1; i >= 0; i--) {
        const row = this.rows[i];
        const size = 2 ** i;
        for (let k = 0; k < row.count; k++) {
          olderWidth += size;
          olderTotal += row.totals[k];
          const newerWidth = width - olderWidth;
          // No cut after the newest bucket: W₁ would be empty.
          if (newerWidth === 0) break scan;
          if (olderWidth < minWindowLength || newerWidth < minWindowLength) continue;
          const olderMean = olderTotal / olderWidth;
          const newerMean = (this.windowTotal - olderTotal) / newerWidth;
          const harmonic =
            1 / (olderWidth - minWindowLength + 1) + 1 / (newerWidth - minWindowLength + 1);
          const epsilon =
            Math.sqrt(2 * harmonic * windowVariance * deltaPrime) + (2 / 3) * deltaPrime * harmonic;
          if (Math.abs(olderMean - newerMean) > epsilon) {
            firstCut ??= { widthBefore, olderWidth, newerWidth, olderMean, newerMean, epsilon };
            found = true;
            break scan;
          }
        }
      }
      if (!found) break;
      this.dropOldestBucket();
    }
    if (firstCut === null) return false;
    this.cut = { ...firstCut, dropped: widthBefore - this.windowWidth };
    return true;
  }
}

/** Validates ADWIN options and fills in the defaults. */
export function resolveAdwinOptions(
  options: AdwinOptions | undefined,
  where: string,
): ResolvedAdwinOptions {
  const o = optionsObject(`${where}: options`, options);
  const d = ADWIN_DEFAULTS;
  return Object.freeze({
    delta: numberOption(
      `${where}: delta`,
      o['delta'],
      d.delta,
      'a number in (0, 1)',
      (x) => x > 0 && x < 1,
    ),
    clock: integerOption(`${where}: clock`, o['clock'], d.clock, 1),
    maxBuckets: integerOption(`${where}: maxBuckets`, o['maxBuckets'], d.maxBuckets, 2, 1000),
    minWindowLength: integerOption(
      `${where}: minWindowLength`,
      o['minWindowLength'],
      d.minWindowLength,
      1,
    ),
    gracePeriod: integerOption(`${where}: gracePeriod`, o['gracePeriod'], d.gracePeriod, 0),
  });
}
