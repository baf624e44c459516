import { describe, expect, test } from 'vitest';
import { canTransition, ORDER_STATUSES, type OrderStatus, transition } from './order-status.ts';

const ALLOWED: readonly [OrderStatus, OrderStatus][] = [
  ['pending', 'confirmed'],
  ['pending', 'cancelled'],
  ['confirmed', 'shipped'],
  ['confirmed', 'cancelled'],
];

describe('order status', () => {
  test('when a transition is on the path pending → confirmed → shipped or a cancellation before shipping, then it is allowed', () => {
    for (const [from, to] of ALLOWED) expect(transition(from, to)).toBe(to);
  });

  test('when any other transition is asked for, then it fails with ORDERS_ILLEGAL_TRANSITION', () => {
    for (const from of ORDER_STATUSES) {
      for (const to of ORDER_STATUSES) {
        if (ALLOWED.some(([a, b]) => a === from && b === to)) continue;
        expect(canTransition(from, to)).toBe(false);
        expect(() => transition(from, to)).toThrow(
          expect.objectContaining({ code: 'ORDERS_ILLEGAL_TRANSITION', kind: 'conflict' }),
        );
      }
    }
  });
});
