/**
 * The one guard every request passes (registered globally by {@link AccessModule}): it reads the
 * route's {@link Access} declaration, authenticates the caller, checks role, person-ness and
 * service ownership, then charges the caller's rate limit for the route. A route without a
 * declaration is a wiring bug and answers 500, so an endpoint can never ship open by omission.
 */
import { type IncomingHttpHeaders } from 'node:http';
import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError, RateLimiter, rateLimitHeaders, type RateLimitRule } from '@slo-engine/core';
import { type FastifyReply, type FastifyRequest } from 'fastify';
import {
  ACCESS_METADATA,
  type AccessRule,
  isPublicAccess,
  roleSatisfies,
  type RouteAccess,
} from './access';
import { type Principal, type RequestWithPrincipal } from './principal';

/** Codes the guard throws; apps spread {@link accessGuardStatusByCode} into their status table. */
export const AccessErrorCodes = {
  /** No credentials on a route that needs them. → 401 */
  UNAUTHENTICATED: 'AUTH.UNAUTHENTICATED',
  /** Authenticated, but the role, the person requirement or service ownership does not allow it. → 403 */
  FORBIDDEN: 'AUTH.FORBIDDEN',
  /** The caller's allowance for the route is used up. → 429 with Retry-After */
  RATE_LIMITED: 'RATE_LIMIT.EXCEEDED',
  /** A route without an `@Access`/`@PublicRoute` declaration (a wiring bug). → 500 */
  UNDECLARED_ROUTE: 'AUTH.UNDECLARED_ROUTE',
} as const;

export const accessGuardStatusByCode: Readonly<Record<string, number>> = {
  [AccessErrorCodes.UNAUTHENTICATED]: 401,
  [AccessErrorCodes.FORBIDDEN]: 403,
  [AccessErrorCodes.RATE_LIMITED]: 429,
  [AccessErrorCodes.UNDECLARED_ROUTE]: 500,
};

/**
 * Turns a request's credentials into a principal. Returns null when the request carries none;
 * throws a DomainError (401/503 codes of the app) when it carries bad ones.
 */
export abstract class Authenticator {
  abstract authenticate(headers: IncomingHttpHeaders): Promise<Principal | null>;
}

/** Which team owns a service (`services.team`): null for none, undefined for an unknown service. */
export abstract class ServiceTeams {
  abstract teamOf(serviceId: string): Promise<string | null | undefined>;
}

/** The `WWW-Authenticate` challenge of a 401 (RFC 9110 §11.6.1). */
export const AUTHENTICATE_CHALLENGE = 'Bearer realm="slo-engine", ApiKey header="X-API-Key"';

const MINUTE_MS = 60_000;

@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly serviceTeams: ServiceTeams,
    /** Absent: rate limits are off (RATE_LIMITS_ENABLED=false). */
    private readonly rateLimiter: RateLimiter | null,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const access = this.reflector.getAllAndOverride<RouteAccess | undefined>(ACCESS_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & RequestWithPrincipal>();
    const reply = http.getResponse<FastifyReply>();
    if (access === undefined) {
      throw new DomainError(
        AccessErrorCodes.UNDECLARED_ROUTE,
        `${request.method} ${request.routeOptions.url ?? request.url} declares no access rule`,
      );
    }
    if (isPublicAccess(access)) return true;

    let principal: Principal | null;
    try {
      principal = await this.authenticator.authenticate(request.headers);
    } catch (error) {
      // Refused credentials get the same challenge as missing ones (RFC 9110 §15.5.2).
      void reply.header('www-authenticate', AUTHENTICATE_CHALLENGE);
      throw error;
    }
    if (!principal) {
      void reply.header('www-authenticate', AUTHENTICATE_CHALLENGE);
      throw new DomainError(
        AccessErrorCodes.UNAUTHENTICATED,
        'This endpoint needs credentials: an API key in X-API-Key or an OIDC bearer token in Authorization.',
      );
    }
    request.principal = principal;
    // Charged before authorising: refused attempts count too, and an ownership probe cannot
    // run database lookups past the caller's allowance.
    await this.chargeRateLimit(access, principal, request, reply);
    await this.authorize(access, principal, request);
    const flag = access.whenQuery;
    if (flag && (request.query as Record<string, unknown>)[flag.param] === flag.equals) {
      await this.authorize(flag.rule, principal, request, `${flag.param}=${flag.equals}`);
    }
    return true;
  }

  private async authorize(
    access: Pick<AccessRule, 'role' | 'ownedService' | 'userOnly'>,
    principal: Principal,
    request: FastifyRequest,
    /** Names the query flag that asked for this rule, so the refusal says why. */
    because?: string,
  ): Promise<void> {
    const what = because === undefined ? 'This endpoint' : `This endpoint with ${because}`;
    if (access.userOnly && principal.kind !== 'user') {
      throw forbidden(
        'This action must be taken by a person: use an OIDC bearer token, not an API key.',
      );
    }
    if (!roleSatisfies(principal.roles, access.role)) {
      throw forbidden(
        `${what} needs the ${access.role} role; the caller has ${principal.roles.length > 0 ? principal.roles.join(', ') : 'no role'}.`,
      );
    }
    if (access.ownedService === undefined || principal.roles.includes('sre_admin')) return;
    const serviceId = (request.params as Record<string, string | undefined>)[access.ownedService];
    if (serviceId === undefined) {
      throw new Error(`route parameter ${access.ownedService} named by @Access is missing`);
    }
    const team = await this.serviceTeams.teamOf(serviceId);
    // An unknown service passes here so the handler answers its 404; there is nothing to protect.
    if (team === undefined) return;
    if (team === null || !principal.teams.includes(team)) {
      throw forbidden(
        `Only sre_admin or the owning team (${team ?? 'none recorded'}) may act on service '${serviceId}'.`,
      );
    }
  }

  private async chargeRateLimit(
    access: AccessRule,
    principal: Principal,
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<void> {
    if (!this.rateLimiter) return;
    const rule: RateLimitRule = { limit: access.ratePerMinute, windowMs: MINUTE_MS };
    const route = `${request.method} ${request.routeOptions.url ?? 'unmatched'}`;
    const decision = await this.rateLimiter.consume(`${principal.subject}|${route}`, rule);
    for (const [name, value] of Object.entries(rateLimitHeaders(decision, rule))) {
      void reply.header(name, value);
    }
    if (!decision.allowed) {
      throw new DomainError(
        AccessErrorCodes.RATE_LIMITED,
        `Rate limit of ${rule.limit} requests per minute for ${route} exceeded; retry after the time in Retry-After.`,
        { retryAfterSeconds: decision.retryAfterMs / 1000 },
      );
    }
  }
}

function forbidden(message: string): DomainError {
  return new DomainError(AccessErrorCodes.FORBIDDEN, message);
}
