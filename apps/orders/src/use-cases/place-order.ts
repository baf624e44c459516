import { allowedTo, assertAllowed, type Principal } from '@groundwork/auth';
import {
  IDEMPOTENCY_KEY_TTL_MS,
  requestFingerprint,
  type StoredResponse,
} from '../domain/idempotency.ts';
import { normaliseLines, type Order, priceOrder, type RequestedLine } from '../domain/order.ts';
import { ordersErrors } from '../domain/orders-errors.ts';
import type { OrderStore, ProductCache } from './ports.ts';

export interface PlaceOrderDeps {
  readonly orders: OrderStore;
  readonly productCache: ProductCache;
  readonly now?: () => Date;
}

export interface PlaceOrderCommand {
  readonly lines: readonly RequestedLine[];
  /** A client-chosen key that makes retries safe: see `IdempotencyClaim`. */
  readonly idempotencyKey?: string | undefined;
  /** Makes the response that retries with the same key get back. */
  readonly respond: (order: Order) => StoredResponse;
  readonly traceparent?: string | undefined;
}

export type PlaceOrderResult =
  | { readonly replayed: false; readonly order: Order }
  | { readonly replayed: true; readonly response: StoredResponse };

/**
 * Places an order for the caller (members: orders:write). Stock is reserved, the order stored
 * and `order.placed` recorded in one transaction. With an Idempotency-Key, a retry of the same
 * request within 24 h gets the first response back instead of a second order; the same key
 * with another request is ORDERS_IDEMPOTENCY_KEY_REUSED. A failed attempt keeps no key, so its
 * retry runs again.
 */
export async function placeOrder(
  deps: PlaceOrderDeps,
  actor: Principal,
  command: PlaceOrderCommand,
): Promise<PlaceOrderResult> {
  assertAllowed(actor, allowedTo('orders:write'), command);
  const lines = normaliseLines(command.lines);
  const fingerprint = requestFingerprint(actor.sub, lines);
  const now = deps.now?.() ?? new Date();
  const { idempotencyKey: key } = command;
  const outcome = await deps.orders.place(
    {
      customerId: actor.sub,
      lines,
      traceparent: command.traceparent,
      idempotency:
        key === undefined
          ? undefined
          : {
              key,
              fingerprint,
              expiresAt: new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_MS),
              respond: command.respond,
            },
    },
    (products) => priceOrder(lines, products),
  );
  if (outcome.kind === 'replayed') {
    if (outcome.fingerprint !== fingerprint) {
      throw ordersErrors.ORDERS_IDEMPOTENCY_KEY_REUSED.create(
        'This Idempotency-Key was used for another request; use a new key for a new order.',
      );
    }
    return { replayed: true, response: outcome.response };
  }
  await deps.productCache.invalidate(lines.map((line) => line.productId));
  return { replayed: false, order: outcome.order };
}
