import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { writeOutboxEvent } from '@groundwork/db';
import { listDeadLetters } from '@groundwork/queue';
import { useQueueRedis } from '@groundwork/queue/testing';
import type { Service } from '@groundwork/service-kit';
import { until } from '@groundwork/testing';
import { describeWithServices, usePostgres } from '@groundwork/testing/vitest';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { killProcessesAfterEach, startNodeProcess } from '../test/support/child-process.ts';
import { outboxTemplate, servicePrisma } from '../test/support/outbox-database.ts';
import { testConfig } from '../test/support/test-config.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../test/support/webhook-receiver.ts';
import { workerTemplate } from '../test/worker-database.ts';
import { buildApp } from './app.ts';
import { createWorkerDatabase, type WorkerDatabase } from './data/worker-database.ts';

const DLQ_COMMAND = fileURLToPath(new URL('./dlq-command.ts', import.meta.url));
const orgId = '00000000-0000-4000-8000-000000000001';

killProcessesAfterEach();

describeWithServices('dead letters of the worker', ['postgres', 'redis'], () => {
  const workerDb = usePostgres({ template: workerTemplate });
  const ordersDb = usePostgres({ template: outboxTemplate });
  const redis = useQueueRedis();
  let database: WorkerDatabase;
  let orders: ReturnType<typeof servicePrisma>;
  let receiver: WebhookReceiver;
  let app: Service | undefined;
  let prefix = '';

  beforeAll(() => {
    database = createWorkerDatabase({ url: workerDb.url, poolSize: 2 });
    orders = servicePrisma(ordersDb.url);
  });
  afterAll(async () => {
    await database?.disconnect();
    await orders?.disconnect();
  });
  beforeEach(async (context) => {
    prefix = `${redis.prefix}:${context.task.id}`;
    receiver = await startWebhookReceiver();
    app = await buildApp({
      config: testConfig({
        DATABASE_URL: workerDb.url,
        REDIS_URL: redis.url,
        QUEUE_PREFIX: prefix,
        OUTBOX_SOURCES: `orders=${ordersDb.url}`,
        NOTIFICATION_CHANNEL: 'webhook',
        NOTIFICATION_WEBHOOK_URL: receiver.url,
        JOB_ATTEMPTS: '3',
      }),
    });
  });
  afterEach(async () => {
    await app?.close();
    await receiver.close();
  });

  const placeOrder = () =>
    orders.prisma.$transaction((tx) =>
      writeOutboxEvent(tx, {
        aggregate: 'order',
        type: 'order.placed',
        payload: {
          orderId: randomUUID(),
          orgId,
          customerId: 'customer-1',
          totalMinor: 4_900,
          currency: 'EUR',
        },
      }),
    );

  /** `npm run jobs:dlq -- <args>`, as an operator runs it. */
  async function jobsDlq(...args: string[]) {
    const command = startNodeProcess(
      DLQ_COMMAND,
      { REDIS_URL: redis.url, QUEUE_PREFIX: prefix },
      args,
    );
    const { code } = await command.exited;
    return { code, stdout: command.stdout(), stderr: command.stderr() };
  }

  const deadLetters = () => listDeadLetters({ connection: redis.connection, prefix });

  test('when the notification channel fails every attempt, then the job lands in the dead-letter queue with its reason, and one replay after the fix sends it once', async () => {
    receiver.answer = () => 500;
    const eventId = await placeOrder();

    await until('the job is dead-lettered', async () => (await deadLetters()).length === 1);
    const listed = await jobsDlq('list', '--json');
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        id: eventId,
        queue: 'notifications',
        name: 'send-order-confirmation',
        reason: expect.stringMatching(
          /^WORKER_NOTIFICATION_DELIVERY_FAILED: POST .* answered 500$/,
        ),
        attemptsMade: 3,
        attempts: 3,
      }),
    ]);
    // Three attempts reached the channel; the notification itself was written once.
    expect(receiver.received).toHaveLength(3);
    const [notification] = await database.primary.notification.findMany({ where: { eventId } });
    expect(notification?.sentAt).toBeNull();

    receiver.answer = () => 204;
    const replayed = await jobsDlq('replay', eventId);
    expect(replayed).toMatchObject({ code: 0 });
    await until('the notification is sent', async () =>
      Boolean(
        await database.primary.notification.findFirst({
          where: { eventId, sentAt: { not: null } },
        }),
      ),
    );
    // Time for a second run to show up, if there were one.
    await sleep(300);

    expect(receiver.received).toHaveLength(4);
    expect(receiver.received[3]?.headers['idempotency-key']).toBe(notification?.id);
    expect(await database.primary.notification.count({ where: { eventId } })).toBe(1);
    expect(await deadLetters()).toEqual([]);
    expect((await jobsDlq('replay', eventId)).code).toBe(1);
  }, 20_000);

  test("when a job's payload breaks its schema (a producer on an older version), then it is dead-lettered at once, naming the field, without retries", async () => {
    const queue = new Queue('notifications', { connection: redis.connection, prefix });
    const jobId = randomUUID();
    await queue.add(
      'send-order-confirmation',
      {
        payload: {
          occurredAt: '2026-11-27T08:00:00.000Z',
          data: { orderId: randomUUID(), orgId, customerId: 'customer-1', total: 4_900 },
        },
      },
      { jobId, attempts: 3 },
    );
    await queue.close();

    await until('the job is dead-lettered', async () => (await deadLetters()).length === 1);

    expect(await deadLetters()).toEqual([
      expect.objectContaining({
        id: jobId,
        reason: 'invalid payload: /data/totalMinor is required; /data/currency is required',
        attemptsMade: 1,
      }),
    ]);
    expect(receiver.received).toEqual([]);
  });

  test('when the channel refuses the notification (a 4xx), then the job is dead-lettered after one attempt', async () => {
    receiver.answer = () => 422;
    const eventId = await placeOrder();

    await until('the job is dead-lettered', async () => (await deadLetters()).length === 1);

    const [letter] = await deadLetters();
    expect(letter).toMatchObject({ id: eventId, attemptsMade: 1 });
    expect(letter?.reason).toContain('WORKER_NOTIFICATION_REJECTED');
    expect(receiver.received).toHaveLength(1);
  });
});
