import { allowedTo, assertAllowed, type Principal } from '@groundwork/auth';
import type { Order } from '../domain/order.ts';
import { transition } from '../domain/order-status.ts';
import type { OrderStore } from './ports.ts';

export interface FulfilOrderDeps {
  readonly orders: OrderStore;
}

export interface FulfilOrderCommand {
  readonly id: string;
  /** The next step of fulfilment: pending → confirmed → shipped. */
  readonly to: 'confirmed' | 'shipped';
  readonly expectedVersion?: number | undefined;
  readonly traceparent?: string | undefined;
}

/**
 * Moves an order along fulfilment (catalog admins, who run the shop). Skipping a step or moving a
 * cancelled order is ORDERS_ILLEGAL_TRANSITION; the event `order.confirmed` or `order.shipped`
 * commits with the change.
 */
export async function fulfilOrder(
  deps: FulfilOrderDeps,
  actor: Principal,
  command: FulfilOrderCommand,
): Promise<Order> {
  assertAllowed(actor, allowedTo('catalog:write'), command);
  return deps.orders.changeStatus(
    command.id,
    command.expectedVersion,
    (current) => transition(current.status, command.to),
    command.traceparent,
  );
}
