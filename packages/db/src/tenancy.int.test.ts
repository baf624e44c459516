import { AsyncLocalStorage } from 'node:async_hooks';
import { usePostgres } from '@groundwork/testing/vitest';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { PrismaClient } from '../test/fixtures/shop/src/generated/prisma/client.ts';
import { shopTemplate } from '../test/support/shop-database.ts';
import { createDatabaseClient, type DatabaseClient } from './create-database-client.ts';
import { checkRowLevelSecurity, withSessionRole } from './row-level-security.ts';
import { withTenancy } from './tenancy.ts';

const db = usePostgres({ template: shopTemplate });

/** A role like a service's: no SUPERUSER, no BYPASSRLS. Roles are cluster-wide: create once. */
const APP_ROLE = 'gw_db_tenancy_test';
const tenantA = '00000000-0000-4000-8000-00000000000a';
const tenantB = '00000000-0000-4000-8000-00000000000b';

// The shop fixture has no policies of its own: give "Product" the ones a service migration has.
const ROW_LEVEL_SECURITY = `
  DO $$ BEGIN
    CREATE ROLE ${APP_ROLE} NOLOGIN NOSUPERUSER NOBYPASSRLS;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END $$;
  GRANT SELECT, INSERT, UPDATE, DELETE ON "Product", "OrderLine" TO ${APP_ROLE};
  GRANT INSERT ON "outbox" TO ${APP_ROLE};
  ALTER TABLE "Product" ENABLE ROW LEVEL SECURITY;
  ALTER TABLE "Product" FORCE ROW LEVEL SECURITY;
  CREATE POLICY tenant_isolation ON "Product"
    USING ("tenantId" = NULLIF(current_setting('app.org_id', true), '')::uuid)
    WITH CHECK ("tenantId" = NULLIF(current_setting('app.org_id', true), '')::uuid);`;

// What an auth layer provides: the verified tenant of the current work. Prisma queries are lazy
// (they run when awaited), so the work awaits them inside the context.
const context = new AsyncLocalStorage<string>();
const asTenant = <T>(tenant: string, work: () => PromiseLike<T>) =>
  context.run(tenant, async () => await work());
const currentTenant = () => {
  const tenant = context.getStore();
  if (tenant === undefined) throw new Error('no tenant in context');
  return tenant;
};

let admin: pg.Pool;
let app: DatabaseClient<PrismaClient>;
let prisma: PrismaClient;

beforeAll(async () => {
  admin = new pg.Pool({ connectionString: db.url, max: 2 });
  await admin.query(ROW_LEVEL_SECURITY);
  // One connection, so a setting that leaked would be seen by the next query.
  app = createDatabaseClient(PrismaClient, { url: withSessionRole(db.url, APP_ROLE), poolSize: 1 });
  prisma = withTenancy(app.prisma, { tenant: currentTenant, models: { Product: 'tenantId' } });
});
afterAll(async () => {
  await app?.disconnect();
  await admin?.end();
});
beforeEach(async () => {
  await admin.query('DELETE FROM "Product"');
  await admin.query(
    `INSERT INTO "Product" (id, "tenantId", sku, name, "priceCents") VALUES
       ('10000000-0000-4000-8000-00000000000a', $1, 'a-chair', 'A chair', 100),
       ('10000000-0000-4000-8000-00000000000b', $2, 'b-chair', 'B chair', 200)`,
    [tenantA, tenantB],
  );
});

const productOfB = '10000000-0000-4000-8000-00000000000b';
const skusOf = (rows: readonly { sku: string }[]) => rows.map((row) => row.sku);

describe('withTenancy', () => {
  test('when a tenant lists products, then it sees only its own', async () => {
    const rows = await asTenant(tenantA, () => prisma.product.findMany());
    expect(skusOf(rows)).toEqual(['a-chair']);
  });

  test('when a raw query forgets the tenant, then row-level security still hides the other tenant', async () => {
    const rows = await asTenant(
      tenantA,
      () => prisma.$queryRaw<{ sku: string }[]>`SELECT sku FROM "Product"`,
    );
    expect(skusOf(rows)).toEqual(['a-chair']);
  });

  test('when a model is left out of the guard, then row-level security still hides the other tenant', async () => {
    const unlisted = withTenancy(app.prisma, { tenant: currentTenant, models: {} });
    const rows = await asTenant(tenantA, () => unlisted.product.findMany());
    expect(skusOf(rows)).toEqual(['a-chair']);
  });

  test("when a tenant reads, updates or deletes another tenant's row by id, then nothing is found and nothing changes", async () => {
    await asTenant(tenantA, async () => {
      expect(await prisma.product.findUnique({ where: { id: productOfB } })).toBeNull();
      await expect(
        prisma.product.update({ where: { id: productOfB }, data: { name: 'taken' } }),
      ).rejects.toMatchObject({ code: 'P2025' });
      expect(await prisma.product.deleteMany({ where: { id: productOfB } })).toEqual({
        count: 0,
      });
    });
    const { rows } = await admin.query('SELECT name FROM "Product" WHERE id = $1', [productOfB]);
    expect(rows).toEqual([{ name: 'B chair' }]);
  });

  test('when a row is created, then it belongs to the current tenant', async () => {
    const created = await asTenant(tenantA, () =>
      prisma.product.create({
        data: { sku: 'a-desk', name: 'A desk', priceCents: 300 } as never,
      }),
    );
    expect(created.tenantId).toBe(tenantA);
  });

  test('when data names another tenant, then the guard refuses before any query runs', async () => {
    await expect(
      asTenant(tenantA, () =>
        prisma.product.create({
          data: { tenantId: tenantB, sku: 'b-desk', name: 'B desk', priceCents: 1 },
        }),
      ),
    ).rejects.toThrow(/must be the current tenant's/);
    await expect(
      asTenant(tenantA, () =>
        prisma.product.updateMany({ where: { sku: 'a-chair' }, data: { tenantId: tenantB } }),
      ),
    ).rejects.toThrow(/must be the current tenant's/);
    const { rows } = await admin.query('SELECT count(*)::int AS n FROM "Product"');
    expect(rows).toEqual([{ n: 2 }]);
  });

  test('when a write slips past the guard with another tenant id, then the policy rejects it', async () => {
    const unlisted = withTenancy(app.prisma, { tenant: currentTenant, models: {} });
    await expect(
      asTenant(tenantA, () =>
        unlisted.product.create({
          data: { tenantId: tenantB, sku: 'b-desk', name: 'B desk', priceCents: 1 },
        }),
      ),
    ).rejects.toThrow(/row-level security/);
  });

  test('when a transaction runs, then every query in it is scoped and they commit or roll back together', async () => {
    const failure = new Error('refused');
    await expect(
      asTenant(tenantA, () =>
        prisma.$transaction(async (tx) => {
          await tx.product.updateMany({ data: { name: 'renamed' } });
          const raw = await tx.$queryRaw<{ sku: string }[]>`SELECT sku FROM "Product"`;
          expect(skusOf(raw)).toEqual(['a-chair']);
          throw failure;
        }),
      ),
    ).rejects.toBe(failure);

    const renamed = await asTenant(tenantA, () =>
      prisma.$transaction(async (tx) => tx.product.updateMany({ data: { name: 'renamed' } })),
    );
    expect(renamed.count).toBe(1);
    const { rows } = await admin.query('SELECT sku, name FROM "Product" ORDER BY sku');
    expect(rows).toEqual([
      { sku: 'a-chair', name: 'renamed' },
      { sku: 'b-chair', name: 'B chair' },
    ]);
  });

  test('when there is no tenant in context, then no query runs', async () => {
    await expect(prisma.product.findMany()).rejects.toThrow('no tenant in context');
    await expect(prisma.$transaction(async (tx) => tx.product.count())).rejects.toThrow(
      'no tenant in context',
    );
  });

  test('when $transaction gets an array of queries, then the guard refuses it', async () => {
    await expect(
      asTenant(tenantA, async () =>
        (prisma.$transaction as (queries: unknown[]) => Promise<unknown>)([prisma.product.count()]),
      ),
    ).rejects.toThrow(/use \$transaction\(async \(tx\)/);
  });

  test('when a guarded query is done, then its tenant setting does not stay on the pooled connection', async () => {
    await asTenant(tenantA, () => prisma.product.findMany());
    // The same single pooled connection, used without the guard.
    const rows = await app.prisma.$queryRaw<{ sku: string }[]>`SELECT sku FROM "Product"`;
    expect(rows).toEqual([]);
  });
});

describe('checkRowLevelSecurity', () => {
  test('when connections switch to a role without BYPASSRLS, then the check passes', async () => {
    await expect(checkRowLevelSecurity(app.pool)).resolves.toBeUndefined();
  });

  test('when connections run as a superuser, then the check fails naming the role', async () => {
    await expect(checkRowLevelSecurity(admin)).rejects.toMatchObject({
      code: 'DB_MISCONFIGURED',
      message: expect.stringContaining('superuser'),
    });
  });
});
