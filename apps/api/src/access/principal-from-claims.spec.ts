import { claimMappingOf, principalFromClaims } from './principal-from-claims';

const mapping = claimMappingOf({
  AUTH_ROLES_CLAIM: 'roles',
  AUTH_TEAMS_CLAIMS: 'groups, team',
  AUTH_ACTOR_CLAIMS: 'email,preferred_username,sub',
});

describe('principalFromClaims', () => {
  it('takes roles, teams and the audit name from the configured claims', () => {
    const principal = principalFromClaims(
      'u-1',
      {
        roles: ['service_owner', 'offline_access'],
        groups: ['/payments'],
        team: 'search',
        email: 'jane.doe@company.com',
      },
      mapping,
    );
    expect(principal).toEqual({
      kind: 'user',
      subject: 'user:u-1',
      actor: 'jane.doe@company.com',
      roles: ['service_owner'],
      teams: ['payments', 'search'],
    });
  });

  it('reads a dotted roles path and space-separated role strings', () => {
    const keycloak = claimMappingOf({
      AUTH_ROLES_CLAIM: 'realm_access.roles',
      AUTH_TEAMS_CLAIMS: 'groups',
      AUTH_ACTOR_CLAIMS: 'preferred_username',
    });
    expect(
      principalFromClaims(
        'u-2',
        { realm_access: { roles: ['sre_admin'] }, preferred_username: 'ada' },
        keycloak,
      ),
    ).toMatchObject({ roles: ['sre_admin'], actor: 'ada', teams: [] });
    expect(principalFromClaims('u-3', { roles: 'viewer sre_admin' }, mapping).roles).toEqual([
      'viewer',
      'sre_admin',
    ]);
  });

  it('gives no role for missing or malformed claims and falls back to the subject as actor', () => {
    expect(principalFromClaims('u-4', { roles: 42, groups: { a: 1 }, email: '' }, mapping)).toEqual(
      {
        kind: 'user',
        subject: 'user:u-4',
        actor: 'u-4',
        roles: [],
        teams: [],
      },
    );
  });
});

describe('principalFromClaims guards', () => {
  it('does not take a nested group for a team of the same last name', () => {
    expect(
      principalFromClaims('u-5', { groups: ['/contractors/payments'] }, mapping).teams,
    ).toEqual(['contractors/payments']);
  });

  it('never lets a person appear as the system in audit rows', () => {
    expect(
      principalFromClaims('u-6', { email: 'system:auto-approval:low-crit' }, mapping).actor,
    ).toBe('user:system:auto-approval:low-crit');
  });
});
