import { allowedTo, anyOf, assertAllowed, can, ownerOnly, type Principal } from '@groundwork/auth';
import type { Order } from '../domain/order.ts';
import { transition } from '../domain/order-status.ts';
import { ordersErrors } from '../domain/orders-errors.ts';
import type { FeatureFlags, OrderStore, ProductCache } from './ports.ts';

export interface CancelOrderDeps {
  readonly orders: OrderStore;
  readonly productCache: ProductCache;
  readonly flags: FeatureFlags;
}

/**
 * Feature flag: customers may cancel pending orders only; once confirmed, only the shop (catalog
 * admins) cancels. Off by default; rolled out per tenant (see src/data/feature-flags.ts).
 */
export const STRICT_CANCELLATION = 'strict-cancellation';

export interface CancelOrderCommand {
  readonly id: string;
  readonly expectedVersion?: number | undefined;
  readonly traceparent?: string | undefined;
}

/** ABAC: the customer who placed the order may cancel it, and so may catalog admins. */
const mayCancel = anyOf(ownerOnly, allowedTo('catalog:write'));

/**
 * Cancels a pending or confirmed order (else ORDERS_ILLEGAL_TRANSITION, a 409): in one
 * transaction the status changes, every line's stock returns and `order.cancelled` is recorded.
 */
export async function cancelOrder(
  deps: CancelOrderDeps,
  actor: Principal,
  command: CancelOrderCommand,
): Promise<Order> {
  assertAllowed(actor, allowedTo('orders:write'), command);
  const strict = actor.org !== null && (await deps.flags.isEnabled(STRICT_CANCELLATION, actor.org));
  const order = await deps.orders.changeStatus(
    command.id,
    command.expectedVersion,
    (current) => {
      assertAllowed(actor, mayCancel, { ownerId: current.customerId });
      if (strict && current.status === 'confirmed' && !can(actor, 'catalog:write')) {
        throw ordersErrors.ORDERS_CANCELLATION_CLOSED.create(
          'The order is confirmed: only the shop can cancel it now.',
        );
      }
      return transition(current.status, 'cancelled');
    },
    command.traceparent,
  );
  await deps.productCache.invalidate(order.lines.map((line) => line.productId));
  return order;
}
