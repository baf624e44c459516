import type { Principal } from '@groundwork/auth';
import type { AuditContext } from '../domain/audit-event.ts';
import { identityErrors } from '../domain/identity-errors.ts';
import { assertKeepsAnOwner, assertMayManageMember } from '../domain/membership-rules.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { assertActsFor, currentMembershipOf } from './tenant-access.ts';

/**
 * Removes a member (admins and owners), or lets any member leave. The member's sessions for the
 * organization are revoked and their live access tokens denied before the commit.
 */
export function makeRemoveMember(deps: Pick<UseCaseDependencies, 'store' | 'revocations' | 'now'>) {
  return async function removeMember(
    principal: Principal,
    orgId: string,
    userId: string,
    context: AuditContext,
  ): Promise<void> {
    const leaving = userId === principal.sub;
    assertActsFor(principal, orgId, leaving ? 'org:read' : 'members:manage');
    await deps.store.transaction(async (tx) => {
      const ownerCount = await tx.memberships.lockOwners(orgId);
      const actor = await currentMembershipOf(tx, principal, orgId);
      const target = leaving ? actor : await tx.memberships.find(orgId, userId);
      if (!target) throw identityErrors.IDENTITY_MEMBER_NOT_FOUND.create();
      if (!leaving) assertMayManageMember(actor.role, target.role);
      assertKeepsAnOwner(target.role, null, ownerCount);
      await tx.memberships.remove(orgId, userId);
      const live = await tx.sessions.revokeUserFamilies(userId, 'membership_changed', deps.now(), {
        orgId,
      });
      await deps.revocations.revoke(live);
      await tx.audit.record(
        {
          type: 'member.removed',
          outcome: 'success',
          actorId: principal.sub,
          orgId,
          subject: userId,
          details: { role: target.role, left: leaving },
        },
        context,
      );
      await tx.publish({
        aggregate: 'membership',
        type: 'member.removed',
        payload: { orgId, userId },
      });
    });
  };
}
