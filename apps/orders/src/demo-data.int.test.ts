import { createLogger } from '@groundwork/logger';
import { describeWithServices } from '@groundwork/testing/vitest';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { useOrdersApp } from '../test/orders-app.ts';
import { createProductRepository } from './data/product-prisma-repository.ts';
import { createTenantDatabase, type TenantDatabase } from './data/tenant-database.ts';
import { DEMO_CATALOG, type SeedReport, seedDemoCatalog } from './demo-data.ts';

const [acme, globex] = DEMO_CATALOG.organizations;
const bySku = (a: { sku: string }, b: { sku: string }) => (a.sku < b.sku ? -1 : 1);
if (!acme || !globex) throw new TypeError('The demo catalog has Acme Robotics and Globex.');

describeWithServices('orders demo seed', ['postgres', 'redis'], () => {
  const orders = useOrdersApp();
  let tenants: TenantDatabase;
  let firstRun: SeedReport;

  // As the seed command runs it: the service's role, behind the tenancy guard.
  const seed = () => seedDemoCatalog({ products: createProductRepository(tenants.prisma) });

  /** Every table's row count and a digest of its rows, read as the superuser (all tenants). */
  async function snapshot(): Promise<Record<string, { rows: number; digest: string | null }>> {
    const { rows: tables } = await orders.admin.query<{ name: string }>(
      'SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1',
    );
    const entries = [];
    for (const { name } of tables) {
      const { rows } = await orders.admin.query(
        `SELECT count(*)::int AS rows, md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest
         FROM "${name}" t`,
      );
      entries.push([name, rows[0]]);
    }
    return Object.fromEntries(entries);
  }

  /** The products an organization's viewer lists through the API, by SKU. */
  async function catalogOf(org: string) {
    const response = await orders.call('GET', '/v1/products?limit=100&sort=sku', {
      as: { org, role: 'viewer' },
    });
    expect(response.statusCode).toBe(200);
    return (response.json().items as { id: string; sku: string; priceMinor: number }[]).map(
      ({ id, sku, priceMinor }) => ({ id, sku, priceMinor }),
    );
  }

  beforeAll(async () => {
    tenants = createTenantDatabase({
      url: orders.databaseUrl,
      role: 'orders_app',
      poolSize: 2,
      logger: createLogger({ service: 'orders-seed-test', level: 'silent' }),
    });
    await tenants.verify();
    firstRun = await seed();
  });
  afterAll(async () => {
    await tenants?.database.disconnect();
  });

  test('when the demo seed runs twice, then the second run creates nothing and every table keeps its rows', async () => {
    expect(firstRun).toEqual({ products: acme.products.length + globex.products.length });
    const before = await snapshot();
    expect(before.products?.rows).toBe(16);

    const secondRun = await seed();

    expect(secondRun).toEqual({ products: 0 });
    expect(await snapshot()).toEqual(before);
  });

  test('when each demo organization lists its products, then it sees exactly its own catalog', async () => {
    for (const organization of [acme, globex]) {
      const listed = (await catalogOf(organization.id)).map(({ sku, priceMinor }) => ({
        sku,
        priceMinor,
      }));
      const expected = organization.products.map(({ sku, priceMinor }) => ({ sku, priceMinor }));
      expect(listed.sort(bySku), organization.name).toEqual(expected.sort(bySku));
    }
  });

  test('when Acme Robotics asks for a Globex product, even one with a SKU of its own, then 404 and its own product is another row', async () => {
    const globexStepper = (await catalogOf(globex.id)).find((p) => p.sku === 'STP-NEMA17');
    const acmeStepper = (await catalogOf(acme.id)).find((p) => p.sku === 'STP-NEMA17');
    if (!globexStepper || !acmeStepper) throw new TypeError('Both catalogs hold STP-NEMA17.');

    const response = await orders.call('GET', `/v1/products/${globexStepper.id}`, {
      as: { org: acme.id, role: 'viewer' },
    });

    expect(response.statusCode).toBe(404);
    expect(acmeStepper.id).not.toBe(globexStepper.id);
    expect(acmeStepper.priceMinor).not.toBe(globexStepper.priceMinor);
  });

  test('when the seeded rows are read as the superuser, then each sits in its organization', async () => {
    const { rows } = await orders.admin.query<{ orgId: string; skus: string[] }>(
      `SELECT "orgId", array_agg(sku ORDER BY sku COLLATE "C") AS skus FROM products GROUP BY "orgId" ORDER BY "orgId"`,
    );
    expect(rows).toEqual(
      [acme, globex].map((organization) => ({
        orgId: organization.id,
        skus: organization.products.map((product) => product.sku).sort(),
      })),
    );
  });
});
