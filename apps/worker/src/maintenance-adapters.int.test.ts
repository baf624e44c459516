import { randomUUID } from 'node:crypto';
import { identityTemplate } from '@groundwork/identity/testing';
import { ordersTemplate } from '@groundwork/orders/testing';
import { useQueueRedis } from '@groundwork/queue/testing';
import type { Service } from '@groundwork/service-kit';
import { until } from '@groundwork/testing';
import { describeWithServices, usePostgres } from '@groundwork/testing/vitest';
import { Queue } from 'bullmq';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { testConfig } from '../test/support/test-config.ts';
import { testPool } from '../test/support/test-pool.ts';
import { workerTemplate } from '../test/worker-database.ts';
import { buildApp } from './app.ts';

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
const DAY_MS = 86_400_000;

describeWithServices(
  'the scheduled jobs against orders and identity',
  ['postgres', 'redis'],
  () => {
    const workerDb = usePostgres({ template: workerTemplate });
    const ordersDb = usePostgres({ template: ordersTemplate });
    const identityDb = usePostgres({ template: identityTemplate });
    const redis = useQueueRedis();
    let orders: pg.Pool;
    let identity: pg.Pool;
    let worker: pg.Pool;
    let prefix = '';
    const apps: Service[] = [];

    beforeAll(() => {
      orders = testPool(ordersDb.url);
      identity = testPool(identityDb.url);
      worker = testPool(workerDb.url);
    });
    afterAll(async () => {
      await orders?.end();
      await identity?.end();
      await worker?.end();
    });
    beforeEach((context) => {
      prefix = `${redis.prefix}:${context.task.id}`;
    });
    afterEach(async () => {
      await Promise.all(apps.splice(0).map((app) => app.close()));
    });

    /** The worker as main.ts builds it (adapters from config), on schedules that never come due here. */
    async function startWorker(): Promise<Service> {
      const app = await buildApp({
        config: testConfig({
          DATABASE_URL: workerDb.url,
          REDIS_URL: redis.url,
          QUEUE_PREFIX: prefix,
          OUTBOX_SOURCES: `orders=${ordersDb.url}`,
          MAINTENANCE_JOBS:
            'expire-unconfirmed-orders,rotate-signing-keys,purge-idempotency-keys,run-order-export',
          ORDERS_DATABASE_URL: ordersDb.url,
          IDENTITY_DATABASE_URL: identityDb.url,
          // 1 January, 00:00: the tests run each job themselves.
          EXPIRE_UNCONFIRMED_ORDERS_SCHEDULE: '0 0 1 1 *',
          ROTATE_SIGNING_KEYS_SCHEDULE: '0 0 1 1 *',
          PURGE_IDEMPOTENCY_KEYS_SCHEDULE: '0 0 1 1 *',
          ORDER_CONFIRMATION_TIMEOUT_MINUTES: '30',
        }),
        // Identity's settings: its defaults, which development runs with.
        env: {},
      });
      apps.push(app);
      return app;
    }

    /** Runs a scheduled job now: one job from its scheduler's template, as the scheduler enqueues it. */
    async function runNow(name: string): Promise<void> {
      const queue = new Queue('maintenance', { connection: redis.connection, prefix });
      try {
        const scheduler = await queue.getJobScheduler(name);
        expect(scheduler?.template?.data, `scheduler of ${name}`).toBeDefined();
        const job = await queue.add(name, scheduler?.template?.data, {
          ...scheduler?.template?.opts,
          jobId: randomUUID(),
        });
        await until(`${name} has run`, async () => {
          const state = await job.getState();
          if (state === 'failed')
            throw new Error(
              `${name} failed: ${(await queue.getJob(job.id as string))?.failedReason}`,
            );
          return state === 'completed';
        });
      } finally {
        await queue.close();
      }
    }

    /** A pending order of 2 items placed `placedMinutesAgo`, in a new tenant; the product had 10. */
    async function placeOrder(placedMinutesAgo: number) {
      const org = randomUUID();
      const product = randomUUID();
      const order = randomUUID();
      await orders.query(
        `INSERT INTO products (id, "orgId", sku, name, "priceMinor", currency, stock, "updatedAt")
       VALUES ($1, $2, $3, 'Chair', 500, 'EUR', 8, now())`,
        [product, org, `sku-${order.slice(0, 8)}`],
      );
      await orders.query(
        `INSERT INTO orders (id, "orgId", "customerId", "totalMinor", currency, "createdAt", "updatedAt")
       VALUES ($1, $2, 'user-1', 1000, 'EUR', $3, now())`,
        [order, org, minutesAgo(placedMinutesAgo)],
      );
      await orders.query(
        `INSERT INTO order_lines (id, "orgId", "orderId", "productId", sku, name, "unitPriceMinor", quantity)
       VALUES (gen_random_uuid(), $1, $2, $3, 'sku', 'Chair', 500, 2)`,
        [org, order, product],
      );
      return { order, product };
    }

    const orderState = async ({ order, product }: { order: string; product: string }) => {
      const { rows } = await orders.query(
        `SELECT o.status, p.stock,
              (SELECT count(*)::int FROM outbox
                WHERE type = 'order.cancelled' AND payload->>'orderId' = o.id::text) AS events
         FROM orders o, products p WHERE o.id = $1 AND p.id = $2`,
        [order, product],
      );
      return rows[0];
    };

    test('when the expiry job runs, then orders cancels the unconfirmed order past its window, releases its stock and writes order.cancelled; a recent order stays', async () => {
      const overdue = await placeOrder(31);
      const recent = await placeOrder(5);
      await startWorker();

      await runNow('expire-unconfirmed-orders');
      await runNow('expire-unconfirmed-orders');

      expect(await orderState(overdue)).toEqual({ status: 'cancelled', stock: 10, events: 1 });
      expect(await orderState(recent)).toEqual({ status: 'pending', stock: 8, events: 0 });
    });

    test('when the rotation job runs and the active key is past its period, then identity rotates it once', async () => {
      await startWorker();
      // The first run on an empty database: identity makes its first active key and the next one.
      await runNow('rotate-signing-keys');
      const keys = async () =>
        (await identity.query('SELECT kid, state FROM signing_keys ORDER BY "createdAt", kid'))
          .rows;
      const first = await keys();
      expect(first.map((key) => key.state).sort()).toEqual(['active', 'next']);
      const active = first.find((key) => key.state === 'active')?.kid;
      const next = first.find((key) => key.state === 'next')?.kid;

      // 31 days on: the active key is due (30 days), the next one published long enough.
      await identity.query(
        `UPDATE signing_keys SET "createdAt" = "createdAt" - $1::interval,
              "activatedAt" = "activatedAt" - $1::interval`,
        [`${31 * DAY_MS} milliseconds`],
      );
      await runNow('rotate-signing-keys');
      await runNow('rotate-signing-keys');

      const after = await keys();
      expect(after.find((key) => key.kid === active)?.state).toBe('retired');
      expect(after.find((key) => key.kid === next)?.state).toBe('active');
      expect(after.filter((key) => key.state === 'next')).toHaveLength(1);
      const { rows } = await identity.query(
        `SELECT count(*)::int AS n FROM audit_events WHERE type = 'signing_key.rotated'`,
      );
      // The bootstrap activation, then the one rotation: the run after it found nothing due.
      expect(rows).toEqual([{ n: 2 }]);
    });

    test('when the purge job runs, then orders deletes the expired idempotency keys and keeps live ones', async () => {
      const org = randomUUID();
      const fingerprint = 'f'.repeat(64);
      await orders.query(
        `INSERT INTO idempotency_keys ("orgId", key, fingerprint, "expiresAt")
       VALUES ($1, 'expired-1', $2, now() - interval '1 hour'),
              ($1, 'expired-2', $2, now() - interval '1 minute'),
              ($1, 'live', $2, now() + interval '1 hour')`,
        [org, fingerprint],
      );
      await startWorker();

      await runNow('purge-idempotency-keys');

      const { rows } = await orders.query(
        'SELECT key FROM idempotency_keys WHERE "orgId" = $1 ORDER BY key',
        [org],
      );
      expect(rows).toEqual([{ key: 'live' }]);
    });

    test("when an export is requested, then the worker has orders complete it exactly once, with its organization's orders only", async () => {
      const mine = await placeOrder(10);
      await placeOrder(10); // another organization's
      const { rows: owner } = await orders.query('SELECT "orgId" FROM orders WHERE id = $1', [
        mine.order,
      ]);
      const org = owner[0]?.orgId as string;
      const exportId = randomUUID();
      const eventId = randomUUID();
      // What POST /v1/orders/exports commits: the pending export and its event, together.
      await orders.query(
        `WITH export AS (
           INSERT INTO order_exports (id, "orgId", "requestedBy", filters, "updatedAt")
           VALUES ($1, $2, 'viewer-1', '{}', now()))
         INSERT INTO outbox (id, aggregate, type, payload)
         VALUES ($3, 'order-export', 'order.export-requested',
                 jsonb_build_object('exportId', $1::text, 'orgId', $2::text))`,
        [exportId, org, eventId],
      );
      const exportRow = async () =>
        (
          await orders.query(
            `SELECT status, "rowCount", result, "startedAt", "completedAt"
               FROM order_exports WHERE id = $1`,
            [exportId],
          )
        ).rows[0];

      await startWorker();
      await until('the export has completed', async () => {
        const row = await exportRow();
        if (row?.status === 'failed') throw new Error(`export failed: ${JSON.stringify(row)}`);
        return row?.status === 'completed';
      });
      const completed = await exportRow();
      expect(completed).toMatchObject({ status: 'completed', rowCount: 1 });
      expect(completed?.result).toContain(mine.order);

      // Delivered again (a retry after a crash, a replayed dead letter): nothing runs again.
      const queue = new Queue('maintenance', { connection: redis.connection, prefix });
      try {
        const job = await queue.getJob(eventId);
        expect(await job?.getState()).toBe('completed');
        const data = job?.data;
        await job?.remove();
        const again = await queue.add('run-order-export', data, { jobId: eventId, attempts: 1 });
        await until('the redelivered job has run', async () => {
          const state = await again.getState();
          if (state === 'failed') throw new Error('the redelivered job failed');
          return state === 'completed';
        });
      } finally {
        await queue.close();
      }
      expect(await exportRow()).toEqual(completed);
      const { rows: inbox } = await worker.query(
        `SELECT count(*)::int AS n FROM inbox WHERE "eventId" = $1 AND consumer = 'run-order-export'`,
        [eventId],
      );
      expect(inbox).toEqual([{ n: 1 }]);
    });
  },
);
