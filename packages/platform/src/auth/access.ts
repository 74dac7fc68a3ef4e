/**
 * Who may call a route, declared on every route (a test fails when one does not): the role it
 * needs, whether a person must be behind the call, whether the caller must own the service named by
 * a route parameter, and the route's rate limit (spec 004 FR-8 endpoint table, SEC-004, SEC-009).
 */
import { SetMetadata } from '@nestjs/common';

/** RBAC roles of spec 004 FR-8, weakest first: each role may do what the ones before it may. */
export const ROLES = ['viewer', 'service_owner', 'sre_admin'] as const;
export type Role = (typeof ROLES)[number];

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
}

/** Routes anyone may call without credentials (health, readiness, metrics, docs). */
export interface PublicAccess {
  readonly public: true;
}

export type RouteAccess = AccessRule | PublicAccess;

export const ACCESS_METADATA = 'slo-engine:access';

/** Declares who may call this route (or every route of a controller, when put on the class). */
export function Access(rule: AccessRule): MethodDecorator & ClassDecorator {
  return SetMetadata(ACCESS_METADATA, rule);
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
