import { seededRandomFrom } from '../../shared/seeded-random';
import { type RandomBytes } from '../api-keys/api-key.ports';

/** Reproducible bytes for tests (same seed, same keys); never for real keys. */
export function seededRandomBytes(seed: string): RandomBytes {
  const next = seededRandomFrom(seed);
  return (size) => Uint8Array.from({ length: size }, () => Math.floor(next() * 256));
}
