import type { Order } from './order.ts';
import { type OrderStatus, transition } from './order-status.ts';
import { ordersErrors } from './orders-errors.ts';

/**
 * An order still pending when its confirmation window closed expires: it is cancelled, so the
 * stock it holds goes back on sale. `placedBefore` is the end of the window for orders placed now.
 * Any other order (confirmed, shipped, already cancelled, or placed later) is refused with
 * ORDERS_NOT_DUE_TO_EXPIRE: it was confirmed or expired meanwhile, and is left as it is.
 */
export function expiredStatus(
  order: Pick<Order, 'status' | 'createdAt'>,
  placedBefore: Date,
): OrderStatus {
  if (order.status !== 'pending' || order.createdAt >= placedBefore) {
    throw ordersErrors.ORDERS_NOT_DUE_TO_EXPIRE.create(
      `A ${order.status} order placed at ${order.createdAt.toISOString()} does not expire yet.`,
    );
  }
  return transition(order.status, 'cancelled');
}
