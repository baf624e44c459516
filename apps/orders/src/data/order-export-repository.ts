import { toDomainError, writeOutboxEvent } from '@groundwork/db';
import type { OrderExport, OrderExportFilters } from '../domain/order-export.ts';
import type { OrderStatus } from '../domain/order-status.ts';
import type { OrderExportStore } from '../use-cases/ports.ts';
import type { Prisma, PrismaClient } from './tenant-database.ts';

/** Outbox `type` of the event that asks the worker to run an export. */
export const ORDER_EXPORT_REQUESTED = 'order.export-requested';

/**
 * Exports in PostgreSQL, through the tenant-scoped client: every read and write is the current
 * tenant's, by the tenancy guard and by row-level security.
 */
export function createOrderExportRepository(prisma: PrismaClient): OrderExportStore {
  return {
    request: ({ requestedBy, filters, traceparent }) =>
      translated(() =>
        prisma.$transaction(async (tx) => {
          const row = await tx.orderExport.create({
            data: { requestedBy, filters: storedFilters(filters) },
          });
          await writeOutboxEvent(tx, {
            aggregate: 'order-export',
            type: ORDER_EXPORT_REQUESTED,
            payload: { exportId: row.id, orgId: row.orgId },
            traceparent,
          });
          return toExport(row);
        }),
      ),

    find: (id) =>
      translated(async () => {
        const row = await prisma.orderExport.findUnique({ where: { id } });
        return row === null ? undefined : toExport(row);
      }),

    start: (id) =>
      translated(async () => {
        // A run that died left its export running: a later delivery takes it over. Two runs at
        // once compute the same rows; `finish` lets the first one end it.
        const [row] = await prisma.orderExport.updateManyAndReturn({
          where: { id, status: { in: ['pending', 'running'] } },
          data: { status: 'running', startedAt: new Date() },
        });
        return row === undefined ? undefined : toExport(row);
      }),

    matchingOrders: (filters, limit) =>
      translated(() =>
        prisma.order.findMany({
          where: {
            ...(filters.status === undefined ? {} : { status: filters.status }),
            ...(filters.placedSince === undefined
              ? {}
              : { createdAt: { gte: filters.placedSince } }),
          },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          take: limit,
        }),
      ),

    finish: (id, outcome) =>
      translated(async () => {
        const completedAt = new Date();
        const { count } = await prisma.orderExport.updateMany({
          where: { id, status: 'running' },
          data:
            outcome.status === 'completed'
              ? {
                  status: 'completed',
                  rowCount: outcome.rowCount,
                  result: outcome.result,
                  completedAt,
                }
              : { status: 'failed', error: outcome.error.slice(0, 500), completedAt },
        });
        return count === 1;
      }),
  };
}

type ExportRow = Prisma.OrderExportGetPayload<object>;

function storedFilters(filters: OrderExportFilters): Prisma.InputJsonObject {
  return {
    ...(filters.status === undefined ? {} : { status: filters.status }),
    ...(filters.placedSince === undefined
      ? {}
      : { placedSince: filters.placedSince.toISOString() }),
  };
}

function toFilters(stored: Prisma.JsonValue): OrderExportFilters {
  const { status, placedSince } = (stored ?? {}) as { status?: string; placedSince?: string };
  return {
    ...(status === undefined ? {} : { status: status as OrderStatus }),
    ...(placedSince === undefined ? {} : { placedSince: new Date(placedSince) }),
  };
}

function toExport(row: ExportRow): OrderExport {
  return {
    id: row.id,
    orgId: row.orgId,
    requestedBy: row.requestedBy,
    status: row.status,
    filters: toFilters(row.filters),
    rowCount: row.rowCount,
    result: row.result,
    error: row.error,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
  };
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toDomainError(error);
  }
}
