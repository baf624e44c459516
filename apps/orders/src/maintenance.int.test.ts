import { randomUUID } from 'node:crypto';
import { describeWithServices } from '@groundwork/testing/vitest';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { type Caller, newOrg, productBody, useOrdersApp } from '../test/orders-app.ts';
import { type OrdersMaintenance, openOrdersMaintenance } from './maintenance.ts';

const MINUTE = 60_000;
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * MINUTE);

describeWithServices("orders' scheduled maintenance", ['postgres', 'redis'], () => {
  const orders = useOrdersApp();
  let maintenance: OrdersMaintenance;
  let another: OrdersMaintenance;

  beforeAll(async () => {
    const env = {
      DATABASE_URL: orders.databaseUrl,
      REDIS_URL: orders.redisUrl,
      PRODUCT_CACHE_NAMESPACE: `${orders.redisPrefix}product`,
      LOG_LEVEL: 'silent',
    };
    maintenance = await openOrdersMaintenance({ env });
    another = await openOrdersMaintenance({ env });
  });
  afterAll(async () => {
    await maintenance?.close();
    await another?.close();
  });

  /** A product with `stock` in a new tenant, and a function placing one order of `quantity`. */
  const shop = async (stock: number) => {
    const org = newOrg();
    const admin: Caller = { org, role: 'admin' };
    const product = (
      await orders.call('POST', '/v1/products', { as: admin, body: productBody({ stock }) })
    ).json();
    const place = async (
      quantity: number,
      placedAt: Date,
      headers: Record<string, string> = {},
    ) => {
      const response = await orders.call('POST', '/v1/orders', {
        as: { org, role: 'member' },
        body: { lines: [{ productId: product.id, quantity }] },
        headers,
      });
      expect(response.statusCode).toBe(201);
      const { id } = response.json() as { id: string };
      await orders.admin.query('UPDATE orders SET "createdAt" = $2 WHERE id = $1', [id, placedAt]);
      return id;
    };
    const stock_ = async () =>
      (await orders.admin.query('SELECT stock FROM products WHERE id = $1', [product.id])).rows[0]
        ?.stock as number;
    const statuses = async () =>
      Object.fromEntries(
        (
          await orders.admin.query('SELECT id, status FROM orders WHERE "orgId" = $1', [org])
        ).rows.map((row) => [row.id, row.status]),
      );
    const cancelledEvents = async () =>
      (
        await orders.admin.query(
          `SELECT payload->>'orderId' AS id FROM outbox
            WHERE type = 'order.cancelled' AND payload->>'orgId' = $1::text ORDER BY id`,
          [org],
        )
      ).rows.map((row) => row.id as string);
    return { org, product, place, stock: stock_, statuses, cancelledEvents };
  };

  test('when an unconfirmed order is past its window, then it is cancelled, its stock released once and order.cancelled written; a confirmed or recent order stays', async () => {
    const { place, stock, statuses, cancelledEvents } = await shop(10);
    const overdue = await place(3, minutesAgo(31));
    const recent = await place(2, minutesAgo(5));
    const confirmed = await place(1, minutesAgo(120));
    await orders.admin.query(`UPDATE orders SET status = 'confirmed' WHERE id = $1`, [confirmed]);
    expect(await stock()).toBe(4);

    const expired = await maintenance.expireUnconfirmedOrders(minutesAgo(30), 100);
    const again = await maintenance.expireUnconfirmedOrders(minutesAgo(30), 100);

    expect(expired).toBeGreaterThanOrEqual(1);
    expect(again).toBe(0);
    expect(await statuses()).toEqual({
      [overdue]: 'cancelled',
      [recent]: 'pending',
      [confirmed]: 'confirmed',
    });
    expect(await stock()).toBe(7);
    expect(await cancelledEvents()).toEqual([overdue]);
  });

  test('when the expiry releases stock of a cached product, then the next product read shows the released stock', async () => {
    const { org, product, place } = await shop(10);
    await place(4, minutesAgo(45));
    const read = async () =>
      (
        await orders.call('GET', `/v1/products/${product.id}`, { as: { org, role: 'member' } })
      ).json().stock as number;
    expect(await read()).toBe(6);
    expect(await read()).toBe(6);

    await maintenance.expireUnconfirmedOrders(minutesAgo(30), 1_000);

    expect(await read()).toBe(10);
  });

  test('when two runs expire the same overdue orders at once, then each order is cancelled once and its stock released once', async () => {
    const { place, stock, statuses, cancelledEvents } = await shop(20);
    const due: string[] = [];
    for (let n = 0; n < 8; n += 1) due.push(await place(1, minutesAgo(60 + n)));
    expect(await stock()).toBe(12);

    const runs = await Promise.all(
      [maintenance, another, maintenance, another].map((run) =>
        run.expireUnconfirmedOrders(minutesAgo(30), 100),
      ),
    );

    // Other tests' tenants may have due orders too: count only this tenant's.
    expect(Object.values(await statuses())).toEqual(due.map(() => 'cancelled'));
    expect(await stock()).toBe(20);
    expect(await cancelledEvents()).toEqual([...due].sort());
    expect(runs.reduce((sum, n) => sum + n, 0)).toBeGreaterThanOrEqual(8);
  });

  test('when a run is limited, then it expires at most that many, oldest first', async () => {
    // Cleared first, so that only this test's orders are due.
    await maintenance.expireUnconfirmedOrders(minutesAgo(30), 1_000);
    const { place, statuses } = await shop(10);
    const oldest = await place(1, minutesAgo(90));
    const older = await place(1, minutesAgo(80));
    const old = await place(1, minutesAgo(70));

    expect(await maintenance.expireUnconfirmedOrders(minutesAgo(30), 2)).toBe(2);
    expect(await statuses()).toEqual({
      [oldest]: 'cancelled',
      [older]: 'cancelled',
      [old]: 'pending',
    });
  });

  test('when expired idempotency keys are purged, then those of every tenant go and live ones stay', async () => {
    const a = await shop(10);
    const b = await shop(10);
    const keys = [randomUUID(), randomUUID(), randomUUID()];
    await a.place(1, new Date(), { 'idempotency-key': keys[0] as string });
    await b.place(1, new Date(), { 'idempotency-key': keys[1] as string });
    await b.place(1, new Date(), { 'idempotency-key': keys[2] as string });
    await orders.admin.query(
      `UPDATE idempotency_keys SET "expiresAt" = now() - interval '1 minute' WHERE key = ANY($1)`,
      [keys.slice(0, 2)],
    );

    let purged = 0;
    for (;;) {
      const batch = await maintenance.purgeExpiredIdempotencyKeys(new Date(), 1);
      purged += batch;
      if (batch < 1) break;
    }

    const { rows } = await orders.admin.query(
      'SELECT key FROM idempotency_keys WHERE key = ANY($1)',
      [keys],
    );
    expect(rows).toEqual([{ key: keys[2] }]);
    expect(purged).toBeGreaterThanOrEqual(2);
  });

  test('when the maintenance role reads orders and keys, then it sees pending orders and expired keys only', async () => {
    const { place } = await shop(10);
    const confirmed = await place(1, minutesAgo(120));
    await orders.admin.query(`UPDATE orders SET status = 'confirmed' WHERE id = $1`, [confirmed]);
    const client = await orders.admin.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL ROLE orders_maintenance');
      const seen = await client.query('SELECT DISTINCT status::text FROM orders');
      const live = await client.query(
        `SELECT count(*)::int AS n FROM idempotency_keys WHERE "expiresAt" >= now()`,
      );
      await expect(client.query('SELECT "customerId" FROM orders')).rejects.toThrow(
        /permission denied/,
      );
      await client.query('ROLLBACK');
      expect(seen.rows.map((row) => row.status)).not.toContain('confirmed');
      expect(live.rows).toEqual([{ n: 0 }]);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      client.release();
    }
  });

  /** Asks for an export over HTTP, as `org`'s viewer; resolves to its id. */
  const requestExport = async (org: string, body: Record<string, unknown> = {}) => {
    const response = await orders.call('POST', '/v1/orders/exports', {
      as: { org, role: 'viewer' },
      body,
    });
    expect(response.statusCode, response.body).toBe(202);
    return (response.json() as { id: string }).id;
  };

  test("when an export runs, then it completes with the CSV of its organization's matching orders only, and a second run changes nothing", async () => {
    const mine = await shop(20);
    const theirs = await shop(20);
    const older = await mine.place(1, minutesAgo(90));
    const newer = await mine.place(2, minutesAgo(10));
    const cancelled = await mine.place(3, minutesAgo(5));
    await orders.admin.query(`UPDATE orders SET status = 'cancelled' WHERE id = $1`, [cancelled]);
    await theirs.place(1, minutesAgo(10));
    const exportId = await requestExport(mine.org, { status: 'pending' });

    const run = await maintenance.runOrderExport(exportId, mine.org);

    expect(run).toEqual({ status: 'completed', ran: true });
    const polled = await orders.call('GET', `/v1/orders/exports/${exportId}`, {
      as: { org: mine.org, role: 'viewer' },
    });
    expect(polled.statusCode, polled.body).toBe(200);
    const body = polled.json();
    expect(body).toMatchObject({ status: 'completed', rowCount: 2, error: null });
    const [header, ...rows] = (body.result as string).trimEnd().split('\r\n');
    expect(header).toBe('id,customerId,status,totalMinor,currency,createdAt');
    expect(rows.map((row) => row.split(',').slice(0, 3))).toEqual([
      [older, 'user-member', 'pending'],
      [newer, 'user-member', 'pending'],
    ]);
    const { rows: before } = await orders.admin.query(
      'SELECT "completedAt", result FROM order_exports WHERE id = $1',
      [exportId],
    );

    expect(await another.runOrderExport(exportId, mine.org)).toEqual({
      status: 'completed',
      ran: false,
    });
    const { rows: after } = await orders.admin.query(
      'SELECT "completedAt", result FROM order_exports WHERE id = $1',
      [exportId],
    );
    expect(after).toEqual(before);
  });

  test('when an export is run for another organization, then it is not found there and stays pending', async () => {
    const exportId = await requestExport(newOrg());

    expect(await maintenance.runOrderExport(exportId, newOrg())).toEqual({
      status: 'not_found',
      ran: false,
    });
    const { rows } = await orders.admin.query('SELECT status FROM order_exports WHERE id = $1', [
      exportId,
    ]);
    expect(rows).toEqual([{ status: 'pending' }]);
  });
});
