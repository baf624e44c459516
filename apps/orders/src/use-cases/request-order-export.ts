import { allowedTo, assertAllowed, type Principal } from '@groundwork/auth';
import type { OrderExport, OrderExportFilters } from '../domain/order-export.ts';
import type { OrderExportStore } from './ports.ts';

export interface RequestOrderExportCommand {
  readonly filters: OrderExportFilters;
  readonly traceparent?: string | undefined;
}

/**
 * Asks for an export of the organization's orders (orders:read, since it shows what a list
 * shows): stores it pending with its `order.export-requested` event, for the worker to run. The
 * request returns at once; the caller polls the export.
 */
export async function requestOrderExport(
  deps: { readonly exports: OrderExportStore },
  actor: Principal,
  command: RequestOrderExportCommand,
): Promise<OrderExport> {
  assertAllowed(actor, allowedTo('orders:read'), command);
  return deps.exports.request({
    requestedBy: actor.sub,
    filters: command.filters,
    traceparent: command.traceparent,
  });
}
