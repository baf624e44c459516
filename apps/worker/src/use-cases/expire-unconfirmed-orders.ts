import { inBatches } from './in-batches.ts';

/**
 * Orders' side of expiry, behind a port: orders owns its data and its rules, so it is orders
 * that expires an order (cancelling it, releasing its stock, writing `order.cancelled`); the
 * worker only decides when. An adapter calls orders' use case.
 */
export interface UnconfirmedOrders {
  /**
   * Expires orders still awaiting confirmation that were placed before `placedBefore`, at most
   * `limit` of them, and resolves to how many it expired. Orders confirmed or expired meanwhile
   * are left alone, so a second run expires nothing twice.
   */
  expire(placedBefore: Date, limit: number): Promise<number>;
}

export interface ExpireUnconfirmedOrdersInput {
  readonly unconfirmedForMinutes: number;
  readonly batchSize: number;
}

/** The scheduled job: expires every order left unconfirmed too long, a batch at a time. */
export async function expireUnconfirmedOrders(
  deps: { readonly orders: UnconfirmedOrders; readonly now: () => Date },
  input: ExpireUnconfirmedOrdersInput,
  signal: AbortSignal,
): Promise<number> {
  const placedBefore = new Date(deps.now().getTime() - input.unconfirmedForMinutes * 60_000);
  return inBatches(input.batchSize, signal, (limit) => deps.orders.expire(placedBefore, limit));
}
