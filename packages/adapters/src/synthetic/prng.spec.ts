import fc from 'fast-check';

import {
  Prng,
  hashString,
  mix32,
  normalCdf,
  normalCdfFast,
  normalFromHash,
  poissonFromHash,
  unitFromHash,
} from './prng';

describe('prng', () => {
  it('hashes and generates deterministically, in (0, 1)', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer(), (text, seed) => {
        expect(hashString(text, seed)).toBe(hashString(text, seed));
        const a = new Prng(hashString(text, seed));
        const b = new Prng(hashString(text, seed));
        for (let i = 0; i < 5; i++) {
          const x = a.next();
          expect(x).toBe(b.next());
          expect(x > 0 && x < 1).toBe(true);
        }
      }),
    );
    expect(hashString('a')).not.toBe(hashString('b'));
    expect(mix32(1, 2)).not.toBe(mix32(2, 1));
    expect(unitFromHash(0)).toBeGreaterThan(0);
    expect(unitFromHash(0xffffffff)).toBeLessThan(1);
  });

  it('draws roughly uniform numbers and Poisson counts with the right mean', () => {
    const rng = new Prng(123);
    let sum = 0;
    let poisson = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      sum += rng.next();
      poisson += rng.poisson(2.5);
    }
    expect(sum / n).toBeCloseTo(0.5, 2);
    expect(poisson / n).toBeCloseTo(2.5, 1);
    let hashed = 0;
    for (let i = 0; i < n; i++) hashed += poissonFromHash(7, mix32(99, i));
    expect(hashed / n).toBeCloseTo(7, 1);
    let large = 0;
    for (let i = 0; i < n; i++) large += poissonFromHash(400, mix32(98, i));
    expect(large / n / 400).toBeCloseTo(1, 2);
    expect(poissonFromHash(0, 1)).toBe(0);
  });

  it('approximates the normal CDF and draws standard normals', () => {
    for (let z = -9; z <= 9; z += 0.037) {
      expect(Math.abs(normalCdfFast(z) - normalCdf(z))).toBeLessThan(2e-7);
    }
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959964)).toBeCloseTo(0.975, 6);
    let previous = 0;
    for (let z = -10; z <= 10; z += 0.001) {
      const p = normalCdfFast(z);
      expect(p).toBeGreaterThanOrEqual(previous);
      previous = p;
    }
    let mean = 0;
    let square = 0;
    const n = 50_000;
    for (let i = 0; i < n; i++) {
      const z = normalFromHash(mix32(7, i));
      mean += z / n;
      square += (z * z) / n;
    }
    expect(mean).toBeCloseTo(0, 1);
    expect(square).toBeCloseTo(1, 1);
  });
});
