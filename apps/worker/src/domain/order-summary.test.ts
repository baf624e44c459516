import { describe, expect, test } from 'vitest';
import type { OrderCancelled, OrderPlaced } from './order-events.ts';
import { recordCancellation, recordPlacement } from './order-summary.ts';

const placed: OrderPlaced = {
  orderId: '6c5a8f0e-2b1d-4c3e-9f7a-0d1e2f3a4b5c',
  orgId: '00000000-0000-4000-8000-000000000001',
  customerId: 'customer-1',
  totalMinor: 4_900,
  currency: 'EUR',
  placedAt: '2026-11-27T08:00:00.000Z',
};
const cancelled: OrderCancelled = {
  orderId: placed.orderId,
  orgId: placed.orgId,
  cancelledAt: '2026-11-27T08:30:00.000Z',
  reason: 'not confirmed in time',
};

describe('the order summary', () => {
  test('when an order is placed, then its summary is placed with the order details', () => {
    expect(recordPlacement(undefined, placed)).toEqual({
      orderId: placed.orderId,
      orgId: placed.orgId,
      status: 'placed',
      customerId: 'customer-1',
      totalMinor: 4_900,
      currency: 'EUR',
      placedAt: new Date('2026-11-27T08:00:00.000Z'),
      cancelledAt: null,
      cancelReason: null,
    });
  });

  test('when a placed order is cancelled, then its summary is cancelled and keeps the order details', () => {
    const summary = recordCancellation(recordPlacement(undefined, placed), cancelled);

    expect(summary).toMatchObject({
      status: 'cancelled',
      totalMinor: 4_900,
      cancelledAt: new Date('2026-11-27T08:30:00.000Z'),
      cancelReason: 'not confirmed in time',
    });
  });

  test('when the cancellation is handled before the placement, then the placement fills in the details without reviving the order', () => {
    const inOrder = recordCancellation(recordPlacement(undefined, placed), cancelled);
    const reversed = recordPlacement(recordCancellation(undefined, cancelled), placed);

    expect(reversed).toEqual(inOrder);
  });

  test('when an event is applied twice, then the summary is the same as after once', () => {
    const once = recordPlacement(undefined, placed);

    expect(recordPlacement(once, placed)).toEqual(once);
    expect(recordCancellation(recordCancellation(once, cancelled), cancelled)).toEqual(
      recordCancellation(once, cancelled),
    );
  });
});
