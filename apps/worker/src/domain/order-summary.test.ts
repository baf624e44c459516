import { describe, expect, test } from 'vitest';
import type { OrderCancelled, OrderPlaced } from './order-events.ts';
import { recordCancellation, recordPlacement } from './order-summary.ts';

const placed: OrderPlaced = {
  orderId: '6c5a8f0e-2b1d-4c3e-9f7a-0d1e2f3a4b5c',
  orgId: '00000000-0000-4000-8000-000000000001',
  customerId: 'customer-1',
  totalMinor: 4_900,
  currency: 'EUR',
};
const placedAt = new Date('2026-11-27T08:00:00.000Z');
const cancelled: OrderCancelled = {
  orderId: placed.orderId,
  orgId: placed.orgId,
  reason: 'not confirmed in time',
};
const cancelledAt = new Date('2026-11-27T08:30:00.000Z');

describe('the order summary', () => {
  test('when an order is placed, then its summary is placed with the order details', () => {
    expect(recordPlacement(undefined, placed, placedAt)).toEqual({
      orderId: placed.orderId,
      orgId: placed.orgId,
      status: 'placed',
      customerId: 'customer-1',
      totalMinor: 4_900,
      currency: 'EUR',
      placedAt,
      cancelledAt: null,
      cancelReason: null,
    });
  });

  test('when a placed order is cancelled, then its summary is cancelled and keeps the order details', () => {
    const summary = recordCancellation(
      recordPlacement(undefined, placed, placedAt),
      cancelled,
      cancelledAt,
    );

    expect(summary).toMatchObject({
      status: 'cancelled',
      totalMinor: 4_900,
      placedAt,
      cancelledAt,
      cancelReason: 'not confirmed in time',
    });
  });

  test('when the cancellation is handled before the placement, then the placement fills in the details without reviving the order', () => {
    const inOrder = recordCancellation(
      recordPlacement(undefined, placed, placedAt),
      cancelled,
      cancelledAt,
    );
    const reversed = recordPlacement(
      recordCancellation(undefined, cancelled, cancelledAt),
      placed,
      placedAt,
    );

    expect(reversed).toEqual(inOrder);
  });

  test('when an event is applied twice, then the summary is the same as after once', () => {
    const once = recordPlacement(undefined, placed, placedAt);
    const cancelledOnce = recordCancellation(once, cancelled, cancelledAt);

    expect(recordPlacement(once, placed, placedAt)).toEqual(once);
    expect(recordCancellation(cancelledOnce, cancelled, cancelledAt)).toEqual(cancelledOnce);
  });
});
