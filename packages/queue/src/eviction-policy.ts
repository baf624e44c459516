import type { Redis } from 'ioredis';
import { queueErrors } from './queue-errors.ts';

/**
 * Reads the server's `maxmemory-policy`: `CONFIG GET` first, then `INFO memory` for managed
 * servers that rename or forbid `CONFIG` (ElastiCache, MemoryStore, ACL users without @admin).
 * Returns `undefined` when neither answers.
 */
export async function readEvictionPolicy(redis: Redis): Promise<string | undefined> {
  try {
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as string[];
    if (policy !== undefined) return policy;
  } catch {
    // CONFIG is unavailable here; INFO is readable by every client.
  }
  const info = await redis.info('memory');
  return /^maxmemory_policy:(\S+)/m.exec(info)?.[1];
}

/**
 * Refuses a Redis that may evict keys under memory pressure: an evicted job or lock is lost
 * without a trace, so queues need `maxmemory-policy noeviction` (writes then fail loudly instead).
 * Workers call it before taking jobs; call it in any other process that owns queue data.
 *
 * @throws {AppError} `QUEUE_EVICTION_POLICY`, naming the setting and the value found.
 * @example
 * await assertNoEviction(connection); // throws unless `maxmemory-policy` is `noeviction`
 */
export async function assertNoEviction(redis: Redis): Promise<void> {
  const policy = await readEvictionPolicy(redis);
  if (policy === 'noeviction') return;
  const found =
    policy === undefined ? 'could not be read (CONFIG GET and INFO refused)' : `is "${policy}"`;
  throw queueErrors.QUEUE_EVICTION_POLICY.create(
    `Redis maxmemory-policy ${found}; queues need "noeviction", or Redis may silently drop ` +
      'jobs and locks. Set it in redis.conf (maxmemory-policy noeviction) or your provider settings.',
  );
}
