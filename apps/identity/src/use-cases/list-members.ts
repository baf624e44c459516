import type { Principal } from '@groundwork/auth';
import type { FilterWhere, Page, PageRequest } from '@groundwork/db';
import type { MemberRow, memberFilters, memberSortFields } from '../data/membership-repository.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { assertActsFor } from './tenant-access.ts';

export function makeListMembers(deps: Pick<UseCaseDependencies, 'store'>) {
  return async function listMembers(
    principal: Principal,
    orgId: string,
    page: PageRequest<(typeof memberSortFields)[number]>,
    filter: FilterWhere<typeof memberFilters>,
  ): Promise<Page<MemberRow>> {
    assertActsFor(principal, orgId, 'members:read');
    return deps.store.memberships.listMembers(orgId, page, filter);
  };
}
