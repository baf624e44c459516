import { randomUUID } from 'node:crypto';
import { describeWithServices } from '@groundwork/testing/vitest';
import { expect, test } from 'vitest';
import { type Caller, newOrg, productBody, useOrdersApp } from '../../test/orders-app.ts';

describeWithServices('/v1/orders', ['postgres', 'redis'], () => {
  const orders = useOrdersApp();

  /** A fresh tenant with an admin, a member (the customer) and a viewer. */
  const tenant = () => {
    const org = newOrg();
    return {
      admin: { org, role: 'admin', sub: 'admin-1' } as Caller,
      member: { org, role: 'member', sub: 'customer-1' } as Caller,
      viewer: { org, role: 'viewer', sub: 'viewer-1' } as Caller,
    };
  };

  const createProduct = async (as: Caller, overrides: Record<string, unknown> = {}) => {
    const response = await orders.call('POST', '/v1/products', {
      as,
      body: productBody(overrides),
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string; sku: string };
  };

  const stockOf = async (productId: string) =>
    (await orders.admin.query('SELECT stock FROM products WHERE id = $1', [productId])).rows[0]
      ?.stock;

  const eventsOf = async (orderId: string) =>
    (
      await orders.admin.query(
        `SELECT type, payload, traceparent FROM outbox WHERE payload->>'orderId' = $1 ORDER BY "createdAt"`,
        [orderId],
      )
    ).rows;

  test('when an order is placed, then 201 with a Location and an order.placed event in the outbox', async () => {
    const { admin, member } = tenant();
    const chair = await createProduct(admin, { priceMinor: 4_999, stock: 5 });
    const desk = await createProduct(admin, { priceMinor: 25_000, stock: 1 });
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

    const response = await orders.call('POST', '/v1/orders', {
      as: member,
      headers: { traceparent },
      body: {
        lines: [
          { productId: chair.id, quantity: 2 },
          { productId: desk.id, quantity: 1 },
        ],
      },
    });

    expect(response.statusCode, response.body).toBe(201);
    const order = response.json();
    expect(response.headers.location).toBe(`/v1/orders/${order.id}`);
    expect(order).toMatchObject({
      customerId: 'customer-1',
      status: 'pending',
      totalMinor: 2 * 4_999 + 25_000,
      currency: 'EUR',
      version: 1,
      links: {
        self: `/v1/orders/${order.id}`,
        cancel: `/v1/orders/${order.id}/cancel`,
        confirm: `/v1/orders/${order.id}/confirm`,
      },
    });
    expect(order.lines).toHaveLength(2);
    expect([await stockOf(chair.id), await stockOf(desk.id)]).toEqual([3, 0]);
    expect(await eventsOf(order.id)).toEqual([
      {
        type: 'order.placed',
        traceparent,
        payload: expect.objectContaining({
          orderId: order.id,
          orgId: admin.org,
          totalMinor: 34_998,
        }),
      },
    ]);
  });

  test('when a line asks for more than is in stock, then 409 ORDERS_OUT_OF_STOCK and nothing is reserved, stored or published', async () => {
    const { admin, member } = tenant();
    const plenty = await createProduct(admin, { stock: 5 });
    const scarce = await createProduct(admin, { stock: 1 });

    const response = await orders.call('POST', '/v1/orders', {
      as: member,
      body: {
        lines: [
          { productId: plenty.id, quantity: 1 },
          { productId: scarce.id, quantity: 2 },
        ],
      },
    });

    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'ORDERS_OUT_OF_STOCK' });
    expect([await stockOf(plenty.id), await stockOf(scarce.id)]).toEqual([5, 1]);
    const counts = await orders.admin.query(
      `SELECT (SELECT count(*) FROM orders WHERE "orgId" = $1::uuid)::int AS orders,
              (SELECT count(*) FROM outbox WHERE payload->>'orgId' = $1::text)::int AS events`,
      [admin.org],
    );
    expect(counts.rows).toEqual([{ orders: 0, events: 0 }]);
  });

  test('when an order names products in two currencies or a missing product, then 409 or 404 and nothing is reserved', async () => {
    const { admin, member } = tenant();
    const euro = await createProduct(admin, { currency: 'EUR', stock: 3 });
    const dollar = await createProduct(admin, { currency: 'USD', stock: 3 });

    const mixed = await orders.call('POST', '/v1/orders', {
      as: member,
      body: {
        lines: [
          { productId: euro.id, quantity: 1 },
          { productId: dollar.id, quantity: 1 },
        ],
      },
    });
    const missing = await orders.call('POST', '/v1/orders', {
      as: member,
      body: { lines: [{ productId: randomUUID(), quantity: 1 }] },
    });

    expect(mixed.statusCode).toBe(409);
    expect(mixed.json()).toMatchObject({ code: 'ORDERS_CURRENCY_MISMATCH' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'ORDERS_PRODUCT_NOT_FOUND' });
    expect([await stockOf(euro.id), await stockOf(dollar.id)]).toEqual([3, 3]);
  });

  test('when an order is cancelled, then its stock returns and order.cancelled is in the outbox with it', async () => {
    const { admin, member } = tenant();
    const chair = await createProduct(admin, { stock: 4 });
    const placed = (
      await orders.call('POST', '/v1/orders', {
        as: member,
        body: { lines: [{ productId: chair.id, quantity: 3 }] },
      })
    ).json();
    expect(await stockOf(chair.id)).toBe(1);

    const response = await orders.call('POST', `/v1/orders/${placed.id}/cancel`, {
      as: member,
      headers: { 'if-match': '"1"' },
    });

    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'cancelled',
      version: 2,
      links: { self: `/v1/orders/${placed.id}` },
    });
    expect(response.json().links.cancel).toBeUndefined();
    expect(await stockOf(chair.id)).toBe(4);
    expect((await eventsOf(placed.id)).map((event) => event.type)).toEqual([
      'order.placed',
      'order.cancelled',
    ]);
  });

  test('when an order is fetched, then links.self and links.cancel are present while it can be cancelled', async () => {
    const { admin, member, viewer } = tenant();
    const chair = await createProduct(admin);
    const placed = (
      await orders.call('POST', '/v1/orders', {
        as: member,
        body: { lines: [{ productId: chair.id, quantity: 1 }] },
      })
    ).json();

    const pending = await orders.call('GET', `/v1/orders/${placed.id}`, { as: viewer });
    expect(pending.json().links).toEqual({
      self: `/v1/orders/${placed.id}`,
      cancel: `/v1/orders/${placed.id}/cancel`,
      confirm: `/v1/orders/${placed.id}/confirm`,
    });
    expect(pending.headers.etag).toBe('"1"');

    await orders.call('POST', `/v1/orders/${placed.id}/confirm`, { as: admin });
    await orders.call('POST', `/v1/orders/${placed.id}/ship`, { as: admin });
    const shipped = await orders.call('GET', `/v1/orders/${placed.id}`, { as: viewer });
    expect(shipped.json()).toMatchObject({
      status: 'shipped',
      links: { self: `/v1/orders/${placed.id}` },
    });
    expect(Object.keys(shipped.json().links)).toEqual(['self']);
  });

  test('when a shipped order is cancelled, then 409 ORDERS_ILLEGAL_TRANSITION and nothing changes', async () => {
    const { admin, member } = tenant();
    const chair = await createProduct(admin, { stock: 2 });
    const placed = (
      await orders.call('POST', '/v1/orders', {
        as: member,
        body: { lines: [{ productId: chair.id, quantity: 1 }] },
      })
    ).json();
    await orders.call('POST', `/v1/orders/${placed.id}/confirm`, { as: admin });
    await orders.call('POST', `/v1/orders/${placed.id}/ship`, { as: admin });

    const response = await orders.call('POST', `/v1/orders/${placed.id}/cancel`, { as: admin });

    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'ORDERS_ILLEGAL_TRANSITION', status: 409 });
    expect(await stockOf(chair.id)).toBe(1);
    expect((await eventsOf(placed.id)).map((event) => event.type)).toEqual([
      'order.placed',
      'order.confirmed',
      'order.shipped',
    ]);
  });

  test("when a member cancels another customer's order, then 403 and the order stays; the customer and admins may", async () => {
    const { admin, member } = tenant();
    const chair = await createProduct(admin);
    const placed = (
      await orders.call('POST', '/v1/orders', {
        as: member,
        body: { lines: [{ productId: chair.id, quantity: 1 }] },
      })
    ).json();

    const stranger = await orders.call('POST', `/v1/orders/${placed.id}/cancel`, {
      as: { ...member, sub: 'customer-2' },
    });
    expect(stranger.statusCode).toBe(403);
    const byAdmin = await orders.call('POST', `/v1/orders/${placed.id}/cancel`, { as: admin });
    expect(byAdmin.statusCode).toBe(200);
  });

  test("when strict cancellation is switched on for one tenant at run time, then its customers can no longer cancel confirmed orders while other tenants' customers can", async () => {
    const strict = tenant();
    const lenient = tenant();
    const confirmedOrderOf = async ({ admin, member }: ReturnType<typeof tenant>) => {
      const chair = await createProduct(admin, { stock: 2 });
      const placed = (
        await orders.call('POST', '/v1/orders', {
          as: member,
          body: { lines: [{ productId: chair.id, quantity: 1 }] },
        })
      ).json();
      await orders.call('POST', `/v1/orders/${placed.id}/confirm`, { as: admin });
      return placed.id as string;
    };
    const [strictOrder, strictOrder2, lenientOrder] = [
      await confirmedOrderOf(strict),
      await confirmedOrderOf(strict),
      await confirmedOrderOf(lenient),
    ];

    await orders.redis.set(`flags:strict-cancellation:org:${strict.admin.org}`, 'on');

    const refused = await orders.call('POST', `/v1/orders/${strictOrder}/cancel`, {
      as: strict.member,
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'ORDERS_CANCELLATION_CLOSED' });
    const byTheShop = await orders.call('POST', `/v1/orders/${strictOrder2}/cancel`, {
      as: strict.admin,
    });
    expect(byTheShop.statusCode).toBe(200);
    const elsewhere = await orders.call('POST', `/v1/orders/${lenientOrder}/cancel`, {
      as: lenient.member,
    });
    expect(elsewhere.statusCode).toBe(200);
  });

  test('when a viewer places an order or a member confirms one, then 403 naming the permission', async () => {
    const { admin, member, viewer } = tenant();
    const chair = await createProduct(admin);
    const body = { lines: [{ productId: chair.id, quantity: 1 }] };

    const byViewer = await orders.call('POST', '/v1/orders', { as: viewer, body });
    expect(byViewer.statusCode).toBe(403);
    expect(byViewer.headers['www-authenticate']).toContain('scope="orders:write"');

    const placed = (await orders.call('POST', '/v1/orders', { as: member, body })).json();
    const confirm = await orders.call('POST', `/v1/orders/${placed.id}/confirm`, { as: member });
    expect(confirm.statusCode).toBe(403);
  });

  test('when an order is changed with a stale If-Match, then 412 and it keeps its status', async () => {
    const { admin, member } = tenant();
    const chair = await createProduct(admin);
    const placed = (
      await orders.call('POST', '/v1/orders', {
        as: member,
        body: { lines: [{ productId: chair.id, quantity: 1 }] },
      })
    ).json();
    await orders.call('POST', `/v1/orders/${placed.id}/confirm`, { as: admin });

    const stale = await orders.call('POST', `/v1/orders/${placed.id}/cancel`, {
      as: member,
      headers: { 'if-match': '"1"' },
    });
    expect(stale.statusCode).toBe(412);
    const current = await orders.call('GET', `/v1/orders/${placed.id}`, { as: member });
    expect(current.json()).toMatchObject({ status: 'confirmed', version: 2 });
  });

  test('when a request is retried with its Idempotency-Key, then the first response comes back and no second order is placed', async () => {
    const { admin, member } = tenant();
    const chair = await createProduct(admin, { stock: 5 });
    const request = {
      as: member,
      headers: { 'idempotency-key': randomUUID() },
      body: { lines: [{ productId: chair.id, quantity: 2 }] },
    };

    const first = await orders.call('POST', '/v1/orders', request);
    const retry = await orders.call('POST', '/v1/orders', request);

    expect(first.statusCode).toBe(201);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.headers.location).toBe(first.headers.location);
    expect(retry.json()).toEqual(first.json());
    expect(await stockOf(chair.id)).toBe(3);
    const { rows } = await orders.admin.query(
      'SELECT count(*)::int AS n FROM orders WHERE "orgId" = $1',
      [admin.org],
    );
    expect(rows).toEqual([{ n: 1 }]);
  });

  test('when an Idempotency-Key is reused with another body, then 422 problem+json and nothing is placed', async () => {
    const { admin, member } = tenant();
    const chair = await createProduct(admin, { stock: 5 });
    const key = randomUUID();
    await orders.call('POST', '/v1/orders', {
      as: member,
      headers: { 'idempotency-key': key },
      body: { lines: [{ productId: chair.id, quantity: 1 }] },
    });

    const reused = await orders.call('POST', '/v1/orders', {
      as: member,
      headers: { 'idempotency-key': key },
      body: { lines: [{ productId: chair.id, quantity: 2 }] },
    });

    expect(reused.statusCode).toBe(422);
    expect(reused.headers['content-type']).toContain('application/problem+json');
    expect(reused.json()).toMatchObject({
      status: 422,
      code: 'ORDERS_IDEMPOTENCY_KEY_REUSED',
      instance: '/v1/orders',
    });
    expect(await stockOf(chair.id)).toBe(4);
  });

  test('when an Idempotency-Key is older than 24 hours, then it has expired and the same request places a new order', async () => {
    const { admin, member } = tenant();
    const chair = await createProduct(admin, { stock: 5 });
    const request = {
      as: member,
      headers: { 'idempotency-key': randomUUID() },
      body: { lines: [{ productId: chair.id, quantity: 1 }] },
    };
    const first = (await orders.call('POST', '/v1/orders', request)).json();
    const { rows: kept } = await orders.admin.query(
      `SELECT extract(epoch FROM "expiresAt" - "createdAt")::int AS ttl FROM idempotency_keys WHERE "orgId" = $1`,
      [admin.org],
    );
    expect(kept).toEqual([{ ttl: expect.closeTo(24 * 3600, -1) }]);
    await orders.admin.query(
      `UPDATE idempotency_keys SET "expiresAt" = now() - interval '1 second' WHERE "orgId" = $1`,
      [admin.org],
    );

    const later = await orders.call('POST', '/v1/orders', request);

    expect(later.statusCode).toBe(201);
    expect(later.headers['idempotent-replayed']).toBeUndefined();
    expect(later.json().id).not.toBe(first.id);
    expect(await stockOf(chair.id)).toBe(3);
  });

  test('when an order fails, then its Idempotency-Key is not kept and the retry runs again', async () => {
    const { admin, member } = tenant();
    const chair = await createProduct(admin, { stock: 0 });
    const request = {
      as: member,
      headers: { 'idempotency-key': randomUUID() },
      body: { lines: [{ productId: chair.id, quantity: 1 }] },
    };
    expect((await orders.call('POST', '/v1/orders', request)).statusCode).toBe(409);
    await orders.call('PATCH', `/v1/products/${chair.id}`, { as: admin, body: { stock: 1 } });

    expect((await orders.call('POST', '/v1/orders', request)).statusCode).toBe(201);
  });

  test("when a user of tenant A asks for an order of tenant B, then 404, and B's order cannot be cancelled or its products ordered from A", async () => {
    const a = tenant();
    const b = tenant();
    const chair = await createProduct(b.admin, { stock: 2 });
    const theirs = (
      await orders.call('POST', '/v1/orders', {
        as: b.member,
        body: { lines: [{ productId: chair.id, quantity: 1 }] },
      })
    ).json();

    const read = await orders.call('GET', `/v1/orders/${theirs.id}`, { as: a.admin });
    const cancel = await orders.call('POST', `/v1/orders/${theirs.id}/cancel`, { as: a.admin });
    const orderTheirProduct = await orders.call('POST', '/v1/orders', {
      as: a.member,
      body: { lines: [{ productId: chair.id, quantity: 1 }] },
    });
    const list = await orders.call('GET', '/v1/orders', { as: a.admin });

    expect([read.statusCode, cancel.statusCode, orderTheirProduct.statusCode]).toEqual([
      404, 404, 404,
    ]);
    expect(list.json().items).toEqual([]);
    expect(await stockOf(chair.id)).toBe(1);
    const { rows } = await orders.admin.query('SELECT status FROM orders WHERE id = $1', [
      theirs.id,
    ]);
    expect(rows).toEqual([{ status: 'pending' }]);
  });

  test('when orders are filtered by status and sorted by createdAt, then the page holds only matching orders in order', async () => {
    const { admin, member, viewer } = tenant();
    const chair = await createProduct(admin, { stock: 10 });
    const place = async () =>
      (
        await orders.call('POST', '/v1/orders', {
          as: member,
          body: { lines: [{ productId: chair.id, quantity: 1 }] },
        })
      ).json();
    const first = await place();
    const cancelled = await place();
    const third = await place();
    await orders.call('POST', `/v1/orders/${cancelled.id}/cancel`, { as: member });

    const response = await orders.call('GET', '/v1/orders?filter[status]=pending&sort=createdAt', {
      as: viewer,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json().items.map((order: { id: string }) => order.id)).toEqual([
      first.id,
      third.id,
    ]);
    const invalid = await orders.call('GET', '/v1/orders?filter[status]=lost', { as: viewer });
    expect(invalid.statusCode).toBe(400);
  });
});
