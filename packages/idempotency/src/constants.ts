/** Default in-flight lease: how long one executor may hold a key before another may take over. */
export const DEFAULT_LEASE_MS = 60_000;

/** Default lifetime of a completed result: how long retries are answered by replay. */
export const DEFAULT_TTL_MS = 3_600_000;

/** Default maximum number of records held by {@link InMemoryIdempotencyStore}. */
export const DEFAULT_CAPACITY = 10_000;

/** Default maximum length of a client idempotency key (Stripe and most APIs use 255). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
