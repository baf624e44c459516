import { type RevocationCheck, redisRevocationCheck } from '@groundwork/auth';
import { Redis } from 'ioredis';

/**
 * The gateway's one Redis client, shared by the rate limiter and the revocation check. It fails
 * at once while disconnected instead of queueing: a request must not wait for a reconnect to
 * learn that Redis is unavailable. Commands are auto-pipelined. It connects lazily; the rate limiter connects it at start and
 * logs outages (see rate-limit.ts).
 */
export function createEdgeRedis(url: string, commandTimeoutMs: number): Redis {
  return new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 2_000,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
    lazyConnect: true,
    // Every authenticated request sends two commands (the deny-list EXISTS, the rate-limit
    // script): commands issued in the same tick by concurrent requests go out in one write.
    enableAutoPipelining: true,
  });
}

/**
 * Revoked tokens are refused at the edge too (one EXISTS per request, cached tokens included).
 * A lookup that fails lets the request through: the services verify the token again against the
 * same deny-list, so a Redis outage costs the gateway's extra layer, not every route.
 */
export function edgeRevocationCheck(redis: Redis): RevocationCheck {
  return redisRevocationCheck(redis, { whenUnavailable: 'allow' });
}
