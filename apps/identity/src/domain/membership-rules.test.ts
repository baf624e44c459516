import { describe, expect, test } from 'vitest';
import { identityErrors } from './identity-errors.ts';
import {
  assertKeepsAnOwner,
  assertMayAssignRole,
  assertMayManageMember,
} from './membership-rules.ts';

describe('membership rules', () => {
  test('when an owner gives any role, then it is allowed', () => {
    for (const role of ['owner', 'admin', 'member', 'viewer'] as const) {
      expect(() => assertMayAssignRole('owner', role)).not.toThrow();
    }
  });

  test('when an admin gives the owner role, then IDENTITY_ROLE_NOT_ASSIGNABLE', () => {
    expect(() => assertMayAssignRole('admin', 'owner')).toThrow(
      expect.objectContaining({ code: 'IDENTITY_ROLE_NOT_ASSIGNABLE' }),
    );
    expect(() => assertMayAssignRole('admin', 'admin')).not.toThrow();
  });

  test('when a member or viewer gives any role, then it is refused', () => {
    expect(() => assertMayAssignRole('member', 'viewer')).toThrow();
    expect(() => assertMayAssignRole('viewer', 'viewer')).toThrow();
  });

  test('when an admin changes an owner, then it is refused; an owner may', () => {
    expect(() => assertMayManageMember('admin', 'owner')).toThrow();
    expect(() => assertMayManageMember('admin', 'member')).not.toThrow();
    expect(() => assertMayManageMember('owner', 'owner')).not.toThrow();
  });

  test('when the last owner would be demoted or removed, then IDENTITY_LAST_OWNER', () => {
    const isLastOwner = (error: unknown) => identityErrors.IDENTITY_LAST_OWNER.is(error);
    expect(() => assertKeepsAnOwner('owner', 'admin', 1)).toThrow(expect.toSatisfy(isLastOwner));
    expect(() => assertKeepsAnOwner('owner', null, 1)).toThrow(expect.toSatisfy(isLastOwner));
    expect(() => assertKeepsAnOwner('owner', null, 2)).not.toThrow();
    expect(() => assertKeepsAnOwner('owner', 'owner', 1)).not.toThrow();
    expect(() => assertKeepsAnOwner('admin', null, 1)).not.toThrow();
  });
});
