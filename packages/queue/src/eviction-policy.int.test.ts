import { isAppError } from '@groundwork/errors';
import { useRedisServer } from '@groundwork/testing/vitest';
import type { Redis } from 'ioredis';
import Type from 'typebox';
import { afterAll, describe, expect, test } from 'vitest';
import { recordingLogger } from '../test/support/recording-logger.ts';
import { createQueueConnection } from './connection.ts';
import { createWorker } from './create-worker.ts';
import { defineJob } from './define-job.ts';
import { assertNoEviction, readEvictionPolicy } from './eviction-policy.ts';

const ping = defineJob({ name: 'ping', queue: 'eviction', schema: Type.Object({}) });

/**
 * A queue connection to a redis-server of the case's own: the shared server's settings are not
 * ours to change. Opened by the first test that reads it, so a missing binary only skips.
 */
function useOwnRedis(args: readonly string[]): () => Redis {
  const server = useRedisServer({ args });
  let connection: Redis | undefined;
  afterAll(async () => {
    await connection?.quit();
  });
  return () => {
    connection ??= createQueueConnection(server.url);
    return connection;
  };
}

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'no error',
    (error: unknown) => error,
  );
}

describe('assertNoEviction', () => {
  describe('on a server with maxmemory-policy allkeys-lru', () => {
    const connection = useOwnRedis(['--maxmemory-policy', 'allkeys-lru']);

    test('when asserted, then it refuses with QUEUE_EVICTION_POLICY naming maxmemory-policy and the value', async () => {
      const error = await refusal(assertNoEviction(connection()));

      expect(isAppError(error) && error.code).toBe('QUEUE_EVICTION_POLICY');
      expect((error as Error).message).toContain('maxmemory-policy is "allkeys-lru"');
      expect((error as Error).message).toContain('noeviction');
    });

    test('when a worker starts, then it refuses to run and leaves no trace in Redis', async () => {
      let handled = 0;
      const error = await refusal(
        createWorker(
          ping,
          async () => {
            handled += 1;
          },
          {
            connection: connection(),
            logger: recordingLogger(),
          },
        ),
      );

      expect(isAppError(error) && error.code).toBe('QUEUE_EVICTION_POLICY');
      expect(handled).toBe(0);
      expect(await connection().dbsize()).toBe(0);
    });
  });

  describe('on a server with maxmemory-policy noeviction', () => {
    const connection = useOwnRedis(['--maxmemory-policy', 'noeviction']);

    test('when asserted, then it passes and a worker starts', async () => {
      await expect(assertNoEviction(connection())).resolves.toBeUndefined();
      const worker = await createWorker(ping, async () => {}, {
        connection: connection(),
        logger: recordingLogger(),
      });
      await worker.close();
    });
  });

  describe('on a managed server that forbids CONFIG', () => {
    const connection = useOwnRedis([
      '--maxmemory-policy',
      'volatile-lru',
      '--rename-command',
      'CONFIG',
      '',
    ]);

    test('when the policy is read, then it comes from INFO memory and is still refused', async () => {
      expect(await readEvictionPolicy(connection())).toBe('volatile-lru');
      const error = await refusal(assertNoEviction(connection()));
      expect((error as Error).message).toContain('maxmemory-policy is "volatile-lru"');
    });
  });
});
