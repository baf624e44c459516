import { type CacheCodec, createCache } from '@groundwork/cache';
import type { Logger } from '@groundwork/logger';
import type { Redis } from 'ioredis';
import type { Product } from '../domain/product.ts';
import type { ProductCache } from '../use-cases/ports.ts';

export interface ProductCacheOptions {
  readonly redis: Redis;
  readonly namespace: string;
  readonly ttlSeconds: number;
  readonly logger: Logger;
  /** The organization of the current request: part of every key, so tenants never share an entry. */
  readonly tenant: () => string;
}

/** JSON, with the timestamps turned back into Dates. */
const productCodec: CacheCodec<Product | undefined> = {
  encode: (product) => JSON.stringify(product),
  decode: (text) => {
    const product = JSON.parse(text) as Product & { createdAt: string; updatedAt: string };
    return {
      ...product,
      createdAt: new Date(product.createdAt),
      updatedAt: new Date(product.updatedAt),
    };
  },
};

export interface ClosableProductCache extends ProductCache {
  close(): void;
}

/**
 * Product reads through Redis (cache-aside with single-flight, from @groundwork/cache). A missing
 * product is not cached (the loader's `undefined`), so unknown ids cannot fill Redis. When Redis
 * is down or slow, reads go straight to PostgreSQL.
 */
export function createProductCache(options: ProductCacheOptions): ClosableProductCache {
  const cache = createCache<Product | undefined>({
    redis: options.redis,
    namespace: options.namespace,
    defaultTtlSeconds: options.ttlSeconds,
    logger: options.logger,
    codec: productCodec,
  });
  const keyOf = (id: string) => `${options.tenant()}:${id}`;
  return {
    get: (id, load) => cache.getOrLoad(keyOf(id), load),
    async invalidate(ids) {
      await Promise.all(ids.map((id) => cache.invalidate(keyOf(id))));
    },
    close: () => cache.close(),
  };
}
