import {
  allOf,
  allowedTo,
  assertAllowed,
  type Permission,
  type Principal,
  sameTenant,
} from '@groundwork/auth';
import type { Repositories } from '../data/identity-store.ts';
import { identityErrors } from '../domain/identity-errors.ts';
import type { Membership } from '../generated/prisma/client.ts';

/**
 * ABAC at the use case, whoever calls it (HTTP, jobs, tests): the token acts for `orgId` and its
 * role grants `permission`. A token for organization B gets 403 on A's resources before anything
 * of A is read, so the answer is the same whether A exists or not.
 */
export function assertActsFor(principal: Principal, orgId: string, permission: Permission): void {
  assertAllowed(principal, allOf(sameTenant, allowedTo(permission)), { orgId });
}

/**
 * The caller's membership as the database has it now. Decisions about other members use this,
 * not the token's roles, which may be up to one token lifetime old.
 */
export async function currentMembershipOf(
  repositories: Pick<Repositories, 'memberships'>,
  principal: Principal,
  orgId: string,
): Promise<Membership> {
  const membership = await repositories.memberships.find(orgId, principal.sub);
  if (!membership) throw identityErrors.IDENTITY_NOT_A_MEMBER.create();
  return membership;
}
