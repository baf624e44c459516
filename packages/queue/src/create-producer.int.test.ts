import { isAppError } from '@groundwork/errors';
import { until } from '@groundwork/testing';
import { describeWithServices } from '@groundwork/testing/vitest';
import { Queue } from 'bullmq';
import Type from 'typebox';
import { expect, test } from 'vitest';
import { useQueueRedis } from '../test/support/queue-redis.ts';
import { recordingLogger } from '../test/support/recording-logger.ts';
import { createProducer } from './create-producer.ts';
import { createWorker } from './create-worker.ts';
import { defineJob, type PayloadOf } from './define-job.ts';

const chargeCard = defineJob({
  name: 'charge-card',
  queue: 'payments',
  schema: Type.Object(
    { orderId: Type.String({ minLength: 1 }), amountCents: Type.Integer({ minimum: 1 }) },
    { additionalProperties: false },
  ),
  attempts: 4,
});

describeWithServices('createProducer', ['redis'], () => {
  const redis = useQueueRedis();
  const queue = () => new Queue('payments', { connection: redis.connection, prefix: redis.prefix });

  test('when a payload breaks the schema, then QUEUE_INVALID_PAYLOAD names each field and nothing is queued', async () => {
    const producer = redis.closeAfterTest(createProducer(redis));
    const invalid = { orderId: '', amountCents: 0, note: 'x' } as unknown as PayloadOf<
      typeof chargeCard
    >;

    const error = await producer
      .enqueue(chargeCard, invalid, { jobId: 'evt-invalid' })
      .catch((thrown: unknown) => thrown);

    expect(isAppError(error) && error.code).toBe('QUEUE_INVALID_PAYLOAD');
    expect(isAppError(error) && error.fields).toEqual([
      { field: '/note', message: 'is not allowed' },
      { field: '/orderId', message: 'must not have fewer than 1 characters' },
      { field: '/amountCents', message: 'must be >= 1' },
    ]);
    const payments = queue();
    expect(await payments.getJob('evt-invalid')).toBeUndefined();
    await payments.close();
  });

  test('when a job is enqueued, then it carries the definition attempts and the jittered backoff strategy', async () => {
    const producer = redis.closeAfterTest(createProducer(redis));
    await producer.enqueue(chargeCard, { orderId: 'o-1', amountCents: 10 }, { jobId: 'evt-opts' });

    const payments = queue();
    const job = await payments.getJob('evt-opts');
    expect(job?.opts).toMatchObject({
      attempts: 4,
      backoff: { type: 'groundwork.exponential-jitter' },
    });
    expect(job?.data).toEqual({ payload: { orderId: 'o-1', amountCents: 10 } });
    await payments.close();
  });

  test('when the same job id is enqueued twice, then the second is a no-op and the job runs once with the first payload', async () => {
    const producer = redis.closeAfterTest(createProducer(redis));
    const first = { orderId: 'o-2', amountCents: 100 };
    await producer.enqueue(chargeCard, first, { jobId: 'evt-dup' });
    await producer.enqueue(chargeCard, { orderId: 'o-2', amountCents: 999 }, { jobId: 'evt-dup' });

    const charged: number[] = [];
    redis.closeAfterTest(
      await createWorker(
        chargeCard,
        async (job) => {
          // Other tests' jobs share the queue; count this one only.
          if (job.id === 'evt-dup') charged.push(job.payload.amountCents);
        },
        {
          ...redis,
          logger: recordingLogger(),
          checkEviction: false,
        },
      ),
    );
    await until('the job ran', () => charged.length === 1);
    // A re-publish after the job completed is deduplicated too, while the completed job is kept.
    await producer.enqueue(chargeCard, { orderId: 'o-2', amountCents: 7 }, { jobId: 'evt-dup' });
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(charged).toEqual([100]);
  });

  test.each([
    ['', 'non-empty'],
    ['order:1', "without ':'"],
    ['42', 'not an integer'],
  ])(
    'when the job id is %j, then enqueue refuses it before reaching Redis',
    async (jobId, message) => {
      const producer = redis.closeAfterTest(createProducer(redis));
      await expect(
        producer.enqueue(chargeCard, { orderId: 'o', amountCents: 1 }, { jobId }),
      ).rejects.toThrow(message);
    },
  );

  test('when the traceparent is malformed, then enqueue refuses it', async () => {
    const producer = redis.closeAfterTest(createProducer(redis));
    await expect(
      producer.enqueue(
        chargeCard,
        { orderId: 'o', amountCents: 1 },
        { jobId: 'evt-bad-trace', traceparent: 'abc' },
      ),
    ).rejects.toThrow('traceparent');
  });
});
