import type { Principal } from '@groundwork/auth';
import type { AuditContext } from '../domain/audit-event.ts';
import { identityErrors } from '../domain/identity-errors.ts';
import type { Organization } from '../generated/prisma/client.ts';
import type { UseCaseDependencies } from './dependencies.ts';

/**
 * Creates an organization (a tenant) with the calling user as its owner. Any signed-in user may;
 * a service client may not. The caller's current token does not act for the new organization:
 * it refreshes with `organizationId` to do so.
 */
export function makeCreateOrganization(deps: Pick<UseCaseDependencies, 'store'>) {
  return async function createOrganization(
    principal: Principal,
    input: { readonly name: string },
    context: AuditContext,
  ): Promise<Organization> {
    const user = await deps.store.users.findById(principal.sub);
    if (user?.status !== 'active') {
      throw identityErrors.IDENTITY_USER_TOKEN_REQUIRED.create(
        'Only a signed-in user can create an organization.',
      );
    }
    return deps.store.transaction(async (tx) => {
      const organization = await tx.organizations.create({ name: input.name.trim() });
      await tx.memberships.add({ orgId: organization.id, userId: user.id, role: 'owner' });
      await tx.audit.record(
        {
          type: 'organization.created',
          outcome: 'success',
          actorId: user.id,
          orgId: organization.id,
          subject: organization.id,
        },
        context,
      );
      await tx.publish({
        aggregate: 'organization',
        type: 'organization.created',
        payload: { orgId: organization.id, ownerId: user.id },
      });
      return organization;
    });
  };
}
