import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/** A Lua script, sent by SHA1 and only sent in full when the server does not have it yet. */
export interface RedisScript {
  readonly source: string;
  readonly sha1: string;
}

function script(source: string): RedisScript {
  return { source, sha1: createHash('sha1').update(source).digest('hex') };
}

/**
 * KEYS: value, generation, lock. ARGV: generation the load started under ('' for none), encoded
 * value, TTL in ms, lock token ('' when the caller holds no lock). Stores the value only if no
 * invalidation changed the generation since the load began, then frees the caller's lock.
 * Returns 1 when stored, 0 when the load was stale.
 */
export const STORE_IF_CURRENT = script(`
local stored = 0
if (redis.call('GET', KEYS[2]) or '') == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  stored = 1
end
if ARGV[4] ~= '' and redis.call('GET', KEYS[3]) == ARGV[4] then
  redis.call('DEL', KEYS[3])
end
return stored
`);

/** KEYS: lock. ARGV: token. Deletes the lock only while it is still the caller's. */
export const RELEASE_LOCK = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

/**
 * KEYS: value, generation, lock. ARGV: new generation, its TTL in ms. Drops the value, moves the
 * generation on (so loads that began earlier cannot store), and drops the lock, so the next
 * reader loads at once instead of waiting on a loader whose result will be refused.
 */
export const INVALIDATE = script(`
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[2])
redis.call('DEL', KEYS[1], KEYS[3])
return 1
`);

/** Runs `redisScript` with EVALSHA, falling back to EVAL once the server says it lacks it. */
export async function runScript(
  redis: Redis,
  redisScript: RedisScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(redisScript.sha1, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
    return redis.eval(redisScript.source, keys.length, ...keys, ...args);
  }
}
