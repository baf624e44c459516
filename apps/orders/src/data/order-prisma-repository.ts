import {
  dbErrors,
  type FilterField,
  findPage,
  type ListQuery,
  type Page,
  toDomainError,
  writeOutboxEvent,
} from '@groundwork/db';
import type { StoredResponse } from '../domain/idempotency.ts';
import type { Order, OrderLine, OrderSummary, ReservedProduct } from '../domain/order.ts';
import { ORDER_STATUSES, releasesStock } from '../domain/order-status.ts';
import { ordersErrors } from '../domain/orders-errors.ts';
import type { IdempotencyClaim, OrderStore } from '../use-cases/ports.ts';
import type { Prisma, PrismaClient } from './tenant-database.ts';

/** What `?filter[...]` may name on /v1/orders. */
export const orderFilters = {
  status: { type: 'string', operators: ['eq', 'in'], values: ORDER_STATUSES },
  customerId: { type: 'string', operators: ['eq'] },
  totalMinor: { type: 'integer', operators: ['eq', 'gte', 'lte', 'gt', 'lt'] },
  createdAt: { type: 'datetime', operators: ['gte', 'lte', 'gt', 'lt'] },
} as const satisfies Record<string, FilterField>;

/** What `?sort=` may name: each one has an index led by orgId and ending with id. */
export const orderSort = {
  allowed: ['createdAt', 'totalMinor'],
  fallback: [{ field: 'createdAt', direction: 'desc' }],
} as const;

export type OrderSortField = (typeof orderSort.allowed)[number];

export type OrderListQuery = ListQuery<typeof orderFilters, OrderSortField>;

export interface OrderRepository extends OrderStore {
  list(query: OrderListQuery): Promise<Page<OrderSummary>>;
  /** The lines of every order among `orderIds`, in one query, for batch loaders. */
  linesOf(orderIds: readonly string[]): Promise<Map<string, OrderLine[]>>;
}

type Transaction = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Under load, many placements queue for the same product rows and for pooled connections: give
 * them longer than Prisma's defaults (2 s to start, 5 s to finish) before failing.
 */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 15_000 };

const LINES = { lines: { orderBy: { productId: 'asc' } } } as const;

/**
 * Orders in PostgreSQL, through the tenant-scoped client. Each write owns its transaction: the
 * state change, its stock movements, its outbox event and its idempotency record commit together
 * or not at all.
 */
export function createOrderRepository(prisma: PrismaClient): OrderRepository {
  return {
    place: (request, price) =>
      translated(() =>
        prisma.$transaction(async (tx) => {
          const { idempotency } = request;
          if (idempotency !== undefined) {
            const previous = await claimKey(tx, idempotency);
            if (previous !== undefined) return { kind: 'replayed' as const, ...previous };
          }

          // Conditional decrements, one product at a time in id order: a line short of stock
          // updates nothing, and concurrent orders queue on each row instead of overselling.
          const reserved: ReservedProduct[] = [];
          for (const { productId, quantity } of request.lines) {
            const [product] = await tx.product.updateManyAndReturn({
              where: { id: productId, stock: { gte: quantity } },
              data: { stock: { decrement: quantity }, version: { increment: 1 } },
              select: { id: true, sku: true, name: true, priceMinor: true, currency: true },
            });
            if (product === undefined) throw await shortage(tx, productId, quantity);
            reserved.push(product);
          }

          const priced = price(reserved);
          const row = await tx.order.create({
            data: {
              customerId: request.customerId,
              totalMinor: priced.totalMinor,
              currency: priced.currency,
            },
          });
          await tx.orderLine.createMany({
            data: priced.lines.map((line) => ({ orderId: row.id, ...line })),
          });
          const order: Order = { ...orderFields(row), lines: priced.lines };
          await writeOutboxEvent(tx, {
            aggregate: 'order',
            type: 'order.placed',
            payload: eventPayload(order),
            traceparent: request.traceparent,
          });

          if (idempotency === undefined) return { kind: 'placed' as const, order };
          const response = idempotency.respond(order);
          await tx.idempotencyKey.updateMany({
            where: { key: idempotency.key },
            data: {
              statusCode: response.statusCode,
              responseBody: response.body as object,
              location: response.location ?? null,
            },
          });
          return { kind: 'placed' as const, order, response };
        }, TRANSACTION_OPTIONS),
      ),

    find: (id) =>
      translated(async () => {
        const row = await prisma.order.findUnique({ where: { id }, include: LINES });
        return row === null ? undefined : toOrder(row);
      }),

    list: ({ filter, sort, limit, cursor }) =>
      translated(async () => {
        // parseFilter has already held `status` to the enum's values; its type says string.
        const where = filter as Prisma.OrderWhereInput;
        const page = await findPage(prisma.order, { where, sort, limit, cursor });
        return { items: page.items.map(orderFields), nextCursor: page.nextCursor };
      }),

    linesOf: (orderIds) =>
      translated(async () => {
        const rows = await prisma.orderLine.findMany({
          where: { orderId: { in: [...orderIds] } },
          orderBy: { productId: 'asc' },
        });
        const lines = new Map<string, OrderLine[]>(orderIds.map((id) => [id, []]));
        for (const { orderId, ...line } of rows) lines.get(orderId)?.push(toLine(line));
        return lines;
      }),

    changeStatus: (id, expectedVersion, decide, traceparent) =>
      translated(() =>
        prisma.$transaction(async (tx) => {
          const row = await tx.order.findUnique({ where: { id }, include: LINES });
          if (row === null) throw ordersErrors.ORDERS_ORDER_NOT_FOUND.create();
          const current = toOrder(row);
          if (expectedVersion !== undefined && current.version !== expectedVersion) {
            throw versionMismatch(expectedVersion);
          }
          const status = decide(current);
          const [updated] = await tx.order.updateManyAndReturn({
            where: { id, version: current.version },
            data: { status, version: { increment: 1 } },
          });
          if (updated === undefined) {
            throw expectedVersion === undefined
              ? dbErrors.DB_VERSION_CONFLICT.create('The order changed meanwhile; try again.')
              : versionMismatch(expectedVersion);
          }
          if (releasesStock(status)) {
            for (const { productId, quantity } of current.lines) {
              await tx.product.updateMany({
                where: { id: productId },
                data: { stock: { increment: quantity }, version: { increment: 1 } },
              });
            }
          }
          const order: Order = { ...orderFields(updated), lines: current.lines };
          await writeOutboxEvent(tx, {
            aggregate: 'order',
            type: `order.${status}`,
            payload: eventPayload(order),
            traceparent,
          });
          return order;
        }, TRANSACTION_OPTIONS),
      ),
  };
}

/**
 * Holds `claim.key` until this transaction ends, or returns what is stored under it. A request
 * holding the same key makes the insert wait for its transaction: after a commit the insert
 * does nothing and the stored response is read; after a rollback the key is ours.
 */
async function claimKey(
  tx: Transaction,
  claim: IdempotencyClaim,
): Promise<{ fingerprint: string; response: StoredResponse } | undefined> {
  await tx.idempotencyKey.deleteMany({ where: { key: claim.key, expiresAt: { lte: new Date() } } });
  const { count } = await tx.idempotencyKey.createMany({
    data: [{ key: claim.key, fingerprint: claim.fingerprint, expiresAt: claim.expiresAt }],
    skipDuplicates: true,
  });
  if (count === 1) return undefined;
  const stored = await tx.idempotencyKey.findFirst({ where: { key: claim.key } });
  if (stored === null || stored.statusCode === null) {
    // Expired and removed by another retry between our two statements: let the client retry.
    throw dbErrors.DB_TRANSACTION_CONFLICT.create('The Idempotency-Key changed meanwhile.');
  }
  return {
    fingerprint: stored.fingerprint,
    response: {
      statusCode: stored.statusCode,
      body: stored.responseBody,
      location: stored.location ?? undefined,
    },
  };
}

/** Why a conditional decrement updated nothing: the product is missing, or short of stock. */
async function shortage(tx: Transaction, productId: string, quantity: number) {
  const product = await tx.product.findUnique({ where: { id: productId } });
  if (product === null)
    return ordersErrors.ORDERS_PRODUCT_NOT_FOUND.create(`No product ${productId}.`);
  return ordersErrors.ORDERS_OUT_OF_STOCK.create(
    `${quantity} × ${product.sku} asked, ${product.stock} in stock.`,
  );
}

function versionMismatch(expectedVersion: number) {
  return dbErrors.DB_VERSION_MISMATCH.create(
    `The order is no longer at version ${expectedVersion}; read it again.`,
  );
}

interface OrderRow extends OrderSummary {}
interface LineRow {
  productId: string;
  sku: string;
  name: string;
  unitPriceMinor: number;
  quantity: number;
}

function orderFields(row: OrderRow): OrderSummary {
  const { id, orgId, customerId, status, totalMinor, currency, version, createdAt, updatedAt } =
    row;
  return { id, orgId, customerId, status, totalMinor, currency, version, createdAt, updatedAt };
}

function toLine({ productId, sku, name, unitPriceMinor, quantity }: LineRow): OrderLine {
  return { productId, sku, name, unitPriceMinor, quantity };
}

function toOrder(row: OrderRow & { lines: LineRow[] }): Order {
  return { ...orderFields(row), lines: row.lines.map(toLine) };
}

/** What consumers of order events get: ids and amounts, no personal data beyond the customer id. */
function eventPayload(order: Order) {
  return {
    orderId: order.id,
    orgId: order.orgId,
    customerId: order.customerId,
    status: order.status,
    totalMinor: order.totalMinor,
    currency: order.currency,
    lines: order.lines.map(({ productId, quantity, unitPriceMinor }) => ({
      productId,
      quantity,
      unitPriceMinor,
    })),
  };
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toDomainError(error);
  }
}
