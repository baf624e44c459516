import type { Principal, Role } from '@groundwork/auth';
import type { MemberRow } from '../data/membership-repository.ts';
import type { AuditContext } from '../domain/audit-event.ts';
import { identityErrors } from '../domain/identity-errors.ts';
import { assertMayAssignRole } from '../domain/membership-rules.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { assertActsFor, currentMembershipOf } from './tenant-access.ts';

/**
 * Adds a registered user to the organization with a role (admins and owners; only owners give
 * the owner role). The user acts in it after a refresh with its `organizationId`.
 */
export function makeInviteMember(deps: Pick<UseCaseDependencies, 'store'>) {
  return async function inviteMember(
    principal: Principal,
    orgId: string,
    input: { readonly email: string; readonly role: Role },
    context: AuditContext,
  ): Promise<MemberRow> {
    assertActsFor(principal, orgId, 'members:manage');
    const actor = await currentMembershipOf(deps.store, principal, orgId);
    assertMayAssignRole(actor.role, input.role);
    const user = await deps.store.users.findByEmail(input.email.trim());
    if (!user) {
      throw identityErrors.IDENTITY_USER_NOT_FOUND.create(
        'No account has this email; ask them to register first.',
      );
    }
    return deps.store.transaction(async (tx) => {
      const membership = await tx.memberships.add({ orgId, userId: user.id, role: input.role });
      await tx.audit.record(
        {
          type: 'member.added',
          outcome: 'success',
          actorId: principal.sub,
          orgId,
          subject: user.id,
          details: { role: input.role },
        },
        context,
      );
      await tx.publish({
        aggregate: 'membership',
        type: 'member.added',
        payload: { orgId, userId: user.id, role: input.role },
      });
      return {
        ...membership,
        user: { id: user.id, email: user.email, displayName: user.displayName },
      };
    });
  };
}
