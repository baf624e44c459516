import { randomUUID } from 'node:crypto';
import { type Principal, runWithTenant } from '@groundwork/auth';
import { createLogger } from '@groundwork/logger';
import { describeWithServices, usePostgres } from '@groundwork/testing/vitest';
import type pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ordersTemplate } from '../../test/orders-database.ts';
import { testPool } from '../../test/test-pool.ts';
import { createTenantDatabase, type TenantDatabase } from './tenant-database.ts';

describeWithServices('tenant isolation in the orders database', ['postgres'], () => {
  const db = usePostgres({ template: ordersTemplate });
  const orgA = randomUUID();
  const orgB = randomUUID();
  const asMemberOf = (org: string): Principal => ({
    sub: 'user-1',
    org,
    roles: ['member'],
    scope: [],
    jti: randomUUID(),
    exp: Math.floor(Date.now() / 1000) + 60,
  });
  let admin: pg.Pool;
  let tenants: TenantDatabase;

  beforeAll(async () => {
    admin = testPool(db.url);
    tenants = createTenantDatabase({
      url: db.url,
      role: 'orders_app',
      poolSize: 2,
      logger: createLogger({ service: 'orders-test', level: 'silent' }),
    });
    await tenants.verify();
    // Superuser arranges rows of both tenants: a product, an order and its line each.
    for (const org of [orgA, orgB]) {
      await admin.query(
        `WITH product AS (
           INSERT INTO products (id, "orgId", sku, name, "priceMinor", currency, stock, "updatedAt")
           VALUES (gen_random_uuid(), $1::uuid, 'sku', 'Product', 100, 'EUR', 5, now())
           RETURNING id),
         orders AS (
           INSERT INTO orders (id, "orgId", "customerId", "totalMinor", currency, "updatedAt")
           VALUES (gen_random_uuid(), $1::uuid, 'user-1', 100, 'EUR', now()) RETURNING id)
         INSERT INTO order_lines (id, "orgId", "orderId", "productId", sku, name, "unitPriceMinor", quantity)
         SELECT gen_random_uuid(), $1::uuid, orders.id, product.id, 'sku', 'Product', 100, 1 FROM orders, product`,
        [org],
      );
    }
  });
  afterAll(async () => {
    await tenants?.database.disconnect();
    await admin?.end();
  });

  test('when a table holds orgId, then row-level security is enabled, forced and has a tenant policy', async () => {
    const { rows } = await admin.query(
      `SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
              -- Policies for everyone; orders_maintenance has narrower ones of its own.
              (SELECT count(*)::int FROM pg_policies p
                WHERE p.tablename = c.relname AND 'public' = ANY (p.roles)) AS policies
         FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid
        WHERE a.attname = 'orgId' AND c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
        ORDER BY c.relname`,
    );
    expect(rows.map((row) => row.table)).toEqual([
      'idempotency_keys',
      'order_exports',
      'order_lines',
      'orders',
      'products',
    ]);
    for (const row of rows) expect(row).toMatchObject({ enabled: true, forced: true, policies: 1 });
  });

  test('when a query forgets the tenant scope, then row-level security still shows nothing of another tenant', async () => {
    const seen = await runWithTenant(asMemberOf(orgA), async () => {
      const products = await tenants.prisma.$queryRaw<{ orgId: string }[]>`
        SELECT "orgId" FROM products`;
      const orders = await tenants.prisma.$queryRaw<{ orgId: string }[]>`
        SELECT "orgId" FROM orders`;
      const lines = await tenants.prisma.$queryRaw<{ orgId: string }[]>`
        SELECT "orgId" FROM order_lines`;
      return [...products, ...orders, ...lines].map((row) => row.orgId);
    });
    expect(seen).toEqual([orgA, orgA, orgA]);
  });

  test('when the service connects without a tenant, then it sees no rows at all', async () => {
    // The unguarded client: the pooled connection has no app.org_id.
    const rows = await tenants.database.prisma.$queryRaw`SELECT id FROM products`;
    expect(rows).toEqual([]);
  });

  test('when the service role reads the outbox, then PostgreSQL refuses: it may only append', async () => {
    await expect(
      runWithTenant(asMemberOf(orgA), async () => await tenants.prisma.outboxEvent.findMany()),
    ).rejects.toThrow(/permission denied/);
  });

  test("when an order line names a missing product or another tenant's product, then the database rejects it", async () => {
    const { rows } = await admin.query(
      `SELECT o.id AS "orderId", p.id AS "foreignProductId"
         FROM orders o, products p WHERE o."orgId" = $1 AND p."orgId" = $2`,
      [orgA, orgB],
    );
    const [{ orderId, foreignProductId }] = rows;
    const insertLine = (productId: string) =>
      admin.query(
        `INSERT INTO order_lines (id, "orgId", "orderId", "productId", sku, name, "unitPriceMinor", quantity)
         VALUES (gen_random_uuid(), $1, $2, $3, 'x', 'x', 1, 1)`,
        [orgA, orderId, productId],
      );
    // Even a superuser, whom the policies do not bind, meets the composite foreign key.
    await expect(insertLine(randomUUID())).rejects.toThrow(/foreign key/);
    await expect(insertLine(foreignProductId)).rejects.toThrow(/foreign key/);
  });
});
