import { type DriftDetector } from './detector';
import { asSnapshotError, SnapshotReader } from './internal/snapshot';
import {
  assertFiniteValue,
  choiceOption,
  integerOption,
  numberOption,
  optionsObject,
} from './internal/validate';

/** Which mean shifts Page-Hinkley watches for. */
export type PageHinkleyMode = 'up' | 'down' | 'both';

/** Options of {@link PageHinkley}; every field is optional. */
export interface PageHinkleyOptions {
  /** Samples (since the last reset) before the test may fire. Default 30. */
  readonly minInstances?: number;
  /** Magnitude of mean change tolerated, in the unit of the data. Default 0.005. */
  readonly delta?: number;
  /** Detection threshold λ on the cumulative statistic, in data unit × samples. Default 50. */
  readonly threshold?: number;
  /** Forgetting factor applied to the cumulative sums, in (0, 1]. Default 1 − 0.0001. */
  readonly alpha?: number;
  /** 'up' detects increases, 'down' decreases, 'both' either. Default 'both'. */
  readonly mode?: PageHinkleyMode;
}

/** {@link PageHinkleyOptions} with every default filled in. */
export type ResolvedPageHinkleyOptions = Required<PageHinkleyOptions>;

/** river's defaults (`river.drift.PageHinkley`). */
export const PAGE_HINKLEY_DEFAULTS: ResolvedPageHinkleyOptions = Object.freeze({
  minInstances: 30,
  delta: 0.005,
  threshold: 50,
  alpha: 1 - 0.0001,
  mode: 'both',
});

/** Serialisable state of a {@link PageHinkley}; produced by `snapshot()`, consumed by `restore()`. */
export interface PageHinkleySnapshot {
  readonly kind: 'page-hinkley';
  readonly version: 1;
  readonly options: ResolvedPageHinkleyOptions;
  readonly state: {
    readonly sampleCount: number;
    readonly mean: number;
    readonly sumIncrease: number;
    readonly sumDecrease: number;
    readonly minIncrease: number;
    readonly maxDecrease: number;
    readonly driftDetected: boolean;
    readonly direction: 'up' | 'down' | null;
  };
}

/**
 * The Page-Hinkley test (Page 1954) with river's semantics: two cumulative sums of the deviations
 * from the running mean, `m⁺ₜ = α·m⁺ₜ₋₁ + (xₜ − x̄ₜ − δ)` and `m⁻ₜ = α·m⁻ₜ₋₁ + (xₜ − x̄ₜ + δ)`;
 * drift is signalled when `m⁺ₜ − min m⁺ > λ` (an increase) or `max m⁻ − m⁻ₜ > λ` (a decrease),
 * once at least `minInstances` samples were seen. The update after a detection starts afresh.
 * O(1) time and memory per update.
 */
export class PageHinkley implements DriftDetector {
  readonly options: ResolvedPageHinkleyOptions;
  private count = 0;
  private runningMean = 0;
  private sumUp = 0;
  private sumDown = 0;
  // Defined once count > 0; kept at 0 before so the snapshot never has to carry ±Infinity.
  private minUp = 0;
  private maxDown = 0;
  private detected = false;
  private lastDirection: 'up' | 'down' | null = null;

  constructor(options?: PageHinkleyOptions) {
    this.options = resolvePageHinkleyOptions(options, 'PageHinkley');
  }

  /** Whether the last update signalled drift. */
  get driftDetected(): boolean {
    return this.detected;
  }

  /** Samples seen since the last reset (a detection resets on the following update). */
  get sampleCount(): number {
    return this.count;
  }

  /** Running mean x̄ of the samples since the last reset. */
  get mean(): number {
    return this.runningMean;
  }

  /** The increase statistic `m⁺ₜ − min m⁺` compared with the threshold (0 before any sample). */
  get testIncrease(): number {
    return this.count === 0 ? 0 : this.sumUp - this.minUp;
  }

  /** The decrease statistic `max m⁻ − m⁻ₜ` compared with the threshold (0 before any sample). */
  get testDecrease(): number {
    return this.count === 0 ? 0 : this.maxDown - this.sumDown;
  }

  /** Which way the last detection went; null before any detection or after `reset()`. */
  get direction(): 'up' | 'down' | null {
    return this.lastDirection;
  }

  update(x: number): boolean {
    assertFiniteValue(x, 'PageHinkley.update');
    if (this.detected) this.clear();
    const { alpha, delta, threshold, mode, minInstances } = this.options;
    this.count++;
    this.runningMean += (x - this.runningMean) / this.count;
    const deviation = x - this.runningMean;
    this.sumUp = alpha * this.sumUp + deviation - delta;
    this.sumDown = alpha * this.sumDown + deviation + delta;
    if (this.count === 1) {
      this.minUp = this.sumUp;
      this.maxDown = this.sumDown;
    } else {
      if (this.sumUp < this.minUp) this.minUp = this.sumUp;
      if (this.sumDown > this.maxDown) this.maxDown = this.sumDown;
    }
    if (this.count >= minInstances) {
      const up = mode !== 'down' && this.sumUp - this.minUp > threshold;
      const down = mode !== 'up' && this.maxDown - this.sumDown > threshold;
      if (up || down) {
        this.detected = true;
        // When both fire at once (possible only with a tiny threshold) the larger excess wins.
        this.lastDirection =
          up && down
            ? this.sumUp - this.minUp >= this.maxDown - this.sumDown
              ? 'up'
              : 'down'
            : up
              ? 'up'
              : 'down';
      }
    }
    return this.detected;
  }

  reset(): void {
    this.clear();
    this.lastDirection = null;
  }

  snapshot(): PageHinkleySnapshot {
    return {
      kind: 'page-hinkley',
      version: 1,
      options: { ...this.options },
      state: {
        sampleCount: this.count,
        mean: this.runningMean,
        sumIncrease: this.sumUp,
        sumDecrease: this.sumDown,
        minIncrease: this.minUp,
        maxDecrease: this.maxDown,
        driftDetected: this.detected,
        direction: this.lastDirection,
      },
    };
  }

  /** The snapshot, so `JSON.stringify(detector)` stores it directly. */
  toJSON(): PageHinkleySnapshot {
    return this.snapshot();
  }

  /** Rebuilds a detector from `snapshot()` output (possibly after a JSON round trip). */
  static restore(snapshot: unknown): PageHinkley {
    const what = 'PageHinkley';
    const root = SnapshotReader.open(what, snapshot, 'page-hinkley', 1);
    const detector = asSnapshotError(
      what,
      () => new PageHinkley(root.raw('options') as PageHinkleyOptions),
    );
    const state = root.child('state');
    const direction = state.raw('direction');
    if (direction !== null && direction !== 'up' && direction !== 'down') {
      throw state.invalid(`direction must be 'up', 'down' or null`);
    }
    detector.count = state.integer('sampleCount');
    detector.runningMean = state.number('mean');
    detector.sumUp = state.number('sumIncrease');
    detector.sumDown = state.number('sumDecrease');
    detector.minUp = state.number('minIncrease');
    detector.maxDown = state.number('maxDecrease');
    detector.detected = state.boolean('driftDetected');
    detector.lastDirection = direction;
    return detector;
  }

  private clear(): void {
    this.count = 0;
    this.runningMean = 0;
    this.sumUp = 0;
    this.sumDown = 0;
    this.minUp = 0;
    this.maxDown = 0;
    this.detected = false;
  }
}

/** Validates Page-Hinkley options and fills in the defaults. */
export function resolvePageHinkleyOptions(
  options: PageHinkleyOptions | undefined,
  where: string,
): ResolvedPageHinkleyOptions {
  const o = optionsObject(`${where}: options`, options);
  const d = PAGE_HINKLEY_DEFAULTS;
  return Object.freeze({
    minInstances: integerOption(`${where}: minInstances`, o['minInstances'], d.minInstances, 1),
    delta: numberOption(
      `${where}: delta`,
      o['delta'],
      d.delta,
      'a finite number >= 0',
      (x) => x >= 0,
    ),
    threshold: numberOption(
      `${where}: threshold`,
      o['threshold'],
      d.threshold,
      'a finite number > 0',
      (x) => x > 0,
    ),
    alpha: numberOption(
      `${where}: alpha`,
      o['alpha'],
      d.alpha,
      'a number in (0, 1]',
      (x) => x > 0 && x <= 1,
    ),
    mode: choiceOption<PageHinkleyMode>(`${where}: mode`, o['mode'], d.mode, [
      'up',
      'down',
      'both',
    ]),
  });
}
