import { createHash, timingSafeEqual } from 'node:crypto';
import { SecretHasher } from '../api-keys/api-key.ports';

const ENCODED = /^fast-test\$([0-9]+)\$([0-9a-f]{64})$/;

/**
 * A salted SHA-256 {@link SecretHasher} for unit tests, where the production hasher's deliberate
 * slowness (scrypt) would only slow the suite. Never for production: it is fast on purpose.
 * Counts its calls, so tests can show the cache skipping the hash.
 */
export class FastTestSecretHasher extends SecretHasher {
  private salts = 0;
  hashCalls = 0;
  verifyCalls = 0;

  override async hash(secret: string): Promise<string> {
    await Promise.resolve();
    this.hashCalls += 1;
    this.salts += 1;
    return `fast-test$${this.salts}$${digest(String(this.salts), secret)}`;
  }

  override async verify(secret: string, encoded: string): Promise<boolean> {
    await Promise.resolve();
    this.verifyCalls += 1;
    const match = ENCODED.exec(encoded);
    if (!match) throw new Error('Not a hash FastTestSecretHasher wrote');
    return timingSafeEqual(
      Buffer.from(digest(match[1], secret), 'hex'),
      Buffer.from(match[2], 'hex'),
    );
  }
}

function digest(salt: string, secret: string): string {
  return createHash('sha256').update(`${salt}:${secret}`, 'utf8').digest('hex');
}
