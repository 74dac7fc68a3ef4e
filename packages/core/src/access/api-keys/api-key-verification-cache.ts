import { createHash } from 'node:crypto';
import { type Clock } from '../../shared/clock.port';
import { type ApiKey } from './api-key.types';

export const DEFAULT_API_KEY_CACHE_ENTRIES = 10_000;
export const DEFAULT_API_KEY_CACHE_TTL_MS = 60_000;

export interface ApiKeyVerificationCacheOptions {
  /** Most keys remembered; the oldest entry makes room. Default 10,000; 0 turns the cache off. */
  readonly maxEntries?: number;
  /** How long a successful verification is trusted. Default 60 s; 0 turns the cache off. */
  readonly ttlMs?: number;
}

interface Entry {
  readonly key: ApiKey;
  readonly storedAt: number;
}

/**
 * Successful API-key verifications of this process, so the hot path skips the slow hash (SEC-002's
 * scrypt/bcrypt costs tens of milliseconds by design). Entries are keyed by the SHA-256 of the raw
 * key, so the cache holds no usable secret, and only a request presenting the exact key hits.
 *
 * Revocation: a key revoked through this process is evicted at once. Other API instances keep
 * accepting it until their entry ages out, so a revocation takes effect everywhere within `ttlMs`
 * (default 60 s). A hit never extends an entry's life, which is what bounds that delay.
 *
 * Entries leave in insertion order (oldest first), which is also expiry order.
 */
export class ApiKeyVerificationCache {
  private readonly entries = new Map<string, Entry>();
  private readonly digestByKeyId = new Map<string, string>();
  private readonly maxEntries: number;
  private readonly ttlMs: number;
  private evictions = 0;

  constructor(
    private readonly clock: Clock,
    options: ApiKeyVerificationCacheOptions = {},
  ) {
    this.maxEntries = options.maxEntries ?? DEFAULT_API_KEY_CACHE_ENTRIES;
    this.ttlMs = options.ttlMs ?? DEFAULT_API_KEY_CACHE_TTL_MS;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 0) {
      throw new RangeError(`maxEntries must be a non-negative integer, got ${this.maxEntries}`);
    }
    if (!Number.isFinite(this.ttlMs) || this.ttlMs < 0) {
      throw new RangeError(`ttlMs must be a non-negative number, got ${this.ttlMs}`);
    }
  }

  /** The cache key of a raw API key. */
  static digest(rawKey: string): string {
    return createHash('sha256').update(rawKey, 'utf8').digest('hex');
  }

  get size(): number {
    return this.entries.size;
  }

  /** The key verified for this digest, unless that was `ttlMs` or longer ago. */
  get(digest: string): ApiKey | undefined {
    const entry = this.entries.get(digest);
    if (entry === undefined) return undefined;
    if (this.clock.now().getTime() - entry.storedAt >= this.ttlMs) {
      this.remove(digest, entry.key.id);
      return undefined;
    }
    return entry.key;
  }

  /**
   * Taken before a slow verification and handed to {@link set}: a revocation that happens while the
   * verification runs changes it, and the then possibly stale result is not cached.
   */
  generation(): number {
    return this.evictions;
  }

  set(digest: string, key: ApiKey, generation: number): void {
    if (this.maxEntries === 0 || this.ttlMs === 0 || generation !== this.evictions) return;
    const previous = this.digestByKeyId.get(key.id);
    if (previous !== undefined) this.remove(previous, key.id);
    this.entries.delete(digest);
    while (this.entries.size >= this.maxEntries) {
      const [oldestDigest, oldest] = this.entries.entries().next().value as [string, Entry];
      this.remove(oldestDigest, oldest.key.id);
    }
    this.entries.set(digest, { key, storedAt: this.clock.now().getTime() });
    this.digestByKeyId.set(key.id, digest);
  }

  /** Forgets the key with this id (revoked, expired). */
  evict(keyId: string): void {
    this.evictions += 1;
    const digest = this.digestByKeyId.get(keyId);
    if (digest !== undefined) this.remove(digest, keyId);
  }

  private remove(digest: string, keyId: string): void {
    this.entries.delete(digest);
    if (this.digestByKeyId.get(keyId) === digest) this.digestByKeyId.delete(keyId);
  }
}
