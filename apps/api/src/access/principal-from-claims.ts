/**
 * How a verified OIDC token becomes a principal: roles, teams and the name written into audit rows
 * come from configurable claims, because every identity provider puts them elsewhere (Keycloak's
 * `realm_access.roles`, Okta's `groups`, Entra's `roles`).
 */
import { isAccessRole } from '@slo-engine/core';
import { type Principal } from '@slo-engine/platform';

export interface ClaimMapping {
  /** Dotted path of the roles claim, e.g. `roles` or `realm_access.roles`. */
  readonly rolesClaim: string;
  /** Claims with team names, in order; every one present contributes. */
  readonly teamsClaims: readonly string[];
  /** Claims naming the person; the first present (non-empty string) wins. */
  readonly actorClaims: readonly string[];
}

export function claimMappingOf(config: {
  readonly AUTH_ROLES_CLAIM: string;
  readonly AUTH_TEAMS_CLAIMS: string;
  readonly AUTH_ACTOR_CLAIMS: string;
}): ClaimMapping {
  const list = (value: string): string[] =>
    value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item.length > 0);
  return {
    rolesClaim: config.AUTH_ROLES_CLAIM.trim(),
    teamsClaims: list(config.AUTH_TEAMS_CLAIMS),
    actorClaims: list(config.AUTH_ACTOR_CLAIMS),
  };
}

/** The principal of a verified token; unknown role names are ignored (the caller gets no role). */
export function principalFromClaims(
  subject: string,
  claims: Readonly<Record<string, unknown>>,
  mapping: ClaimMapping,
): Principal {
  const roles = stringsOf(claimAt(claims, mapping.rolesClaim)).filter(isAccessRole);
  const teams = [
    ...new Set(mapping.teamsClaims.flatMap((claim) => stringsOf(claimAt(claims, claim)))),
  ]
    // Keycloak sends top-level groups as `/payments`. Only that leading slash goes: a nested
    // `/contractors/payments` is not the `payments` team.
    .map((team) => team.replace(/^\//, ''))
    .filter((team) => team.length > 0);
  const actor =
    mapping.actorClaims
      .map((claim) => claimAt(claims, claim))
      .find((value): value is string => typeof value === 'string' && value.trim().length > 0) ??
    subject;
  return {
    kind: 'user',
    subject: `user:${subject}`,
    // `system:` names automation (auto-approval rules) in the audit log; a person never gets it.
    actor: (actor.startsWith('system:') ? `user:${actor}` : actor).slice(0, 255),
    roles: [...new Set(roles)],
    teams: [...new Set(teams)],
  };
}

function claimAt(claims: Readonly<Record<string, unknown>>, path: string): unknown {
  let value: unknown = claims;
  for (const segment of path.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** A claim as a list of strings: arrays keep their strings, a string splits on spaces (OAuth `scope` style). */
function stringsOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === 'string');
  if (typeof value === 'string') return value.split(/\s+/).filter((item) => item.length > 0);
  return [];
}
