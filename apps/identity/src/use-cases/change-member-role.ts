import type { Principal, Role } from '@groundwork/auth';
import type { AuditContext } from '../domain/audit-event.ts';
import { identityErrors } from '../domain/identity-errors.ts';
import {
  assertKeepsAnOwner,
  assertMayAssignRole,
  assertMayManageMember,
} from '../domain/membership-rules.ts';
import type { Membership } from '../generated/prisma/client.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { assertActsFor, currentMembershipOf } from './tenant-access.ts';

/**
 * Changes a member's role. The member's live access tokens for this organization are denied at
 * once (their roles claim is now wrong); their session survives, so the next refresh brings a
 * token with the new role.
 */
export function makeChangeMemberRole(
  deps: Pick<UseCaseDependencies, 'store' | 'revocations' | 'now'>,
) {
  return async function changeMemberRole(
    principal: Principal,
    orgId: string,
    userId: string,
    role: Role,
    context: AuditContext,
  ): Promise<Membership> {
    assertActsFor(principal, orgId, 'members:manage');
    return deps.store.transaction(async (tx) => {
      const ownerCount = await tx.memberships.lockOwners(orgId);
      const actor = await currentMembershipOf(tx, principal, orgId);
      const target = await tx.memberships.find(orgId, userId);
      if (!target) throw identityErrors.IDENTITY_MEMBER_NOT_FOUND.create();
      assertMayManageMember(actor.role, target.role);
      assertMayAssignRole(actor.role, role);
      assertKeepsAnOwner(target.role, role, ownerCount);
      const updated = await tx.memberships.changeRole(orgId, userId, role);
      await deps.revocations.revoke(
        await tx.sessions.liveAccessTokensOf(userId, orgId, deps.now()),
      );
      await tx.audit.record(
        {
          type: 'member.role_changed',
          outcome: 'success',
          actorId: principal.sub,
          orgId,
          subject: userId,
          details: { from: target.role, to: role },
        },
        context,
      );
      await tx.publish({
        aggregate: 'membership',
        type: 'member.role_changed',
        payload: { orgId, userId, role },
      });
      return updated;
    });
  };
}
