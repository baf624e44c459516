import { createQueueConnection } from '@groundwork/queue';
import { useRedis } from '@groundwork/testing/vitest';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';

export interface QueueRedis {
  readonly url: string;
  /** The file's harness prefix as a BullMQ prefix, so the harness deletes every queue key. */
  readonly prefix: string;
  /** A queue connection (no keyPrefix; BullMQ refuses one). */
  readonly connection: Redis;
}

/** Gives the file a queue connection and prefix on the harness's Redis. */
export function useQueueRedis(): QueueRedis {
  const redis = useRedis();
  let connection: Redis | undefined;
  beforeAll(async () => {
    connection = createQueueConnection(redis.url);
    await connection.ping();
  });
  afterAll(async () => {
    await connection?.quit();
  });
  return {
    get url() {
      return redis.url;
    },
    get prefix() {
      // The harness prefix ends with ':', which BullMQ adds itself.
      return redis.prefix.slice(0, -1);
    },
    get connection() {
      if (connection === undefined) throw new Error('useQueueRedis: read it inside tests');
      return connection;
    },
  };
}
