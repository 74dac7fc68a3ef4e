/**
 * Small deterministic randomness for the synthetic fleet: a string hash, an integer mixer, a seeded
 * generator (mulberry32) and the few distributions the model draws from. No `Math.random`: every
 * number the fleet produces is a pure function of the seed and the coordinates asked for.
 */

/** 32-bit finaliser of MurmurHash3: a bijection on uint32 with full avalanche. */
export function fmix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Combines a hash with one more integer (order matters). */
export function mix32(hash: number, value: number): number {
  return fmix32(Math.imul(hash ^ 0x9e3779b9, 0x01000193) ^ fmix32(value + 0x7f4a7c15));
}

/** A 32-bit hash of a string (FNV-1a over UTF-16 code units, then finalised), salted by `seed`. */
export function hashString(text: string, seed = 0): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h ^ text.length);
}

/** A uniform number in (0, 1) from a uint32 (never exactly 0 or 1). */
export function unitFromHash(hash: number): number {
  return ((hash >>> 0) + 0.5) / 4294967296;
}

/** mulberry32: a tiny, fast, well-distributed 32-bit generator. Returns values in (0, 1). */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  next(): number {
    return unitFromHash(this.nextUint32());
  }

  /** Uniform in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Log-uniform in [min, max) (both > 0): as likely to fall in [1, 2) as in [10, 20). */
  logUniform(min: number, max: number): number {
    return Math.exp(Math.log(min) + (Math.log(max) - Math.log(min)) * this.next());
  }

  /** Poisson-distributed count with mean `lambda` (Knuth's method; meant for small means). */
  poisson(lambda: number): number {
    return poissonFromUniform(lambda, () => this.next());
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    return normalFromUniforms(this.next(), this.next());
  }
}

/** Standard normal from two uniforms in (0, 1) (Box–Muller, cosine branch). */
export function normalFromUniforms(u1: number, u2: number): number {
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

/**
 * Poisson sample with mean `lambda` by inversion (small means) or a rounded normal
 * approximation (λ ≥ 30, where the two agree to well under one count).
 */
export function poissonFromUniform(lambda: number, uniform: () => number): number {
  if (!(lambda > 0)) return 0;
  if (lambda >= 30) {
    const z = normalFromUniforms(uniform(), uniform());
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const u = uniform();
  let p = Math.exp(-lambda);
  let cumulative = p;
  let k = 0;
  while (u > cumulative && k < 1000) {
    k++;
    p *= lambda / k;
    cumulative += p;
  }
  return k;
}

/**
 * Standard normal CDF Φ(z) through the complementary error function of Numerical Recipes
 * (Chebyshev fit, fractional error below 1.2e-7 everywhere).
 */
export function normalCdf(z: number): number {
  const x = -z / Math.SQRT2;
  const ax = Math.abs(x);
  const t = 1 / (1 + 0.5 * ax);
  const erfcAbs =
    t *
    Math.exp(
      -ax * ax -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  const erfc = x >= 0 ? erfcAbs : 2 - erfcAbs;
  return 0.5 * erfc;
}

/**
 * Poisson sample with mean `lambda` whose uniforms are derived from `hash` (no generator state):
 * `unitFromHash(mix32(hash, k))` for k = 0, 1, ….
 */
export function poissonFromHash(lambda: number, hash: number): number {
  if (!(lambda > 0)) return 0;
  if (lambda >= 30) {
    const z = normalFromHash(mix32(hash, 1));
    return Math.max(0, Math.round(lambda + Math.sqrt(lambda) * z));
  }
  const u = unitFromHash(mix32(hash, 0));
  let p = Math.exp(-lambda);
  let cumulative = p;
  let k = 0;
  while (u > cumulative && k < 1000) {
    k++;
    p *= lambda / k;
    cumulative += p;
  }
  return k;
}

// Tables for the hot loops: Φ on [-Z_MAX, Z_MAX] and Φ⁻¹ on (0, 1), linearly interpolated.
const Z_MAX = 8.5;
const CDF_STEPS_PER_UNIT = 512;
const CDF_TABLE = (() => {
  const n = Math.round(2 * Z_MAX * CDF_STEPS_PER_UNIT) + 1;
  const table = new Float64Array(n + 1);
  for (let k = 0; k < n; k++) table[k] = normalCdf(-Z_MAX + k / CDF_STEPS_PER_UNIT);
  table[n] = table[n - 1];
  return table;
})();
const CDF_LAST = CDF_TABLE.length - 2;

/** Φ(z) from a table (absolute error below 2e-7); monotone non-decreasing in z. */
export function normalCdfFast(z: number): number {
  const x = (z + Z_MAX) * CDF_STEPS_PER_UNIT;
  if (!(x > 0)) return 0;
  if (x >= CDF_LAST) return 1;
  const k = x | 0;
  const lower = CDF_TABLE[k];
  return lower + (CDF_TABLE[k + 1] - lower) * (x - k);
}

const QUANTILE_STEPS = 4096;
const QUANTILE_TABLE = (() => {
  // Φ⁻¹ at (k + 0.5) / QUANTILE_STEPS by bisection on Φ: exact enough and done once.
  const table = new Float64Array(QUANTILE_STEPS + 1);
  for (let k = 0; k < QUANTILE_STEPS; k++) {
    const p = (k + 0.5) / QUANTILE_STEPS;
    let lo = -Z_MAX;
    let hi = Z_MAX;
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2;
      if (normalCdf(mid) < p) lo = mid;
      else hi = mid;
    }
    table[k] = (lo + hi) / 2;
  }
  table[QUANTILE_STEPS] = table[QUANTILE_STEPS - 1];
  return table;
})();

/**
 * A standard normal draw from one hash by table inversion (tails cut at about ±3.7σ), cheaper
 * than Box–Muller in hot loops; used for small multiplicative noise.
 */
export function normalFromHash(hash: number): number {
  const x = unitFromHash(hash) * QUANTILE_STEPS - 0.5;
  if (x <= 0) return QUANTILE_TABLE[0];
  const k = x | 0;
  if (k >= QUANTILE_STEPS - 1) return QUANTILE_TABLE[QUANTILE_STEPS - 1];
  const lower = QUANTILE_TABLE[k];
  return lower + (QUANTILE_TABLE[k + 1] - lower) * (x - k);
}
