import type { Inbox } from '../data/inbox.ts';
import type { OrderSummaryRepository } from '../data/order-summary-repository.ts';
import type { OrderPlaced } from '../domain/order-events.ts';
import { recordPlacement } from '../domain/order-summary.ts';

export interface ProjectOrderDeps {
  readonly inbox: Inbox;
  readonly summaries: OrderSummaryRepository;
}

export const PROJECT_ORDER_PLACED = 'project-order-placed';

/** `order.placed` → the order's summary in the read model, once per event. */
export async function projectOrderPlaced(
  deps: ProjectOrderDeps,
  eventId: string,
  event: OrderPlaced,
  occurredAt: Date,
): Promise<void> {
  await deps.inbox.runOnce({ eventId, consumer: PROJECT_ORDER_PLACED }, async (tx) => {
    await deps.summaries.update(tx, event.orderId, (current) =>
      recordPlacement(current, event, occurredAt),
    );
  });
}
