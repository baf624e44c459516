import { createLogger, recordLines } from '@groundwork/logger';
import { describeWithServices, useRedis } from '@groundwork/testing/vitest';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { useInMemoryTracing } from '../test/support/in-memory-tracing.ts';
import { activeTraceparent, traceEnqueue, traceJob } from './job-spans.ts';

/** Job data as @groundwork/queue stores it: the payload and the producer's trace context. */
interface Envelope {
  payload: { orderId: string };
  traceparent?: string;
}

describeWithServices('BullMQ job spans', ['redis'], () => {
  const tracing = useInMemoryTracing('orders');
  const redis = useRedis();
  let connection: Redis;
  let queue: Queue<Envelope>;
  const prefix = () => redis.prefix.slice(0, -1);

  beforeAll(async () => {
    connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    queue = new Queue<Envelope>('order-events', { connection, prefix: prefix() });
  });
  afterAll(async () => {
    await queue.close();
    await connection.quit();
  });

  /** Runs one worker until `count` jobs have been handled by `handle`. */
  async function work(count: number, handle: (job: Envelope, id: string) => Promise<void>) {
    let done = 0;
    let finish: () => void = () => {};
    const finished = new Promise<void>((resolve) => {
      finish = resolve;
    });
    const worker = new Worker<Envelope>(
      'order-events',
      async (job) => {
        try {
          await handle(job.data, job.id ?? '');
        } finally {
          done += 1;
          if (done === count) finish();
        }
      },
      { connection: new Redis(redis.url, { maxRetriesPerRequest: null }), prefix: prefix() },
    );
    await finished;
    await worker.close();
    await worker.disconnect();
  }

  test('when a job is enqueued inside a request span and processed by a worker, then the consumer span is a child of the producer span in the same trace and the handler logs carry it', async () => {
    const { lines, destination } = recordLines();
    const logger = createLogger({ service: 'worker', destination });

    await trace.getTracer('test').startActiveSpan('POST /v1/orders', async (request) => {
      await traceEnqueue(
        { queue: 'order-events', name: 'order.placed', id: 'evt-1' },
        (traceparent) =>
          queue.add(
            'order.placed',
            { payload: { orderId: 'o-1' }, traceparent },
            { jobId: 'evt-1' },
          ),
      );
      request.end();
    });
    await work(1, (data, id) =>
      traceJob(
        {
          queue: 'order-events',
          name: 'order.placed',
          id,
          attempt: 1,
          traceparent: data.traceparent,
        },
        async () => {
          logger.info({ orderId: data.payload.orderId }, 'confirmation sent');
        },
      ),
    );

    const spans = tracing.spans();
    const request = spans.find((span) => span.name === 'POST /v1/orders');
    const send = spans.find((span) => span.name === 'send order-events');
    const process = spans.find((span) => span.name === 'process order-events');
    const traceId = request?.spanContext().traceId;
    expect(send?.kind).toBe(SpanKind.PRODUCER);
    expect(send?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(process?.kind).toBe(SpanKind.CONSUMER);
    expect(process?.parentSpanContext?.spanId).toBe(send?.spanContext().spanId);
    expect(new Set([send, process].map((span) => span?.spanContext().traceId))).toEqual(
      new Set([traceId]),
    );
    expect(process?.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.destination.name': 'order-events',
      'messaging.operation.type': 'process',
      'messaging.message.id': 'evt-1',
      'bullmq.job.name': 'order.placed',
      'bullmq.job.attempt': 1,
    });
    // Redis commands of the enqueue belong to the producer span, not to a trace of their own.
    const redisSpans = spans.filter((span) => span.attributes['db.system.name'] === 'redis');
    expect(redisSpans.length).toBeGreaterThan(0);
    expect(redisSpans.every((span) => span.spanContext().traceId === traceId)).toBe(true);
    expect(lines.find((line) => line.msg === 'confirmation sent')).toMatchObject({
      traceId,
      spanId: process?.spanContext().spanId,
    });
  });

  test('when a job carries no traceparent, then its consumer span starts a trace of its own', async () => {
    await queue.add('order.placed', { payload: { orderId: 'o-2' } }, { jobId: 'evt-2' });
    await work(1, (data, id) =>
      traceJob(
        { queue: 'order-events', name: 'order.placed', id, traceparent: data.traceparent },
        async () => {
          expect(activeTraceparent()).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
        },
      ),
    );

    const process = tracing.spans().find((span) => span.name === 'process order-events');
    expect(process?.parentSpanContext).toBeUndefined();
  });

  test('when a handler throws, then the consumer span is marked as an error and the error reaches the worker', async () => {
    const failure = traceJob(
      { queue: 'order-events', name: 'order.placed', id: 'evt-3', traceparent: undefined },
      async () => {
        throw new TypeError('bad payload');
      },
    );
    await expect(failure).rejects.toThrow('bad payload');
    const [process] = tracing.spans();
    expect(process?.status.code).toBe(SpanStatusCode.ERROR);
    expect(process?.attributes['error.type']).toBe('TypeError');
  });
});
