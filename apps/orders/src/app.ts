import { createRemoteKeyResolver, type KeyResolver, redisRevocationCheck } from '@groundwork/auth';
import { authenticate } from '@groundwork/auth/fastify';
import { createCacheRedisClient } from '@groundwork/cache';
import { createLogger, type Logger } from '@groundwork/logger';
import { createService, type Service, serviceOptionsFromEnv } from '@groundwork/service-kit';
import type { Redis } from 'ioredis';
import type { OrdersConfig } from './config.ts';
import { currentOrgId } from './data/current-org.ts';
import { configAndRedisFlagProvider, createFeatureFlags } from './data/feature-flags.ts';
import { createOrderExportRepository } from './data/order-export-repository.ts';
import { createOrderRepository } from './data/order-prisma-repository.ts';
import { createProductCache } from './data/product-cache.ts';
import { createProductRepository } from './data/product-prisma-repository.ts';
import { createTenantDatabase, type TenantDatabase } from './data/tenant-database.ts';
import { graphql } from './http/graphql.ts';
import { orderExportRoutes } from './http/order-export-routes.ts';
import { orderRoutes } from './http/order-routes.ts';
import { productRoutes } from './http/product-routes.ts';

export interface OrdersDeps {
  readonly config: OrdersConfig;
  /** Where access-token keys come from. Default: identity's JWKS at JWKS_URL. */
  readonly keys?: KeyResolver;
  /** Default: the kit's JSON logger at LOG_LEVEL. */
  readonly logger?: Logger;
  /** The cache's Redis; default a client on REDIS_URL, closed with the app. A given one is the caller's. */
  readonly redis?: Redis;
  /** Default: built from DATABASE_URL and closed with the app. A given one is the caller's. */
  readonly database?: TenantDatabase;
}

/**
 * The orders service, wired by hand: the kit's service, the database (as the row-level-security
 * role, scoped by the tenancy guard), the product cache, then the /v1 routes behind token
 * verification. Everything built here is closed with the app.
 */
export async function buildApp(deps: OrdersDeps): Promise<Service> {
  const { config } = deps;
  const logger = deps.logger ?? createLogger({ service: 'orders', level: config.LOG_LEVEL });
  const app = await createService({
    name: 'orders',
    description:
      "A tenant's product catalog and its customers' orders: cursor pagination, ETags, idempotent order placement, events through the outbox.",
    ...serviceOptionsFromEnv(config),
    logger,
  });

  const tenantDatabase =
    deps.database ??
    createTenantDatabase({
      url: config.DATABASE_URL,
      role: config.DATABASE_ROLE,
      poolSize: config.DATABASE_POOL_SIZE,
      slowQueryMs: config.DATABASE_SLOW_QUERY_MS,
      logger,
    });
  app.addReadinessCheck(tenantDatabase.database.readinessCheck);
  // Refuse to serve unless PostgreSQL answers and its policies bind us (no superuser, no BYPASSRLS).
  app.addHook('onReady', () => tenantDatabase.verify());

  // No readiness check for this Redis: it only caches and overrides flags; without it reads go to
  // PostgreSQL and flags answer from config.
  const redis = deps.redis ?? createCacheRedisClient(config.REDIS_URL, { logger });
  const productCache = createProductCache({
    redis,
    namespace: config.PRODUCT_CACHE_NAMESPACE,
    ttlSeconds: config.PRODUCT_CACHE_TTL_SECONDS,
    logger,
    tenant: currentOrgId,
  });
  app.addHook('onClose', async () => {
    productCache.close();
    if (deps.redis === undefined) await redis.quit().catch(() => redis.disconnect());
    if (deps.database === undefined) await tenantDatabase.database.disconnect();
  });

  const flags = await createFeatureFlags(
    configAndRedisFlagProvider({
      enabled: config.FEATURE_FLAGS,
      redis,
      namespace: config.FEATURE_FLAGS_NAMESPACE,
      logger,
    }),
  );

  const products = createProductRepository(tenantDatabase.prisma);
  const orders = createOrderRepository(tenantDatabase.prisma);
  const keys = deps.keys ?? createRemoteKeyResolver({ url: config.JWKS_URL });

  await app.register(async (v1: Service) => {
    // Zero trust: tokens are verified here too, whatever the gateway did.
    await v1.register(authenticate, {
      keys,
      issuer: config.TOKEN_ISSUER,
      // A logout or a removed membership ends tokens here too, within a second. Redis only
      // caches for orders, so while it is down reads go on and the gateway's check is the one
      // that stands (ADR 0008).
      isRevoked: redisRevocationCheck(redis, { whenUnavailable: 'allow' }),
    });
    await v1.register(productRoutes, { products, productCache });
    await v1.register(orderRoutes, { orders, productCache, flags });
    await v1.register(orderExportRoutes, {
      exports: createOrderExportRepository(tenantDatabase.prisma),
    });
    await v1.register(graphql, {
      products,
      productCache,
      orders,
      limits: { maxDepth: config.GRAPHQL_MAX_DEPTH, maxCost: config.GRAPHQL_MAX_COST },
    });
  });
  return app;
}
