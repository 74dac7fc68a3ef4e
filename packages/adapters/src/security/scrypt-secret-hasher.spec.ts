import { ScryptSecretHasher } from './scrypt-secret-hasher';

const SECRET = 'q3bT0yTz8l6r9mWcG2Yb1v0u7d2p5k8N4x1Z3e6H9jQ';

describe('ScryptSecretHasher', () => {
  const hasher = new ScryptSecretHasher();

  it('encodes algorithm, parameters, a 16-byte salt and a 32-byte hash', async () => {
    const encoded = await hasher.hash(SECRET);

    const [algorithm, N, r, p, salt, hash] = encoded.split('$');
    expect([algorithm, N, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt, 'base64url')).toHaveLength(16);
    expect(Buffer.from(hash, 'base64url')).toHaveLength(32);
    expect(encoded).not.toContain(SECRET);
  });

  it('verifies the secret and nothing else', async () => {
    const encoded = await hasher.hash(SECRET);

    expect(await hasher.verify(SECRET, encoded)).toBe(true);
    expect(await hasher.verify(`${SECRET.slice(0, -1)}R`, encoded)).toBe(false);
    expect(await hasher.verify('', encoded)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash(SECRET)).not.toBe(await hasher.hash(SECRET));
  });

  it('verifies hashes written with other parameters, from the parameters they carry', async () => {
    const stronger = await new ScryptSecretHasher({ cost: 2 ** 16 }).hash(SECRET);
    expect(stronger).toMatch(/^scrypt\$65536\$8\$1\$/);
    expect(await hasher.verify(SECRET, stronger)).toBe(true);
  });

  it.each([
    ['another algorithm', '$2b$12$abcdefghijklmnopqrstuuJ5x0V2yZb8Q4c1w3e5r7t9y1u3i5o7a'],
    ['a truncated hash', 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAA'],
    ['a cost that is not a power of two', `scrypt$30000$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`],
    ['a cost above 2^20', `scrypt$2097152$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`],
    ['a weak cost', `scrypt$1024$8$1$${'A'.repeat(22)}$${'A'.repeat(43)}`],
  ])('refuses to verify against %s', async (_label, encoded) => {
    await expect(hasher.verify(SECRET, encoded)).rejects.toThrow();
  });

  it.each([{ cost: 1000 }, { cost: 2 ** 10 }, { blockSize: 4 }, { parallelization: 0 }])(
    'refuses weak or invalid parameters %p',
    (parameters) => {
      expect(() => new ScryptSecretHasher(parameters)).toThrow(RangeError);
    },
  );
});
