import { describeWithServices } from '@groundwork/testing/vitest';
import { decodeJwt } from 'jose';
import { beforeAll, expect, test } from 'vitest';
import { bearer, FAST_ARGON2, useIdentity } from '../test/identity-harness.ts';
import { DEMO_DATA, type SeedReport, seedDemoData } from './demo-data.ts';
import { createPasswordHasher } from './security/password-hasher.ts';

const [acme, globex] = DEMO_DATA.organizations;
if (!acme || !globex) throw new TypeError('The demo data has Acme Robotics and Globex.');

describeWithServices('identity demo seed', ['postgres', 'redis'], () => {
  const identity = useIdentity();
  let firstRun: SeedReport;

  const seed = async () =>
    seedDemoData({
      store: identity.identity.store,
      // The app's parameters: a seeded hash signs in as is.
      hasher: await createPasswordHasher(FAST_ARGON2),
    });

  /** Every table's row count and a digest of its rows, migrations history included. */
  async function snapshot(): Promise<Record<string, { rows: number; digest: string | null }>> {
    const prisma = identity.db.primary;
    const tables = await prisma.$queryRaw<{ name: string }[]>`
      SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`;
    const entries = [];
    for (const { name } of tables) {
      const [row] = await prisma.$queryRawUnsafe<{ rows: number; digest: string | null }[]>(
        `SELECT count(*)::int AS rows, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest
         FROM "${name}" t`,
      );
      entries.push([name, row]);
    }
    return Object.fromEntries(entries);
  }

  const logIn = (payload: Record<string, unknown>) =>
    identity.app.inject({ method: 'POST', url: '/v1/auth/login', payload });

  beforeAll(async () => {
    firstRun = await seed();
  });

  test('when the demo seed runs twice, then the second run creates nothing and every table keeps its rows', async () => {
    expect(firstRun).toEqual({ users: 5, organizations: 2, memberships: 5, clients: 1 });
    const before = await snapshot();
    expect(before.users?.rows).toBe(5);

    const secondRun = await seed();

    expect(secondRun).toEqual({ users: 0, organizations: 0, memberships: 0, clients: 0 });
    expect(await snapshot()).toEqual(before);
  });

  test('when each seeded user signs in with its documented password for its organization, then it gets tokens with its role', async () => {
    for (const organization of DEMO_DATA.organizations) {
      for (const { email, role } of organization.members) {
        const password = DEMO_DATA.users.find((user) => user.email === email)?.password;
        const response = await logIn({ email, password, organizationId: organization.id });
        expect(response.statusCode, email).toBe(200);
        expect(response.json()).toMatchObject({ organizationId: organization.id, roles: [role] });

        const me = await identity.app.inject({
          method: 'GET',
          url: '/v1/users/me',
          headers: bearer(response.json().accessToken),
        });
        expect(me.json()).toMatchObject({ email, organizationId: organization.id });
      }
    }
  });

  test('when the Acme Robotics owner reads Globex, then 403: the seeded tenants are isolated', async () => {
    const owner = DEMO_DATA.users.find((user) => user.email === 'owner@acme.example');
    const session = await logIn({
      email: owner?.email,
      password: owner?.password,
      organizationId: acme.id,
    });

    const own = await identity.app.inject({
      method: 'GET',
      url: `/v1/organizations/${acme.id}`,
      headers: bearer(session.json().accessToken),
    });
    const other = await identity.app.inject({
      method: 'GET',
      url: `/v1/organizations/${globex.id}`,
      headers: bearer(session.json().accessToken),
    });

    expect(own.json()).toMatchObject({ id: acme.id, name: 'Acme Robotics' });
    expect(other.statusCode).toBe(403);
  });

  test('when the seeded service client asks for a token with its documented secret, then it acts for Acme Robotics with its scopes', async () => {
    const [client] = acme.clients;
    if (!client) throw new TypeError('Acme Robotics has a demo service client.');

    const response = await identity.app.inject({
      method: 'POST',
      url: '/v1/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: client.id,
        client_secret: client.secret,
      }).toString(),
    });

    expect(response.statusCode).toBe(200);
    expect(decodeJwt(response.json().access_token)).toMatchObject({
      sub: client.id,
      org: acme.id,
    });
    expect(response.json().scope).toBe(client.scopes.join(' '));
  });
});
