/**
 * Who may call a route, declared on every route (a test fails when one does not): the role it
 * needs, whether a person must be behind the call, whether the caller must own the service named by
 * a route parameter, and the route's rate limit (spec 004 FR-8 endpoint table, SEC-004, SEC-009).
 */
import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ACCESS_ROLES, type AccessRole } from '@slo-engine/core';
import { ApiBearerAuth, ApiExtension, ApiSecurity } from '@nestjs/swagger';
import { ApiProblemResponse } from '../openapi/problem-details.schema';

/** OpenAPI security scheme names (registered by `buildOpenApiDocument`). */
export const API_KEY_SCHEME = 'ApiKey';
export const BEARER_SCHEME = 'OidcBearer';

/** RBAC roles of spec 004 FR-8, weakest first: each role may do what the ones before it may. */
export const ROLES = ACCESS_ROLES;
export type Role = AccessRole;

export interface AccessRule {
  /** The least role the route needs; stronger roles pass too. */
  readonly role: Role;
  /**
   * Route parameter holding a service id. A `service_owner` passes only when that service's
   * `team` is one of the caller's teams (BOLA, SEC-004); `sre_admin` passes for every service.
   */
  readonly ownedService?: string;
  /** A person must be behind the call (an OIDC token), not an API key: spec 004's "user identity required". */
  readonly userOnly?: boolean;
  /** Requests per minute per caller (API key or token subject); spec 004's endpoint table. */
  readonly ratePerMinute: number;
  /**
   * A stricter rule for one query flag, e.g. `force_regenerate=true` on a read that then writes:
   * when the query parameter has this value, the caller must also pass `rule`.
   */
  readonly whenQuery?: {
    readonly param: string;
    readonly equals: string;
    readonly rule: Pick<AccessRule, 'role' | 'ownedService' | 'userOnly'>;
  };
}

/** Routes anyone may call without credentials (health, readiness, metrics, docs). */
export interface PublicAccess {
  readonly public: true;
}

export type RouteAccess = AccessRule | PublicAccess;

export const ACCESS_METADATA = 'slo-engine:access';

/** Declares who may call this route (or every route of a controller, when put on the class). */
export function Access(rule: AccessRule): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(ACCESS_METADATA, rule),
    // The OpenAPI document shows the same rule: schemes, role, limit and the refusals it brings.
    ...(rule.userOnly ? [] : [ApiSecurity(API_KEY_SCHEME)]),
    ApiBearerAuth(BEARER_SCHEME),
    ApiExtension('x-access', {
      role: rule.role,
      user_only: rule.userOnly ?? false,
      owned_service_parameter: rule.ownedService ?? null,
      rate_limit_per_minute: rule.ratePerMinute,
      ...(rule.whenQuery
        ? {
            when_query: {
              param: rule.whenQuery.param,
              equals: rule.whenQuery.equals,
              role: rule.whenQuery.rule.role,
              owned_service_parameter: rule.whenQuery.rule.ownedService ?? null,
            },
          }
        : {}),
    }),
    ApiProblemResponse(401, 'No credentials, or an invalid, revoked or expired API key or token.'),
    ApiProblemResponse(
      403,
      `The caller lacks the ${rule.role} role${rule.userOnly ? ', is not a person (API key)' : ''}${rule.ownedService ? ", or does not own the service (service owners act on their team's services only)" : ''}.`,
    ),
    ApiProblemResponse(
      429,
      `More than ${rule.ratePerMinute} requests per minute from this caller; see Retry-After.`,
    ),
  );
}

/** Declares a route open to unauthenticated callers. */
export function PublicRoute(): MethodDecorator & ClassDecorator {
  return SetMetadata(ACCESS_METADATA, { public: true } satisfies PublicAccess);
}

export function isPublicAccess(access: RouteAccess): access is PublicAccess {
  return 'public' in access;
}

/** True when `held` includes `needed` or a stronger role. */
export function roleSatisfies(held: readonly Role[], needed: Role): boolean {
  const rank = ROLES.indexOf(needed);
  return held.some((role) => ROLES.indexOf(role) >= rank);
}
