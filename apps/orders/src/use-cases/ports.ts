import type { StoredResponse } from '../domain/idempotency.ts';
import type {
  Order,
  OrderSummary,
  PricedOrder,
  RequestedLine,
  ReservedProduct,
} from '../domain/order.ts';
import type { OrderExport, OrderExportFilters } from '../domain/order-export.ts';
import type { OrderStatus } from '../domain/order-status.ts';
import type { NewProduct, Product, ProductChanges } from '../domain/product.ts';

/**
 * What the use cases need from storage and cache, implemented in src/data. Every method acts for
 * the tenant of the current request (the tenancy guard reads it), so none takes an org id.
 */
export interface ProductStore {
  create(product: NewProduct): Promise<Product>;
  find(id: string): Promise<Product | undefined>;
  /**
   * Applies `change` to the product as it is now, if it is still at `expectedVersion` (else
   * DB_VERSION_MISMATCH, a 412). Without one, a concurrent writer makes it re-read and re-apply.
   */
  update(
    id: string,
    expectedVersion: number | undefined,
    change: (current: Product) => ProductChanges,
  ): Promise<Product>;
  remove(id: string, expectedVersion: number | undefined): Promise<void>;
}

/** Cache-aside for product reads; `invalidate` after every committed write of the product. */
export interface ProductCache {
  get(id: string, load: () => Promise<Product | undefined>): Promise<Product | undefined>;
  invalidate(ids: readonly string[]): Promise<void>;
}

/** Holds an Idempotency-Key for the transaction that places the order. */
export interface IdempotencyClaim {
  readonly key: string;
  readonly fingerprint: string;
  readonly expiresAt: Date;
  /** The response to keep for retries, made from the order just placed. */
  respond(order: Order): StoredResponse;
}

export type PlaceOutcome =
  | { readonly kind: 'placed'; readonly order: Order; readonly response?: StoredResponse }
  | { readonly kind: 'replayed'; readonly fingerprint: string; readonly response: StoredResponse };

export interface PlaceOrderRequest {
  readonly customerId: string;
  /** One per product, sorted by product id (`normaliseLines`). */
  readonly lines: readonly RequestedLine[];
  readonly traceparent?: string | undefined;
  readonly idempotency?: IdempotencyClaim | undefined;
}

export interface OrderStore {
  /**
   * In one transaction: claims the Idempotency-Key (or returns the response stored under it),
   * reserves the stock of every line (ORDERS_OUT_OF_STOCK when short), prices the order with
   * `price`, stores it and its `order.placed` event.
   */
  place(
    request: PlaceOrderRequest,
    price: (products: readonly ReservedProduct[]) => PricedOrder,
  ): Promise<PlaceOutcome>;
  find(id: string): Promise<Order | undefined>;
  /**
   * In one transaction: reads the order, lets `decide` pick its next status (throwing to refuse),
   * writes it if the order is still at the version it read (and at `expectedVersion`, if given),
   * returns the stock of every line when the order is cancelled, and records the event.
   */
  changeStatus(
    id: string,
    expectedVersion: number | undefined,
    decide: (current: Order) => OrderStatus,
    traceparent?: string | undefined,
  ): Promise<Order>;
}

/** Feature flags, evaluated per organization (see src/data/feature-flags.ts). */
export interface FeatureFlags {
  isEnabled(flag: string, org: string): Promise<boolean>;
}

/** An order some scheduled job must act on, and the tenant it belongs to. */
export interface OrderRef {
  readonly id: string;
  readonly orgId: string;
}

/**
 * The scheduled maintenance's cross-tenant view (src/data/maintenance-database.ts): the only
 * reads and deletes that are not scoped to one tenant, run as a role that sees nothing else.
 */
export interface MaintenanceStore {
  /** Up to `limit` orders of any tenant still pending that were placed before `placedBefore`, oldest first. */
  overdueOrders(placedBefore: Date, limit: number): Promise<readonly OrderRef[]>;
  /** Deletes up to `limit` idempotency keys of any tenant that expired before `now`; resolves to how many. */
  purgeExpiredIdempotencyKeys(now: Date, limit: number): Promise<number>;
}

/** A new export, as the route asks for it. */
export interface NewOrderExport {
  readonly requestedBy: string;
  readonly filters: OrderExportFilters;
  readonly traceparent?: string | undefined;
}

/** Exports of the current tenant's orders (src/data/order-export-repository.ts). */
export interface OrderExportStore {
  /** In one transaction: the pending export and its `order.export-requested` event. */
  request(request: NewOrderExport): Promise<OrderExport>;
  find(id: string): Promise<OrderExport | undefined>;
  /**
   * Moves a pending export (or one left running by a run that died) to running; resolves to it,
   * or to undefined when it is missing or already completed or failed.
   */
  start(id: string): Promise<OrderExport | undefined>;
  /** Up to `limit` of the tenant's orders matching `filters`, oldest first. */
  matchingOrders(filters: OrderExportFilters, limit: number): Promise<readonly OrderSummary[]>;
  /** Ends a running export; resolves to false when it was not running any more (another run ended it). */
  finish(id: string, outcome: OrderExportOutcome): Promise<boolean>;
}

export type OrderExportOutcome =
  | { readonly status: 'completed'; readonly rowCount: number; readonly result: string }
  | { readonly status: 'failed'; readonly error: string };
