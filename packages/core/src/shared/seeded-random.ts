import { createHash } from 'node:crypto';

/**
 * A reproducible uniform generator on [0, 1) (mulberry32) seeded from a string, for statistics
 * that resample (bootstrap): the same inputs give the same recommendation, byte for byte.
 */
export function seededRandomFrom(seed: string): () => number {
  let state = createHash('sha256').update(seed).digest().readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
