import type { Principal } from '@groundwork/auth';
import type { AuditContext } from '../domain/audit-event.ts';
import type { Organization } from '../generated/prisma/client.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { assertActsFor } from './tenant-access.ts';

/** Renames an organization (owners only); `expectedVersion` comes from If-Match. */
export function makeUpdateOrganization(deps: Pick<UseCaseDependencies, 'store'>) {
  return async function updateOrganization(
    principal: Principal,
    orgId: string,
    input: { readonly name: string; readonly expectedVersion?: number | undefined },
    context: AuditContext,
  ): Promise<Organization> {
    assertActsFor(principal, orgId, 'org:manage');
    return deps.store.transaction(async (tx) => {
      const organization = await tx.organizations.rename(
        orgId,
        input.name.trim(),
        input.expectedVersion,
      );
      await tx.audit.record(
        {
          type: 'organization.updated',
          outcome: 'success',
          actorId: principal.sub,
          orgId,
          subject: orgId,
        },
        context,
      );
      return organization;
    });
  };
}
