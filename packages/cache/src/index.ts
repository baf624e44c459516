export { cacheErrors } from './cache-errors.ts';
export {
  type Cache,
  type CacheCodec,
  type CacheOptions,
  type CacheStats,
  createCache,
  type GetOrLoadOptions,
  jsonCodec,
} from './create-cache.ts';
export {
  CACHE_REDIS_OPTIONS,
  type CacheRedisClientOptions,
  createCacheRedisClient,
} from './create-cache-redis-client.ts';
export {
  type RedisReadinessCheck,
  type RedisReadinessCheckOptions,
  redisReadinessCheck,
} from './redis-readiness-check.ts';
