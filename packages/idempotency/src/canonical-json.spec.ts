import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { canonicalJson } from './canonical-json';
import { IdempotencyError } from './errors';

/** Rebuilds a JSON value with every object's keys in a random order (test-only, bounded depth). */
function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, random));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [entries[i], entries[j]] = [entries[j], entries[i]];
  }
  // fromEntries defines own properties, so a "__proto__" key stays an ordinary key.
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffleKeys(v, random)]));
}

/** JSON's own notion of equality: -0 and 0 are the same number. */
function jsonEqual(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(JSON.parse(JSON.stringify(a)), JSON.parse(JSON.stringify(b)));
}

function errorOf(run: () => unknown): IdempotencyError {
  try {
    run();
  } catch (error) {
    if (error instanceof IdempotencyError) return error;
    throw error;
  }
  throw new Error('expected an IdempotencyError, nothing was thrown');
}

describe('canonicalJson', () => {
  it('sorts object keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1, 2], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,1,2]},"b":1}',
    );
  });

  it('writes scalars as JSON.stringify does, with -0 as 0', () => {
    expect(canonicalJson(null)).toBe('null');
    expect(canonicalJson(true)).toBe('true');
    expect(canonicalJson(false)).toBe('false');
    expect(canonicalJson(-0)).toBe('0');
    expect(canonicalJson(1e21)).toBe('1e+21');
    expect(canonicalJson(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(canonicalJson('say "hi"\n')).toBe('"say \\"hi\\"\\n"');
    expect(canonicalJson('\ud800')).toBe('"\\ud800"');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson({})).toBe('{}');
  });

  it('orders keys by UTF-16 code units, not numerically or by locale', () => {
    expect(canonicalJson({ 10: 'x', 9: 'y', B: 1, a: 2, é: 3 })).toBe(
      '{"10":"x","9":"y","B":1,"a":2,"é":3}',
    );
  });

  it('accepts null-prototype objects and keeps an own "__proto__" key', () => {
    const bare = Object.create(null) as Record<string, unknown>;
    bare.z = 1;
    bare.a = 2;
    expect(canonicalJson(bare)).toBe('{"a":2,"z":1}');
    expect(canonicalJson(JSON.parse('{"__proto__":{"x":1},"a":0}'))).toBe(
      '{"__proto__":{"x":1},"a":0}',
    );
  });

  it('writes a shared (non-circular) sub-object at each place it occurs', () => {
    const shared = { k: 1 };
    expect(canonicalJson({ a: shared, b: [shared, shared] })).toBe(
      '{"a":{"k":1},"b":[{"k":1},{"k":1}]}',
    );
  });

  it('handles nesting far deeper than the call stack allows', () => {
    let deep: unknown = 0;
    let expected = '0';
    for (let i = 0; i < 100_000; i++) {
      deep = i % 2 === 0 ? [deep] : { z: deep, a: i };
      expected = i % 2 === 0 ? `[${expected}]` : `{"a":${i},"z":${expected}}`;
    }
    expect(canonicalJson(deep)).toBe(expected);
  });

  it.each<[string, () => unknown, string]>([
    ['undefined', () => undefined, '$ (undefined) is not a JSON value'],
    ['a function', () => () => 1, '$ (function) is not a JSON value'],
    ['a symbol', () => Symbol('s'), '$ (symbol) is not a JSON value'],
    ['a bigint', () => ({ n: 1n }), '$.n (bigint) is not a JSON value'],
    ['NaN', () => ({ a: [1, Number.NaN] }), '$.a[1] (number NaN) is not a finite number'],
    ['Infinity', () => [Number.POSITIVE_INFINITY], '$[0] (number Infinity) is not a finite number'],
    [
      'an undefined property',
      () => ({ ok: 1, gone: undefined }),
      '$.gone (undefined) is not a JSON value (omit the property instead)',
    ],
    ['an undefined element', () => [1, undefined], '$[1] (undefined) is not a JSON value'],
    // eslint-disable-next-line no-sparse-arrays
    ['an array hole', () => [1, , 3], '$[1] (undefined) is a hole in a sparse array'],
    [
      'a Date',
      () => ({ at: new Date(0) }),
      '$.at (object) is a Date; convert it to an ISO 8601 string first',
    ],
    ['a Map', () => ({ m: new Map() }), '$.m (object) is a Map'],
    ['a Set', () => [new Set()], '$[0] (object) is a Set; convert it to an array'],
    ['binary data', () => ({ b: new Uint8Array(2) }), '$.b (object) is binary data'],
    [
      'a class instance',
      () => ({ 'odd key': new (class Money {})() }),
      '$["odd key"] (object) is an instance of Money, not a plain object',
    ],
    [
      'a symbol-keyed property',
      () => ({ [Symbol('s')]: 1 }),
      '$ (object) has symbol-keyed properties',
    ],
  ])('rejects %s with its JSON path', (_label, make, message) => {
    const error = errorOf(() => canonicalJson(make()));
    expect(error.code).toBe('IDEMPOTENCY.NON_JSON_VALUE');
    expect(error.message).toContain(`@slo-engine/idempotency: value at ${message}`);
  });

  it('rejects circular structures', () => {
    const loop: Record<string, unknown> = { a: [1] };
    (loop.a as unknown[]).push({ back: loop });
    const error = errorOf(() => canonicalJson(loop));
    expect(error.code).toBe('IDEMPOTENCY.CIRCULAR_REFERENCE');
    expect(error.message).toContain('value at $.a[1].back refers to one of its own ancestors');
  });

  it('property: the output parses back to an equal value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonEqual(JSON.parse(canonicalJson(value)), value)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('property: reordering object keys never changes the output', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (value, seed) => {
        let state = seed >>> 0;
        const random = (): number => {
          state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
          return state / 2 ** 32;
        };
        expect(canonicalJson(shuffleKeys(value, random))).toBe(canonicalJson(value));
      }),
      { numRuns: 200 },
    );
  });

  it('property: equal output exactly when the values are equal as JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.jsonValue({ maxDepth: 3 }), (a, b) => {
        expect(canonicalJson(a) === canonicalJson(b)).toBe(jsonEqual(a, b));
      }),
      { numRuns: 300 },
    );
  });

  it('property: strings are written exactly as JSON.stringify writes them', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 40 }),
        fc.string({ unit: 'grapheme' }),
        (a, b) => {
          expect(canonicalJson(a)).toBe(JSON.stringify(a));
          expect(canonicalJson({ [a]: b })).toBe(`{${JSON.stringify(a)}:${JSON.stringify(b)}}`);
        },
      ),
      { numRuns: 300 },
    );
    for (const text of [
      '"',
      '\\',
      '\u0000',
      '\u001f',
      '\u2028',
      '\ud83d\ude00',
      '\udc00x',
      'plain',
    ]) {
      expect(canonicalJson(text)).toBe(JSON.stringify(text));
    }
  });

  it('property: output has no whitespace outside string literals', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const withoutStrings = canonicalJson(value).replace(/"(?:[^"\\]|\\.)*"/g, '""');
        expect(withoutStrings).not.toMatch(/\s/);
      }),
      { numRuns: 100 },
    );
  });
});
