import { describe, expect, test } from 'vitest';
import { expiredStatus } from './order-expiry.ts';
import { ORDER_STATUSES } from './order-status.ts';

const windowEnd = new Date('2026-11-27T10:00:00Z');
const before = new Date('2026-11-27T09:59:59.999Z');

describe('order expiry', () => {
  test('when a pending order was placed before the window closed, then it becomes cancelled', () => {
    expect(expiredStatus({ status: 'pending', createdAt: before }, windowEnd)).toBe('cancelled');
  });

  test('when an order is not pending, or was placed at or after the window end, then it is refused with ORDERS_NOT_DUE_TO_EXPIRE', () => {
    const refused = expect.objectContaining({ code: 'ORDERS_NOT_DUE_TO_EXPIRE', kind: 'conflict' });
    for (const status of ORDER_STATUSES.filter((status) => status !== 'pending')) {
      expect(() => expiredStatus({ status, createdAt: before }, windowEnd)).toThrow(refused);
    }
    expect(() => expiredStatus({ status: 'pending', createdAt: windowEnd }, windowEnd)).toThrow(
      refused,
    );
  });
});
