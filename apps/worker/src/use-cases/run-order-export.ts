import type { Inbox } from '../data/inbox.ts';
import type { OrderExportRequested } from '../domain/order-events.ts';

/**
 * Orders' side of an export, behind a port: orders owns the orders and the exports, and its
 * tenancy, so it is orders that runs an export; the worker only says when (on its event).
 */
export interface OrderExports {
  /**
   * Runs the export in its organization: pending → running → completed, or failed with a
   * reason. One already ended is left alone (`ran: false`). Throws when orders' database fails.
   */
  run(exportId: string, orgId: string): Promise<{ readonly status: string; readonly ran: boolean }>;
}

export const RUN_ORDER_EXPORT = 'run-order-export';

/**
 * `order.export-requested` → orders runs the export, once per event: the inbox row commits only
 * after orders has ended the export, so a delivery that fails half-way is retried, and one that
 * finds the row does nothing. Orders guards too: an export already ended is not run again.
 */
export async function runOrderExport(
  deps: { readonly inbox: Inbox; readonly exports: OrderExports },
  eventId: string,
  event: OrderExportRequested,
): Promise<{ readonly status: string; readonly ran: boolean } | undefined> {
  let outcome: { readonly status: string; readonly ran: boolean } | undefined;
  await deps.inbox.runOnce({ eventId, consumer: RUN_ORDER_EXPORT }, async () => {
    outcome = await deps.exports.run(event.exportId, event.orgId);
  });
  return outcome;
}
