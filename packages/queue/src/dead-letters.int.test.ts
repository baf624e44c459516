import { isAppError } from '@groundwork/errors';
import { until } from '@groundwork/testing';
import { describeWithServices } from '@groundwork/testing/vitest';
import { Queue, UnrecoverableError, Worker } from 'bullmq';
import Type from 'typebox';
import { expect, test } from 'vitest';
import { useQueueRedis } from '../test/support/queue-redis.ts';
import { recordingLogger } from '../test/support/recording-logger.ts';
import { createProducer } from './create-producer.ts';
import { createWorker, type JobHandler, type WorkerOptions } from './create-worker.ts';
import { dropDeadLetter, listDeadLetters, replayDeadLetter } from './dead-letters.ts';
import { defineJob, type JobDefinition } from './define-job.ts';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
const schema = Type.Object({ orderId: Type.String() });

/** Each test gets its own queue, so dead letters and jobs of one test never meet another's. */
function chargeJob(queue: string, attempts: number, initialDelayMs = 10) {
  return defineJob({
    name: 'charge-card',
    queue,
    schema,
    attempts,
    backoff: { initialDelayMs, maxDelayMs: 10_000, jitter: 0 },
  });
}

describeWithServices('dead letters', ['redis'], () => {
  const redis = useQueueRedis();
  const options = (extra: Partial<WorkerOptions> = {}): WorkerOptions => ({
    connection: redis.connection,
    prefix: redis.prefix,
    logger: recordingLogger(),
    checkEviction: false,
    ...extra,
  });
  const startWorker = async <D extends JobDefinition>(job: D, handler: JobHandler<D>) =>
    redis.closeAfterTest(await createWorker(job, handler, options()));
  const deadLettersOf = (queue: string) => listDeadLetters({ ...redis, queue });

  test('when a payload reaches the worker invalid, then it is dead-lettered at once with the reason and never handled', async () => {
    // A producer still on the old schema, where the order id was a number.
    const oldProducerJob = defineJob({
      name: 'charge-card',
      queue: 'invalid',
      schema: Type.Object({ orderId: Type.Number() }),
    });
    const handled: unknown[] = [];
    await startWorker(chargeJob('invalid', 5), async (job) => void handled.push(job.payload));
    const producer = redis.closeAfterTest(createProducer(redis));

    await producer.enqueue(
      oldProducerJob,
      { orderId: 17 },
      { jobId: 'evt-poison', traceparent: TRACEPARENT },
    );
    await until(
      'the job was dead-lettered',
      async () => (await deadLettersOf('invalid')).length === 1,
    );

    expect(handled).toEqual([]);
    expect(await deadLettersOf('invalid')).toEqual([
      {
        id: 'evt-poison',
        queue: 'invalid',
        name: 'charge-card',
        payload: { orderId: 17 },
        traceparent: TRACEPARENT,
        reason: 'invalid payload: /orderId must be string',
        attemptsMade: 1,
        attempts: 5,
        deadAt: expect.any(String),
      },
    ]);
  });

  test('when a job throws, then it is retried with backoff up to its attempt limit', async () => {
    const startedAt: number[] = [];
    await startWorker(chargeJob('retries', 3, 100), async () => {
      startedAt.push(Date.now());
      throw new Error('card declined');
    });
    const producer = redis.closeAfterTest(createProducer(redis));

    await producer.enqueue(chargeJob('retries', 3), { orderId: 'o-1' }, { jobId: 'evt-declined' });
    await until(
      'the job was dead-lettered',
      async () => (await deadLettersOf('retries')).length === 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));

    const [first = 0, second = 0, third = 0] = startedAt;
    expect(startedAt).toHaveLength(3);
    // jitter 0: the first retry waits 100 ms, the second 200 ms.
    expect(second - first).toBeGreaterThanOrEqual(100);
    expect(third - second).toBeGreaterThanOrEqual(200);
    expect(third - second).toBeLessThan(1_000);
  });

  test('when a job fails every attempt, then it lands in the dead-letter queue', async () => {
    await startWorker(chargeJob('exhausted', 2), async () => {
      throw new Error('card declined');
    });
    const producer = redis.closeAfterTest(createProducer(redis));

    await producer.enqueue(
      chargeJob('exhausted', 2),
      { orderId: 'o-6' },
      { jobId: 'evt-exhausted', traceparent: TRACEPARENT },
    );
    await until(
      'the job was dead-lettered',
      async () => (await deadLettersOf('exhausted')).length === 1,
    );

    expect(await deadLettersOf('exhausted')).toEqual([
      {
        id: 'evt-exhausted',
        queue: 'exhausted',
        name: 'charge-card',
        payload: { orderId: 'o-6' },
        traceparent: TRACEPARENT,
        reason: 'Error: card declined',
        attemptsMade: 2,
        attempts: 2,
        deadAt: expect.any(String),
      },
    ]);
    const queue = new Queue('exhausted', { connection: redis.connection, prefix: redis.prefix });
    expect(await queue.getJobState('evt-exhausted')).toBe('failed');
    await queue.close();
  });

  test('when a handler throws UnrecoverableError, then the job is dead-lettered without retries', async () => {
    let runs = 0;
    await startWorker(chargeJob('unrecoverable', 5), async () => {
      runs += 1;
      throw new UnrecoverableError('card reported stolen');
    });
    const producer = redis.closeAfterTest(createProducer(redis));

    await producer.enqueue(
      chargeJob('unrecoverable', 5),
      { orderId: 'o-2' },
      { jobId: 'evt-stolen' },
    );
    await until(
      'the job was dead-lettered',
      async () => (await deadLettersOf('unrecoverable')).length === 1,
    );

    expect(runs).toBe(1);
    expect(await deadLettersOf('unrecoverable')).toMatchObject([
      { id: 'evt-stolen', reason: 'UnrecoverableError: card reported stolen', attemptsMade: 1 },
    ]);
  });

  test('when a dead letter is replayed, then the job runs once more with fresh attempts and a second replay finds nothing', async () => {
    const job = chargeJob('replay', 2);
    let failing = true;
    const attempts: number[] = [];
    await startWorker(job, async (received) => {
      attempts.push(received.attempt);
      if (failing) throw new Error('gateway down');
    });
    const producer = redis.closeAfterTest(createProducer(redis));
    await producer.enqueue(
      job,
      { orderId: 'o-3' },
      { jobId: 'evt-replay', traceparent: TRACEPARENT },
    );
    await until(
      'the job was dead-lettered',
      async () => (await deadLettersOf('replay')).length === 1,
    );

    failing = false;
    const replayed = await replayDeadLetter(redis, 'evt-replay');
    await until('the replay ran', () => attempts.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(replayed).toMatchObject({
      id: 'evt-replay',
      queue: 'replay',
      reason: 'Error: gateway down',
    });
    expect(attempts).toEqual([1, 2, 1]);
    expect(await deadLettersOf('replay')).toEqual([]);
    const queue = new Queue('replay', { connection: redis.connection, prefix: redis.prefix });
    const rerun = await queue.getJob('evt-replay');
    expect(await rerun?.getState()).toBe('completed');
    expect(rerun?.opts.attempts).toBe(2);
    expect(rerun?.data).toEqual({ payload: { orderId: 'o-3' }, traceparent: TRACEPARENT });
    await queue.close();
    const again = await replayDeadLetter(redis, 'evt-replay').catch((error: unknown) => error);
    expect(isAppError(again) && again.code).toBe('QUEUE_DEAD_LETTER_NOT_FOUND');
  });

  test('when a dead letter is dropped, then it is gone and the job does not run again', async () => {
    let runs = 0;
    await startWorker(chargeJob('drop', 1), async () => {
      runs += 1;
      throw new Error('nope');
    });
    const producer = redis.closeAfterTest(createProducer(redis));
    await producer.enqueue(chargeJob('drop', 1), { orderId: 'o-4' }, { jobId: 'evt-drop' });
    await until(
      'the job was dead-lettered',
      async () => (await deadLettersOf('drop')).length === 1,
    );

    const dropped = await dropDeadLetter({ ...redis, queue: 'drop' }, 'evt-drop');
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(dropped.id).toBe('evt-drop');
    expect(await deadLettersOf('drop')).toEqual([]);
    expect(runs).toBe(1);
  });

  test('when a job stalls more often than maxStalledCount allows, then it is dead-lettered with the stall reason', async () => {
    const job = chargeJob('stalls', 5);
    const producer = redis.closeAfterTest(createProducer(redis));
    await producer.enqueue(job, { orderId: 'o-5' }, { jobId: 'evt-stalled' });
    // A worker that takes the job and dies holding it: its lock is never renewed.
    const dying = new Worker('stalls', null, {
      connection: redis.connection,
      prefix: redis.prefix,
      lockDuration: 100,
    });
    expect((await dying.getNextJob('dying-worker-token'))?.id).toBe('evt-stalled');
    await dying.close(true);

    let runs = 0;
    redis.closeAfterTest(
      await createWorker(
        job,
        async () => {
          runs += 1;
        },
        options({
          stalledIntervalMs: 100,
          maxStalledCount: 0,
        }),
      ),
    );
    await until(
      'the job was dead-lettered',
      async () => (await deadLettersOf('stalls')).length === 1,
    );

    expect(runs).toBe(0);
    expect(await deadLettersOf('stalls')).toMatchObject([
      { id: 'evt-stalled', reason: 'UnrecoverableError: job stalled more than allowable limit' },
    ]);
  });
});
