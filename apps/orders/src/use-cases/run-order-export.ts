import { randomUUID } from 'node:crypto';
import { type Principal, runWithTenant } from '@groundwork/auth';
import { MAX_EXPORT_ROWS, type OrderExportStatus, ordersCsv } from '../domain/order-export.ts';
import type { OrderExportStore } from './ports.ts';

/** What a run did: `ran` is false when the export was missing or had already ended. */
export interface OrderExportRun {
  readonly status: OrderExportStatus | 'not_found';
  readonly ran: boolean;
}

/**
 * Runs an export in its own tenant: pending → running → completed with the CSV of the matching
 * orders (at most MAX_EXPORT_ROWS; more fail it, naming why). Running it again is harmless: an
 * export that has ended is left as it is, and of two concurrent runs the first to end it wins.
 * A failure of the database throws, leaving it running for a retry to take over.
 */
export async function runOrderExport(
  deps: { readonly exports: OrderExportStore },
  exportId: string,
  orgId: string,
): Promise<OrderExportRun> {
  return runWithTenant(exporter(orgId), async () => {
    const started = await deps.exports.start(exportId);
    if (started === undefined) {
      const current = await deps.exports.find(exportId);
      return { status: current?.status ?? 'not_found', ran: false };
    }
    const orders = await deps.exports.matchingOrders(started.filters, MAX_EXPORT_ROWS + 1);
    const outcome =
      orders.length > MAX_EXPORT_ROWS
        ? {
            status: 'failed' as const,
            error: `More than ${MAX_EXPORT_ROWS} orders match; narrow the filters (status, placedSince).`,
          }
        : { status: 'completed' as const, rowCount: orders.length, result: ordersCsv(orders) };
    const ended = await deps.exports.finish(exportId, outcome);
    if (ended) return { status: outcome.status, ran: true };
    const current = await deps.exports.find(exportId);
    return { status: current?.status ?? 'not_found', ran: false };
  });
}

/**
 * Who the export runs as in its tenant: no user, no role, no scope. The tenant comes from the
 * export's event, and the store scopes every query to it, so a wrong one finds no export.
 */
function exporter(org: string): Principal {
  return {
    sub: 'orders-export',
    org,
    roles: [],
    scope: [],
    jti: randomUUID(),
    exp: Math.floor(Date.now() / 1000) + 60,
  };
}
