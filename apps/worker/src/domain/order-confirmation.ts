import type { OrderPlaced } from './order-events.ts';

/** A notification to write: what to say to whom, and the event that asked for it. */
export interface NotificationDraft {
  readonly orgId: string;
  readonly eventId: string;
  readonly kind: string;
  readonly recipient: string;
  readonly subject: string;
  readonly body: string;
}

export const ORDER_CONFIRMATION = 'order-confirmation';

/** The confirmation a customer receives once their order is placed. */
export function orderConfirmation(eventId: string, order: OrderPlaced): NotificationDraft {
  const reference = order.orderId.slice(0, 8).toUpperCase();
  return {
    orgId: order.orgId,
    eventId,
    kind: ORDER_CONFIRMATION,
    recipient: order.customerId,
    subject: `Order ${reference} received`,
    body: `We have received your order ${reference} of ${formatMoney(order.totalMinor, order.currency)}. We will let you know when it ships.`,
  };
}

/** `1999, 'EUR'` → `€19.99`; `500, 'JPY'` → `¥500`: the currency decides its minor unit. */
export function formatMoney(minor: number, currency: string): string {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}
