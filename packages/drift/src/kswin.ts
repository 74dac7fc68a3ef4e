import { type DriftDetector } from './detector';
import { DriftError } from './errors';
import { Mulberry32 } from './internal/mulberry32';
import { asSnapshotError, SnapshotReader } from './internal/snapshot';
import {
  assertFiniteValue,
  describeValue,
  integerOption,
  numberOption,
  optionsObject,
  readSample,
} from './internal/validate';
import { KS_EXACT_LIMIT, ksSorted } from './ks';

/** Options of {@link Kswin}; every field is optional. */
export interface KswinOptions {
  /** Significance level of each KS test; keep it small, the test runs on every sample. Default 0.005. */
  readonly alpha?: number;
  /** Size n of the sliding window Ψ. Default 100. */
  readonly windowSize?: number;
  /** Size r of the recent window R and of the reference sample W. Default 30. */
  readonly statSize?: number;
  /** The KS statistic must also exceed this for a detection (river's extra guard). Default 0.1. */
  readonly minStatistic?: number;
  /** Seed of the internal generator that draws W; ignored when `random` is given. Default 0. */
  readonly seed?: number;
  /**
   * An injected uniform [0, 1) source used instead of the seeded one. Its state cannot be
   * snapshotted, so `restore()` then needs it passed again.
   */
  readonly random?: () => number;
  /** Values to pre-fill the window with (the last `windowSize` are kept), to avoid a cold start. */
  readonly window?: ArrayLike<number>;
}

/** {@link KswinOptions} as stored in a snapshot: defaults filled, no function, no initial window. */
export interface ResolvedKswinOptions {
  readonly alpha: number;
  readonly windowSize: number;
  readonly statSize: number;
  readonly minStatistic: number;
  readonly seed: number;
}

/** river's defaults (`river.drift.KSWIN`), plus a fixed seed so runs are reproducible. */
export const KSWIN_DEFAULTS: ResolvedKswinOptions = Object.freeze({
  alpha: 0.005,
  windowSize: 100,
  statSize: 30,
  minStatistic: 0.1,
  seed: 0,
});

/** Serialisable state of a {@link Kswin}; produced by `snapshot()`, consumed by `restore()`. */
export interface KswinSnapshot {
  readonly kind: 'kswin';
  readonly version: 1;
  readonly options: ResolvedKswinOptions;
  readonly state: {
    /** Window contents, oldest first. */
    readonly window: readonly number[];
    /** State of the internal generator, or null when an injected `random` was used. */
    readonly rngState: number | null;
    readonly statistic: number | null;
    readonly pValue: number | null;
    readonly tests: number;
    readonly detections: number;
    readonly driftDetected: boolean;
  };
}

/**
 * KSWIN (Raab, Heusinger & Schleif 2020) with river's semantics: a sliding window Ψ of the last
 * `windowSize` values; once full, every update compares its `statSize` most recent values R with
 * `statSize` values W drawn uniformly without replacement from the older `windowSize − statSize`,
 * by the two-sample KS test. Drift when `pValue ≤ alpha` and `statistic > minStatistic`; the window
 * then keeps only R (the paper's restart), so the next test needs `windowSize − statSize` new values.
 * O(windowSize + statSize·log statSize) per update (tie-free exact p-values are cached per
 * statistic value; tied samples pay the O(statSize²) exact count), O(windowSize) memory.
 */
export class Kswin implements DriftDetector {
  readonly options: ResolvedKswinOptions;
  private readonly buffer: Float64Array;
  private start = 0;
  private length = 0;
  private readonly generator: Mulberry32 | null;
  private readonly random: () => number;
  private readonly pool: Int32Array;
  private readonly reference: Float64Array;
  private readonly recent: Float64Array;
  private readonly exact: boolean;
  // Exact p-values of tie-free tests by statistic numerator: derived data, never snapshotted.
  private readonly noTieCache = new Map<number, number>();
  private lastStatistic: number | null = null;
  private lastPValue: number | null = null;
  private testCount = 0;
  private detectionCount = 0;
  private detected = false;

  constructor(options?: KswinOptions) {
    const o = optionsObject('Kswin: options', options);
    this.options = resolveKswinOptions(o, 'Kswin');
    const injected = o['random'];
    if (injected !== undefined && typeof injected !== 'function') {
      throw new DriftError(
        'DRIFT.INVALID_OPTION',
        `Kswin: random must be a function returning numbers in [0, 1), got ${describeValue(injected)}`,
      );
    }
    if (injected === undefined) {
      const generator = new Mulberry32(this.options.seed);
      this.generator = generator;
      this.random = () => generator.next();
    } else {
      this.generator = null;
      this.random = injected as () => number;
    }
    const { windowSize, statSize } = this.options;
    this.buffer = new Float64Array(windowSize);
    this.pool = new Int32Array(windowSize - statSize);
    this.reference = new Float64Array(statSize);
    this.recent = new Float64Array(statSize);
    this.exact = statSize * statSize <= KS_EXACT_LIMIT;
    if (o['window'] !== undefined) {
      const initial = readSample(o['window'] as ArrayLike<number>, 'Kswin: window');
      for (let i = Math.max(0, initial.length - windowSize); i < initial.length; i++) {
        this.push(initial[i]);
      }
    }
  }

  /** Whether the last update signalled drift. */
  get driftDetected(): boolean {
    return this.detected;
  }

  /** KS statistic of the last test; null before the window first fills or after `reset()`. */
  get statistic(): number | null {
    return this.lastStatistic;
  }

  /** p-value of the last test; null before the window first fills or after `reset()`. */
  get pValue(): number | null {
    return this.lastPValue;
  }

  /** Values currently in the window. */
  get windowLength(): number {
    return this.length;
  }

  /** KS tests run since construction or the last reset. */
  get tests(): number {
    return this.testCount;
  }

  /** Detections since construction or the last reset. */
  get detections(): number {
    return this.detectionCount;
  }

  /** The window's values, oldest first (a copy). */
  windowValues(): number[] {
    const values: number[] = [];
    for (let i = 0; i < this.length; i++) {
      values.push(this.buffer[(this.start + i) % this.buffer.length]);
    }
    return values;
  }

  update(x: number): boolean {
    assertFiniteValue(x, 'Kswin.update');
    this.detected = false;
    this.push(x);
    const { windowSize, statSize, alpha, minStatistic } = this.options;
    if (this.length < windowSize) return false;
    const poolSize = windowSize - statSize;
    const pool = this.pool;
    for (let i = 0; i < poolSize; i++) pool[i] = i;
    // Partial Fisher–Yates: the first statSize slots become a uniform sample without replacement.
    for (let t = 0; t < statSize; t++) {
      const u = this.random();
      if (!(u >= 0 && u < 1)) {
        throw new DriftError(
          'DRIFT.INVALID_OPTION',
          `Kswin: random must return numbers in [0, 1), got ${describeValue(u)}`,
        );
      }
      const r = t + Math.floor(u * (poolSize - t));
      const chosen = pool[r];
      pool[r] = pool[t]!;
      pool[t] = chosen;
      this.reference[t] = this.buffer[(this.start + chosen) % windowSize]!;
      this.recent[t] = this.buffer[(this.start + poolSize + t) % windowSize]!;
    }
    this.reference.sort();
    this.recent.sort();
    const result = ksSorted(this.reference, this.recent, 'two-sided', this.exact, this.noTieCache);
    this.testCount++;
    this.lastStatistic = result.statistic;
    this.lastPValue = result.pValue;
    if (result.pValue <= alpha && result.statistic > minStatistic) {
      this.detected = true;
      this.detectionCount++;
      this.start = (this.start + poolSize) % windowSize;
      this.length = statSize;
    }
    return this.detected;
  }

  reset(): void {
    this.start = 0;
    this.length = 0;
    if (this.generator !== null) this.generator.state = this.options.seed >>> 0;
    this.lastStatistic = null;
    this.lastPValue = null;
    this.testCount = 0;
    this.detectionCount = 0;
    this.detected = false;
  }

  snapshot(): KswinSnapshot {
    return {
      kind: 'kswin',
      version: 1,
      options: { ...this.options },
      state: {
        window: this.windowValues(),
        rngState: this.generator === null ? null : this.generator.state,
        statistic: this.lastStatistic,
        pValue: this.lastPValue,
        tests: this.testCount,
        detections: this.detectionCount,
        driftDetected: this.detected,
      },
    };
  }

  /** The snapshot, so `JSON.stringify(detector)` stores it directly. */
  toJSON(): KswinSnapshot {
    return this.snapshot();
  }

  /**
   * Rebuilds a detector from `snapshot()` output. A detector built with an injected `random`
   * must get one again here (its state is not in the snapshot); a seeded one must not.
   */
  static restore(snapshot: unknown, options?: { readonly random?: () => number }): Kswin {
    const what = 'Kswin';
    const root = SnapshotReader.open(what, snapshot, 'kswin', 1);
    const state = root.child('state');
    const rngState = state.nullableInteger('rngState');
    const random = optionsObject('Kswin.restore: options', options)['random'];
    if (rngState === null && random === undefined) {
      throw state.invalid('it was made with an injected random; pass { random } to restore()');
    }
    if (rngState !== null && random !== undefined) {
      throw state.invalid('it carries its own generator state; do not pass { random }');
    }
    if (rngState !== null && rngState > 0xffffffff) {
      throw state.invalid('rngState must be a 32-bit unsigned integer');
    }
    const detector = asSnapshotError(
      what,
      () =>
        new Kswin({
          ...(root.raw('options') as KswinOptions),
          ...(random === undefined ? {} : { random: random as () => number }),
        }),
    );
    const window = state.numbers('window');
    if (window.length > detector.options.windowSize) {
      throw state.invalid('window holds more values than windowSize');
    }
    for (const x of window) detector.push(x);
    if (detector.generator !== null && rngState !== null) detector.generator.state = rngState;
    const statistic = state.raw('statistic');
    const pValue = state.raw('pValue');
    detector.lastStatistic = statistic === null ? null : state.number('statistic');
    detector.lastPValue = pValue === null ? null : state.number('pValue');
    detector.testCount = state.integer('tests');
    detector.detectionCount = state.integer('detections');
    detector.detected = state.boolean('driftDetected');
    return detector;
  }

  private push(x: number): void {
    const size = this.buffer.length;
    if (this.length < size) {
      this.buffer[(this.start + this.length) % size] = x;
      this.length++;
    } else {
      this.buffer[this.start] = x;
      this.start = (this.start + 1) % size;
    }
  }
}

/** Validates KSWIN options (all but `random` and `window`) and fills in the defaults. */
export function resolveKswinOptions(
  options: KswinOptions | Record<string, unknown> | undefined,
  where: string,
): ResolvedKswinOptions {
  const o = optionsObject(`${where}: options`, options);
  const d = KSWIN_DEFAULTS;
  const windowSize = integerOption(`${where}: windowSize`, o['windowSize'], d.windowSize, 2);
  const statSize = integerOption(
    `${where}: statSize`,
    o['statSize'],
    d.statSize,
    1,
    Math.floor(windowSize / 2),
  );
  return Object.freeze({
    alpha: numberOption(
      `${where}: alpha`,
      o['alpha'],
      d.alpha,
      'a number in (0, 1)',
      (x) => x > 0 && x < 1,
    ),
    windowSize,
    statSize,
    minStatistic: numberOption(
      `${where}: minStatistic`,
      o['minStatistic'],
      d.minStatistic,
      'a number in [0, 1)',
      (x) => x >= 0 && x < 1,
    ),
    seed: integerOption(`${where}: seed`, o['seed'], d.seed, 0, 0xffffffff),
  });
}
