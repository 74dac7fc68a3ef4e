/**
 * The production AccessTokenVerifier (spec 004 FR-8, SEC-003): an OIDC access token is a JWT
 * signed by the identity provider (Keycloak, Okta, …) with a key from its JWKS. Checked with `jose`:
 * the signature against the JWKS (fetched over HTTPS, cached 5 minutes, refetched at most every
 * `jwksCooldownMs` when a token names a key it does not know, so a key rotation is picked up without
 * letting unknown-key tokens hammer the provider), the algorithm against an allow-list of asymmetric
 * algorithms (never `none`, never HS*: with a public JWKS, an HMAC "signed" with the public key
 * would verify), `iss`, `aud`, and `exp` (required) and `nbf` with a clock tolerance.
 *
 * Every refusal throws `AUTH.INVALID_TOKEN` with a `reason`; when the JWKS cannot be fetched the
 * reason is `jwks_unavailable`, which is the server's problem (503), not the caller's (401).
 */
import {
  AccessTokenVerifier,
  type AccessTokenFailureReason,
  type Clock,
  invalidAccessToken,
  type VerifiedAccessToken,
} from '@slo-engine/core';
import type {
  CryptoKey,
  JWSHeaderParameters,
  JWTPayload,
  JWTVerifyGetKey,
  JWTVerifyOptions,
} from 'jose' with { 'resolution-mode': 'import' };
import type * as JoseModule from 'jose' with { 'resolution-mode': 'import' };

/** Asymmetric JWS algorithms an access token may be signed with (RFC 7518, RFC 8037). */
export const ASYMMETRIC_JWS_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;

export const DEFAULT_ACCESS_TOKEN_ALGORITHMS = ['RS256', 'ES256', 'PS256', 'EdDSA'] as const;
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
/** SEC-003: token/key cache TTL of 5 minutes. */
export const DEFAULT_JWKS_CACHE_MAX_AGE_MS = 5 * 60_000;
export const DEFAULT_JWKS_COOLDOWN_MS = 30_000;
export const DEFAULT_JWKS_TIMEOUT_MS = 5_000;
/** Far above real access tokens (1–4 KB), far below what would cost real parsing time. */
export const DEFAULT_MAX_TOKEN_LENGTH = 16_384;
/** What a 503 for an unreachable JWKS tells the client to wait. */
const JWKS_RETRY_AFTER_SECONDS = 5;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

export interface JoseAccessTokenVerifierOptions {
  /** The identity provider's JWKS (`jwks_uri` of its discovery document); HTTPS unless loopback. */
  readonly jwksUrl: string | URL;
  /** Accepted `iss` values (exact match). */
  readonly issuer: string | readonly string[];
  /** Accepted `aud` values: the token must name at least one. */
  readonly audience: string | readonly string[];
  /** Default RS256, ES256, PS256, EdDSA; only asymmetric algorithms are allowed. */
  readonly algorithms?: readonly string[];
  /** Leeway for `exp`, `nbf` and `iat` against clock skew. Default 30 s. */
  readonly clockToleranceSeconds?: number;
  /** How long fetched keys are used before refetching. Default 5 min (SEC-003). */
  readonly jwksCacheMaxAgeMs?: number;
  /** Least time between refetches triggered by an unknown key id. Default 30 s. */
  readonly jwksCooldownMs?: number;
  /** Timeout of one JWKS request. Default 5 s. */
  readonly jwksTimeoutMs?: number;
  /** Longer tokens are refused as malformed without being parsed. Default 16 KiB. */
  readonly maxTokenLength?: number;
  /** The time `exp` and `nbf` are checked against; the system clock by default. */
  readonly clock?: Clock;
}

type Jose = typeof JoseModule;

let josePromise: Promise<Jose> | undefined;
/** `jose` is an ES module; this CommonJS package loads it with a dynamic import, once. */
function loadJose(): Promise<Jose> {
  josePromise ??= import('jose');
  return josePromise;
}

/** The JWKS could not be fetched or used: raised inside the key lookup, mapped to jwks_unavailable. */
class JwksUnavailable extends Error {
  override readonly name = 'JwksUnavailable';
}

/** Errors of the key lookup that are about the token, not about fetching the JWKS. */
const TOKEN_KEY_ERRORS = new Set([
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JOSE_NOT_SUPPORTED',
]);

function joseCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_J') ? code : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function checkJwksUrl(value: string | URL): URL {
  const url = new URL(value);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) return url;
  throw new Error(
    `The JWKS URL must use https (plain http only on loopback, for tests), got ${url.protocol}//${url.host}`,
  );
}

function checkAlgorithms(algorithms: readonly string[]): string[] {
  if (algorithms.length === 0) throw new Error('At least one token algorithm must be allowed');
  for (const algorithm of algorithms) {
    if (!(ASYMMETRIC_JWS_ALGORITHMS as readonly string[]).includes(algorithm)) {
      throw new Error(
        `Token algorithm ${JSON.stringify(algorithm)} is not allowed: use asymmetric ones (${ASYMMETRIC_JWS_ALGORITHMS.join(', ')}); never none or HS*`,
      );
    }
  }
  return [...algorithms];
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative number, got ${value}`);
  }
  return value;
}

/** The refusal reason for a jose error thrown while verifying a token. */
function reasonFor(error: unknown): AccessTokenFailureReason | undefined {
  if (error instanceof JwksUnavailable) return 'jwks_unavailable';
  const code = joseCode(error);
  if (code === undefined) return undefined;
  switch (code) {
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
    case 'ERR_JOSE_NOT_SUPPORTED':
      return 'algorithm';
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
      return 'signature';
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return 'unknown_key';
    case 'ERR_JWT_EXPIRED':
      return 'expired';
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED': {
      const { claim, reason } = error as { claim?: unknown; reason?: unknown };
      if (claim === 'exp' && reason === 'missing') return 'missing_exp';
      if (claim === 'iss') return 'issuer';
      if (claim === 'aud') return 'audience';
      if (claim === 'nbf' && reason === 'check_failed') return 'not_yet_valid';
      return 'malformed';
    }
    default:
      return 'malformed';
  }
}

export class JoseAccessTokenVerifier extends AccessTokenVerifier {
  private readonly jwksUrl: URL;
  private readonly issuers: string[];
  private readonly audiences: string[];
  private readonly algorithms: string[];
  private readonly clockToleranceSeconds: number;
  private readonly jwksCacheMaxAgeMs: number;
  private readonly jwksCooldownMs: number;
  private readonly jwksTimeoutMs: number;
  private readonly maxTokenLength: number;
  private keys: JWTVerifyGetKey | undefined;

  constructor(private readonly options: JoseAccessTokenVerifierOptions) {
    super();
    this.jwksUrl = checkJwksUrl(options.jwksUrl);
    this.issuers = typeof options.issuer === 'string' ? [options.issuer] : [...options.issuer];
    this.audiences =
      typeof options.audience === 'string' ? [options.audience] : [...options.audience];
    if (this.issuers.length === 0 || this.issuers.some((issuer) => issuer.length === 0)) {
      throw new Error('At least one non-empty token issuer must be configured');
    }
    if (this.audiences.length === 0 || this.audiences.some((audience) => audience.length === 0)) {
      throw new Error('At least one non-empty token audience must be configured');
    }
    this.algorithms = checkAlgorithms(options.algorithms ?? DEFAULT_ACCESS_TOKEN_ALGORITHMS);
    this.clockToleranceSeconds = nonNegative(
      options.clockToleranceSeconds ?? DEFAULT_CLOCK_TOLERANCE_SECONDS,
      'clockToleranceSeconds',
    );
    this.jwksCacheMaxAgeMs = nonNegative(
      options.jwksCacheMaxAgeMs ?? DEFAULT_JWKS_CACHE_MAX_AGE_MS,
      'jwksCacheMaxAgeMs',
    );
    this.jwksCooldownMs = nonNegative(
      options.jwksCooldownMs ?? DEFAULT_JWKS_COOLDOWN_MS,
      'jwksCooldownMs',
    );
    this.jwksTimeoutMs = Math.round(
      nonNegative(options.jwksTimeoutMs ?? DEFAULT_JWKS_TIMEOUT_MS, 'jwksTimeoutMs'),
    );
    this.maxTokenLength = options.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH;
  }

  override async verify(token: string): Promise<VerifiedAccessToken> {
    if (typeof token !== 'string' || token.length === 0 || token.length > this.maxTokenLength) {
      throw invalidAccessToken('malformed', 'empty or longer than the token length limit');
    }
    const jose = await loadJose();
    const verifyOptions: JWTVerifyOptions = {
      issuer: this.issuers,
      audience: this.audiences,
      algorithms: this.algorithms,
      requiredClaims: ['exp', 'sub'],
      clockTolerance: this.clockToleranceSeconds,
      currentDate: this.options.clock?.now() ?? new Date(),
    };
    let payload: JWTPayload;
    try {
      payload = await this.verifyWithJwks(jose, token, verifyOptions);
    } catch (error) {
      const reason = reasonFor(error);
      if (reason === undefined) throw error;
      throw invalidAccessToken(
        reason,
        describe(error instanceof JwksUnavailable ? error.cause : error),
        reason === 'jwks_unavailable' ? JWKS_RETRY_AFTER_SECONDS : undefined,
      );
    }
    const { sub, iss, exp } = payload;
    if (typeof sub !== 'string' || sub.length === 0 || typeof iss !== 'string') {
      throw invalidAccessToken('malformed', '`sub` or `iss` is not a non-empty string');
    }
    return {
      subject: sub,
      issuer: iss,
      expiresAt: new Date((exp ?? 0) * 1000),
      claims: payload,
    };
  }

  private async verifyWithJwks(
    jose: Jose,
    token: string,
    options: JWTVerifyOptions,
  ): Promise<JWTPayload> {
    try {
      return (await jose.jwtVerify(token, this.keySet(jose), options)).payload;
    } catch (error) {
      // A token without `kid` that several keys of the set could have signed: try each of them
      // (the approach jose documents for this error).
      if (joseCode(error) !== 'ERR_JWKS_MULTIPLE_MATCHING_KEYS') throw error;
      for await (const key of error as AsyncIterable<CryptoKey>) {
        try {
          return (await jose.jwtVerify(token, key, options)).payload;
        } catch (attempt) {
          if (joseCode(attempt) !== 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED') throw attempt;
        }
      }
      throw new jose.errors.JWSSignatureVerificationFailed();
    }
  }

  /** The remote key set, created on first use; failures to fetch it become JwksUnavailable. */
  private keySet(jose: Jose): JWTVerifyGetKey {
    if (this.keys === undefined) {
      const remote = jose.createRemoteJWKSet(this.jwksUrl, {
        cacheMaxAge: this.jwksCacheMaxAgeMs,
        cooldownDuration: this.jwksCooldownMs,
        timeoutDuration: this.jwksTimeoutMs,
      });
      this.keys = async (header: JWSHeaderParameters, token) => {
        try {
          return await remote(header, token);
        } catch (error) {
          const code = joseCode(error);
          if (code !== undefined && TOKEN_KEY_ERRORS.has(code)) throw error;
          throw new JwksUnavailable(`The JWKS at ${this.jwksUrl.href} cannot be used`, {
            cause: error,
          });
        }
      };
    }
    return this.keys;
  }
}
