import { createCacheRedisClient } from '@groundwork/cache';
import { createLogger, type Logger } from '@groundwork/logger';
import { loadOrdersConfig } from './config.ts';
import { currentOrgId } from './data/current-org.ts';
import { createMaintenanceDatabase } from './data/maintenance-database.ts';
import { createOrderExportRepository } from './data/order-export-repository.ts';
import { createOrderRepository } from './data/order-prisma-repository.ts';
import { createProductCache } from './data/product-cache.ts';
import { createTenantDatabase } from './data/tenant-database.ts';
import { expireUnconfirmedOrders } from './use-cases/expire-unconfirmed-orders.ts';
import { type OrderExportRun, runOrderExport } from './use-cases/run-order-export.ts';

export type { OrderExportRun } from './use-cases/run-order-export.ts';

export interface OrdersMaintenanceOptions {
  /**
   * Orders' variables, read by orders' own config schema (`DATABASE_URL`, `DATABASE_ROLE`,
   * `REDIS_URL`, `PRODUCT_CACHE_*`); the rest keep orders' defaults. Default: `process.env`.
   */
  readonly env?: Record<string, string | undefined>;
  readonly logger?: Logger;
}

/** Orders' scheduled maintenance and background work, for the worker (apps/worker). */
export interface OrdersMaintenance {
  /**
   * Cancels up to `limit` orders still pending that were placed before `placedBefore` (stock
   * released, `order.cancelled` written, in each order's transaction); resolves to how many.
   * Orders confirmed or expired meanwhile are skipped, so concurrent runs expire each order once.
   */
  expireUnconfirmedOrders(placedBefore: Date, limit: number): Promise<number>;
  /** Deletes up to `limit` stored Idempotency-Key responses that expired before `now`; resolves to how many. */
  purgeExpiredIdempotencyKeys(now: Date, limit: number): Promise<number>;
  /**
   * Runs the export `exportId` of organization `orgId` (from its `order.export-requested` event),
   * as orders_app in that tenant: pending → running → completed with its CSV, or failed with a
   * reason. An export already ended, or not of that tenant, is left alone (`ran: false`), so a
   * redelivered event changes nothing. Throws when the database fails, for the job to retry.
   */
  runOrderExport(exportId: string, orgId: string): Promise<OrderExportRun>;
  close(): Promise<void>;
}

/**
 * Connects to the orders database for its scheduled maintenance, outside the HTTP service: orders
 * keeps the rules (what expires, what a cancellation releases), the scheduler only says when.
 * Finds work across tenants as `orders_maintenance`; changes each order as `orders_app` in the
 * order's tenant, through the same store as the API. Fails unless both roles are bound by
 * row-level security. Safe to run in several processes at once.
 *
 * @example
 * // apps/worker, a job scheduler every 5 minutes
 * import { openOrdersMaintenance } from '@groundwork/orders/maintenance';
 * const orders = await openOrdersMaintenance({ env: { DATABASE_URL: ordersUrl }, logger });
 * await orders.expireUnconfirmedOrders(new Date(Date.now() - 30 * 60_000), 500);
 * await orders.close();
 */
export async function openOrdersMaintenance(
  options: OrdersMaintenanceOptions = {},
): Promise<OrdersMaintenance> {
  const config = loadOrdersConfig(options.env);
  const logger =
    options.logger ?? createLogger({ service: 'orders-maintenance', level: config.LOG_LEVEL });
  const tenants = createTenantDatabase({
    url: config.DATABASE_URL,
    role: config.DATABASE_ROLE,
    poolSize: 1,
    logger,
    applicationName: 'orders-maintenance',
  });
  const maintenance = createMaintenanceDatabase({ url: config.DATABASE_URL, logger });
  const redis = createCacheRedisClient(config.REDIS_URL, { logger });
  const productCache = createProductCache({
    redis,
    namespace: config.PRODUCT_CACHE_NAMESPACE,
    ttlSeconds: config.PRODUCT_CACHE_TTL_SECONDS,
    logger,
    tenant: currentOrgId,
  });
  const close = async () => {
    productCache.close();
    await redis.quit().catch(() => redis.disconnect());
    await Promise.all([tenants.database.disconnect(), maintenance.database.disconnect()]);
  };
  try {
    await Promise.all([tenants.verify(), maintenance.verify()]);
  } catch (error) {
    await close();
    throw error;
  }
  const deps = { orders: createOrderRepository(tenants.prisma), maintenance, productCache };
  const exports = createOrderExportRepository(tenants.prisma);
  return {
    expireUnconfirmedOrders: (placedBefore, limit) =>
      expireUnconfirmedOrders(deps, placedBefore, limit),
    purgeExpiredIdempotencyKeys: (now, limit) =>
      maintenance.purgeExpiredIdempotencyKeys(now, limit),
    runOrderExport: (exportId, orgId) => runOrderExport({ exports }, exportId, orgId),
    close,
  };
}
