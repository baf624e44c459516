import { describe, expect, test } from 'vitest';
import { authErrors } from './auth-errors.ts';
import {
  allOf,
  allowedTo,
  anyOf,
  assertAllowed,
  can,
  ownerOnly,
  PERMISSIONS,
  type Permission,
  ROLE_PERMISSIONS,
  sameTenant,
} from './policies.ts';
import { type Principal, ROLES, type Role } from './principal.ts';

function principal(overrides: Partial<Principal> = {}): Principal {
  return {
    sub: 'user-1',
    org: 'org-a',
    roles: [],
    scope: [],
    jti: 'jti-1',
    exp: 2_000_000_000,
    ...overrides,
  };
}

// Written out by hand, not derived from ROLE_PERMISSIONS: a change to the table must change this too.
const EXPECTED: Readonly<Record<Role, readonly Permission[]>> = {
  viewer: ['org:read', 'members:read', 'catalog:read', 'orders:read'],
  member: ['org:read', 'members:read', 'catalog:read', 'orders:read', 'orders:write'],
  admin: [
    'org:read',
    'members:read',
    'members:manage',
    'catalog:read',
    'catalog:write',
    'orders:read',
    'orders:write',
  ],
  owner: [
    'org:read',
    'org:manage',
    'members:read',
    'members:manage',
    'catalog:read',
    'catalog:write',
    'orders:read',
    'orders:write',
  ],
};

describe('RBAC: can(principal, permission)', () => {
  for (const role of ROLES) {
    for (const permission of PERMISSIONS) {
      const granted = EXPECTED[role].includes(permission);
      test(`when a ${role} asks for ${permission}, then it is ${granted ? 'granted' : 'denied'}`, () => {
        expect(can(principal({ roles: [role] }), permission)).toBe(granted);
      });
    }
  }

  test('when the role table is read, then it lists every role and only known permissions', () => {
    expect(Object.keys(ROLE_PERMISSIONS).sort()).toEqual([...ROLES].sort());
    for (const granted of Object.values(ROLE_PERMISSIONS)) {
      for (const permission of granted) expect(PERMISSIONS).toContain(permission);
    }
  });

  test('when roles are ranked, then each role holds every permission of the roles below it', () => {
    for (let index = 1; index < ROLES.length; index++) {
      const higher = ROLES[index - 1] as Role;
      const lower = ROLES[index] as Role;
      for (const permission of ROLE_PERMISSIONS[lower]) {
        expect(ROLE_PERMISSIONS[higher]).toContain(permission);
      }
    }
  });

  test('when a principal has no role and no scope, then every permission is denied', () => {
    for (const permission of PERMISSIONS) expect(can(principal(), permission)).toBe(false);
  });

  test('when a principal has two roles, then it gets the union of their permissions', () => {
    const both = principal({ roles: ['viewer', 'member'] });
    expect(can(both, 'orders:write')).toBe(true);
    expect(can(both, 'catalog:write')).toBe(false);
  });

  test('when a service token carries a permission in its scope, then that permission alone is granted', () => {
    const service = principal({ sub: 'client:orders', org: null, scope: ['catalog:read'] });
    expect(PERMISSIONS.filter((permission) => can(service, permission))).toEqual(['catalog:read']);
  });

  test('when a scope names no permission, then it grants nothing', () => {
    const user = principal({ scope: ['openid', 'profile', 'orders:*', 'ORDERS:WRITE'] });
    for (const permission of PERMISSIONS) expect(can(user, permission)).toBe(false);
  });

  test('when a role string is unknown at runtime, then it grants nothing', () => {
    const forged = principal({ roles: ['superuser' as Role, '__proto__' as Role] });
    for (const permission of PERMISSIONS) expect(can(forged, permission)).toBe(false);
  });
});

describe('ABAC: policies', () => {
  test('when the resource belongs to the principal organization, then sameTenant allows', () => {
    expect(sameTenant(principal({ org: 'org-a' }), { orgId: 'org-a' })).toBe(true);
  });

  test('when the resource belongs to another organization, then sameTenant denies', () => {
    expect(sameTenant(principal({ org: 'org-a' }), { orgId: 'org-b' })).toBe(false);
  });

  test('when the principal has no organization, then sameTenant denies whatever the resource', () => {
    expect(sameTenant(principal({ org: null }), { orgId: 'org-a' })).toBe(false);
    expect(sameTenant(principal({ org: null }), { orgId: '' })).toBe(false);
  });

  test('when the principal created the resource, then ownerOnly allows, and denies anyone else', () => {
    expect(ownerOnly(principal({ sub: 'user-1' }), { ownerId: 'user-1' })).toBe(true);
    expect(ownerOnly(principal({ sub: 'user-2' }), { ownerId: 'user-1' })).toBe(false);
  });

  test('when policies are combined, then allOf needs every one and anyOf needs one', () => {
    const yes = () => true;
    const no = () => false;
    const table: [boolean, boolean, boolean, boolean][] = [
      [false, false, false, false],
      [false, true, false, true],
      [true, false, false, true],
      [true, true, true, true],
    ];
    for (const [left, right, both, either] of table) {
      const policies = [left ? yes : no, right ? yes : no];
      expect(allOf(...policies)(principal(), {})).toBe(both);
      expect(anyOf(...policies)(principal(), {})).toBe(either);
    }
    expect(allOf()(principal(), {})).toBe(false);
    expect(anyOf()(principal(), {})).toBe(false);
  });

  test('when a member deletes an order, then only its creator or an admin of the same organization may', () => {
    const mayDelete = allOf(sameTenant, anyOf(ownerOnly, allowedTo('members:manage')));
    const order = { orgId: 'org-a', ownerId: 'user-1' };
    expect(mayDelete(principal({ sub: 'user-1', roles: ['member'] }), order)).toBe(true);
    expect(mayDelete(principal({ sub: 'user-2', roles: ['member'] }), order)).toBe(false);
    expect(mayDelete(principal({ sub: 'user-3', roles: ['admin'] }), order)).toBe(true);
    expect(mayDelete(principal({ sub: 'user-1', org: 'org-b', roles: ['owner'] }), order)).toBe(
      false,
    );
    // Combined policies demand every attribute their parts read, at compile time.
    // @ts-expect-error ownerId is missing
    expect(() => mayDelete(principal(), { orgId: 'org-a' })).not.toThrow();
  });

  test('when a policy denies, then assertAllowed throws AUTH_FORBIDDEN, and returns quietly otherwise', () => {
    const other = { orgId: 'org-b' };
    let thrown: unknown;
    try {
      assertAllowed(principal(), sameTenant, other);
    } catch (error) {
      thrown = error;
    }
    expect(authErrors.AUTH_FORBIDDEN.is(thrown)).toBe(true);
    expect(() => assertAllowed(principal(), sameTenant, { orgId: 'org-a' })).not.toThrow();
  });
});
