import { randomUUID } from 'node:crypto';
import { useQueueRedis } from '@groundwork/queue/testing';
import type { Service } from '@groundwork/service-kit';
import { until } from '@groundwork/testing';
import { describeWithServices, usePostgres } from '@groundwork/testing/vitest';
import { Queue } from 'bullmq';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import {
  MAINTENANCE_TABLES,
  sqlIdempotencyKeys,
  sqlSigningKeys,
  sqlUnconfirmedOrders,
} from '../test/support/maintenance-tables.ts';
import { outboxTemplate } from '../test/support/outbox-database.ts';
import { testConfig } from '../test/support/test-config.ts';
import { testPool } from '../test/support/test-pool.ts';
import { workerTemplate } from '../test/worker-database.ts';
import { buildApp } from './app.ts';
import type { MaintenancePorts } from './consumers.ts';

const EVERY_SECOND = '* * * * * *';
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

describeWithServices('the scheduled jobs', ['postgres', 'redis'], () => {
  const workerDb = usePostgres({ template: workerTemplate });
  // Stands in for the services' databases: an outbox to relay, and the tables the ports change.
  const serviceDb = usePostgres({ template: outboxTemplate });
  const redis = useQueueRedis();
  let pool: pg.Pool;
  let prefix = '';
  const apps: Service[] = [];

  beforeAll(async () => {
    pool = testPool(serviceDb.url);
    await pool.query(MAINTENANCE_TABLES);
  });
  afterAll(async () => {
    await pool?.end();
  });
  beforeEach(async (context) => {
    prefix = `${redis.prefix}:${context.task.id}`;
    await pool.query('TRUNCATE test_orders, test_signing_keys, test_idempotency_keys');
  });
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function startWorker(ports: MaintenancePorts): Promise<Service> {
    const app = await buildApp({
      config: testConfig({
        DATABASE_URL: workerDb.url,
        REDIS_URL: redis.url,
        QUEUE_PREFIX: prefix,
        OUTBOX_SOURCES: `orders=${serviceDb.url}`,
        EXPIRE_UNCONFIRMED_ORDERS_SCHEDULE: EVERY_SECOND,
        ROTATE_SIGNING_KEYS_SCHEDULE: EVERY_SECOND,
        PURGE_IDEMPOTENCY_KEYS_SCHEDULE: EVERY_SECOND,
        ORDER_CONFIRMATION_TIMEOUT_MINUTES: '30',
        MAINTENANCE_BATCH_SIZE: '3',
      }),
      ports,
    });
    apps.push(app);
    return app;
  }

  async function schedulers(): Promise<string[]> {
    const queue = new Queue('maintenance', { connection: redis.connection, prefix });
    const found = await queue.getJobSchedulers();
    await queue.close();
    return found.map((scheduler) => scheduler.key).sort();
  }

  test('when the expiry schedule comes due, then unconfirmed orders past the timeout expire, a batch at a time, and the others stay', async () => {
    const due = Array.from({ length: 7 }, () => randomUUID());
    for (const id of due) {
      await pool.query(`INSERT INTO test_orders VALUES ($1, 'pending', $2)`, [id, minutesAgo(31)]);
    }
    const recent = randomUUID();
    const confirmed = randomUUID();
    await pool.query(`INSERT INTO test_orders VALUES ($1, 'pending', $2)`, [recent, minutesAgo(5)]);
    await pool.query(`INSERT INTO test_orders VALUES ($1, 'confirmed', $2)`, [
      confirmed,
      minutesAgo(120),
    ]);
    const orders = sqlUnconfirmedOrders(pool);

    await startWorker({ unconfirmedOrders: orders.port });
    await until('the due orders are expired', async () => {
      const { rows } = await pool.query(
        `SELECT count(*)::int AS n FROM test_orders WHERE status = 'expired'`,
      );
      return rows[0].n === 7;
    });

    const { rows } = await pool.query(
      'SELECT id, status FROM test_orders WHERE NOT (id = ANY($1))',
      [due],
    );
    expect(Object.fromEntries(rows.map((row) => [row.id, row.status]))).toEqual({
      [recent]: 'pending',
      [confirmed]: 'confirmed',
    });
    // 7 due orders in batches of 3: 3, 3, then 1, which ends the run.
    expect(orders.calls).toBeGreaterThanOrEqual(3);
  });

  test('when the rotation schedule comes due, then the signing key rotates once, and runs before the key is due change nothing', async () => {
    await pool.query(`INSERT INTO test_signing_keys VALUES ('old-key', 'active', $1)`, [
      minutesAgo(24 * 60),
    ]);
    const keys = sqlSigningKeys(pool);

    await startWorker({ signingKeys: keys.port });
    await until('the key is rotated', async () => {
      const { rows } = await pool.query(`SELECT kid FROM test_signing_keys WHERE state = 'active'`);
      return rows[0]?.kid !== 'old-key';
    });
    const callsAtRotation = keys.calls;
    await until('the schedule runs again', () => keys.calls > callsAtRotation, {
      timeoutMs: 3_000,
    });

    const { rows } = await pool.query(
      'SELECT kid, state FROM test_signing_keys ORDER BY created_at',
    );
    expect(rows).toEqual([
      { kid: 'old-key', state: 'retired' },
      { kid: expect.any(String), state: 'active' },
    ]);
  });

  test('when the purge schedule comes due, then expired idempotency keys are deleted and live ones kept', async () => {
    for (let n = 0; n < 5; n += 1) {
      await pool.query('INSERT INTO test_idempotency_keys VALUES ($1, $2)', [
        `expired-${n}`,
        minutesAgo(1),
      ]);
    }
    await pool.query('INSERT INTO test_idempotency_keys VALUES ($1, $2)', [
      'live',
      minutesAgo(-60),
    ]);

    await startWorker({ idempotencyKeys: sqlIdempotencyKeys(pool).port });
    await until('the expired keys are gone', async () => {
      const { rows } = await pool.query('SELECT count(*)::int AS n FROM test_idempotency_keys');
      return rows[0].n === 1;
    });

    const { rows } = await pool.query('SELECT key FROM test_idempotency_keys');
    expect(rows).toEqual([{ key: 'live' }]);
  });

  test('when two workers start, then each job has one scheduler; when a worker starts without an adapter for a job, then that job is no longer scheduled', async () => {
    const ports = {
      unconfirmedOrders: sqlUnconfirmedOrders(pool).port,
      signingKeys: sqlSigningKeys(pool).port,
      idempotencyKeys: sqlIdempotencyKeys(pool).port,
    };
    await startWorker(ports);
    await startWorker(ports);
    const withAdapters = await schedulers();
    await Promise.all(apps.splice(0).map((app) => app.close()));

    await startWorker({ signingKeys: ports.signingKeys });
    const withOne = await schedulers();

    expect(withAdapters).toEqual([
      'expire-unconfirmed-orders',
      'purge-idempotency-keys',
      'rotate-signing-keys',
    ]);
    expect(withOne).toEqual(['rotate-signing-keys']);
  });
});
