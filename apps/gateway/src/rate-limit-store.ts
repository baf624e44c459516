import type { Redis } from 'ioredis';

// INCR and PEXPIRE in one script: atomic across every gateway instance sharing the Redis, so
// concurrent requests can never both take the last slot of a window.
const FIXED_WINDOW = `
local current = redis.call('INCR', KEYS[1])
if current == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {current, ttl}
`;

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;

type WithWindowCommand = Redis & {
  gatewayRateLimitWindow(
    key: string,
    windowMs: number,
    callback: (e: Error | null, r?: [number, number]) => void,
  ): void;
};

/**
 * A store constructor for `@fastify/rate-limit`: a fixed window counter per key in Redis under
 * `prefix`. The plugin's own Redis store names the keys of limiters made with `app.rateLimit()`
 * after a route they do not have; these limiters are per caller, not per route, so the key is
 * just the prefix and the caller's key.
 */
export function redisWindowStore(redis: Redis, prefix: string) {
  const client = redis as WithWindowCommand;
  if (typeof client.gatewayRateLimitWindow !== 'function') {
    redis.defineCommand('gatewayRateLimitWindow', { numberOfKeys: 1, lua: FIXED_WINDOW });
  }
  return class RedisWindowStore {
    incr(key: string, callback: Callback, timeWindow: number): void {
      client.gatewayRateLimitWindow(`${prefix}${key}`, timeWindow, (error, result) => {
        if (error || result === undefined) callback(error ?? new Error('no result from Redis'));
        else callback(null, { current: result[0], ttl: result[1] });
      });
    }

    child(): RedisWindowStore {
      return this;
    }
  };
}
