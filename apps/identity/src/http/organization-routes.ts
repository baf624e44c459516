import { authorize } from '@groundwork/auth/fastify';
import { parseFilter, parseLimit, parseSort } from '@groundwork/db';
import { commonErrors } from '@groundwork/errors';
import type { Service } from '@groundwork/service-kit';
import type { FastifyRequest } from 'fastify';
import Type from 'typebox';
import { type MemberRow, memberFilters, memberSortFields } from '../data/membership-repository.ts';
import type { Organization } from '../generated/prisma/client.ts';
import type { makeChangeMemberRole } from '../use-cases/change-member-role.ts';
import type { makeCreateOrganization } from '../use-cases/create-organization.ts';
import type { makeDeleteOrganization } from '../use-cases/delete-organization.ts';
import type { makeGetOrganization } from '../use-cases/get-organization.ts';
import type { makeInviteMember } from '../use-cases/invite-member.ts';
import type { makeListMembers } from '../use-cases/list-members.ts';
import type { makeListOrganizations } from '../use-cases/list-organizations.ts';
import type { makeRemoveMember } from '../use-cases/remove-member.ts';
import type { makeUpdateOrganization } from '../use-cases/update-organization.ts';
import type { AuditContextOf } from './request-context.ts';
import {
  CollectionLinks,
  Email,
  ListQuery,
  MemberParams,
  OrgParams,
  problems,
  RoleSchema,
  Timestamp,
  Uuid,
} from './schemas.ts';

export interface OrganizationRoutesOptions {
  readonly createOrganization: ReturnType<typeof makeCreateOrganization>;
  readonly listOrganizations: ReturnType<typeof makeListOrganizations>;
  readonly getOrganization: ReturnType<typeof makeGetOrganization>;
  readonly updateOrganization: ReturnType<typeof makeUpdateOrganization>;
  readonly deleteOrganization: ReturnType<typeof makeDeleteOrganization>;
  readonly listMembers: ReturnType<typeof makeListMembers>;
  readonly inviteMember: ReturnType<typeof makeInviteMember>;
  readonly changeMemberRole: ReturnType<typeof makeChangeMemberRole>;
  readonly removeMember: ReturnType<typeof makeRemoveMember>;
  readonly auditContextOf: AuditContextOf;
}

const OrganizationSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  version: Type.Integer(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
  links: Type.Object({ self: Type.String(), members: Type.String() }),
});

const MyOrganizationSchema = Type.Object({
  ...OrganizationSchema.properties,
  role: RoleSchema,
});

const MemberSchema = Type.Object({
  userId: Uuid,
  email: Type.String(),
  displayName: Type.Union([Type.String(), Type.Null()]),
  role: RoleSchema,
  joinedAt: Timestamp,
  links: Type.Object({ self: Type.String() }),
});

const OrganizationName = Type.String({ minLength: 1, maxLength: 100 });
const sortOptions = {
  allowed: memberSortFields,
  fallback: [{ field: 'createdAt' as const, direction: 'asc' as const }],
};

type Params = { orgId: string };
type MemberParamsType = { orgId: string; userId: string };
type ListQueryType = { limit?: number; cursor?: string; sort?: string } & Record<string, unknown>;

function organizationJson(organization: Organization) {
  const self = `/v1/organizations/${organization.id}`;
  return {
    id: organization.id,
    name: organization.name,
    version: organization.version,
    createdAt: organization.createdAt.toISOString(),
    updatedAt: organization.updatedAt.toISOString(),
    links: { self, members: `${self}/members` },
  };
}

function memberJson(member: MemberRow) {
  return {
    userId: member.userId,
    email: member.user.email,
    displayName: member.user.displayName,
    role: member.role,
    joinedAt: member.createdAt.toISOString(),
    links: { self: `/v1/organizations/${member.orgId}/members/${member.userId}` },
  };
}

/** `?cursor=` of the next page, keeping the caller's other parameters. */
function nextLink(request: FastifyRequest, nextCursor: string | null): string | undefined {
  if (nextCursor === null) return undefined;
  const url = new URL(request.url, 'http://local');
  url.searchParams.set('cursor', nextCursor);
  return `${url.pathname}${url.search}`;
}

/** A weak validator is enough: the version changes with every write. */
const etagOf = (organization: Organization) => `"${organization.version}"`;

function expectedVersionOf(request: FastifyRequest): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const match = /^"(\d+)"$/.exec(header.trim());
  if (!match) {
    throw commonErrors.VALIDATION_FAILED.create('If-Match must be an ETag this API returned.', {
      fields: [{ field: '/headers/if-match', message: 'is not a known ETag' }],
    });
  }
  return Number(match[1]);
}

/**
 * Organizations and their members. RBAC at the edge (`authorize(permission)`, with the
 * insufficient_scope challenge) and ABAC in each use case (the token's organization is the path's,
 * role rules), so a route that forgot its preHandler would still refuse.
 */
export async function organizationRoutes(
  app: Service,
  options: OrganizationRoutesOptions,
): Promise<void> {
  const { auditContextOf } = options;

  app.post(
    '/v1/organizations',
    {
      schema: {
        tags: ['organizations'],
        summary: 'Create an organization; the caller becomes its owner',
        body: Type.Object({ name: OrganizationName }, { additionalProperties: false }),
        response: { 201: OrganizationSchema, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const organization = await options.createOrganization(
        request.principal,
        request.body,
        auditContextOf(request),
      );
      const json = organizationJson(organization);
      return reply
        .code(201)
        .header('location', json.links.self)
        .header('etag', etagOf(organization))
        .send(json);
    },
  );

  app.get(
    '/v1/organizations',
    {
      schema: {
        tags: ['organizations'],
        summary: "The caller's organizations, with its role in each",
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(MyOrganizationSchema),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
            links: CollectionLinks,
          }),
          ...problems(400, 401),
        },
      },
    },
    async (request) => {
      const query = request.query as ListQueryType;
      parseFilter(query, {});
      const page = await options.listOrganizations(request.principal, {
        sort: parseSort(query.sort, sortOptions),
        limit: parseLimit(query.limit),
        cursor: query.cursor,
      });
      const next = nextLink(request, page.nextCursor);
      return {
        items: page.items.map((membership) => ({
          ...organizationJson(membership.organization),
          role: membership.role,
        })),
        nextCursor: page.nextCursor,
        links: { self: request.url, ...(next ? { next } : {}) },
      };
    },
  );

  app.get(
    '/v1/organizations/:orgId',
    {
      preHandler: authorize('org:read'),
      schema: {
        tags: ['organizations'],
        summary: 'One organization (the token must act for it)',
        params: OrgParams,
        response: { 200: OrganizationSchema, ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { orgId } = request.params as Params;
      const organization = await options.getOrganization(request.principal, orgId);
      return reply.header('etag', etagOf(organization)).send(organizationJson(organization));
    },
  );

  app.patch(
    '/v1/organizations/:orgId',
    {
      preHandler: authorize('org:manage'),
      schema: {
        tags: ['organizations'],
        summary: 'Rename an organization (owners); If-Match for optimistic locking',
        params: OrgParams,
        body: Type.Object({ name: OrganizationName }, { additionalProperties: false }),
        response: { 200: OrganizationSchema, ...problems(400, 401, 403, 404, 409, 412) },
      },
    },
    async (request, reply) => {
      const { orgId } = request.params as Params;
      const organization = await options.updateOrganization(
        request.principal,
        orgId,
        {
          name: (request.body as { name: string }).name,
          expectedVersion: expectedVersionOf(request),
        },
        auditContextOf(request),
      );
      return reply.header('etag', etagOf(organization)).send(organizationJson(organization));
    },
  );

  app.delete(
    '/v1/organizations/:orgId',
    {
      preHandler: authorize('org:manage'),
      schema: {
        tags: ['organizations'],
        summary: 'Delete an organization with its memberships (owners)',
        params: OrgParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { orgId } = request.params as Params;
      await options.deleteOrganization(request.principal, orgId, auditContextOf(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/v1/organizations/:orgId/members',
    {
      preHandler: authorize('members:read'),
      schema: {
        tags: ['members'],
        summary: 'Members of an organization; filter[role]=, sort=createdAt|-createdAt',
        params: OrgParams,
        querystring: ListQuery,
        response: {
          200: Type.Object({
            items: Type.Array(MemberSchema),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
            links: CollectionLinks,
          }),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const { orgId } = request.params as Params;
      const query = request.query as ListQueryType;
      const page = await options.listMembers(
        request.principal,
        orgId,
        {
          sort: parseSort(query.sort, sortOptions),
          limit: parseLimit(query.limit),
          cursor: query.cursor,
        },
        parseFilter(query, memberFilters),
      );
      const next = nextLink(request, page.nextCursor);
      return {
        items: page.items.map(memberJson),
        nextCursor: page.nextCursor,
        links: { self: request.url, ...(next ? { next } : {}) },
      };
    },
  );

  app.post(
    '/v1/organizations/:orgId/members',
    {
      preHandler: authorize('members:manage'),
      schema: {
        tags: ['members'],
        summary: 'Add a registered user with a role (admins; only owners give owner)',
        params: OrgParams,
        body: Type.Object({ email: Email, role: RoleSchema }, { additionalProperties: false }),
        response: { 201: MemberSchema, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { orgId } = request.params as Params;
      const member = await options.inviteMember(
        request.principal,
        orgId,
        request.body as { email: string; role: MemberRow['role'] },
        auditContextOf(request),
      );
      const json = memberJson(member);
      return reply.code(201).header('location', json.links.self).send(json);
    },
  );

  app.patch(
    '/v1/organizations/:orgId/members/:userId',
    {
      preHandler: authorize('members:manage'),
      schema: {
        tags: ['members'],
        summary: "Change a member's role; their current access tokens for it stop working",
        params: MemberParams,
        body: Type.Object({ role: RoleSchema }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            userId: Uuid,
            role: RoleSchema,
            links: Type.Object({ self: Type.String() }),
          }),
          ...problems(400, 401, 403, 404, 409),
        },
      },
    },
    async (request) => {
      const { orgId, userId } = request.params as MemberParamsType;
      const membership = await options.changeMemberRole(
        request.principal,
        orgId,
        userId,
        (request.body as { role: MemberRow['role'] }).role,
        auditContextOf(request),
      );
      return {
        userId: membership.userId,
        role: membership.role,
        links: { self: `/v1/organizations/${orgId}/members/${userId}` },
      };
    },
  );

  app.delete(
    '/v1/organizations/:orgId/members/:userId',
    {
      // Any member may leave; removing someone else needs members:manage (checked in the use case).
      preHandler: authorize('org:read'),
      schema: {
        tags: ['members'],
        summary: 'Remove a member, or leave; their sessions for the organization are revoked',
        params: MemberParams,
        response: { 204: Type.Null(), ...problems(401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const { orgId, userId } = request.params as MemberParamsType;
      await options.removeMember(request.principal, orgId, userId, auditContextOf(request));
      return reply.code(204).send(null);
    },
  );
}
