import type { Principal } from '@groundwork/auth';
import type { AuditContext } from '../domain/audit-event.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { assertActsFor } from './tenant-access.ts';

/**
 * Deletes an organization (owners only) with its memberships and service clients. Every member's
 * sessions for it are revoked and their live access tokens denied, before the commit: if Redis
 * cannot take the deny entries, nothing is deleted.
 */
export function makeDeleteOrganization(
  deps: Pick<UseCaseDependencies, 'store' | 'revocations' | 'now'>,
) {
  return async function deleteOrganization(
    principal: Principal,
    orgId: string,
    context: AuditContext,
  ): Promise<void> {
    assertActsFor(principal, orgId, 'org:manage');
    await deps.store.transaction(async (tx) => {
      const now = deps.now();
      for (const userId of await tx.memberships.memberIds(orgId)) {
        const live = await tx.sessions.revokeUserFamilies(userId, 'organization_deleted', now, {
          orgId,
        });
        await deps.revocations.revoke(live);
      }
      await tx.organizations.delete(orgId);
      await tx.audit.record(
        {
          type: 'organization.deleted',
          outcome: 'success',
          actorId: principal.sub,
          orgId,
          subject: orgId,
        },
        context,
      );
      await tx.publish({
        aggregate: 'organization',
        type: 'organization.deleted',
        payload: { orgId },
      });
    });
  };
}
