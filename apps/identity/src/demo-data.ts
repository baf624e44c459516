import type { Permission, Role } from '@groundwork/auth';
import type { IdentityStore, TransactionalRepositories } from './data/identity-store.ts';
import { assertPasswordPolicy } from './domain/password-policy.ts';
import { hashOpaqueToken } from './security/opaque-token.ts';
import type { PasswordHasher } from './security/password-hasher.ts';

export interface DemoUser {
  readonly email: string;
  readonly displayName: string;
  /** Published in the README: for a laptop's database only. */
  readonly password: string;
}

export interface DemoClient {
  /** The client_id, fixed so that it can be documented. */
  readonly id: string;
  readonly name: string;
  /** Published in the README: for a laptop's database only. */
  readonly secret: string;
  readonly scopes: readonly Permission[];
}

export interface DemoOrganization {
  /** Fixed, so that a sign-in can name it (`organizationId`) straight from the README. */
  readonly id: string;
  readonly name: string;
  readonly members: readonly { readonly email: string; readonly role: Role }[];
  readonly clients: readonly DemoClient[];
}

export interface DemoData {
  readonly users: readonly DemoUser[];
  readonly organizations: readonly DemoOrganization[];
}

/**
 * What `npm run db:seed` puts in a development database: one organization with a member of each
 * role and a service client, and a second organization, so that tenant isolation can be tried by
 * hand. apps/identity/README.md ("Demo data") lists the same values.
 */
export const DEMO_DATA: DemoData = {
  users: [
    { email: 'owner@acme.example', displayName: 'Olivia Okafor', password: 'acme-owner-demo-pass' },
    { email: 'admin@acme.example', displayName: 'Arjun Mehta', password: 'acme-admin-demo-pass' },
    { email: 'member@acme.example', displayName: 'Mei Lin', password: 'acme-member-demo-pass' },
    {
      email: 'viewer@acme.example',
      displayName: 'Victor Silva',
      password: 'acme-viewer-demo-pass',
    },
    {
      email: 'owner@globex.example',
      displayName: 'Hank Scorpio',
      password: 'globex-owner-demo-pass',
    },
  ],
  organizations: [
    {
      id: '11111111-1111-4111-8111-111111111111',
      name: 'Acme Robotics',
      members: [
        { email: 'owner@acme.example', role: 'owner' },
        { email: 'admin@acme.example', role: 'admin' },
        { email: 'member@acme.example', role: 'member' },
        { email: 'viewer@acme.example', role: 'viewer' },
      ],
      clients: [
        {
          id: 'svc_acme_reporting',
          name: 'Acme reporting',
          secret: 'acme-reporting-demo-secret',
          scopes: ['catalog:read', 'orders:read'],
        },
      ],
    },
    {
      id: '22222222-2222-4222-8222-222222222222',
      name: 'Globex',
      members: [{ email: 'owner@globex.example', role: 'owner' }],
      clients: [],
    },
  ],
};

/** How many rows of each kind a run created: all zero when the data was there already. */
export interface SeedReport {
  users: number;
  organizations: number;
  memberships: number;
  clients: number;
}

export interface SeedDependencies {
  readonly store: IdentityStore;
  /** The service's own argon2id hasher, so that seeded accounts sign in like any other. */
  readonly hasher: PasswordHasher;
}

/**
 * Creates whatever of `data` is missing, keyed by email (users), organization id, (organization,
 * user) (memberships) and client id; what exists is left as it is, so a second run changes
 * nothing. Writes go through the repositories, like the use cases', without their audit and
 * outbox events: nobody did anything, and no consumer should react to demo rows as to sign-ups.
 */
export async function seedDemoData(
  deps: SeedDependencies,
  data: DemoData = DEMO_DATA,
): Promise<SeedReport> {
  const report: SeedReport = { users: 0, organizations: 0, memberships: 0, clients: 0 };
  const userIds = new Map<string, string>();
  // One account at a time, outside any transaction: argon2 is slow by design, and a transaction
  // would hold a connection through every hash. A run that stops halfway, the next completes.
  for (const user of data.users) {
    const existing = await deps.store.users.findByEmail(user.email);
    if (existing) {
      userIds.set(user.email, existing.id);
      continue;
    }
    assertPasswordPolicy(user.password);
    const created = await deps.store.users.create({
      email: user.email,
      passwordHash: await deps.hasher.hash(user.password),
      displayName: user.displayName,
    });
    userIds.set(user.email, created.id);
    report.users += 1;
  }
  // An organization with its members and clients in one transaction: never an owner-less tenant.
  for (const organization of data.organizations) {
    await deps.store.transaction((tx) => seedOrganization(tx, organization, userIds, report));
  }
  return report;
}

async function seedOrganization(
  tx: TransactionalRepositories,
  organization: DemoOrganization,
  userIds: ReadonlyMap<string, string>,
  report: SeedReport,
): Promise<void> {
  const { id: orgId } = organization;
  if (!(await tx.organizations.findById(orgId))) {
    await tx.organizations.create({ id: orgId, name: organization.name });
    report.organizations += 1;
  }
  for (const { email, role } of organization.members) {
    const userId = userIds.get(email);
    if (userId === undefined) throw new TypeError(`Demo member ${email} is not a demo user.`);
    if (!(await tx.memberships.find(orgId, userId))) {
      await tx.memberships.add({ orgId, userId, role });
      report.memberships += 1;
    }
  }
  for (const client of organization.clients) {
    if (!(await tx.clients.findById(client.id))) {
      await tx.clients.create({
        id: client.id,
        orgId,
        name: client.name,
        secretHash: hashOpaqueToken(client.secret),
        scopes: [...client.scopes],
      });
      report.clients += 1;
    }
  }
}
