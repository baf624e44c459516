import type { Principal } from '@groundwork/auth';
import { identityErrors } from '../domain/identity-errors.ts';
import type { Organization } from '../generated/prisma/client.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { assertActsFor } from './tenant-access.ts';

export function makeGetOrganization(deps: Pick<UseCaseDependencies, 'store'>) {
  return async function getOrganization(
    principal: Principal,
    orgId: string,
  ): Promise<Organization> {
    assertActsFor(principal, orgId, 'org:read');
    const organization = await deps.store.organizations.findById(orgId);
    if (!organization) throw identityErrors.IDENTITY_ORGANIZATION_NOT_FOUND.create();
    return organization;
  };
}
