import { ordersErrors } from './orders-errors.ts';

export const ORDER_STATUSES = ['pending', 'confirmed', 'shipped', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/**
 * The whole life of an order in one table: pending → confirmed → shipped, and cancelled from
 * pending or confirmed. Shipped and cancelled are final.
 */
const NEXT: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending: ['confirmed', 'cancelled'],
  confirmed: ['shipped', 'cancelled'],
  shipped: [],
  cancelled: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return NEXT[from].includes(to);
}

/** The statuses an order in `from` may move to; the HTTP layer offers them as links. */
export function nextStatuses(from: OrderStatus): readonly OrderStatus[] {
  return NEXT[from];
}

/** Returns `to`, or throws ORDERS_ILLEGAL_TRANSITION (a 409) naming both statuses. */
export function transition(from: OrderStatus, to: OrderStatus): OrderStatus {
  if (!canTransition(from, to)) {
    throw ordersErrors.ORDERS_ILLEGAL_TRANSITION.create(`A ${from} order cannot become ${to}.`);
  }
  return to;
}

/** Moving to `to` gives the reserved stock back: a cancelled order no longer holds its items. */
export function releasesStock(to: OrderStatus): boolean {
  return to === 'cancelled';
}
