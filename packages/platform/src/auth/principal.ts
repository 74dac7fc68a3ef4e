/** The authenticated caller of a request, as the auth guard resolved it. */
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { type Role } from './access';

export interface Principal {
  /** `api_key`: a service caller (Backstage); `user`: a person with an OIDC token. */
  readonly kind: 'api_key' | 'user';
  /** Stable id: the key id for API keys, the token's `sub` for users (rate limits count by it). */
  readonly subject: string;
  /** Who to name in the audit log: the user's email or preferred username, or `api-key:<name>`. */
  readonly actor: string;
  readonly roles: readonly Role[];
  /** Teams the caller belongs to (token `groups`/`team` claims, or the key's team). */
  readonly teams: readonly string[];
}

/** Where the guard leaves the principal on the Fastify request. */
export interface RequestWithPrincipal {
  principal?: Principal;
}

/** The request's principal; routes that are not public always have one. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = context.switchToHttp().getRequest<RequestWithPrincipal>().principal;
    if (!principal) {
      throw new Error('CurrentPrincipal used on a route the auth guard did not authenticate');
    }
    return principal;
  },
);
