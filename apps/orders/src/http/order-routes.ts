import { authorize } from '@groundwork/auth/fastify';
import { parseFilter, parseLimit, parseSort } from '@groundwork/db';
import type { Service } from '@groundwork/service-kit';
import Type, { type Static } from 'typebox';
import { type OrderRepository, orderFilters, orderSort } from '../data/order-prisma-repository.ts';
import type { StoredResponse } from '../domain/idempotency.ts';
import type { Order } from '../domain/order.ts';
import { ordersErrors } from '../domain/orders-errors.ts';
import { cancelOrder } from '../use-cases/cancel-order.ts';
import { fulfilOrder } from '../use-cases/fulfil-order.ts';
import { placeOrder } from '../use-cases/place-order.ts';
import type { FeatureFlags, ProductCache } from '../use-cases/ports.ts';
import { etagOf, expectedVersionOf, isNotModified } from './etag.ts';
import { collectionLinks, orderPath } from './links.ts';
import {
  NewOrderBody,
  OrderPage,
  OrderView,
  toOrderSummaryView,
  toOrderView,
} from './order-views.ts';
import {
  IdParams,
  IfMatchHeaders,
  IfNoneMatchHeaders,
  ListQuery,
  NotModified,
  problems,
} from './schemas.ts';
import { traceparentOf } from './trace-context.ts';

export interface OrderRoutesOptions {
  readonly orders: OrderRepository;
  readonly productCache: ProductCache;
  readonly flags: FeatureFlags;
}

const tags = ['orders'];

type OrderViewJson = Static<typeof OrderView>;

const PlaceOrderHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7e]+$',
      description:
        'Makes retries safe: the same key and body within 24 h get the first response back (with Idempotent-Replayed: true); the same key with another body is 422',
    }),
  ),
  traceparent: Type.Optional(Type.String()),
});

/** The response a new order gets, and retries with its Idempotency-Key get again. */
function created(order: Order): StoredResponse {
  return { statusCode: 201, body: toOrderView(order), location: orderPath(order.id) };
}

/**
 * Orders: viewers read them (orders:read), members place them (orders:write); cancelling is for
 * the customer or an admin, fulfilment for admins (checked in the use cases).
 */
export async function orderRoutes(app: Service, options: OrderRoutesOptions): Promise<void> {
  const deps = {
    orders: options.orders,
    productCache: options.productCache,
    flags: options.flags,
  };

  app.post(
    '/v1/orders',
    {
      preHandler: authorize('orders:write'),
      schema: {
        tags,
        summary: 'Place an order: reserves the stock of every line, all or nothing',
        headers: PlaceOrderHeaders,
        body: NewOrderBody,
        response: { 201: OrderView, ...problems(400, 401, 403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const result = await placeOrder(deps, request.principal, {
        lines: request.body.lines,
        idempotencyKey: request.headers['idempotency-key'],
        traceparent: traceparentOf(request.headers.traceparent),
        respond: created,
      });
      const response = result.replayed ? result.response : created(result.order);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      else reply.header('etag', etagOf(result.order.version));
      if (response.location !== undefined) reply.header('location', response.location);
      // A replay sends back what was stored, which `created` made from an OrderView.
      return reply.code(response.statusCode as 201).send(response.body as OrderViewJson);
    },
  );

  app.get(
    '/v1/orders',
    {
      preHandler: authorize('orders:read'),
      schema: {
        tags,
        summary: "List the organization's orders, a page at a time",
        description: `Filter with \`filter[field]\` or \`filter[field][op]\` on ${Object.keys(orderFilters).join(', ')}; sort by ${orderSort.allowed.join(', ')}.`,
        querystring: ListQuery,
        response: { 200: OrderPage, ...problems(400, 401, 403) },
      },
    },
    async (request) => {
      const { query } = request;
      const page = await options.orders.list({
        filter: parseFilter(query, orderFilters),
        sort: parseSort(query.sort, orderSort),
        limit: parseLimit(query.limit),
        cursor: query.cursor,
      });
      return {
        items: page.items.map(toOrderSummaryView),
        nextCursor: page.nextCursor,
        links: collectionLinks(request, page.nextCursor),
      };
    },
  );

  app.get(
    '/v1/orders/:id',
    {
      preHandler: authorize('orders:read'),
      schema: {
        tags,
        summary: 'Read an order with its lines and the actions it allows',
        params: IdParams,
        headers: IfNoneMatchHeaders,
        response: { 200: OrderView, 304: NotModified, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const order = await options.orders.find(request.params.id);
      if (order === undefined) throw ordersErrors.ORDERS_ORDER_NOT_FOUND.create();
      reply.header('etag', etagOf(order.version)).header('cache-control', 'private, no-cache');
      if (isNotModified(request.headers['if-none-match'], order.version)) {
        return reply.code(304).send(null);
      }
      return toOrderView(order);
    },
  );

  const transitions = [
    ['cancel', 'Cancel a pending or confirmed order; its stock returns'],
    ['confirm', 'Confirm a pending order (admins)'],
    ['ship', 'Mark a confirmed order shipped (admins)'],
  ] as const;
  for (const [action, summary] of transitions) {
    app.post(
      `/v1/orders/:id/${action}`,
      {
        preHandler: authorize(action === 'cancel' ? 'orders:write' : 'catalog:write'),
        // An action on the order: everything it needs is in the path and the If-Match header.
        config: { bodyless: true },
        schema: {
          tags,
          summary,
          params: IdParams,
          headers: IfMatchHeaders,
          response: { 200: OrderView, ...problems(400, 401, 403, 404, 409, 412) },
        },
      },
      async (request, reply) => {
        const command = {
          id: request.params.id,
          expectedVersion: expectedVersionOf(request.headers['if-match']),
          traceparent: traceparentOf(request.headers.traceparent),
        };
        const order =
          action === 'cancel'
            ? await cancelOrder(deps, request.principal, command)
            : await fulfilOrder(deps, request.principal, {
                ...command,
                to: action === 'confirm' ? 'confirmed' : 'shipped',
              });
        return reply.header('etag', etagOf(order.version)).send(toOrderView(order));
      },
    );
  }
}
