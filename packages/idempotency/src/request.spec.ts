import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { IdempotencyError } from './errors';
import { fingerprint, scopeKey, validateIdempotencyKey } from './request';

function errorOf(run: () => unknown): IdempotencyError {
  try {
    run();
  } catch (error) {
    if (error instanceof IdempotencyError) return error;
    throw error;
  }
  throw new Error('expected an IdempotencyError, nothing was thrown');
}

function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function shuffleKeys(value: unknown, random: () => number): unknown {
  if (Array.isArray(value)) return value.map((item) => shuffleKeys(item, random));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    shuffled(Object.entries(value), random).map(([k, v]) => [k, shuffleKeys(v, random)]),
  );
}

describe('fingerprint', () => {
  it('is the SHA-256 hex of the canonical JSON of [METHOD, route, body]', () => {
    const expected = createHash('sha256')
      .update('["POST","/route",{"a":1,"b":[2,3]}]')
      .digest('hex');
    expect(fingerprint({ method: 'POST', route: '/route', body: { b: [2, 3], a: 1 } })).toBe(
      expected,
    );
    expect(fingerprint({ method: 'GET', route: '/x' })).toBe(
      createHash('sha256').update('["GET","/x"]').digest('hex'),
    );
  });

  it('ignores key order and method case', () => {
    expect(fingerprint({ method: 'post', route: '/r', body: { x: 1, y: { p: 1, q: 2 } } })).toBe(
      fingerprint({ method: 'POST', route: '/r', body: { y: { q: 2, p: 1 }, x: 1 } }),
    );
  });

  it('tells apart no body, a null body, routes, methods and array order', () => {
    const prints = [
      fingerprint({ method: 'POST', route: '/r' }),
      fingerprint({ method: 'POST', route: '/r', body: null }),
      fingerprint({ method: 'POST', route: '/r', body: [1, 2] }),
      fingerprint({ method: 'POST', route: '/r', body: [2, 1] }),
      fingerprint({ method: 'POST', route: '/R', body: [1, 2] }),
      fingerprint({ method: 'PUT', route: '/r', body: [1, 2] }),
      fingerprint({ method: 'POST', route: '/r', body: '1' }),
      fingerprint({ method: 'POST', route: '/r', body: 1 }),
    ];
    expect(new Set(prints).size).toBe(prints.length);
    for (const print of prints) expect(print).toMatch(/^[0-9a-f]{64}$/);
  });

  it('treats an explicitly undefined body as no body', () => {
    expect(fingerprint({ method: 'POST', route: '/r', body: undefined })).toBe(
      fingerprint({ method: 'POST', route: '/r' }),
    );
  });

  it('rejects bad methods, routes and non-JSON bodies', () => {
    expect(errorOf(() => fingerprint({ method: 'PO ST', route: '/r' })).message).toBe(
      '@slo-engine/idempotency: method must be an HTTP method token such as "POST", got the string "PO ST"',
    );
    expect(errorOf(() => fingerprint({ method: '', route: '/r' })).code).toBe(
      'IDEMPOTENCY.INVALID_ARGUMENT',
    );
    expect(errorOf(() => fingerprint({ method: 'POST', route: '' })).message).toBe(
      '@slo-engine/idempotency: route must be a non-empty string, got the string ""',
    );
    expect(
      errorOf(() => fingerprint({ method: 'POST', route: '/r', body: { at: new Date() } })).message,
    ).toContain('value at $[2].at (object) is a Date');
    expect(errorOf(() => fingerprint(null as never)).code).toBe('IDEMPOTENCY.INVALID_ARGUMENT');
  });

  it('property: shuffling object keys never changes the fingerprint', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer(), (body, seed) => {
        let state = seed >>> 0;
        const random = (): number => {
          state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
          return state / 2 ** 32;
        };
        expect(fingerprint({ method: 'POST', route: '/r', body: shuffleKeys(body, random) })).toBe(
          fingerprint({ method: 'POST', route: '/r', body }),
        );
      }),
      { numRuns: 150 },
    );
  });

  it('property: changing any leaf value changes the fingerprint', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1 }),
        fc.nat(),
        fc.jsonValue({ maxDepth: 1 }),
        (body, pick, replacement) => {
          const keys = Object.keys(body);
          const key = keys[pick % keys.length];
          fc.pre(JSON.stringify(body[key]) !== JSON.stringify(replacement));
          const changed = Object.fromEntries(
            Object.entries(body).map(([k, v]) => [k, k === key ? replacement : v]),
          );
          expect(fingerprint({ method: 'POST', route: '/r', body: changed })).not.toBe(
            fingerprint({ method: 'POST', route: '/r', body }),
          );
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('scopeKey', () => {
  const base = { principal: 'tenant-1', method: 'post', route: '/route', idempotencyKey: 'k-1' };

  it('encodes principal, upper-cased method, route and key', () => {
    expect(scopeKey(base)).toBe('["tenant-1","POST","/route","k-1"]');
  });

  it('separates principals, methods and routes', () => {
    const keys = [
      scopeKey(base),
      scopeKey({ ...base, principal: 'tenant-2' }),
      scopeKey({ ...base, method: 'PUT' }),
      scopeKey({ ...base, route: '/other' }),
      scopeKey({ ...base, idempotencyKey: 'k-2' }),
    ];
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('property: is injective even when parts contain separators and quotes', () => {
    const part = fc.string({
      minLength: 1,
      maxLength: 6,
      unit: fc.constantFrom('a', '"', '\\', ',', '[', ']', ' '),
    });
    const key = fc.string({
      minLength: 1,
      maxLength: 6,
      unit: fc.constantFrom('a', '"', ',', '[', '-'),
    });
    const scope = fc.record({ principal: part, route: part, idempotencyKey: key });
    fc.assert(
      fc.property(scope, scope, (a, b) => {
        const same =
          a.principal === b.principal &&
          a.route === b.route &&
          a.idempotencyKey === b.idempotencyKey;
        expect(scopeKey({ ...a, method: 'POST' }) === scopeKey({ ...b, method: 'POST' })).toBe(
          same,
        );
      }),
      { numRuns: 300 },
    );
  });

  it('rejects an empty principal or a bad method, route or key', () => {
    expect(errorOf(() => scopeKey({ ...base, principal: '' })).message).toBe(
      '@slo-engine/idempotency: principal must be a non-empty string, got the string ""',
    );
    expect(errorOf(() => scopeKey({ ...base, method: 'GET\n' })).code).toBe(
      'IDEMPOTENCY.INVALID_ARGUMENT',
    );
    expect(errorOf(() => scopeKey({ ...base, route: 7 as never })).message).toBe(
      '@slo-engine/idempotency: route must be a non-empty string, got the number 7',
    );
    expect(errorOf(() => scopeKey({ ...base, idempotencyKey: '' })).code).toBe(
      'IDEMPOTENCY.INVALID_KEY',
    );
    expect(errorOf(() => scopeKey(undefined as never)).code).toBe('IDEMPOTENCY.INVALID_ARGUMENT');
  });

  it('honours maxKeyLength', () => {
    expect(() => scopeKey({ ...base, idempotencyKey: 'abcd' }, { maxKeyLength: 3 })).toThrow(
      'idempotency key is 4 characters long; the maximum is 3',
    );
  });
});

describe('validateIdempotencyKey', () => {
  it('returns a valid key unchanged', () => {
    for (const key of [
      'a',
      '8e03978e-40d5-43e8-bc93-6894a57f9324',
      'with inner space',
      '~!"#\\',
      'x'.repeat(255),
    ]) {
      expect(validateIdempotencyKey(key)).toBe(key);
    }
  });

  it.each<[string, unknown, string]>([
    ['a number', 42, 'idempotency key must be a string, got the number 42'],
    ['undefined', undefined, 'idempotency key must be a string, got undefined'],
    ['an empty string', '', 'idempotency key is empty'],
    [
      '256 characters',
      'x'.repeat(256),
      'idempotency key is 256 characters long; the maximum is 255',
    ],
    [
      'a tab',
      'ab\tc',
      'idempotency key has character U+0009 at index 2; only printable ASCII (U+0020–U+007E) is allowed',
    ],
    ['DEL', 'a\u007f', 'idempotency key has character U+007F at index 1'],
    ['a non-ASCII letter', 'clé', 'idempotency key has character U+00E9 at index 2'],
    ['a leading space', ' key', 'idempotency key starts or ends with a space'],
    ['a trailing space', 'key ', 'idempotency key starts or ends with a space'],
  ])('rejects %s', (_label, value, message) => {
    const error = errorOf(() => validateIdempotencyKey(value));
    expect(error).toBeInstanceOf(IdempotencyError);
    expect(error.code).toBe('IDEMPOTENCY.INVALID_KEY');
    expect(error.message).toContain(`@slo-engine/idempotency: ${message}`);
  });

  it('rejects a maxKeyLength that is not a positive integer', () => {
    for (const maxKeyLength of [0, -1, 1.5, Number.NaN]) {
      expect(errorOf(() => validateIdempotencyKey('k', { maxKeyLength })).code).toBe(
        'IDEMPOTENCY.INVALID_OPTION',
      );
    }
  });

  it('property: accepts exactly the 1..255 printable-ASCII strings without edge spaces', () => {
    const printable = fc.string({
      unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)),
      maxLength: 300,
    });
    fc.assert(
      fc.property(fc.oneof(printable, fc.string({ maxLength: 20 })), (key) => {
        const valid =
          key.length >= 1 &&
          key.length <= 255 &&
          /^[\x20-\x7e]+$/.test(key) &&
          !key.startsWith(' ') &&
          !key.endsWith(' ');
        let accepted = true;
        try {
          validateIdempotencyKey(key);
        } catch {
          accepted = false;
        }
        expect(accepted).toBe(valid);
      }),
      { numRuns: 300 },
    );
  });
});
