import type { OrderCancelled } from '../domain/order-events.ts';
import { recordCancellation } from '../domain/order-summary.ts';
import type { ProjectOrderDeps } from './project-order-placed.ts';

export const PROJECT_ORDER_CANCELLED = 'project-order-cancelled';

/**
 * `order.cancelled` → the summary turns cancelled, once per event. A cancellation handled
 * before its placement (the placement's job was retried) is kept: the placement then fills in
 * the order's details without reviving it.
 */
export async function projectOrderCancelled(
  deps: ProjectOrderDeps,
  eventId: string,
  event: OrderCancelled,
  occurredAt: Date,
): Promise<void> {
  await deps.inbox.runOnce({ eventId, consumer: PROJECT_ORDER_CANCELLED }, async (tx) => {
    await deps.summaries.update(tx, event.orderId, (current) =>
      recordCancellation(current, event, occurredAt),
    );
  });
}
