/** Ports of API-key authentication (spec 004 FR-8, SEC-002). Abstract classes: each is its own Nest token. */
import { type Page, type PageRequest } from '../../shared/pagination';
import { type ApiKey, type StoredApiKey } from './api-key.types';

export abstract class ApiKeyRepository {
  /** Stores a new key; false (and nothing stored) when a key with its id exists already. */
  abstract insert(key: StoredApiKey): Promise<boolean>;

  /** The key with this id, hash included, revoked or not; null when there is none. */
  abstract findById(id: string): Promise<StoredApiKey | null>;

  /**
   * Every key, revoked and expired ones too, newest first (`createdAt` descending, then `id`
   * descending), one keyset page at a time. A cursor it did not issue → `VALIDATION.INVALID_CURSOR`.
   */
  abstract list(page: PageRequest): Promise<Page<ApiKey>>;

  /**
   * Marks the key revoked at `at`; a key revoked before keeps its first `revokedAt`. True when the
   * key exists (revoked now or already), false when no key has this id.
   */
  abstract revoke(id: string, at: Date): Promise<boolean>;

  /**
   * Records a successful use at `at`, unless one was recorded less than `minIntervalMs` before (so
   * a busy key costs one write per interval, across every API instance); never moves it back.
   */
  abstract touchLastUsed(id: string, at: Date, minIntervalMs: number): Promise<void>;
}

/** A slow, salted one-way hash of an API key's secret. */
export abstract class SecretHasher {
  /** The secret's hash, encoded with the algorithm, its parameters and the salt. */
  abstract hash(secret: string): Promise<string>;

  /**
   * Whether `secret` hashes to `encoded` (with the parameters `encoded` names), compared in
   * constant time. Throws when `encoded` is not a hash this hasher wrote.
   */
  abstract verify(secret: string, encoded: string): Promise<boolean>;
}

/**
 * `size` cryptographically random bytes: the source of key ids and secrets, injected so that tests
 * are deterministic (production uses `node:crypto`'s randomBytes).
 */
export type RandomBytes = (size: number) => Uint8Array;
