import { randomUUID } from 'node:crypto';
import { describeWithServices } from '@groundwork/testing/vitest';
import { expect, test } from 'vitest';
import { type Caller, newOrg, productBody, useOrdersApp } from '../../test/orders-app.ts';

const CONCURRENT = 100;

describeWithServices('placing orders concurrently', ['postgres', 'redis'], () => {
  const orders = useOrdersApp();

  /** A product with `stock`, and a function that fires one order for it as the tenant's member. */
  const arrange = async (stock: number) => {
    const org = newOrg();
    const admin: Caller = { org, role: 'admin' };
    const member: Caller = { org, role: 'member' };
    const product = (
      await orders.call('POST', '/v1/products', { as: admin, body: productBody({ stock }) })
    ).json();
    const authorization = `Bearer ${await orders.tokenFor(member)}`;
    const place = (headers: Record<string, string> = {}) =>
      orders.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: { authorization, ...headers },
        payload: { lines: [{ productId: product.id, quantity: 1 }] },
      });
    const count = async (sql: string) =>
      (await orders.admin.query(sql, [org])).rows[0]?.n as number;
    return { product, place, count };
  };

  test('when 100 orders race for a product with stock 10, then exactly 10 succeed, stock is 0 and the others get 409', async () => {
    const { product, place, count } = await arrange(10);

    const responses = await Promise.all(Array.from({ length: CONCURRENT }, () => place()));

    const statuses = responses.map((response) => response.statusCode);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(statuses.filter((status) => status === 409)).toHaveLength(CONCURRENT - 10);
    for (const refused of responses.filter((response) => response.statusCode === 409)) {
      expect(refused.json().code).toBe('ORDERS_OUT_OF_STOCK');
    }
    const { rows } = await orders.admin.query('SELECT stock FROM products WHERE id = $1', [
      product.id,
    ]);
    expect(rows).toEqual([{ stock: 0 }]);
    expect(await count('SELECT count(*)::int AS n FROM orders WHERE "orgId" = $1')).toBe(10);
    expect(await count('SELECT count(*)::int AS n FROM order_lines WHERE "orgId" = $1')).toBe(10);
    expect(
      await count(
        `SELECT count(*)::int AS n FROM outbox WHERE type = 'order.placed' AND payload->>'orgId' = $1::text`,
      ),
    ).toBe(10);
  }, 60_000);

  test('when 100 identical requests race with one Idempotency-Key, then exactly one order is placed and every one gets its response', async () => {
    const { product, place, count } = await arrange(CONCURRENT);
    const key = randomUUID();

    const responses = await Promise.all(
      Array.from({ length: CONCURRENT }, () => place({ 'idempotency-key': key })),
    );

    expect(responses.map((response) => response.statusCode)).toEqual(Array(CONCURRENT).fill(201));
    const ids = new Set(responses.map((response) => response.json().id));
    expect(ids.size).toBe(1);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(
      CONCURRENT - 1,
    );
    expect(await count('SELECT count(*)::int AS n FROM orders WHERE "orgId" = $1')).toBe(1);
    const { rows } = await orders.admin.query('SELECT stock FROM products WHERE id = $1', [
      product.id,
    ]);
    expect(rows).toEqual([{ stock: CONCURRENT - 1 }]);
  }, 60_000);
});
