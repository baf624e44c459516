import { setTimeout as sleep } from 'node:timers/promises';
import { until } from '@groundwork/testing';
import { describeWithServices } from '@groundwork/testing/vitest';
import { Queue } from 'bullmq';
import Type from 'typebox';
import { expect, test } from 'vitest';
import { useQueueRedis } from '../test/support/queue-redis.ts';
import { recordingLogger } from '../test/support/recording-logger.ts';
import { createProducer } from './create-producer.ts';
import { createWorker, type ReceivedJob, type WorkerOptions } from './create-worker.ts';
import { defineJob } from './define-job.ts';

const orderPlaced = defineJob({
  name: 'order-placed',
  queue: 'events',
  schema: Type.Object({ orderId: Type.String(), totalCents: Type.Integer({ minimum: 0 }) }),
});
const orderCancelled = defineJob({
  name: 'order-cancelled',
  queue: 'events',
  schema: Type.Object({ orderId: Type.String(), reason: Type.String() }),
});
const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describeWithServices('createWorker', ['redis'], () => {
  const redis = useQueueRedis();
  const options = (): WorkerOptions => ({
    connection: redis.connection,
    prefix: redis.prefix,
    logger: recordingLogger(),
    // The shared server's eviction policy is not under test here (eviction-policy.int.test.ts).
    checkEviction: false,
  });

  test('when a job is enqueued, then the worker receives its typed payload, id, attempt and trace', async () => {
    const received: ReceivedJob<typeof orderPlaced>[] = [];
    redis.closeAfterTest(
      await createWorker(orderPlaced, async (job) => void received.push(job), options()),
    );
    const producer = redis.closeAfterTest(createProducer(redis));

    const { id } = await producer.enqueue(
      orderPlaced,
      { orderId: 'o-1', totalCents: 1250 },
      { jobId: 'evt-round-trip', traceparent: TRACEPARENT },
    );
    await until('the job ran', () => received.length === 1);

    expect(id).toBe('evt-round-trip');
    expect(received[0]).toMatchObject({
      name: 'order-placed',
      payload: { orderId: 'o-1', totalCents: 1250 },
      id: 'evt-round-trip',
      attempt: 1,
      traceparent: TRACEPARENT,
    });
    expect(received[0]?.signal.aborted).toBe(false);
  });

  test('when one worker serves two job kinds, then each handler call is narrowed to its own payload', async () => {
    const seen: string[] = [];
    redis.closeAfterTest(
      await createWorker(
        [orderPlaced, orderCancelled],
        async (job) => {
          // The switch is what the type system checks: each branch sees only its payload type.
          switch (job.name) {
            case 'order-placed':
              seen.push(`placed ${job.payload.orderId} ${job.payload.totalCents}`);
              break;
            case 'order-cancelled':
              seen.push(`cancelled ${job.payload.orderId} ${job.payload.reason}`);
              break;
          }
        },
        options(),
      ),
    );
    const producer = redis.closeAfterTest(createProducer(redis));

    await producer.enqueue(orderPlaced, { orderId: 'o-2', totalCents: 5 }, { jobId: 'evt-a' });
    await producer.enqueue(orderCancelled, { orderId: 'o-2', reason: 'late' }, { jobId: 'evt-b' });
    await until('both jobs ran', () => seen.length === 2);

    expect(seen.sort()).toEqual(['cancelled o-2 late', 'placed o-2 5']);
  });

  test('when no traceparent is given, then the handler receives none', async () => {
    const traces: (string | undefined)[] = [];
    redis.closeAfterTest(
      await createWorker(orderPlaced, async (job) => void traces.push(job.traceparent), options()),
    );
    const producer = redis.closeAfterTest(createProducer(redis));

    await producer.enqueue(
      orderPlaced,
      { orderId: 'o-3', totalCents: 1 },
      { jobId: 'evt-untraced' },
    );
    await until('the job ran', () => traces.length === 1);

    expect(traces).toEqual([undefined]);
  });

  test('when close is called during a job, then it waits for the job to finish before resolving', async () => {
    let finished = false;
    let started = false;
    const worker = await createWorker(
      orderPlaced,
      async () => {
        started = true;
        await sleep(300);
        finished = true;
      },
      options(),
    );
    const producer = redis.closeAfterTest(createProducer(redis));
    await producer.enqueue(orderPlaced, { orderId: 'o-4', totalCents: 1 }, { jobId: 'evt-drain' });
    await until('the job started', () => started);

    await worker.close();

    expect(finished).toBe(true);
    const queue = new Queue('events', { connection: redis.connection, prefix: redis.prefix });
    expect(await queue.getJobState('evt-drain')).toBe('completed');
    await queue.close();
  });

  test('when close times out on a job that honours its signal, then the job goes back to the queue without using an attempt', async () => {
    let started = false;
    const worker = await createWorker(
      orderPlaced,
      async (job) => {
        started = true;
        await new Promise((_, reject) => {
          job.signal.addEventListener('abort', () => reject(new Error('aborted')));
        });
      },
      options(),
    );
    const producer = redis.closeAfterTest(createProducer(redis));
    await producer.enqueue(
      orderPlaced,
      { orderId: 'o-5', totalCents: 1 },
      { jobId: 'evt-release' },
    );
    await until('the job started', () => started);

    const before = performance.now();
    await worker.close({ timeoutMs: 200 });
    const tookMs = performance.now() - before;

    const queue = new Queue('events', { connection: redis.connection, prefix: redis.prefix });
    const job = await queue.getJob('evt-release');
    expect(await job?.getState()).toBe('waiting');
    expect(job?.attemptsMade).toBe(0);
    expect(tookMs).toBeLessThan(2_000);

    // The next worker runs it as a first attempt.
    const attempts: number[] = [];
    redis.closeAfterTest(
      await createWorker(orderPlaced, async (next) => void attempts.push(next.attempt), options()),
    );
    await until('the released job ran again', () => attempts.length === 1);
    expect(attempts).toEqual([1]);
    await queue.close();
  });
});
