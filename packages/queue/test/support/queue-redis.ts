import { useRedis } from '@groundwork/testing/vitest';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { createQueueConnection } from '../../src/connection.ts';

export interface QueueRedis {
  readonly url: string;
  /** BullMQ prefix inside the file's harness prefix, so the harness deletes every queue key. */
  readonly prefix: string;
  /** A queue connection (no keyPrefix; BullMQ refuses one). */
  readonly connection: Redis;
  /** Closes `closable` after the current test, even when it fails. */
  closeAfterTest<T extends { close(): Promise<void> }>(closable: T): T;
}

/**
 * Gives the enclosing test file (or `describe`) a queue connection and a BullMQ prefix on the
 * harness's Redis (`useRedis()` of `@groundwork/testing/vitest`), so the harness deletes every
 * queue key the file wrote. Producers and workers registered with `closeAfterTest` are closed
 * after each test, before the connection is.
 *
 * Test-only: `@groundwork/queue/testing` resolves only under the `@groundwork/source` condition
 * (vitest, typecheck), is never built, and production code cannot import it.
 *
 * @example
 * ```ts
 * import { useQueueRedis } from '@groundwork/queue/testing';
 *
 * const redis = useQueueRedis();
 *
 * test('when a job is sent, then the worker runs it', async () => {
 *   const producer = redis.closeAfterTest(createProducer(redis));
 *   // ...
 * });
 * ```
 */
export function useQueueRedis(): QueueRedis {
  const redis = useRedis();
  let connection: Redis | undefined;
  const closables: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    connection = createQueueConnection(redis.url);
    await connection.ping();
  });
  afterEach(async () => {
    await Promise.all(closables.splice(0).map((closable) => closable.close()));
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
    closeAfterTest(closable) {
      closables.push(closable);
      return closable;
    },
  };
}
