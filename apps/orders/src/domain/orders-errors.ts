import { defineErrors } from '@groundwork/errors';

/**
 * Every failure the orders service names. Domain errors carry a kind, never an HTTP status: the
 * service kit maps kinds to statuses at the edge.
 */
export const ordersErrors = defineErrors({
  ORDERS_PRODUCT_NOT_FOUND: { kind: 'not_found', title: 'No such product' },
  ORDERS_ORDER_NOT_FOUND: { kind: 'not_found', title: 'No such order' },
  ORDERS_EXPORT_NOT_FOUND: { kind: 'not_found', title: 'No such export' },
  ORDERS_SKU_TAKEN: { kind: 'conflict', title: 'Another product has this SKU' },
  ORDERS_PRODUCT_ORDERED: { kind: 'conflict', title: 'Orders refer to this product' },
  ORDERS_OUT_OF_STOCK: { kind: 'conflict', title: 'Out of stock' },
  ORDERS_CURRENCY_MISMATCH: { kind: 'conflict', title: 'An order is paid in one currency' },
  ORDERS_ILLEGAL_TRANSITION: { kind: 'conflict', title: 'The order cannot change to this status' },
  ORDERS_CANCELLATION_CLOSED: { kind: 'conflict', title: 'The customer can no longer cancel' },
  ORDERS_NOT_DUE_TO_EXPIRE: { kind: 'conflict', title: 'The order is not due to expire' },
  ORDERS_AMOUNT_TOO_LARGE: { kind: 'invalid', title: 'The amount is too large' },
  // 422, as the IETF Idempotency-Key draft asks: the request is well-formed, the key is spent.
  ORDERS_IDEMPOTENCY_KEY_REUSED: {
    kind: 'unprocessable',
    title: 'The Idempotency-Key was used for another request',
  },
  ORDERS_TENANT_UNKNOWN: { kind: 'forbidden', title: 'The organization is not valid here' },
});
