import fc from 'fast-check';
import { seededRandomBytes } from '../testing/seeded-random-bytes';
import {
  API_KEY_ID_LENGTH,
  cryptoRandomBytes,
  formatApiKey,
  isApiKeyId,
  newApiKeyId,
  newApiKeySecret,
  newRawApiKey,
  parseApiKey,
} from './api-key-format';

describe('API key format', () => {
  it('makes ids of 12 base62 characters and secrets of 32 bytes in base64url', () => {
    const id = newApiKeyId(cryptoRandomBytes);
    const secret = newApiKeySecret(cryptoRandomBytes);

    expect(id).toMatch(/^[0-9A-Za-z]{12}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(formatApiKey(id, secret)).toBe(`sloe_${id}_${secret}`);
  });

  it('is reproducible from a seeded source', () => {
    const a = seededRandomBytes('seed');
    const b = seededRandomBytes('seed');
    expect([newApiKeyId(a), newApiKeySecret(a)]).toEqual([newApiKeyId(b), newApiKeySecret(b)]);
  });

  it('skips bytes that would bias the id towards its first characters', () => {
    let call = 0;
    // First draw: only bytes 248..255 (biased), then bytes 61 and 247 (both the last character).
    const source = (size: number) => {
      call += 1;
      return Uint8Array.from({ length: size }, (_, i) =>
        call === 1 ? 248 + (i % 8) : i % 2 ? 61 : 247,
      );
    };
    expect(newApiKeyId(source)).toBe('z'.repeat(API_KEY_ID_LENGTH));
    expect(call).toBe(2);
  });

  it('refuses a source that returns fewer bytes than asked for', () => {
    expect(() => newApiKeySecret(() => new Uint8Array(31))).toThrow('31 bytes');
  });

  it('parses back every key it formats, secrets with "_" and "-" included', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9A-Za-z]{12}$/),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (id, bytes) => {
          const secret = Buffer.from(bytes).toString('base64url');
          expect(parseApiKey(formatApiKey(id, secret))).toEqual({ keyId: id, secret });
        },
      ),
    );
  });

  it.each([
    ['empty', ''],
    ['no prefix', `AAAAAAAAAAAA_${'a'.repeat(43)}`],
    ['other prefix', `sk_AAAAAAAAAAAA_${'a'.repeat(43)}`],
    ['short id', `sloe_AAAAAAAAAAA_${'a'.repeat(44)}`],
    ['id with "-"', `sloe_AAAAAA-AAAAA_${'a'.repeat(43)}`],
    ['short secret', `sloe_AAAAAAAAAAAA_${'a'.repeat(42)}`],
    ['long secret', `sloe_AAAAAAAAAAAA_${'a'.repeat(44)}`],
    ['padding', `sloe_AAAAAAAAAAAA_${'a'.repeat(42)}=`],
    ['spaces', ` sloe_AAAAAAAAAAAA_${'a'.repeat(42)}`],
    ['bearer text', 'Bearer eyJhbGciOiJub25lIn0.e30.'],
  ])('does not parse a key that is malformed: %s', (_label, raw) => {
    expect(parseApiKey(raw)).toBeNull();
  });

  it('recognises key ids', () => {
    expect(isApiKeyId('AbC012xyz789')).toBe(true);
    expect(isApiKeyId('AbC012xyz78')).toBe(false);
    expect(isApiKeyId("AbC012xyz78'")).toBe(false);
  });
});

describe('newRawApiKey', () => {
  it('makes a key that parses back, different each time', () => {
    const first = newRawApiKey();
    expect(parseApiKey(first)).not.toBeNull();
    expect(newRawApiKey()).not.toBe(first);
  });
});
