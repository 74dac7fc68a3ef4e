import { Mulberry32 } from './internal/mulberry32';
import { DriftError } from './errors';
import { describeValue, numberOption } from './internal/validate';

/**
 * A deterministic uniform generator on [0, 1) (mulberry32) for reproducible simulations and tests.
 * The same seed always yields the same sequence.
 */
export function seededRandom(seed: number): () => number {
  const generator = new Mulberry32(
    numberOption('seededRandom: seed', seed, 0, 'a finite number', () => true),
  );
  return () => generator.next();
}

/**
 * One draw from N(mean, sd²) by the Box–Muller transform, consuming two uniforms of `random`.
 * The second Box–Muller variate is discarded so the function stays stateless.
 */
export function normalRandom(random: () => number, mean = 0, sd = 1): number {
  if (typeof random !== 'function') {
    throw new DriftError(
      'DRIFT.INVALID_OPTION',
      `normalRandom: random must be a function returning numbers in [0, 1), got ${describeValue(random)}`,
    );
  }
  numberOption('normalRandom: mean', mean, 0, 'a finite number', () => true);
  numberOption('normalRandom: sd', sd, 1, 'a finite number >= 0', (x) => x >= 0);
  // 1 - u maps [0, 1) onto (0, 1], keeping log() finite.
  const u1 = 1 - random();
  const u2 = random();
  return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
