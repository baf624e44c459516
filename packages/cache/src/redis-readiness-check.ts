import type { Redis } from 'ioredis';
import { cacheErrors } from './cache-errors.ts';

/** The shape `app.addReadinessCheck` of @groundwork/service-kit takes. */
export interface RedisReadinessCheck {
  readonly name: string;
  readonly timeoutMs: number;
  check(signal: AbortSignal): Promise<void>;
}

export interface RedisReadinessCheckOptions {
  /** Default `redis`. */
  readonly name?: string;
  /** Default 500 ms. */
  readonly timeoutMs?: number;
}

/**
 * A readiness check that passes while `redis` answers PING, and fails at once while its
 * connection is down (without waiting in an offline queue for the timeout).
 *
 * Register it only where the service cannot work without Redis (queues, rate limits, sessions).
 * Do not register it for a Redis that only serves `createCache`: the cache answers from the
 * loader while Redis is down, so the service still works; failing readiness would instead take
 * every instance out of the load balancer at once, since they share the Redis, and turn a slower
 * service into an outage. Watch the cache's `stats.errors` and `stats.bypasses` instead.
 *
 * @example
 * ```ts
 * app.addReadinessCheck(redisReadinessCheck(queueRedis));
 * ```
 */
export function redisReadinessCheck(
  redis: Redis,
  options: RedisReadinessCheckOptions = {},
): RedisReadinessCheck {
  return {
    name: options.name ?? 'redis',
    timeoutMs: options.timeoutMs ?? 500,
    async check() {
      if (redis.status !== 'ready') {
        throw cacheErrors.CACHE_REDIS_UNAVAILABLE.create(`The connection is ${redis.status}.`);
      }
      await redis.ping();
    },
  };
}
