/** Deterministic synthetic SLI streams for the tests (not part of the build). */
import { normalRandom, seededRandom } from '../random';

/** `n` draws of N(mean, sd²) from a generator seeded with `seed`. */
export function gaussian(seed: number, n: number, mean = 0, sd = 1): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => normalRandom(random, mean, sd));
}

/** N(before, sd²) for `changeAt` samples, then N(after, sd²) up to `n` samples. */
export function abruptShift(
  seed: number,
  n: number,
  changeAt: number,
  before: number,
  after: number,
  sd = 1,
): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) =>
    normalRandom(random, i < changeAt ? before : after, sd),
  );
}

/** Mean `from` until `start`, then a linear ramp reaching `to` at `end`, flat after; noise sd. */
export function gradualDrift(
  seed: number,
  n: number,
  start: number,
  end: number,
  from: number,
  to: number,
  sd = 1,
): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: n }, (_, i) => {
    const t = i <= start ? 0 : i >= end ? 1 : (i - start) / (end - start);
    return normalRandom(random, from + t * (to - from), sd);
  });
}

/** Piecewise-constant means with noise: handy for fast-check generated streams. */
export function segments(
  seed: number,
  parts: readonly { readonly mean: number; readonly length: number }[],
  sd = 1,
): number[] {
  const random = seededRandom(seed);
  const values: number[] = [];
  for (const part of parts) {
    for (let i = 0; i < part.length; i++) values.push(normalRandom(random, part.mean, sd));
  }
  return values;
}

/** First index ≥ `from` in ascending `indices`, or undefined. */
export function firstAtOrAfter(indices: readonly number[], from: number): number | undefined {
  return indices.find((i) => i >= from);
}
