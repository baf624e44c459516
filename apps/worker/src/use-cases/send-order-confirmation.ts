import type { Inbox } from '../data/inbox.ts';
import type {
  NotificationRepository,
  StoredNotification,
} from '../data/notification-repository.ts';
import { ORDER_CONFIRMATION, orderConfirmation } from '../domain/order-confirmation.ts';
import type { OrderPlaced } from '../domain/order-events.ts';
import type { NotificationSender } from '../notifications/notification-sender.ts';

export interface SendOrderConfirmationDeps {
  readonly inbox: Inbox;
  readonly notifications: NotificationRepository;
  readonly sender: NotificationSender;
}

export interface OrderPlacedDelivery {
  /** The event id (the job id). */
  readonly eventId: string;
  readonly event: OrderPlaced;
  /** Aborted when the worker shuts down and stops waiting for this job. */
  readonly signal: AbortSignal;
}

export const SEND_ORDER_CONFIRMATION = 'send-order-confirmation';

/**
 * `order.placed` → the customer's confirmation. The notification row and the inbox row commit
 * together, so however often the event is delivered there is exactly one notification; sending
 * it comes after, and is repeated until a channel accepts it: a delivery that finds the row
 * already written (a retry, a re-run after a crash) still sends it if no channel took it yet.
 */
export async function sendOrderConfirmation(
  deps: SendOrderConfirmationDeps,
  { eventId, event, signal }: OrderPlacedDelivery,
): Promise<void> {
  let written: StoredNotification | undefined;
  await deps.inbox.runOnce({ eventId, consumer: SEND_ORDER_CONFIRMATION }, async (tx) => {
    written = await deps.notifications.add(tx, orderConfirmation(eventId, event));
  });
  // A redelivery wrote nothing: it sends what an earlier delivery wrote, unless a channel took it.
  const unsent = written ?? (await deps.notifications.findUnsent(eventId, ORDER_CONFIRMATION));
  if (unsent === undefined) return;
  await deps.sender.send(unsent, signal);
  await deps.notifications.markSent(unsent.id, deps.sender.channel);
}
