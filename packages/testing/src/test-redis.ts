import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** A Redis key space that belongs to one test file. */
export interface TestRedis {
  readonly url: string;
  /** Prepended to every key by `client`; give it to the code under test as its key prefix. */
  readonly prefix: string;
  /** An ioredis client whose commands all act under `prefix`. */
  readonly client: Redis;
  /** Deletes every key under `prefix`, then closes `client`. */
  close(): Promise<void>;
}

const SCAN_BATCH = 500;

/**
 * Opens an ioredis client confined to a fresh key prefix, so test files can share one server
 * in parallel. The prefix ends with `:` and holds no glob characters.
 *
 * @example
 * ```ts
 * const redis = await createTestRedis({ url: 'redis://127.0.0.1:6379' });
 * try {
 *   await redis.client.set('greeting', 'hi'); // stored as `${redis.prefix}greeting`
 * } finally {
 *   await redis.close();
 * }
 * ```
 */
export async function createTestRedis(options: { readonly url: string }): Promise<TestRedis> {
  const prefix = `gw:test:${randomBytes(6).toString('hex')}:`;
  const client = new Redis(options.url, { keyPrefix: prefix, lazyConnect: true });
  await client.connect();
  return {
    url: options.url,
    prefix,
    client,
    close: async () => {
      await deleteKeysWithPrefix(options.url, prefix);
      // The test may have closed the client itself.
      if (client.status !== 'end') await client.quit();
    },
  };
}

/**
 * Deletes every key that starts with `prefix` (SCAN + UNLINK) and returns how many it deleted.
 * Never FLUSHDB: other test files use the same server at the same time.
 *
 * @example
 * ```ts
 * await deleteKeysWithPrefix('redis://127.0.0.1:6379', 'gw:test:4f1c9a:');
 * ```
 */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<number> {
  if (prefix === '') throw new RangeError('an empty prefix would match every key');
  // A separate client without keyPrefix: ioredis does not prefix SCAN patterns but would prefix UNLINK.
  const client = new Redis(url, { lazyConnect: true });
  await client.connect();
  try {
    const pattern = `${escapeGlob(prefix)}*`;
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', pattern, 'COUNT', SCAN_BATCH);
      if (keys.length > 0) deleted += await client.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
    return deleted;
  } finally {
    await client.quit();
  }
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
