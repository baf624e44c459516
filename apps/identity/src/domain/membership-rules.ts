import type { Role } from '@groundwork/auth';
import { identityErrors } from './identity-errors.ts';

/**
 * ABAC over memberships, beyond the RBAC table's `members:manage`: who may give which role and
 * touch whom. An admin manages members and viewers and other admins, but only an owner creates
 * or demotes owners, so an admin can never take over an organization.
 */
export function assertMayAssignRole(actorRole: Role, role: Role): void {
  const allowed = actorRole === 'owner' || (actorRole === 'admin' && role !== 'owner');
  if (!allowed) {
    throw identityErrors.IDENTITY_ROLE_NOT_ASSIGNABLE.create(
      `The ${actorRole} role cannot give the ${role} role.`,
    );
  }
}

/** Changing or removing someone else's membership: owners touch anyone, admins non-owners. */
export function assertMayManageMember(actorRole: Role, targetRole: Role): void {
  const allowed = actorRole === 'owner' || (actorRole === 'admin' && targetRole !== 'owner');
  if (!allowed) {
    throw identityErrors.IDENTITY_ROLE_NOT_ASSIGNABLE.create(
      `The ${actorRole} role cannot change or remove a member whose role is ${targetRole}.`,
    );
  }
}

/**
 * An organization never loses its last owner, by demotion or removal (leaving included): nobody
 * could manage it any more.
 */
export function assertKeepsAnOwner(
  targetRole: Role,
  newRole: Role | null,
  ownerCount: number,
): void {
  if (targetRole === 'owner' && newRole !== 'owner' && ownerCount <= 1) {
    throw identityErrors.IDENTITY_LAST_OWNER.create(
      'Make another member an owner first, or delete the organization.',
    );
  }
}
