import type { OrderCancelled, OrderPlaced } from './order-events.ts';

/** How far an order has gone, as far as its events tell. */
export type OrderSummaryStatus = 'placed' | 'cancelled';

/** The worker's read model of an order: what its events said, nothing more. */
export interface OrderSummary {
  readonly orderId: string;
  readonly orgId: string;
  readonly status: OrderSummaryStatus;
  readonly customerId: string | null;
  readonly totalMinor: number | null;
  readonly currency: string | null;
  readonly placedAt: Date | null;
  readonly cancelledAt: Date | null;
  readonly cancelReason: string | null;
}

// Events of one order may be handled out of order (a placement retried after its cancellation
// went through), so a status only ever moves forward, and each event fills in its own fields
// whatever came before: applying events in any order gives the same summary.
const RANK: Readonly<Record<OrderSummaryStatus, number>> = { placed: 1, cancelled: 2 };

function furthest(a: OrderSummaryStatus, b: OrderSummaryStatus): OrderSummaryStatus {
  return RANK[a] >= RANK[b] ? a : b;
}

function blank(orderId: string, orgId: string, status: OrderSummaryStatus): OrderSummary {
  return {
    orderId,
    orgId,
    status,
    customerId: null,
    totalMinor: null,
    currency: null,
    placedAt: null,
    cancelledAt: null,
    cancelReason: null,
  };
}

/** The summary once `order.placed`, which happened at `placedAt`, is known. */
export function recordPlacement(
  current: OrderSummary | undefined,
  event: OrderPlaced,
  placedAt: Date,
): OrderSummary {
  const base = current ?? blank(event.orderId, event.orgId, 'placed');
  return {
    ...base,
    status: furthest(base.status, 'placed'),
    customerId: event.customerId,
    totalMinor: event.totalMinor,
    currency: event.currency,
    placedAt,
  };
}

/** The summary once `order.cancelled`, which happened at `cancelledAt`, is known. */
export function recordCancellation(
  current: OrderSummary | undefined,
  event: OrderCancelled,
  cancelledAt: Date,
): OrderSummary {
  const base = current ?? blank(event.orderId, event.orgId, 'cancelled');
  return {
    ...base,
    status: furthest(base.status, 'cancelled'),
    cancelledAt,
    cancelReason: event.reason ?? null,
  };
}
