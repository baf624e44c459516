import { authorize } from '@groundwork/auth/fastify';
import type { Service } from '@groundwork/service-kit';
import Type from 'typebox';
import { MAX_EXPORT_ROWS, type OrderExport } from '../domain/order-export.ts';
import { ordersErrors } from '../domain/orders-errors.ts';
import type { OrderExportStore } from '../use-cases/ports.ts';
import { requestOrderExport } from '../use-cases/request-order-export.ts';
import { exportPath } from './links.ts';
import { problems, Timestamp } from './schemas.ts';
import { traceparentOf } from './trace-context.ts';

export interface OrderExportRoutesOptions {
  readonly exports: OrderExportStore;
}

const tags = ['orders'];

export const NewOrderExportBody = Type.Object(
  {
    status: Type.Optional(
      Type.Union(
        [
          Type.Literal('pending'),
          Type.Literal('confirmed'),
          Type.Literal('shipped'),
          Type.Literal('cancelled'),
        ],
        { description: 'Only orders in this status' },
      ),
    ),
    placedSince: Type.Optional(
      Type.String({ format: 'date-time', description: 'Only orders placed at or after this' }),
    ),
  },
  { additionalProperties: false },
);

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const OrderExportView = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: Type.Union(
    [
      Type.Literal('pending'),
      Type.Literal('running'),
      Type.Literal('completed'),
      Type.Literal('failed'),
    ],
    { description: 'pending → running → completed, or failed' },
  ),
  filters: NewOrderExportBody,
  rowCount: Nullable(Type.Integer({ description: 'Orders in the CSV, once completed' })),
  result: Nullable(
    Type.String({
      description: `Once completed: the CSV (header id,customerId,status,totalMinor,currency,createdAt), at most ${MAX_EXPORT_ROWS} orders`,
    }),
  ),
  error: Nullable(Type.String({ description: 'Once failed: why' })),
  createdAt: Timestamp,
  completedAt: Nullable(Timestamp),
  links: Type.Object({ self: Type.String({ description: 'Poll here until completed or failed' }) }),
});

function toExportView(orderExport: OrderExport) {
  const { status, placedSince } = orderExport.filters;
  return {
    id: orderExport.id,
    status: orderExport.status,
    filters: {
      ...(status === undefined ? {} : { status }),
      ...(placedSince === undefined ? {} : { placedSince: placedSince.toISOString() }),
    },
    rowCount: orderExport.rowCount,
    result: orderExport.result,
    error: orderExport.error,
    createdAt: orderExport.createdAt.toISOString(),
    completedAt: orderExport.completedAt?.toISOString() ?? null,
    links: { self: exportPath(orderExport.id) },
  };
}

const ExportParams = Type.Object({ exportId: Type.String({ format: 'uuid' }) });

/**
 * Exports of the organization's orders, the long-running work that leaves the request path: the
 * POST answers 202 with a Location at once, the worker runs the export, the caller polls it.
 */
export async function orderExportRoutes(
  app: Service,
  options: OrderExportRoutesOptions,
): Promise<void> {
  app.post(
    '/v1/orders/exports',
    {
      preHandler: authorize('orders:read'),
      schema: {
        tags,
        summary: "Ask for a CSV export of the organization's orders; poll the Location",
        description: `Answers 202 at once; the export runs in the background. At most ${MAX_EXPORT_ROWS} orders: more fail the export.`,
        headers: Type.Object({ traceparent: Type.Optional(Type.String()) }),
        body: NewOrderExportBody,
        response: { 202: OrderExportView, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const { status, placedSince } = request.body;
      const orderExport = await requestOrderExport(
        { exports: options.exports },
        request.principal,
        {
          filters: {
            status,
            placedSince: placedSince === undefined ? undefined : new Date(placedSince),
          },
          traceparent: traceparentOf(request.headers.traceparent),
        },
      );
      return reply
        .code(202)
        .header('location', exportPath(orderExport.id))
        .header('retry-after', '1')
        .send(toExportView(orderExport));
    },
  );

  app.get(
    '/v1/orders/exports/:exportId',
    {
      preHandler: authorize('orders:read'),
      schema: {
        tags,
        summary: 'Read an export: its status and, once completed, its CSV',
        params: ExportParams,
        response: { 200: OrderExportView, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const orderExport = await options.exports.find(request.params.exportId);
      if (orderExport === undefined) throw ordersErrors.ORDERS_EXPORT_NOT_FOUND.create();
      reply.header('cache-control', 'private, no-store');
      return toExportView(orderExport);
    },
  );
}
