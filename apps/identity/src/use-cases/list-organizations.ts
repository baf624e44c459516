import type { Principal } from '@groundwork/auth';
import type { Page, PageRequest } from '@groundwork/db';
import type { OrganizationMembershipRow } from '../data/membership-repository.ts';
import type { UseCaseDependencies } from './dependencies.ts';

/** The organizations the caller belongs to, with its role in each: never anyone else's. */
export function makeListOrganizations(deps: Pick<UseCaseDependencies, 'store'>) {
  return (
    principal: Principal,
    page: PageRequest<'createdAt'>,
  ): Promise<Page<OrganizationMembershipRow>> =>
    deps.store.memberships.listForUser(principal.sub, page);
}
