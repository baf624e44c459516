import { describeWithServices } from '@groundwork/testing/vitest';
import { describe, expect, test } from 'vitest';
import {
  bearer,
  registerAndLogIn,
  type SignedIn,
  switchOrganization,
  useIdentity,
} from '../../test/identity-harness.ts';

describeWithServices('organizations and members', ['postgres', 'redis'], () => {
  const identity = useIdentity();

  const call = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    token: string,
    payload?: object,
    headers: Record<string, string> = {},
  ) =>
    identity.app.inject({
      method,
      url,
      headers: { ...bearer(token), ...headers },
      ...(payload ? { payload } : {}),
    });

  /** An owner with a token acting for a new organization. */
  async function organizationWithOwner(name = 'Acme') {
    const owner = await registerAndLogIn(identity.app);
    const created = await call('POST', '/v1/organizations', owner.accessToken, { name });
    expect(created.statusCode).toBe(201);
    const orgId: string = created.json().id;
    const tokens = await switchOrganization(identity.app, owner.refreshToken, orgId);
    return { orgId, owner: { ...owner, ...tokens }, created };
  }

  /** Adds a registered user with `role` and returns them signed in for the organization. */
  async function addMember(orgId: string, by: SignedIn, role: string): Promise<SignedIn> {
    const user = await registerAndLogIn(identity.app);
    const added = await call('POST', `/v1/organizations/${orgId}/members`, by.accessToken, {
      email: user.email,
      role,
    });
    expect(added.statusCode).toBe(201);
    return { ...user, ...(await switchOrganization(identity.app, user.refreshToken, orgId)) };
  }

  describe('organizations', () => {
    test('when a user creates an organization, then 201 with Location and ETag, and the user is its owner', async () => {
      const { orgId, owner, created } = await organizationWithOwner();
      expect(created.headers.location).toBe(`/v1/organizations/${orgId}`);
      expect(created.headers.etag).toBe('"1"');
      const me = (await call('GET', '/v1/users/me', owner.accessToken)).json();
      expect(me).toMatchObject({ organizationId: orgId, roles: ['owner'] });
      const [event] = await identity.identity.store.audit.list({
        type: 'organization.created',
        orgId,
      });
      expect(event).toMatchObject({ actorId: owner.userId, outcome: 'success' });
    });

    test('when a user lists its organizations page by page, then each appears once with its role and a next link', async () => {
      const user = await registerAndLogIn(identity.app);
      for (const name of ['One', 'Two', 'Three']) {
        await call('POST', '/v1/organizations', user.accessToken, { name });
      }
      const first = (await call('GET', '/v1/organizations?limit=2', user.accessToken)).json();
      expect(first.items).toHaveLength(2);
      expect(first.links.next).toContain('cursor=');
      const second = (await call('GET', first.links.next, user.accessToken)).json();
      expect(second.items).toHaveLength(1);
      expect(second.nextCursor).toBeNull();
      expect(
        [...first.items, ...second.items].map((org: { name: string; role: string }) => [
          org.name,
          org.role,
        ]),
      ).toEqual([
        ['One', 'owner'],
        ['Two', 'owner'],
        ['Three', 'owner'],
      ]);
    });

    test('when an organization is renamed with a stale If-Match, then 412; with the current one, 200 and a new ETag', async () => {
      const { orgId, owner } = await organizationWithOwner();
      const renamed = await call(
        'PATCH',
        `/v1/organizations/${orgId}`,
        owner.accessToken,
        { name: 'Acme 2' },
        { 'if-match': '"1"' },
      );
      expect(renamed.statusCode).toBe(200);
      expect(renamed.headers.etag).toBe('"2"');
      const stale = await call(
        'PATCH',
        `/v1/organizations/${orgId}`,
        owner.accessToken,
        { name: 'Acme 3' },
        { 'if-match': '"1"' },
      );
      expect(stale.statusCode).toBe(412);
    });

    test("when an organization is deleted, then 204 and its members' tokens for it stop working", async () => {
      const { orgId, owner } = await organizationWithOwner();
      const member = await addMember(orgId, owner, 'member');
      expect(
        (await call('DELETE', `/v1/organizations/${orgId}`, owner.accessToken)).statusCode,
      ).toBe(204);
      expect((await call('GET', '/v1/users/me', member.accessToken)).statusCode).toBe(401);
      expect((await call('GET', '/v1/users/me', owner.accessToken)).statusCode).toBe(401);
    });
  });

  describe('members', () => {
    test('when an admin adds members, then the list pages through them and filters by role', async () => {
      const { orgId, owner } = await organizationWithOwner();
      const admin = await addMember(orgId, owner, 'admin');
      await addMember(orgId, admin, 'member');
      await addMember(orgId, admin, 'viewer');
      const first = (
        await call('GET', `/v1/organizations/${orgId}/members?limit=3`, admin.accessToken)
      ).json();
      expect(first.items.map((m: { role: string }) => m.role)).toEqual([
        'owner',
        'admin',
        'member',
      ]);
      const rest = (await call('GET', first.links.next, admin.accessToken)).json();
      expect(rest.items.map((m: { role: string }) => m.role)).toEqual(['viewer']);
      const admins = (
        await call(
          'GET',
          `/v1/organizations/${orgId}/members?filter[role]=admin`,
          admin.accessToken,
        )
      ).json();
      expect(admins.items).toEqual([
        expect.objectContaining({ userId: admin.userId, role: 'admin', email: admin.email }),
      ]);
      const unknown = await call(
        'GET',
        `/v1/organizations/${orgId}/members?filter[email]=x`,
        admin.accessToken,
      );
      expect(unknown.statusCode).toBe(400);
    });

    test('when an admin gives the owner role or changes an owner, then 403 IDENTITY_ROLE_NOT_ASSIGNABLE', async () => {
      const { orgId, owner } = await organizationWithOwner();
      const admin = await addMember(orgId, owner, 'admin');
      const member = await addMember(orgId, owner, 'member');
      const promote = await call(
        'PATCH',
        `/v1/organizations/${orgId}/members/${member.userId}`,
        admin.accessToken,
        { role: 'owner' },
      );
      expect(promote.statusCode).toBe(403);
      expect(promote.json().code).toBe('IDENTITY_ROLE_NOT_ASSIGNABLE');
      const demote = await call(
        'PATCH',
        `/v1/organizations/${orgId}/members/${owner.userId}`,
        admin.accessToken,
        { role: 'viewer' },
      );
      expect(demote.statusCode).toBe(403);
      const [denied] = await identity.identity.store.audit.list({
        type: 'access.denied',
        actorId: admin.userId,
      });
      expect(denied).toMatchObject({
        outcome: 'denied',
        orgId,
        reason: 'IDENTITY_ROLE_NOT_ASSIGNABLE',
      });
    });

    test("when a member's role changes, then their current token stops working and the next refresh carries the new role", async () => {
      const { orgId, owner } = await organizationWithOwner();
      const member = await addMember(orgId, owner, 'viewer');
      const changed = await call(
        'PATCH',
        `/v1/organizations/${orgId}/members/${member.userId}`,
        owner.accessToken,
        { role: 'admin' },
      );
      expect(changed.statusCode).toBe(200);
      expect((await call('GET', '/v1/users/me', member.accessToken)).statusCode).toBe(401);
      const refreshed = await identity.app.inject({
        method: 'POST',
        url: '/v1/auth/refresh',
        payload: { refreshToken: member.refreshToken },
      });
      expect(refreshed.json()).toMatchObject({ organizationId: orgId, roles: ['admin'] });
      const [event] = await identity.identity.store.audit.list({
        type: 'member.role_changed',
        orgId,
      });
      expect(event).toMatchObject({
        actorId: owner.userId,
        subject: member.userId,
        details: { from: 'viewer', to: 'admin' },
      });
    });

    test('when a member is removed, then their token and session for the organization fail at once', async () => {
      const { orgId, owner } = await organizationWithOwner();
      const member = await addMember(orgId, owner, 'member');
      expect(
        (
          await call(
            'DELETE',
            `/v1/organizations/${orgId}/members/${member.userId}`,
            owner.accessToken,
          )
        ).statusCode,
      ).toBe(204);
      expect((await call('GET', '/v1/users/me', member.accessToken)).statusCode).toBe(401);
      const refreshed = await identity.app.inject({
        method: 'POST',
        url: '/v1/auth/refresh',
        payload: { refreshToken: member.refreshToken },
      });
      expect(refreshed.statusCode).toBe(401);
    });

    test('when the last owner would leave or be demoted, then 409 IDENTITY_LAST_OWNER; a member may leave', async () => {
      const { orgId, owner } = await organizationWithOwner();
      const member = await addMember(orgId, owner, 'member');
      const leave = await call(
        'DELETE',
        `/v1/organizations/${orgId}/members/${owner.userId}`,
        owner.accessToken,
      );
      expect(leave.statusCode).toBe(409);
      expect(leave.json().code).toBe('IDENTITY_LAST_OWNER');
      const demote = await call(
        'PATCH',
        `/v1/organizations/${orgId}/members/${owner.userId}`,
        owner.accessToken,
        { role: 'admin' },
      );
      expect(demote.statusCode).toBe(409);
      expect(
        (
          await call(
            'DELETE',
            `/v1/organizations/${orgId}/members/${member.userId}`,
            member.accessToken,
          )
        ).statusCode,
      ).toBe(204);
    });

    test('when an email has no account, then inviting it is 404 IDENTITY_USER_NOT_FOUND; inviting a member twice is 409', async () => {
      const { orgId, owner } = await organizationWithOwner();
      const missing = await call('POST', `/v1/organizations/${orgId}/members`, owner.accessToken, {
        email: 'nobody@example.test',
        role: 'member',
      });
      expect(missing.statusCode).toBe(404);
      const member = await addMember(orgId, owner, 'member');
      const again = await call('POST', `/v1/organizations/${orgId}/members`, owner.accessToken, {
        email: member.email,
        role: 'viewer',
      });
      expect(again.statusCode).toBe(409);
    });
  });
});
