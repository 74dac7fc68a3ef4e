import { type AccessRole } from '../access-role';

/** An API key for a service caller (Backstage), as listed and authenticated; never its secret. */
export interface ApiKey {
  /** Public key id (12 base62 characters), the part of the raw key before the secret. */
  readonly id: string;
  readonly name: string;
  readonly role: AccessRole;
  /** The team a `service_owner` key acts for; null for keys without one. */
  readonly team: string | null;
  /** The actor who created it (the creating principal's `actor`). */
  readonly createdBy: string;
  readonly createdAt: Date;
  /** Last successful authentication, recorded at most once per throttle interval. */
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
  /** Null: the key does not expire. */
  readonly expiresAt: Date | null;
}

/** A key as stored: with the encoded hash of its secret (see `SecretHasher`), never the secret. */
export interface StoredApiKey extends ApiKey {
  readonly secretHash: string;
}
