import type { Role } from '@groundwork/auth';
import {
  dbErrors,
  type FilterWhere,
  findPage,
  type Page,
  type PageRequest,
  toDomainError,
} from '@groundwork/db';
import { identityErrors } from '../domain/identity-errors.ts';
import type { Membership, Organization, Prisma, User } from '../generated/prisma/client.ts';
import { type Db, isUuid } from './db.ts';

export type MemberRow = Membership & { user: Pick<User, 'id' | 'email' | 'displayName'> };
export type OrganizationMembershipRow = Membership & { organization: Organization };

/** The filters `GET /v1/organizations/:orgId/members` accepts (see http/member-routes.ts). */
export const memberFilters = {
  role: { type: 'string', operators: ['eq', 'in'], values: ['owner', 'admin', 'member', 'viewer'] },
} as const;
export const memberSortFields = ['createdAt'] as const;

export interface MembershipRepository {
  /** Throws IDENTITY_ALREADY_A_MEMBER when the user is in the organization already. */
  add(membership: { orgId: string; userId: string; role: Role }): Promise<Membership>;
  find(orgId: string, userId: string): Promise<Membership | null>;
  /** Scoped to one organization: every query names the tenant. */
  listMembers(
    orgId: string,
    page: PageRequest<(typeof memberSortFields)[number]>,
    filter: FilterWhere<typeof memberFilters>,
  ): Promise<Page<MemberRow>>;
  /** The organizations a user belongs to, with the user's role in each. */
  listForUser(
    userId: string,
    page: PageRequest<(typeof memberSortFields)[number]>,
  ): Promise<Page<OrganizationMembershipRow>>;
  changeRole(orgId: string, userId: string, role: Role): Promise<Membership>;
  remove(orgId: string, userId: string): Promise<void>;
  /**
   * Locks the organization's owner rows until the transaction ends and counts them, so two
   * concurrent demotions cannot both see "another owner is left". Call it inside a transaction.
   */
  lockOwners(orgId: string): Promise<number>;
  /** User ids of every member, for revoking their tokens when the organization goes away. */
  memberIds(orgId: string): Promise<string[]>;
}

const memberUser = { select: { id: true, email: true, displayName: true } } as const;

export function createMembershipRepository(db: Db): MembershipRepository {
  return {
    async add(membership) {
      try {
        return await db.membership.create({ data: membership });
      } catch (error) {
        const domain = toDomainError(error);
        if (dbErrors.DB_ALREADY_EXISTS.is(domain)) {
          throw identityErrors.IDENTITY_ALREADY_A_MEMBER.create(
            'This user is already a member of the organization.',
            { cause: error },
          );
        }
        throw domain;
      }
    },
    find: (orgId, userId) =>
      db.membership.findUnique({ where: { orgId_userId: { orgId, userId } } }),
    // findPage pages any delegate: these add the joined rows to each page's one query.
    listMembers: (orgId, page, filter) =>
      findPage(
        {
          findMany: (args: Prisma.MembershipFindManyArgs) =>
            db.membership.findMany({ ...args, include: { user: memberUser } }),
        },
        { where: { orgId, ...(filter as Prisma.MembershipWhereInput) }, ...page },
      ),
    listForUser: async (userId, page) =>
      !isUuid(userId)
        ? { items: [], nextCursor: null }
        : findPage(
            {
              findMany: (args: Prisma.MembershipFindManyArgs) =>
                db.membership.findMany({ ...args, include: { organization: true } }),
            },
            { where: { userId }, ...page },
          ),
    async changeRole(orgId, userId, role) {
      const [updated] = await db.membership.updateManyAndReturn({
        where: { orgId, userId },
        data: { role, version: { increment: 1 } },
      });
      if (updated === undefined) throw identityErrors.IDENTITY_MEMBER_NOT_FOUND.create();
      return updated;
    },
    async remove(orgId, userId) {
      const { count } = await db.membership.deleteMany({ where: { orgId, userId } });
      if (count === 0) throw identityErrors.IDENTITY_MEMBER_NOT_FOUND.create();
    },
    async lockOwners(orgId) {
      const rows = await db.$queryRaw<{ id: string }[]>`
        SELECT "id" FROM "memberships" WHERE "orgId" = ${orgId}::uuid AND "role" = 'owner' FOR UPDATE`;
      return rows.length;
    },
    async memberIds(orgId) {
      const rows = await db.membership.findMany({ where: { orgId }, select: { userId: true } });
      return rows.map((row) => row.userId);
    },
  };
}
