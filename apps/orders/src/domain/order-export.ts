import type { OrderSummary } from './order.ts';
import type { OrderStatus } from './order-status.ts';

export const ORDER_EXPORT_STATUSES = ['pending', 'running', 'completed', 'failed'] as const;
export type OrderExportStatus = (typeof ORDER_EXPORT_STATUSES)[number];

/** Which orders an export holds; none given: all of the organization's. */
export interface OrderExportFilters {
  readonly status?: OrderStatus | undefined;
  /** Orders placed at or after this instant. */
  readonly placedSince?: Date | undefined;
}

/**
 * An export of a tenant's orders: asked for over HTTP, run later by the worker. pending →
 * running → completed (with `rowCount` and the CSV in `result`) or failed (with `error`).
 */
export interface OrderExport {
  readonly id: string;
  readonly orgId: string;
  readonly requestedBy: string;
  readonly status: OrderExportStatus;
  readonly filters: OrderExportFilters;
  readonly rowCount: number | null;
  readonly result: string | null;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
}

/**
 * The most orders one export holds. An export is a bounded answer kept in its row, not a data
 * dump: more matching orders fail the export, asking for narrower filters.
 */
export const MAX_EXPORT_ROWS = 1_000;

export const ORDER_EXPORT_COLUMNS = [
  'id',
  'customerId',
  'status',
  'totalMinor',
  'currency',
  'createdAt',
] as const;

/** The export's CSV (RFC 4180, CRLF line ends, header first), oldest order first as given. */
export function ordersCsv(orders: readonly OrderSummary[]): string {
  const rows = orders.map((order) =>
    [
      order.id,
      order.customerId,
      order.status,
      String(order.totalMinor),
      order.currency,
      order.createdAt.toISOString(),
    ]
      .map(csvField)
      .join(','),
  );
  return `${[ORDER_EXPORT_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}

/** Quotes a field holding a comma, quote or line break; a leading =, +, - or @ is defused. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
