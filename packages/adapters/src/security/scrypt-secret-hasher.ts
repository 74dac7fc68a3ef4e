/**
 * The production SecretHasher: scrypt from `node:crypto` (RFC 7914).
 *
 * SEC-002 names bcrypt with cost 12; issue 5 allows scrypt or argon2 instead, and scrypt is what
 * this uses because it ships with Node (no native add-on to build for every platform and base image,
 * which bcrypt and argon2 bindings need), it is memory-hard (N=2^15, r=8 takes 32 MiB per hash, so
 * GPU and ASIC guessing costs far more than against bcrypt's 4 KiB), and N=2^15 costs about as much
 * CPU time per hash as bcrypt cost 12. The secrets hashed here are 256 random bits, so the slow hash
 * guards against nothing but a leaked table being used before the keys are rotated; it still is
 * what the spec asks for, and the verification cache keeps it off the hot path.
 *
 * Encoded as `scrypt$N$r$p$salt$hash` (salt and hash base64url): the parameters travel with each
 * hash, so raising them later leaves older hashes verifiable.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { SecretHasher } from '@slo-engine/core';

export interface ScryptParameters {
  /** CPU/memory cost N, a power of two. Default 2^15. */
  readonly cost?: number;
  /** Block size r. Default 8. */
  readonly blockSize?: number;
  /** Parallelisation p. Default 1. */
  readonly parallelization?: number;
}

export const DEFAULT_SCRYPT_COST = 2 ** 15;
const SALT_BYTES = 16;
const HASH_BYTES = 32;
// Bounds on what a stored hash may ask for: a tampered or corrupt row must not make one
// verification allocate gigabytes or spin for minutes.
const MIN_COST = 2 ** 14;
const MAX_COST = 2 ** 20;
const MAX_BLOCK_SIZE = 32;
const MAX_PARALLELIZATION = 16;
const ENCODED =
  /^scrypt\$([0-9]{1,8})\$([0-9]{1,3})\$([0-9]{1,3})\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;

interface Parameters {
  readonly N: number;
  readonly r: number;
  readonly p: number;
}

function checkParameters({ N, r, p }: Parameters): void {
  const powerOfTwo = Number.isInteger(N) && N > 0 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N < MIN_COST || N > MAX_COST) {
    throw new RangeError(`scrypt cost N must be a power of two from 2^14 to 2^20, got ${N}`);
  }
  if (!Number.isInteger(r) || r < 8 || r > MAX_BLOCK_SIZE) {
    throw new RangeError(`scrypt block size r must be an integer from 8 to 32, got ${r}`);
  }
  if (!Number.isInteger(p) || p < 1 || p > MAX_PARALLELIZATION) {
    throw new RangeError(`scrypt parallelization p must be an integer from 1 to 16, got ${p}`);
  }
}

function derive(secret: string, salt: Buffer, { N, r, p }: Parameters): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly N=2^15, r=8 and would
  // refuse it with its small overhead, so the cap is set per call with room to spare.
  const options: ScryptOptions = { N, r, p, maxmem: 2 * 128 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, HASH_BYTES, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export class ScryptSecretHasher extends SecretHasher {
  private readonly parameters: Parameters;

  constructor(parameters: ScryptParameters = {}) {
    super();
    this.parameters = {
      N: parameters.cost ?? DEFAULT_SCRYPT_COST,
      r: parameters.blockSize ?? 8,
      p: parameters.parallelization ?? 1,
    };
    checkParameters(this.parameters);
  }

  override async hash(secret: string): Promise<string> {
    const salt = randomBytes(SALT_BYTES);
    const hash = await derive(secret, salt, this.parameters);
    const { N, r, p } = this.parameters;
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${hash.toString('base64url')}`;
  }

  override async verify(secret: string, encoded: string): Promise<boolean> {
    const match = ENCODED.exec(encoded);
    if (!match) throw new Error('The stored secret hash is not an scrypt hash this hasher wrote');
    const parameters = { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
    checkParameters(parameters);
    const expected = Buffer.from(match[5], 'base64url');
    const actual = await derive(secret, Buffer.from(match[4], 'base64url'), parameters);
    return timingSafeEqual(actual, expected);
  }
}
