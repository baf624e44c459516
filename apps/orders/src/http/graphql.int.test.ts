import { randomUUID } from 'node:crypto';
import { createLogger } from '@groundwork/logger';
import type { Service } from '@groundwork/service-kit';
import { describeWithServices } from '@groundwork/testing/vitest';
import { buildSchema } from 'graphql';
import type pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Caller, newOrg, productBody, useOrdersApp } from '../../test/orders-app.ts';
import { createTenantDatabase, type TenantDatabase } from '../data/tenant-database.ts';
import { ordersSchema } from './graphql-schema.ts';

describeWithServices('/graphql', ['postgres', 'redis'], () => {
  const orders = useOrdersApp();
  const org = newOrg();
  const admin: Caller = { org, role: 'admin' };
  const member: Caller = { org, role: 'member', sub: 'customer-1' };
  const viewer: Caller = { org, role: 'viewer' };

  // A second app on a database client whose SQL this file records, to count queries.
  const statements: string[] = [];
  let watched: TenantDatabase;
  let app: Service;
  beforeAll(async () => {
    watched = createTenantDatabase({
      url: orders.databaseUrl,
      role: 'orders_app',
      poolSize: 4,
      logger: createLogger({ service: 'orders-test', level: 'silent' }),
    });
    watched.database.pool.on('connect', (client: pg.PoolClient) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as { query: unknown }).query = (...args: unknown[]) => {
        const [sql] = args;
        statements.push(typeof sql === 'string' ? sql : ((sql as { text?: string }).text ?? ''));
        return query(...args);
      };
    });
    app = await orders.buildAnother(
      { GRAPHQL_MAX_DEPTH: '5', LOG_LEVEL: 'error' },
      { database: watched },
    );
  });
  afterAll(async () => {
    await app?.close();
    await watched?.database.disconnect();
  });

  const graphql = async (
    as: Caller | undefined,
    query: string,
    variables: Record<string, unknown> = {},
    on: Service = app,
  ) => {
    const headers: Record<string, string> = {};
    if (as !== undefined) headers.authorization = `Bearer ${await orders.tokenFor(as)}`;
    return on.inject({
      method: 'POST',
      url: '/graphql',
      headers,
      payload: { query, variables },
    });
  };

  const createProduct = async (as: Caller, overrides: Record<string, unknown> = {}) => {
    const response = await orders.call('POST', '/v1/products', {
      as,
      body: productBody(overrides),
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; name: string };
  };

  const PLACE = `mutation Place($lines: [OrderLineInput!]!, $key: String) {
    placeOrder(lines: $lines, idempotencyKey: $key) { id status totalMinor lines { quantity } }
  }`;

  test('when the schema is built, then it is valid GraphQL with the queries and the mutation the gateway publishes', () => {
    const schema = buildSchema(ordersSchema);
    expect(Object.keys(schema.getQueryType()?.getFields() ?? {})).toEqual([
      'products',
      'product',
      'orders',
      'order',
    ]);
    expect(Object.keys(schema.getMutationType()?.getFields() ?? {})).toEqual(['placeOrder']);
  });

  test('when a GraphQL query asks for orders with their products, then lines load in one query and products in one batched query', async () => {
    const products = [
      await createProduct(admin, { name: 'Ant', stock: 50 }),
      await createProduct(admin, { name: 'Bee', stock: 50 }),
      await createProduct(admin, { name: 'Cat', stock: 50 }),
    ];
    for (let i = 0; i < 5; i += 1) {
      const placed = await graphql(member, PLACE, {
        lines: products.map((product) => ({ productId: product.id, quantity: 1 + i })),
      });
      expect(placed.json().errors).toBeUndefined();
    }
    statements.length = 0;

    const response = await graphql(
      viewer,
      `{ orders(limit: 10) { items { id lines { quantity product { name } } } } }`,
    );

    const { data, errors } = response.json();
    expect(errors).toBeUndefined();
    expect(data.orders.items).toHaveLength(5);
    for (const order of data.orders.items) {
      expect(order.lines.map((line: { product: { name: string } }) => line.product.name)).toEqual(
        expect.arrayContaining(['Ant', 'Bee', 'Cat']),
      );
    }
    const touching = (table: string) =>
      statements.filter((sql) => new RegExp(`FROM "public"\\."${table}"`).test(sql));
    expect(touching('orders')).toHaveLength(1);
    expect(touching('order_lines')).toHaveLength(1);
    expect(touching('products')).toHaveLength(1);
  });

  test('when placeOrder is sent twice with one idempotencyKey, then one order is placed and both get it', async () => {
    const chair = await createProduct(admin, { stock: 5 });
    const variables = { lines: [{ productId: chair.id, quantity: 2 }], key: randomUUID() };

    const first = (await graphql(member, PLACE, variables)).json();
    const retry = (await graphql(member, PLACE, variables)).json();

    expect(first.errors).toBeUndefined();
    expect(retry.data.placeOrder).toEqual(first.data.placeOrder);
    const { rows } = await orders.admin.query('SELECT stock FROM products WHERE id = $1', [
      chair.id,
    ]);
    expect(rows).toEqual([{ stock: 3 }]);
  });

  test("when a GraphQL caller of tenant A asks for tenant B's order or product, then null, and ordering B's product is not found", async () => {
    const b: Caller = { org: newOrg(), role: 'admin' };
    const theirs = await createProduct(b, { stock: 3 });
    const theirOrder = (
      await orders.call('POST', '/v1/orders', {
        as: { ...b, role: 'member' },
        body: { lines: [{ productId: theirs.id, quantity: 1 }] },
      })
    ).json();

    const read = await graphql(
      admin,
      `query($p: ID!, $o: ID!) { product(id: $p) { id } order(id: $o) { id } }`,
      { p: theirs.id, o: theirOrder.id },
    );
    const place = await graphql(member, PLACE, { lines: [{ productId: theirs.id, quantity: 1 }] });

    expect(read.json()).toEqual({ data: { product: null, order: null } });
    expect(place.json().errors[0].extensions.code).toBe('ORDERS_PRODUCT_NOT_FOUND');
    const { rows } = await orders.admin.query('SELECT stock FROM products WHERE id = $1', [
      theirs.id,
    ]);
    expect(rows).toEqual([{ stock: 2 }]);
  });

  test('when a caller without a token posts a query, then 401 before GraphQL runs; a viewer placing an order gets AUTH_FORBIDDEN', async () => {
    const anonymous = await graphql(undefined, '{ products { items { id } } }');
    expect(anonymous.statusCode).toBe(401);

    const chair = await createProduct(admin);
    const forbidden = await graphql(viewer, PLACE, {
      lines: [{ productId: chair.id, quantity: 1 }],
    });
    expect(forbidden.json().errors[0]).toMatchObject({
      message: expect.any(String),
      extensions: { code: 'AUTH_FORBIDDEN' },
    });
  });

  test('when a query is deeper or costlier than allowed, then it is refused before it runs', async () => {
    const shallow = await orders.buildAnother({ GRAPHQL_MAX_DEPTH: '3' });
    const deep = await graphql(
      viewer,
      `{ orders { items { lines { product { name } } } } }`,
      {},
      shallow,
    );
    expect(deep.statusCode).toBe(400);
    expect(deep.json().errors[0].message).toMatch(/depth/i);

    const aliases = Array.from(
      { length: 30 },
      (_, i) => `p${i}: products(limit: 100) { items { id name sku } }`,
    ).join('\n');
    statements.length = 0;
    const costly = await graphql(viewer, `{ ${aliases} }`);
    expect(costly.statusCode).toBe(400);
    expect(costly.json().errors[0].extensions.code).toBe('ORDERS_QUERY_TOO_COSTLY');
    expect(statements).toEqual([]);
  });
});
