import { assertFiniteBatch, booleanOption, optionsObject } from './internal/validate';

/**
 * What every streaming detector of this package offers. `update()` returns true exactly when the
 * value just fed completed a detection (the same as reading `driftDetected` right after).
 */
export interface DriftDetector {
  /** Feeds one value; true when this value made the detector signal drift. */
  update(x: number): boolean;
  /** Forgets everything seen; options are kept. */
  reset(): void;
  /** Whether the last `update()` signalled drift. */
  readonly driftDetected: boolean;
  /** Plain JSON-safe data from which the detector's static `restore()` rebuilds it exactly. */
  snapshot(): unknown;
}

/** Options of {@link detect}. */
export interface DetectOptions {
  /** Stop feeding at the first detection and return just its index. Default false. */
  readonly stopAtFirst?: boolean;
}

/**
 * Feeds `values` in order to `detector` and returns the 0-based indices (into `values`) at which it
 * signalled drift, ascending. The detector keeps its state, so calls can be chained over batches.
 */
export function detect(
  detector: DriftDetector,
  values: ArrayLike<number>,
  options?: DetectOptions,
): number[] {
  assertFiniteBatch(values, 'detect: values');
  const stopAtFirst = booleanOption(
    'detect: stopAtFirst',
    optionsObject('detect: options', options).stopAtFirst,
    false,
  );
  const detections: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (detector.update(values[i])) {
      detections.push(i);
      if (stopAtFirst) break;
    }
  }
  return detections;
}
