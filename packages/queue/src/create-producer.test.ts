import { isAppError } from '@groundwork/errors';
import { freePort } from '@groundwork/testing';
import Type from 'typebox';
import { describe, expect, test } from 'vitest';
import { recordingLogger } from '../test/support/recording-logger.ts';
import { createQueueConnection } from './connection.ts';
import { createProducer } from './create-producer.ts';
import { defineJob } from './define-job.ts';

const ping = defineJob({ name: 'ping', queue: 'pings', schema: Type.Object({}) });

describe('createProducer without Redis', () => {
  test('when Redis is down and the connection fails fast, then enqueue rejects with QUEUE_UNAVAILABLE at once instead of hanging', async () => {
    const connection = createQueueConnection(`redis://127.0.0.1:${await freePort()}`, {
      failFast: true,
    });
    connection.on('error', () => {});
    const logger = recordingLogger();
    const producer = createProducer({ connection, logger });

    const startedAt = performance.now();
    const error = await producer
      .enqueue(ping, {}, { jobId: 'evt-while-down' })
      .catch((thrown: unknown) => thrown);
    const tookMs = performance.now() - startedAt;
    await producer.close().catch(() => {});
    connection.disconnect();

    expect(isAppError(error) && error.code).toBe('QUEUE_UNAVAILABLE');
    expect(isAppError(error) && error.kind).toBe('unavailable');
    expect(tookMs).toBeLessThan(2_000);
  });
});
