import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeOutboxEvent } from '@groundwork/db';
import { createProducer, createQueueConnection, type Producer } from '@groundwork/queue';
import { useQueueRedis } from '@groundwork/queue/testing';
import { until } from '@groundwork/testing';
import { describeWithServices, usePostgres } from '@groundwork/testing/vitest';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { insertEvents, outboxTemplate, servicePrisma } from '../test/support/outbox-database.ts';
import { recordingLogger } from '../test/support/recording-logger.ts';
import { queueEvents, recordEvent, testRoutes } from '../test/support/relay-test-job.ts';
import { testPool } from '../test/support/test-pool.ts';
import { createOutboxSource } from './data/outbox-source.ts';
import { type OutboxRelay, startOutboxRelay } from './outbox-relay.ts';

const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describeWithServices('the outbox relay', ['postgres', 'redis'], () => {
  const db = usePostgres({ template: outboxTemplate });
  const redis = useQueueRedis();
  let pool: pg.Pool;
  let relayConnection: Redis;
  let producer: Producer;
  let queue: Queue;
  let prefix = '';
  const relays: OutboxRelay[] = [];
  const sources: { close(): Promise<void> }[] = [];

  beforeAll(() => {
    pool = testPool(db.url);
    relayConnection = createQueueConnection(redis.url, { failFast: true });
  });
  afterAll(async () => {
    await pool?.end();
    await relayConnection?.quit();
  });
  beforeEach(async (context) => {
    await pool.query('DELETE FROM outbox');
    // Each test its own queues: job ids would otherwise meet the previous test's kept jobs.
    prefix = `${redis.prefix}:${context.task.id}`;
    producer = createProducer({ connection: relayConnection, prefix });
    queue = new Queue(recordEvent.queue, { connection: redis.connection, prefix });
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((relay) => relay.stop()));
    await Promise.all(sources.splice(0).map((source) => source.close()));
    await producer.close();
    await queue.close();
  });

  async function startRelay(options: { pollIntervalMs?: number; batchSize?: number } = {}) {
    const log = recordingLogger('debug');
    const source = createOutboxSource({ name: 'orders', url: db.url });
    sources.push(source);
    const relay = await startOutboxRelay({
      source,
      producer,
      routes: testRoutes,
      batchSize: options.batchSize ?? 50,
      pollIntervalMs: options.pollIntervalMs ?? 60_000,
      logger: log.logger,
    });
    relays.push(relay);
    return log;
  }

  async function unpublished(): Promise<number> {
    const { rows } = await pool.query(
      'SELECT count(*)::int AS n FROM outbox WHERE "publishedAt" IS NULL',
    );
    return rows[0].n;
  }

  /** Job ids by how many times BullMQ recorded them as added to the queue. */
  async function addedCounts(): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const event of await queueEvents(redis.connection, prefix, recordEvent.queue)) {
      if (event.event === 'added' && event.jobId) {
        counts.set(event.jobId, (counts.get(event.jobId) ?? 0) + 1);
      }
    }
    return counts;
  }

  test('when an outbox row is committed, then the worker publishes it and marks it sent', async () => {
    const service = servicePrisma(db.url);
    await startRelay();
    const eventId = await service.prisma.$transaction((tx) =>
      writeOutboxEvent(tx, {
        aggregate: 'order-1',
        type: 'test.happened',
        payload: { aggregate: 'order-1', seq: 0 },
        traceparent,
      }),
    );
    await service.disconnect();

    await until('the event is published', async () => (await unpublished()) === 0);
    const job = await queue.getJob(eventId);
    const { rows } = await pool.query('SELECT "createdAt", "publishedAt" FROM outbox');

    // The event as written, when it was written, and the trace it continues.
    expect(job?.name).toBe('record-event');
    expect(job?.data).toEqual({
      payload: {
        occurredAt: rows[0].createdAt.toISOString(),
        data: { aggregate: 'order-1', seq: 0 },
      },
      traceparent,
    });
    expect(rows[0].publishedAt.getTime()).toBeGreaterThanOrEqual(rows[0].createdAt.getTime());
  });

  test('when the transaction rolls back, then no event is published', async () => {
    const service = servicePrisma(db.url);
    await startRelay();
    const refused = new Error('the order was refused');
    const write = (tx: Parameters<typeof writeOutboxEvent>[0], seq: number) =>
      writeOutboxEvent(tx, {
        aggregate: 'order-1',
        type: 'test.happened',
        payload: { aggregate: 'order-1', seq },
      });

    const outcome = await service.prisma
      .$transaction(async (tx) => {
        await write(tx, 0);
        throw refused;
      })
      .catch((error: unknown) => error);
    // A committed event after it: once the relay has published this one, it has seen the table.
    const later = await service.prisma.$transaction((tx) => write(tx, 1));
    await service.disconnect();
    await until('the later event is published', async () => (await unpublished()) === 0);

    expect(outcome).toBe(refused);
    expect((await queue.getJobs()).map((job) => job.id)).toEqual([later]);
  });

  test('when 120 transactions commit or roll back side by side, then each committed event is delivered exactly once and no rolled-back one ever is', async () => {
    const service = servicePrisma(db.url);
    await startRelay({ batchSize: 20 });
    const committed: string[] = [];
    const refused = new Error('the order was refused');

    // 12 at a time, every third one rolling back after writing its event.
    for (let round = 0; round < 10; round += 1) {
      await Promise.all(
        Array.from({ length: 12 }, async (_, i) => {
          const n = round * 12 + i;
          const rollsBack = n % 3 === 0;
          const outcome = await service.prisma
            .$transaction(async (tx) => {
              const id = await writeOutboxEvent(tx, {
                aggregate: `order-${n % 7}`,
                type: 'test.happened',
                payload: { aggregate: `order-${n % 7}`, seq: n },
              });
              if (rollsBack) throw refused;
              return id;
            })
            .catch((error: unknown) => error);
          if (rollsBack) expect(outcome).toBe(refused);
          else committed.push(outcome as string);
        }),
      );
    }
    await service.disconnect();
    await until('every committed event is published', async () => (await unpublished()) === 0);
    // Rolled-back events never reach the table; give a wrongly published one time to show up.
    await sleep(200);

    const added = await addedCounts();
    expect(committed).toHaveLength(80);
    expect(new Set(added.keys())).toEqual(new Set(committed));
    expect([...added.values()].every((count) => count === 1)).toBe(true);
    expect(await queue.count()).toBe(80);
  });

  test('when a transaction commits, then an idle relay publishes its event on the notification, long before it would poll', async () => {
    await startRelay({ pollIntervalMs: 60_000 });
    // Let the first look (at start) find nothing, so the relay is idle.
    await sleep(100);
    const committedAt = Date.now();
    await insertEvents(pool, [
      {
        id: randomUUID(),
        aggregate: 'order-1',
        type: 'test.happened',
        payload: { aggregate: 'order-1', seq: 0 },
      },
    ]);

    await until('the event is published', async () => (await unpublished()) === 0, {
      timeoutMs: 5_000,
    });

    expect(Date.now() - committedAt).toBeLessThan(1_000);
  });

  test('when no notification arrives, then the relay still finds the event by polling', async () => {
    await pool.query('ALTER TABLE outbox DISABLE TRIGGER outbox_notify');
    try {
      await startRelay({ pollIntervalMs: 200 });
      await sleep(50);
      await insertEvents(pool, [
        {
          id: randomUUID(),
          aggregate: 'order-1',
          type: 'test.happened',
          payload: { aggregate: 'order-1', seq: 0 },
        },
      ]);

      await until('the event is published', async () => (await unpublished()) === 0, {
        timeoutMs: 2_000,
      });
    } finally {
      await pool.query('ALTER TABLE outbox ENABLE TRIGGER outbox_notify');
    }
  });

  test("when an event's payload breaks its job's schema, then it and the later events of its aggregate wait, logged with the reason, while other aggregates are relayed", async () => {
    const log = await startRelay({ pollIntervalMs: 100 });
    const poison = randomUUID();
    const behind = randomUUID();
    const healthy = randomUUID();
    await insertEvents(pool, [
      {
        id: poison,
        aggregate: 'order-1',
        type: 'test.happened',
        payload: { aggregate: 'order-1' },
      },
      {
        id: behind,
        aggregate: 'order-1',
        type: 'test.happened',
        payload: { aggregate: 'order-1', seq: 1 },
      },
      {
        id: healthy,
        aggregate: 'order-2',
        type: 'test.happened',
        payload: { aggregate: 'order-2', seq: 0 },
      },
    ]);

    await until('the healthy event is published', async () => (await unpublished()) === 2);
    // Several more polls: the held events must stay held.
    await sleep(400);
    const { rows } = await pool.query(
      'SELECT id FROM outbox WHERE "publishedAt" IS NULL ORDER BY id',
    );
    const failure = log.lines.find((line) => line.eventId === poison);

    expect(rows.map((row) => row.id).sort()).toEqual([poison, behind].sort());
    expect(await queue.getJob(healthy)).toBeDefined();
    expect(await queue.getJob(behind)).toBeUndefined();
    expect(failure).toMatchObject({
      level: 'error',
      msg: 'outbox event not relayed; later events of its aggregate wait for it',
      aggregate: 'order-1',
    });
    expect(JSON.stringify(failure?.err)).toContain('/data/seq is required');
  });

  test('when an event type has no consumer, then it is marked published without any job', async () => {
    await startRelay();
    const id = randomUUID();
    await insertEvents(pool, [{ id, aggregate: 'user-1', type: 'user.registered', payload: {} }]);

    await until('the event is marked', async () => (await unpublished()) === 0);

    expect(await queue.count()).toBe(0);
  });

  test('when an event carries no valid traceparent, then its job is enqueued without one', async () => {
    await startRelay();
    const id = randomUUID();
    await pool.query(
      `INSERT INTO outbox (id, aggregate, type, payload, traceparent) VALUES ($1, 'order-1', 'test.happened', $2, $3)`,
      [
        id,
        { aggregate: 'order-1', seq: 0 },
        '00-00000000000000000000000000000000-0000000000000000-01',
      ],
    );

    await until('the event is published', async () => (await unpublished()) === 0);

    expect((await queue.getJob(id))?.data).not.toHaveProperty('traceparent');
  });
});
