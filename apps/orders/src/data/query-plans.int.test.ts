import { randomUUID } from 'node:crypto';
import { type Principal, runWithTenant } from '@groundwork/auth';
import {
  checkRowLevelSecurity,
  parseFilter,
  parseLimit,
  parseSort,
  withSessionRole,
} from '@groundwork/db';
import { createLogger } from '@groundwork/logger';
import { describeWithServices, usePostgres } from '@groundwork/testing/vitest';
import type pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ordersTemplate } from '../../test/orders-database.ts';
import { testPool } from '../../test/test-pool.ts';
import { createOrderRepository, orderFilters, orderSort } from './order-prisma-repository.ts';
import {
  createProductRepository,
  productFilters,
  productSort,
} from './product-prisma-repository.ts';
import { createTenantDatabase, type TenantDatabase } from './tenant-database.ts';

/** A statement as the driver adapter hands it to `pg`: the SQL and its bound values. */
interface SentQuery {
  readonly text: string;
  readonly values: readonly unknown[];
}

/** One node of `EXPLAIN (FORMAT JSON)`, with the fields the assertions read. */
interface PlanNode {
  readonly 'Node Type': string;
  readonly 'Relation Name'?: string;
  readonly 'Index Name'?: string;
  readonly Plans?: readonly PlanNode[];
}

const ORGS = 40;
const PRODUCTS = 3_000;
const ORDERS = 5_000;
const INDEX_SCANS = new Set(['Index Scan', 'Index Only Scan', 'Bitmap Index Scan']);

describeWithServices('the execution plans of the hot reads', ['postgres'], () => {
  const db = usePostgres({ template: ordersTemplate });
  const orgs = Array.from({ length: ORGS }, () => randomUUID());
  const org = orgs[0] as string;
  const asMemberOf = (id: string): Principal => ({
    sub: 'user-1',
    org: id,
    roles: ['member'],
    scope: [],
    jti: randomUUID(),
    exp: Math.floor(Date.now() / 1000) + 60,
  });
  let admin: pg.Pool;
  let asApp: pg.Pool;
  let tenants: TenantDatabase;
  let recording: SentQuery[] | undefined;

  beforeAll(async () => {
    admin = testPool(db.url);
    // EXPLAIN runs as the service does: its role, bound by row-level security.
    asApp = testPool(withSessionRole(db.url, 'orders_app'));
    tenants = createTenantDatabase({
      url: db.url,
      role: 'orders_app',
      poolSize: 1,
      logger: createLogger({ service: 'orders-test', level: 'silent' }),
    });
    // A pg-level hook: every statement Prisma's driver adapter sends, exactly as sent.
    tenants.database.pool.on('connect', (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        const [first, second] = args;
        if (recording !== undefined) {
          if (typeof first === 'string') {
            recording.push({ text: first, values: Array.isArray(second) ? second : [] });
          } else if (typeof first === 'object' && first !== null && 'text' in first) {
            const { text, values } = first as { text: string; values?: unknown[] };
            recording.push({ text, values: values ?? [] });
          }
        }
        return query(...args);
      };
    });
    // Dozens of tenants of uneven size, as in production: the one under test is the largest
    // (a third of the rows), the others share the rest. Most orders have shipped; few wait.
    const seed = (table: string, columns: string, values: string, count: number) =>
      admin.query(
        `INSERT INTO ${table} (id, "orgId", ${columns}, "createdAt", "updatedAt")
         SELECT gen_random_uuid(),
                CASE WHEN i % 3 = 0 THEN ($1::uuid[])[1] ELSE ($1::uuid[])[2 + i % ($2 - 1)] END,
                ${values}, now() - i * interval '1 minute', now()
           FROM generate_series(1, ${count}) AS i`,
        [orgs, ORGS],
      );
    await seed(
      'products',
      'sku, name, description, "priceMinor", currency, stock',
      `'sku-' || i, 'Product ' || md5(i::text), 'A product', 100 + (i * 37) % 10000, 'EUR', 100`,
      PRODUCTS,
    );
    await seed(
      'orders',
      '"customerId", status, "totalMinor", currency',
      `'customer-' || i % 300,
       (CASE i % 40 WHEN 0 THEN 'pending' WHEN 1 THEN 'confirmed' WHEN 2 THEN 'cancelled'
                    ELSE 'shipped' END)::order_status,
       100 + (i * 53) % 50000, 'EUR'`,
      ORDERS,
    );
    await admin.query('ANALYZE products, orders');
    await tenants.verify();
    await checkRowLevelSecurity(asApp);
  }, 60_000);
  afterAll(async () => {
    await tenants?.database.disconnect();
    await asApp?.end();
    await admin?.end();
  });

  /** The SELECTs on `table` that `work` makes Prisma send, run as a member of `org`. */
  async function capture(table: string, work: () => Promise<unknown>): Promise<SentQuery[]> {
    recording = [];
    try {
      await runWithTenant(asMemberOf(org), work);
      return recording.filter(
        ({ text }) => text.trimStart().startsWith('SELECT') && text.includes(`"${table}"`),
      );
    } finally {
      recording = undefined;
    }
  }

  /** The plan of `sent`, with its own values, in the tenant's transaction as the guard opens it. */
  async function explain({ text, values }: SentQuery): Promise<PlanNode> {
    const client = await asApp.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT set_config('app.org_id', $1, true)`, [org]);
      const { rows } = await client.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
        `EXPLAIN (FORMAT JSON) ${text}`,
        [...values],
      );
      return (rows[0] as { 'QUERY PLAN': [{ Plan: PlanNode }] })['QUERY PLAN'][0].Plan;
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  const nodesOf = (plan: PlanNode): PlanNode[] => [plan, ...(plan.Plans ?? []).flatMap(nodesOf)];

  /** Fails unless `plan` reads `table` through one of `indexes` and never scans the whole table. */
  function expectIndexScan(plan: PlanNode, table: string, indexes: readonly string[]) {
    const nodes = nodesOf(plan);
    const shown = nodes
      .map((node) => [node['Node Type'], node['Relation Name'], node['Index Name']].join(' '))
      .join(' > ');
    expect(
      nodes.filter((node) => node['Relation Name'] === table && node['Node Type'] === 'Seq Scan'),
      shown,
    ).toEqual([]);
    expect(
      nodes.some(
        (node) =>
          INDEX_SCANS.has(node['Node Type']) && indexes.includes(node['Index Name'] as string),
      ),
      `expected an index scan on ${indexes.join(' or ')} in: ${shown}`,
    ).toBe(true);
  }

  /** Runs `work`, which must send exactly one SELECT on `table`, and checks that one's plan. */
  async function expectPlanOf(
    work: () => Promise<unknown>,
    table: string,
    ...indexes: readonly string[]
  ) {
    const sent = await capture(table, work);
    expect(sent, `SELECTs on ${table}`).toHaveLength(1);
    expectIndexScan(await explain(sent[0] as SentQuery), table, indexes);
  }

  test('when the order list query runs on seeded data, then its plan uses an index scan', async () => {
    const orders = createOrderRepository(tenants.prisma);
    const list = (query: Record<string, string>) => () =>
      orders.list({
        filter: parseFilter(query, orderFilters),
        sort: parseSort(query.sort, orderSort),
        limit: parseLimit(query.limit),
        cursor: query.cursor,
      });
    const index = (columns: string) => `orders_orgId_${columns}_id_idx`;

    await expectPlanOf(list({}), 'orders', index('createdAt'));
    // Either index fits. Under row-level security the planner ignores the column statistics of
    // non-leakproof operators, and enum equality is not leakproof: it assumes each status is a
    // quarter of the tenant's rows, so it walks the page order and filters the status.
    await expectPlanOf(
      list({ 'filter[status]': 'pending' }),
      'orders',
      index('status_createdAt'),
      index('createdAt'),
    );
    await expectPlanOf(list({ sort: '-totalMinor' }), 'orders', index('totalMinor'));
    const first = await runWithTenant(asMemberOf(org), list({}));
    expect(first.nextCursor).not.toBeNull();
    await expectPlanOf(list({ cursor: first.nextCursor as string }), 'orders', index('createdAt'));
  });

  test('when the product list and product-by-id reads run on seeded data, then their plans use an index scan', async () => {
    const products = createProductRepository(tenants.prisma);
    const list = (query: Record<string, string>) => () =>
      products.list({
        filter: parseFilter(query, productFilters),
        sort: parseSort(query.sort, productSort),
        limit: parseLimit(query.limit),
        cursor: query.cursor,
      });
    const { rows } = await admin.query<{ id: string }>(
      'SELECT id FROM products WHERE "orgId" = $1 LIMIT 1',
      [org],
    );
    const id = (rows[0] as { id: string }).id;

    await expectPlanOf(list({}), 'products', 'products_orgId_createdAt_id_idx');
    await expectPlanOf(list({ sort: 'name' }), 'products', 'products_orgId_name_id_idx');
    await expectPlanOf(
      list({ sort: '-priceMinor' }),
      'products',
      'products_orgId_priceMinor_id_idx',
    );
    await expectPlanOf(list({ sort: 'sku' }), 'products', 'products_orgId_sku_key');
    // Both are unique on id; the planner may take either.
    await expectPlanOf(
      () => products.find(id),
      'products',
      'products_id_orgId_key',
      'products_pkey',
    );
  });
});
