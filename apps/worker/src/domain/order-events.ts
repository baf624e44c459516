import Type, { type Static } from 'typebox';

// The contract between orders, which writes these events to its outbox, and the worker's
// consumers: the `payload` orders gives `writeOutboxEvent`. Properties not listed (`status`,
// `lines`) are ignored, a tolerant reader, so orders may add fields without a worker release;
// removing or retyping one is a new event type (`order.placed.v2`).

const Uuid = Type.String({ format: 'uuid' });

/** Outbox `type` of each order event the worker consumes. */
export const ORDER_EVENT_TYPES = {
  placed: 'order.placed',
  cancelled: 'order.cancelled',
  exportRequested: 'order.export-requested',
} as const;

/** `order.placed`: written in the transaction that places the order. */
export const OrderPlacedSchema = Type.Object({
  orderId: Uuid,
  orgId: Uuid,
  /** The `sub` of the customer who placed it. */
  customerId: Type.String({ minLength: 1, maxLength: 255 }),
  /** In the currency's minor unit (cents). */
  totalMinor: Type.Integer({ minimum: 0 }),
  /** ISO 4217, upper case. */
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
});
export type OrderPlaced = Static<typeof OrderPlacedSchema>;

/** `order.cancelled`: by the customer, or by expiry of an order never confirmed. */
export const OrderCancelledSchema = Type.Object({
  orderId: Uuid,
  orgId: Uuid,
  reason: Type.Optional(Type.String({ maxLength: 500 })),
});
export type OrderCancelled = Static<typeof OrderCancelledSchema>;

/**
 * `order.export-requested`: written with the pending export, in the transaction of the request
 * that asks for it (POST /v1/orders/exports). The worker has orders run it.
 */
export const OrderExportRequestedSchema = Type.Object({
  exportId: Uuid,
  orgId: Uuid,
});
export type OrderExportRequested = Static<typeof OrderExportRequestedSchema>;
