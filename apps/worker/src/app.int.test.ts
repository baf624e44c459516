import { randomUUID } from 'node:crypto';
import { writeOutboxEvent } from '@groundwork/db';
import { isAppError } from '@groundwork/errors';
import { useQueueRedis } from '@groundwork/queue/testing';
import type { Service } from '@groundwork/service-kit';
import { until } from '@groundwork/testing';
import { describeWithServices, usePostgres, useRedisServer } from '@groundwork/testing/vitest';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { outboxTemplate, servicePrisma } from '../test/support/outbox-database.ts';
import { recordingLogger } from '../test/support/recording-logger.ts';
import { testConfig } from '../test/support/test-config.ts';
import { workerTemplate } from '../test/worker-database.ts';
import { buildApp, type WorkerDeps } from './app.ts';
import { createWorkerDatabase, type WorkerDatabase } from './data/worker-database.ts';

const orgId = '00000000-0000-4000-8000-000000000001';

describeWithServices('the worker app', ['postgres', 'redis'], () => {
  const workerDb = usePostgres({ template: workerTemplate });
  const ordersDb = usePostgres({ template: outboxTemplate });
  const redis = useQueueRedis();
  let database: WorkerDatabase;
  let orders: ReturnType<typeof servicePrisma>;
  let prefix = '';
  const apps: Service[] = [];

  beforeAll(() => {
    database = createWorkerDatabase({ url: workerDb.url, poolSize: 2 });
    orders = servicePrisma(ordersDb.url);
  });
  afterAll(async () => {
    await database?.disconnect();
    await orders?.disconnect();
  });
  beforeEach((context) => {
    prefix = `${redis.prefix}:${context.task.id}`;
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function startWorker(
    env: Record<string, string> = {},
    deps: Omit<WorkerDeps, 'config'> = {},
  ): Promise<Service> {
    const app = await buildApp({
      config: testConfig({
        DATABASE_URL: workerDb.url,
        REDIS_URL: redis.url,
        QUEUE_PREFIX: prefix,
        OUTBOX_SOURCES: `orders=${ordersDb.url}`,
        ...env,
      }),
      ...deps,
    });
    apps.push(app);
    return app;
  }

  /** Writes an order event the way orders does: in the transaction of the change. */
  const publishOrderEvent = (type: string, payload: object) =>
    orders.prisma.$transaction((tx) => writeOutboxEvent(tx, { aggregate: 'order', type, payload }));

  const writtenAt = async (eventId: string) => {
    const [row] = await orders.prisma.$queryRaw<{ createdAt: Date }[]>`
      SELECT "createdAt" FROM outbox WHERE id = ${eventId}::uuid`;
    return row?.createdAt;
  };

  test('when the worker runs, then /health/live answers 200 and /health/ready passes postgres, redis and each outbox source', async () => {
    const app = await startWorker();

    const live = await app.inject({ method: 'GET', url: '/health/live' });
    const ready = await app.inject({ method: 'GET', url: '/health/ready' });

    expect(live.statusCode).toBe(200);
    expect(ready.statusCode).toBe(200);
    expect(
      ready
        .json()
        .checks.map((check: { name: string }) => check.name)
        .sort(),
    ).toEqual(['outbox:orders', 'postgres', 'redis']);
  });

  test('when the worker runs, then it serves /metrics for Prometheus and no API: /docs and /openapi.json are not found', async () => {
    const app = await startWorker();

    const metrics = await app.inject({ method: 'GET', url: '/metrics' });

    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect((await app.inject({ method: 'GET', url: '/docs' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(404);
  });

  test('when an order.placed event is committed, then the customer gets exactly one confirmation and the read model shows the order', async () => {
    const log = recordingLogger();
    await startWorker({}, { logger: log.logger });
    const orderId = randomUUID();

    // The payload as orders writes it; the fields the worker does not use are ignored.
    const eventId = await publishOrderEvent('order.placed', {
      orderId,
      orgId,
      customerId: 'customer-1',
      status: 'pending',
      totalMinor: 4_900,
      currency: 'EUR',
      lines: [{ productId: randomUUID(), quantity: 1, unitPriceMinor: 4_900 }],
    });
    await until('the confirmation is sent', async () =>
      Boolean(
        await database.primary.notification.findFirst({
          where: { eventId, sentAt: { not: null } },
        }),
      ),
    );
    await until('the read model has the order', async () =>
      Boolean(await database.primary.orderSummary.findUnique({ where: { orderId } })),
    );

    const notifications = await database.primary.notification.findMany({ where: { eventId } });
    expect(notifications).toEqual([
      expect.objectContaining({
        orgId,
        kind: 'order-confirmation',
        recipient: 'customer-1',
        channel: 'log',
        body: expect.stringContaining('€49.00'),
      }),
    ]);
    expect(await database.primary.orderSummary.findUnique({ where: { orderId } })).toMatchObject({
      status: 'placed',
      totalMinor: 4_900,
      currency: 'EUR',
      // When it happened: when orders wrote the event.
      placedAt: await writtenAt(eventId),
    });
    expect(log.lines).toContainEqual(
      expect.objectContaining({ msg: 'notification sent', notificationId: notifications[0]?.id }),
    );
  });

  test('when an order.cancelled event follows, then the read model turns the order cancelled', async () => {
    await startWorker();
    const orderId = randomUUID();

    await publishOrderEvent('order.placed', {
      orderId,
      orgId,
      customerId: 'customer-1',
      totalMinor: 100,
      currency: 'USD',
    });
    const cancellation = await publishOrderEvent('order.cancelled', {
      orderId,
      orgId,
      reason: 'changed my mind',
    });
    await until('the read model shows the cancellation', async () => {
      const summary = await database.primary.orderSummary.findUnique({ where: { orderId } });
      return summary?.status === 'cancelled' && summary.totalMinor !== null;
    });

    expect(await database.primary.orderSummary.findUnique({ where: { orderId } })).toMatchObject({
      status: 'cancelled',
      customerId: 'customer-1',
      totalMinor: 100,
      cancelReason: 'changed my mind',
      cancelledAt: await writtenAt(cancellation),
    });
  });

  test('when the worker is closed, then its relay stops: later events stay unpublished', async () => {
    const app = await startWorker();
    await app.close();
    apps.length = 0;

    const eventId = await publishOrderEvent('order.cancelled', { orderId: randomUUID(), orgId });
    await new Promise((resolve) => setTimeout(resolve, 400));

    const rows = await orders.prisma.$queryRaw<{ publishedAt: Date | null }[]>`
      SELECT "publishedAt" FROM outbox WHERE id = ${eventId}::uuid`;
    expect(rows).toEqual([{ publishedAt: null }]);
  });
});

// Each case runs its own redis-server: the shared server's settings are not ours to change.
describe('the worker on a Redis that may evict keys', () => {
  const workerDb = usePostgres({ template: workerTemplate });
  const server = useRedisServer({ args: ['--maxmemory-policy', 'allkeys-lru'] });

  test('when it starts, then it refuses with QUEUE_EVICTION_POLICY naming maxmemory-policy, and leaves nothing in Redis', async () => {
    const config = testConfig({
      DATABASE_URL: workerDb.url,
      REDIS_URL: server.url,
      OUTBOX_SOURCES: `orders=${workerDb.url}`,
    });

    const error = await buildApp({ config }).then(
      () => 'started',
      (refusal: unknown) => refusal,
    );

    expect(isAppError(error) && error.code).toBe('QUEUE_EVICTION_POLICY');
    expect((error as Error).message).toContain('maxmemory-policy is "allkeys-lru"');
    const probe = new Redis(server.url);
    expect(await probe.dbsize()).toBe(0);
    await probe.quit();
  });
});
