import type { OrderSummary } from '../domain/order-summary.ts';
import type { WorkerTransaction } from './worker-database.ts';

export interface OrderSummaryRepository {
  /**
   * Reads the order's summary (undefined when none yet), lets `change` compute the next one, and
   * stores it, inside the caller's transaction and under a lock on the order: events of the same
   * order handled at once are applied one after the other, never both to the same old summary.
   */
  update(
    tx: WorkerTransaction,
    orderId: string,
    change: (current: OrderSummary | undefined) => OrderSummary,
  ): Promise<OrderSummary>;
  find(tx: WorkerTransaction, orderId: string): Promise<OrderSummary | undefined>;
}

// First key of the two-key advisory lock: keeps these locks apart from any other module's.
const ORDER_SUMMARY_LOCK = 0x6f73; // "os"

export function createOrderSummaryRepository(): OrderSummaryRepository {
  const find = async (tx: WorkerTransaction, orderId: string) =>
    (await tx.orderSummary.findUnique({
      where: { orderId },
      omit: { updatedAt: true },
    })) ?? undefined;

  return {
    find,
    async update(tx, orderId, change) {
      // A row lock cannot guard a summary that does not exist yet (the first event creates it);
      // an advisory lock on the order id can, and is released when the transaction ends.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ORDER_SUMMARY_LOCK}::int, hashtext(${orderId}))`;
      const next = change(await find(tx, orderId));
      const { orderId: _key, ...fields } = next;
      await tx.orderSummary.upsert({ where: { orderId }, create: next, update: fields });
      return next;
    },
  };
}
