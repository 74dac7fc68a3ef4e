/**
 * Codes of the credential checks (spec 004 FR-8, SEC-002, SEC-003). Every authentication failure of
 * one kind carries the same public message; *why* it failed is in `details.reason`, which the
 * problem-details filter never sends, for logs only (no oracle telling a caller which part was
 * wrong).
 */
import { DomainError } from '../shared/domain-error';

export const CredentialErrorCodes = {
  /** An API key that is malformed, unknown, revoked, expired or has the wrong secret. → 401 */
  INVALID_API_KEY: 'AUTH.INVALID_API_KEY',
  /**
   * A bearer token that fails verification. → 401, except `reason: 'jwks_unavailable'` (the
   * identity provider's keys cannot be fetched: the caller is not at fault) → 503.
   */
  INVALID_TOKEN: 'AUTH.INVALID_TOKEN',
  /** Revoking a key id that no key has. → 404 */
  API_KEY_NOT_FOUND: 'AUTH.API_KEY_NOT_FOUND',
} as const;

export const INVALID_API_KEY_MESSAGE = 'The API key is not valid.';
export const INVALID_TOKEN_MESSAGE = 'The bearer token is not valid.';
export const JWKS_UNAVAILABLE_MESSAGE =
  "The identity provider's signing keys cannot be fetched right now; try again shortly.";

/** Why an API key was refused (logged, never answered). */
export const API_KEY_FAILURE_REASONS = [
  'malformed',
  'unknown_key',
  'revoked',
  'expired',
  'secret_mismatch',
] as const;
export type ApiKeyFailureReason = (typeof API_KEY_FAILURE_REASONS)[number];

/** Why a bearer token was refused; `jwks_unavailable` is the server's problem, not the caller's. */
export const ACCESS_TOKEN_FAILURE_REASONS = [
  'malformed',
  'signature',
  'algorithm',
  'issuer',
  'audience',
  'expired',
  'missing_exp',
  'not_yet_valid',
  'unknown_key',
  'jwks_unavailable',
] as const;
export type AccessTokenFailureReason = (typeof ACCESS_TOKEN_FAILURE_REASONS)[number];

export function invalidApiKey(
  reason: ApiKeyFailureReason,
  keyId: string | null = null,
): DomainError {
  return new DomainError(CredentialErrorCodes.INVALID_API_KEY, INVALID_API_KEY_MESSAGE, {
    reason,
    ...(keyId !== null ? { keyId } : {}),
  });
}

/**
 * The error every {@link AccessTokenVerifier} throws. `retryAfterSeconds` (for
 * `jwks_unavailable`) becomes a `Retry-After` header when the app answers 503.
 */
export function invalidAccessToken(
  reason: AccessTokenFailureReason,
  cause?: string,
  retryAfterSeconds?: number,
): DomainError {
  return new DomainError(
    CredentialErrorCodes.INVALID_TOKEN,
    reason === 'jwks_unavailable' ? JWKS_UNAVAILABLE_MESSAGE : INVALID_TOKEN_MESSAGE,
    {
      reason,
      ...(cause !== undefined ? { cause } : {}),
      ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    },
  );
}

/** The failure reason of an {@link invalidAccessToken} error, or undefined for any other error. */
export function accessTokenFailureReason(error: unknown): AccessTokenFailureReason | undefined {
  if (!(error instanceof DomainError) || error.code !== CredentialErrorCodes.INVALID_TOKEN) {
    return undefined;
  }
  const reason = error.details.reason;
  return (ACCESS_TOKEN_FAILURE_REASONS as readonly unknown[]).includes(reason)
    ? (reason as AccessTokenFailureReason)
    : undefined;
}
