import { describeWithServices } from '@groundwork/testing/vitest';
import { beforeAll, expect, test } from 'vitest';
import {
  bearer,
  registerAndLogIn,
  type SignedIn,
  switchOrganization,
  useIdentity,
} from '../../test/identity-harness.ts';

type Caller = 'anonymous' | 'member of A' | 'admin of A' | 'member of B';
const CALLERS: readonly Caller[] = ['anonymous', 'member of A', 'admin of A', 'member of B'];

interface RouteCase {
  readonly name: string;
  /** Acts on organization A's data: any success by a caller of B is a tenant breach. */
  readonly tenantA: boolean;
  /** Builds a fresh request per caller (mutations get their own target). */
  request(): Promise<{
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
    url: string;
    payload?: object;
  }>;
  readonly expected: Readonly<Record<Caller, number>>;
}

describeWithServices('authorization matrix', ['postgres', 'redis'], () => {
  const identity = useIdentity();
  let orgA: string;
  let owner: SignedIn;
  const tokens = new Map<Caller, string | undefined>();

  async function joinA(role: string): Promise<SignedIn> {
    const user = await registerAndLogIn(identity.app);
    const added = await identity.app.inject({
      method: 'POST',
      url: `/v1/organizations/${orgA}/members`,
      headers: bearer(owner.accessToken),
      payload: { email: user.email, role },
    });
    expect(added.statusCode).toBe(201);
    return { ...user, ...(await switchOrganization(identity.app, user.refreshToken, orgA)) };
  }

  beforeAll(async () => {
    const signedIn = await registerAndLogIn(identity.app);
    orgA = (
      await identity.app.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: bearer(signedIn.accessToken),
        payload: { name: 'Tenant A' },
      })
    ).json().id;
    owner = {
      ...signedIn,
      ...(await switchOrganization(identity.app, signedIn.refreshToken, orgA)),
    };

    const memberB = await registerAndLogIn(identity.app);
    const orgB = (
      await identity.app.inject({
        method: 'POST',
        url: '/v1/organizations',
        headers: bearer(memberB.accessToken),
        payload: { name: 'Tenant B' },
      })
    ).json().id;
    // B's owner, acting for B: the strongest role in the other tenant.
    tokens.set(
      'member of B',
      (await switchOrganization(identity.app, memberB.refreshToken, orgB)).accessToken,
    );
    tokens.set('anonymous', undefined);
    tokens.set('member of A', (await joinA('member')).accessToken);
    tokens.set('admin of A', (await joinA('admin')).accessToken);
  });

  const fresh = async () => (await registerAndLogIn(identity.app)).email;
  const target = async () => (await joinA('viewer')).userId;
  const ROUTES: readonly RouteCase[] = [
    {
      name: 'GET /v1/users/me',
      tenantA: false,
      request: async () => ({ method: 'GET', url: '/v1/users/me' }),
      expected: { anonymous: 401, 'member of A': 200, 'admin of A': 200, 'member of B': 200 },
    },
    {
      name: 'GET /v1/organizations',
      tenantA: false,
      request: async () => ({ method: 'GET', url: '/v1/organizations' }),
      expected: { anonymous: 401, 'member of A': 200, 'admin of A': 200, 'member of B': 200 },
    },
    {
      name: 'POST /v1/organizations',
      tenantA: false,
      request: async () => ({ method: 'POST', url: '/v1/organizations', payload: { name: 'New' } }),
      expected: { anonymous: 401, 'member of A': 201, 'admin of A': 201, 'member of B': 201 },
    },
    {
      name: 'GET /v1/organizations/:orgId',
      tenantA: true,
      request: async () => ({ method: 'GET', url: `/v1/organizations/${orgA}` }),
      expected: { anonymous: 401, 'member of A': 200, 'admin of A': 200, 'member of B': 403 },
    },
    {
      name: 'PATCH /v1/organizations/:orgId',
      tenantA: true,
      request: async () => ({
        method: 'PATCH',
        url: `/v1/organizations/${orgA}`,
        payload: { name: 'Renamed' },
      }),
      expected: { anonymous: 401, 'member of A': 403, 'admin of A': 403, 'member of B': 403 },
    },
    {
      name: 'DELETE /v1/organizations/:orgId',
      tenantA: true,
      request: async () => ({ method: 'DELETE', url: `/v1/organizations/${orgA}` }),
      expected: { anonymous: 401, 'member of A': 403, 'admin of A': 403, 'member of B': 403 },
    },
    {
      name: 'GET /v1/organizations/:orgId/members',
      tenantA: true,
      request: async () => ({ method: 'GET', url: `/v1/organizations/${orgA}/members` }),
      expected: { anonymous: 401, 'member of A': 200, 'admin of A': 200, 'member of B': 403 },
    },
    {
      name: 'POST /v1/organizations/:orgId/members',
      tenantA: true,
      request: async () => ({
        method: 'POST',
        url: `/v1/organizations/${orgA}/members`,
        payload: { email: await fresh(), role: 'member' },
      }),
      expected: { anonymous: 401, 'member of A': 403, 'admin of A': 201, 'member of B': 403 },
    },
    {
      name: 'PATCH /v1/organizations/:orgId/members/:userId',
      tenantA: true,
      request: async () => ({
        method: 'PATCH',
        url: `/v1/organizations/${orgA}/members/${await target()}`,
        payload: { role: 'member' },
      }),
      expected: { anonymous: 401, 'member of A': 403, 'admin of A': 200, 'member of B': 403 },
    },
    {
      name: 'DELETE /v1/organizations/:orgId/members/:userId',
      tenantA: true,
      request: async () => ({
        method: 'DELETE',
        url: `/v1/organizations/${orgA}/members/${await target()}`,
      }),
      expected: { anonymous: 401, 'member of A': 403, 'admin of A': 204, 'member of B': 403 },
    },
  ];

  test('when every route is called by anonymous, a member of A, an admin of A and a member of B, then each gets its expected status and B never succeeds on A', async () => {
    const observed: Record<string, Record<Caller, number>> = {};
    const crossTenantSuccesses: string[] = [];
    for (const route of ROUTES) {
      observed[route.name] = {} as Record<Caller, number>;
      for (const caller of CALLERS) {
        const token = tokens.get(caller);
        const request = await route.request();
        const response = await identity.app.inject({
          method: request.method,
          url: request.url,
          headers: token ? bearer(token) : {},
          ...(request.payload ? { payload: request.payload } : {}),
        });
        (observed[route.name] as Record<Caller, number>)[caller] = response.statusCode;
        if (caller === 'member of B' && route.tenantA && response.statusCode < 400) {
          crossTenantSuccesses.push(route.name);
        }
        if (caller === 'member of B' && route.name === 'GET /v1/organizations') {
          expect(response.json().items.map((org: { id: string }) => org.id)).not.toContain(orgA);
        }
      }
    }
    expect(crossTenantSuccesses).toEqual([]);
    expect(observed).toEqual(
      Object.fromEntries(ROUTES.map((route) => [route.name, route.expected])),
    );
  });

  test('when a member of B is refused on A, then each refusal is audited as access.denied', async () => {
    const denied = await identity.identity.store.audit.list({ type: 'access.denied' });
    const byB = denied.filter((event) => event.subject?.includes(orgA) && event.orgId !== orgA);
    // GET, PATCH, DELETE organization; GET, POST members; PATCH, DELETE member.
    expect(byB.length).toBeGreaterThanOrEqual(7);
  });
});
