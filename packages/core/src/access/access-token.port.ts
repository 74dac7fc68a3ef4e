/**
 * Verification of OAuth2/OIDC bearer tokens (spec 004 FR-8, SEC-003). The production adapter checks
 * a JWT against the identity provider's JWKS; the claims it hands back are trusted from then on.
 */

export interface VerifiedAccessToken {
  /** `sub`: the person (or client) the token was issued to; rate limits count by it. */
  readonly subject: string;
  /** `iss`, one of the configured issuers. */
  readonly issuer: string;
  readonly expiresAt: Date;
  /** Every claim of the token as issued (`email`, `groups`, `roles`, …), for role and team mapping. */
  readonly claims: Readonly<Record<string, unknown>>;
}

export abstract class AccessTokenVerifier {
  /**
   * The token's verified claims. Throws `AUTH.INVALID_TOKEN` (see `invalidAccessToken`) with a
   * `reason` in its details for every token that must not be trusted, and for `jwks_unavailable`
   * when the keys to check it cannot be fetched.
   */
  abstract verify(token: string): Promise<VerifiedAccessToken>;
}
