import { type Clock } from '../../../shared/clock.port';
import { invalidApiKey } from '../../credential-errors';
import { type ApiKeyRepository, type SecretHasher } from '../api-key.ports';
import { parseApiKey } from '../api-key-format';
import { type ApiKey, type StoredApiKey } from '../api-key.types';
import { ApiKeyVerificationCache } from '../api-key-verification-cache';

export const DEFAULT_LAST_USED_INTERVAL_MS = 60_000;

export interface AuthenticateApiKeyInput {
  /** The `X-API-Key` header as sent. */
  readonly rawKey: string;
}

export interface AuthenticateApiKeyOptions {
  /** `lastUsedAt` is written at most this often per key. Default 60 s. */
  readonly lastUsedIntervalMs?: number;
  /**
   * Told when recording `lastUsedAt` failed. Authentication succeeds regardless: the bookkeeping
   * write must not turn a valid key into a refused request.
   */
  readonly onTouchFailure?: (error: unknown, keyId: string) => void;
}

/**
 * Turns an `X-API-Key` value into the key it belongs to (spec 004 FR-8, SEC-002): parse, look the
 * key up by its public id, refuse revoked and expired keys, check the secret against the stored
 * slow hash. Every refusal is `AUTH.INVALID_API_KEY` with one public message; the reason is in
 * `details.reason` for logs.
 *
 * Successful verifications are cached (see {@link ApiKeyVerificationCache}), so a busy caller pays
 * the hash once per TTL; concurrent first requests with the same key share one verification.
 * A key's expiry is checked on every request, cached or not.
 */
export class AuthenticateApiKeyUseCase {
  private readonly inFlight = new Map<string, Promise<ApiKey>>();
  private readonly lastUsedIntervalMs: number;

  constructor(
    private readonly repository: ApiKeyRepository,
    private readonly hasher: SecretHasher,
    private readonly clock: Clock,
    private readonly cache: ApiKeyVerificationCache,
    private readonly options: AuthenticateApiKeyOptions = {},
  ) {
    this.lastUsedIntervalMs = options.lastUsedIntervalMs ?? DEFAULT_LAST_USED_INTERVAL_MS;
  }

  async execute(input: AuthenticateApiKeyInput): Promise<ApiKey> {
    const parsed = parseApiKey(input.rawKey);
    if (parsed === null) throw invalidApiKey('malformed');
    const digest = ApiKeyVerificationCache.digest(input.rawKey);

    const cached = this.cache.get(digest);
    if (cached !== undefined) {
      if (this.hasExpired(cached)) {
        this.cache.evict(cached.id);
        throw invalidApiKey('expired', cached.id);
      }
      return cached;
    }

    let verification = this.inFlight.get(digest);
    if (verification === undefined) {
      verification = this.verify(parsed.keyId, parsed.secret, digest).finally(() =>
        this.inFlight.delete(digest),
      );
      this.inFlight.set(digest, verification);
    }
    return verification;
  }

  private async verify(keyId: string, secret: string, digest: string): Promise<ApiKey> {
    const generation = this.cache.generation();
    const stored = await this.repository.findById(keyId);
    if (stored === null) throw invalidApiKey('unknown_key', keyId);
    if (stored.revokedAt !== null) throw invalidApiKey('revoked', keyId);
    if (this.hasExpired(stored)) throw invalidApiKey('expired', keyId);
    if (!(await this.hasher.verify(secret, stored.secretHash))) {
      throw invalidApiKey('secret_mismatch', keyId);
    }
    const key = withoutHash(stored);
    this.cache.set(digest, key, generation);
    await this.touch(keyId);
    return key;
  }

  private hasExpired(key: ApiKey): boolean {
    return key.expiresAt !== null && key.expiresAt.getTime() <= this.clock.now().getTime();
  }

  private async touch(keyId: string): Promise<void> {
    try {
      await this.repository.touchLastUsed(keyId, this.clock.now(), this.lastUsedIntervalMs);
    } catch (error) {
      this.options.onTouchFailure?.(error, keyId);
    }
  }
}

function withoutHash(stored: StoredApiKey): ApiKey {
  const { secretHash: _hash, ...key } = stored;
  return key;
}
