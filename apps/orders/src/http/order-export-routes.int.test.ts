import { describeWithServices } from '@groundwork/testing/vitest';
import { expect, test } from 'vitest';
import { type Caller, newOrg, useOrdersApp } from '../../test/orders-app.ts';

describeWithServices('/v1/orders/exports', ['postgres', 'redis'], () => {
  const orders = useOrdersApp();

  const viewerOf = (org: string): Caller => ({ org, role: 'viewer', sub: 'viewer-1' });

  test('when an export is requested, then 202 with a Location to poll', async () => {
    const caller = viewerOf(newOrg());
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

    const response = await orders.call('POST', '/v1/orders/exports', {
      as: caller,
      headers: { traceparent },
      body: { status: 'pending', placedSince: '2026-01-01T00:00:00.000Z' },
    });

    expect(response.statusCode, response.body).toBe(202);
    const accepted = response.json();
    expect(response.headers.location).toBe(`/v1/orders/exports/${accepted.id}`);
    expect(accepted).toMatchObject({
      status: 'pending',
      filters: { status: 'pending', placedSince: '2026-01-01T00:00:00.000Z' },
      rowCount: null,
      result: null,
      links: { self: response.headers.location },
    });
    // The row and the event that asks the worker to run it, committed together.
    const { rows: events } = await orders.admin.query(
      `SELECT type, payload, traceparent FROM outbox WHERE payload->>'exportId' = $1`,
      [accepted.id],
    );
    expect(events).toEqual([
      {
        type: 'order.export-requested',
        payload: { exportId: accepted.id, orgId: caller.org },
        traceparent,
      },
    ]);

    const polled = await orders.call('GET', String(response.headers.location), { as: caller });
    expect(polled.statusCode, polled.body).toBe(200);
    expect(polled.json()).toMatchObject({ id: accepted.id, status: 'pending' });

    const other = await orders.call('GET', String(response.headers.location), {
      as: viewerOf(newOrg()),
    });
    expect(other.statusCode, other.body).toBe(404);
    expect(other.json()).toMatchObject({ code: 'ORDERS_EXPORT_NOT_FOUND' });
  });

  test('when an export names an unknown filter or status, then 400 and nothing is stored', async () => {
    const caller = viewerOf(newOrg());
    for (const body of [{ status: 'lost' }, { customerId: 'x' }, { placedSince: 'yesterday' }]) {
      const response = await orders.call('POST', '/v1/orders/exports', { as: caller, body });
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
    }
    const { rows } = await orders.admin.query(
      `SELECT count(*)::int AS n FROM order_exports WHERE "orgId" = $1`,
      [caller.org],
    );
    expect(rows).toEqual([{ n: 0 }]);
  });
});
