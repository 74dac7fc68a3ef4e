/**
 * RBAC roles of spec 004 FR-8, weakest first: each may do what the ones before it may. The same
 * values as the HTTP layer's `Role` (platform), declared here so the core can store and check them.
 */
export const ACCESS_ROLES = ['viewer', 'service_owner', 'sre_admin'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];

export function isAccessRole(value: unknown): value is AccessRole {
  return (ACCESS_ROLES as readonly unknown[]).includes(value);
}
