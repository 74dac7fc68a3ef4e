/**
 * The API's {@link Authenticator}: `X-API-Key` for service callers (Backstage), `Authorization:
 * Bearer` for people (OIDC). An identity-provider outage is the server's problem, not the caller's:
 * it answers 503 with Retry-After rather than 401, so clients retry instead of asking for a token.
 */
import { type IncomingHttpHeaders } from 'node:http';
import { Logger } from '@nestjs/common';
import {
  type AccessTokenVerifier,
  type AuthenticateApiKeyUseCase,
  DomainError,
  accessTokenFailureReason,
  type ApiKey,
} from '@slo-engine/core';
import { Authenticator, type Principal } from '@slo-engine/platform';
import { type ClaimMapping, principalFromClaims } from './principal-from-claims';

export const AccessProblemCodes = {
  /** A bearer token arrived, but this deployment has no identity provider configured. → 401 */
  OIDC_NOT_CONFIGURED: 'AUTH.OIDC_NOT_CONFIGURED',
  /** The identity provider's keys cannot be fetched. → 503 */
  IDENTITY_PROVIDER_UNAVAILABLE: 'AUTH.IDENTITY_PROVIDER_UNAVAILABLE',
  /** The Authorization header is not `Bearer <token>`. → 401 */
  UNSUPPORTED_AUTHORIZATION: 'AUTH.UNSUPPORTED_AUTHORIZATION',
} as const;

export function principalOfApiKey(key: ApiKey): Principal {
  return {
    kind: 'api_key',
    subject: `key:${key.id}`,
    actor: `api-key:${key.name}`,
    roles: [key.role],
    teams: key.team === null ? [] : [key.team],
  };
}

export class RequestAuthenticator extends Authenticator {
  private readonly logger = new Logger('Authentication');

  constructor(
    private readonly apiKeys: AuthenticateApiKeyUseCase,
    /** Null without OIDC configuration: bearer tokens are refused. */
    private readonly tokens: AccessTokenVerifier | null,
    private readonly claims: ClaimMapping,
  ) {
    super();
  }

  async authenticate(headers: IncomingHttpHeaders): Promise<Principal | null> {
    const apiKey = headers['x-api-key'];
    if (typeof apiKey === 'string' && apiKey.length > 0) {
      return principalOfApiKey(await this.logged(this.apiKeys.execute({ rawKey: apiKey.trim() })));
    }
    const authorization = headers.authorization;
    if (authorization === undefined || authorization.length === 0) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) {
      throw new DomainError(
        AccessProblemCodes.UNSUPPORTED_AUTHORIZATION,
        'The Authorization header must be `Bearer <token>`.',
      );
    }
    if (!this.tokens) {
      throw new DomainError(
        AccessProblemCodes.OIDC_NOT_CONFIGURED,
        'Bearer tokens are not accepted here: no identity provider is configured (AUTH_JWKS_URL). Use an API key.',
      );
    }
    try {
      const verified = await this.logged(this.tokens.verify(match[1] ?? ''));
      return principalFromClaims(verified.subject, verified.claims, this.claims);
    } catch (error) {
      if (accessTokenFailureReason(error) === 'jwks_unavailable') {
        const details = (error as DomainError).details;
        throw new DomainError(
          AccessProblemCodes.IDENTITY_PROVIDER_UNAVAILABLE,
          (error as DomainError).message,
          {
            retryAfterSeconds:
              typeof details.retryAfterSeconds === 'number' ? details.retryAfterSeconds : 5,
          },
        );
      }
      throw error;
    }
  }

  /** Logs why a credential was refused (the answer never says), then rethrows. */
  private async logged<T>(verification: Promise<T>): Promise<T> {
    try {
      return await verification;
    } catch (error) {
      if (error instanceof DomainError) {
        this.logger.warn(
          { code: error.code, reason: error.details.reason, keyId: error.details.keyId },
          'credentials refused',
        );
      }
      throw error;
    }
  }
}
