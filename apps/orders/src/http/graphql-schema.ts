import { allowedTo, assertAllowed, type Permission, type Principal } from '@groundwork/auth';
import { parseLimit, parseSort } from '@groundwork/db';
import type DataLoader from 'dataloader';
import type { IResolvers } from 'mercurius';
import type { OrderRepository } from '../data/order-prisma-repository.ts';
import { orderSort } from '../data/order-prisma-repository.ts';
import { type ProductRepository, productSort } from '../data/product-prisma-repository.ts';
import type { OrderLine } from '../domain/order.ts';
import type { OrderStatus } from '../domain/order-status.ts';
import { ordersErrors } from '../domain/orders-errors.ts';
import type { Product } from '../domain/product.ts';
import { getProduct } from '../use-cases/get-product.ts';
import { placeOrder } from '../use-cases/place-order.ts';
import type { ProductCache } from '../use-cases/ports.ts';
import { orderPath } from './links.ts';
import { toOrderSummaryView, toOrderView } from './order-views.ts';
import { toProductView } from './product-views.ts';

/**
 * The orders service's GraphQL schema, for read-heavy screens: the same data, rules and tenancy
 * as the REST API, published for the gateway's /graphql. Amounts are in minor units.
 */
export const ordersSchema = /* GraphQL */ `
  "A product of the caller's organization. Prices are in the currency's minor unit (cents)."
  type Product {
    id: ID!
    sku: String!
    name: String!
    description: String!
    priceMinor: Int!
    currency: String!
    stock: Int!
    version: Int!
    createdAt: String!
    updatedAt: String!
  }

  enum OrderStatus {
    pending
    confirmed
    shipped
    cancelled
  }

  "A line as ordered: sku, name and price are copied from the product at that moment."
  type OrderLine {
    productId: ID!
    sku: String!
    name: String!
    unitPriceMinor: Int!
    quantity: Int!
    "The product as it is now (batched: one query for all lines of a response)."
    product: Product
  }

  type Order {
    id: ID!
    customerId: String!
    status: OrderStatus!
    totalMinor: Int!
    currency: String!
    version: Int!
    createdAt: String!
    updatedAt: String!
    "Batched: one query for the lines of every order in a response."
    lines: [OrderLine!]!
  }

  type ProductPage {
    items: [Product!]!
    nextCursor: String
  }

  type OrderPage {
    items: [Order!]!
    nextCursor: String
  }

  input OrderLineInput {
    productId: ID!
    quantity: Int!
  }

  type Query {
    "Sort by ${productSort.allowed.join(', ')}; a leading - sorts descending. At most 100 per page."
    products(limit: Int = 20, cursor: String, sort: String): ProductPage!
    product(id: ID!): Product
    "Sort by ${orderSort.allowed.join(', ')}. At most 100 per page."
    orders(limit: Int = 20, cursor: String, sort: String, status: OrderStatus): OrderPage!
    order(id: ID!): Order
  }

  type Mutation {
    "Places an order; an idempotencyKey makes retries safe, as the REST Idempotency-Key does."
    placeOrder(lines: [OrderLineInput!]!, idempotencyKey: String): Order!
  }
`;

/** What every resolver gets: the verified caller and this request's batch loaders. */
export interface GraphqlContext {
  readonly principal: Principal;
  /** For the events a mutation records (see trace-context.ts). */
  readonly traceparent: string | undefined;
  readonly loaders: {
    readonly linesOf: DataLoader<string, OrderLine[]>;
    readonly product: DataLoader<string, Product | undefined>;
  };
}

export interface GraphqlDeps {
  readonly products: ProductRepository;
  readonly productCache: ProductCache;
  readonly orders: OrderRepository;
}

type Args = Record<string, unknown>;
interface OrderParent {
  readonly id: string;
  readonly lines?: readonly unknown[];
}

const need = (context: GraphqlContext, permission: Permission) =>
  assertAllowed(context.principal, allowedTo(permission), undefined);

/**
 * The resolvers: thin adapters over the repositories and use cases the REST routes use, returning
 * the REST views (so both APIs show the same fields the same way). Lists and lines load through
 * the per-request DataLoaders, so a page of orders with their lines and products costs three
 * queries, whatever its size.
 */
export function createResolvers(deps: GraphqlDeps): IResolvers {
  return {
    Query: {
      products: async (_root: unknown, args: Args, context: GraphqlContext) => {
        need(context, 'catalog:read');
        const page = await deps.products.list({
          filter: {},
          sort: parseSort(args.sort as string | undefined, productSort),
          limit: parseLimit(args.limit as number),
          cursor: args.cursor as string | undefined,
        });
        return { items: page.items.map(toProductView), nextCursor: page.nextCursor };
      },
      product: async (_root: unknown, { id }: Args, context: GraphqlContext) => {
        need(context, 'catalog:read');
        try {
          return toProductView(await getProduct(deps, id as string));
        } catch (error) {
          if (ordersErrors.ORDERS_PRODUCT_NOT_FOUND.is(error)) return null;
          throw error;
        }
      },
      orders: async (_root: unknown, args: Args, context: GraphqlContext) => {
        need(context, 'orders:read');
        const status = args.status as OrderStatus | undefined;
        const page = await deps.orders.list({
          filter: status === undefined ? {} : { status: { equals: status } },
          sort: parseSort(args.sort as string | undefined, orderSort),
          limit: parseLimit(args.limit as number),
          cursor: args.cursor as string | undefined,
        });
        return { items: page.items.map(toOrderSummaryView), nextCursor: page.nextCursor };
      },
      order: async (_root: unknown, { id }: Args, context: GraphqlContext) => {
        need(context, 'orders:read');
        const order = await deps.orders.find(id as string);
        return order === undefined ? null : toOrderView(order);
      },
    },
    Mutation: {
      placeOrder: async (_root: unknown, args: Args, context: GraphqlContext) => {
        const result = await placeOrder(deps, context.principal, {
          lines: args.lines as { productId: string; quantity: number }[],
          idempotencyKey: (args.idempotencyKey as string | null | undefined) ?? undefined,
          traceparent: context.traceparent,
          // The same record as REST's, so a key works the same whichever API placed the order.
          respond: (order) => ({
            statusCode: 201,
            body: toOrderView(order),
            location: orderPath(order.id),
          }),
        });
        return result.replayed ? result.response.body : toOrderView(result.order);
      },
    },
    Order: {
      lines: (order: OrderParent, _args: Args, context: GraphqlContext) =>
        order.lines ?? context.loaders.linesOf.load(order.id),
    },
    OrderLine: {
      product: async (line: { productId: string }, _args: Args, context: GraphqlContext) => {
        need(context, 'catalog:read');
        const product = await context.loaders.product.load(line.productId);
        return product === undefined ? null : toProductView(product);
      },
    },
  } as IResolvers;
}
