import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createProducer, listDeadLetters } from '@groundwork/queue';
import { useQueueRedis } from '@groundwork/queue/testing';
import { freePort, until } from '@groundwork/testing';
import { describeWithServices, usePostgres } from '@groundwork/testing/vitest';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import {
  killProcessesAfterEach,
  type NodeProcess,
  startNodeProcess,
} from '../test/support/child-process.ts';
import { outboxTemplate } from '../test/support/outbox-database.ts';
import { queueEvents } from '../test/support/relay-test-job.ts';
import { startWebhookReceiver, type WebhookReceiver } from '../test/support/webhook-receiver.ts';
import { workerTemplate } from '../test/worker-database.ts';
import { createWorkerDatabase, type WorkerDatabase } from './data/worker-database.ts';
import { defineWorkerJobs } from './jobs.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const JOBS = 1_000;
const CONCURRENCY = 10;
const LOCK_DURATION_MS = 1_000;
const STALLED_INTERVAL_MS = 500;
const jobs = defineWorkerJobs({ attempts: 3, backoff: { initialDelayMs: 20 } });
const orgId = '00000000-0000-4000-8000-000000000001';

killProcessesAfterEach();

describeWithServices(
  'the worker process, killed halfway through 1,000 jobs',
  ['postgres', 'redis'],
  () => {
    const workerDb = usePostgres({ template: workerTemplate });
    const ordersDb = usePostgres({ template: outboxTemplate });
    const redis = useQueueRedis();
    let database: WorkerDatabase;
    let receiver: WebhookReceiver;
    let prefix = '';

    beforeAll(() => {
      database = createWorkerDatabase({ url: workerDb.url, poolSize: 2 });
    });
    afterAll(async () => {
      await database?.disconnect();
    });
    beforeEach(async (context) => {
      prefix = `${redis.prefix}:${context.task.id}`;
      receiver = await startWebhookReceiver();
      await database.primary.notification.deleteMany();
      await database.primary.inboxEntry.deleteMany();
    });
    afterEach(async () => {
      await receiver.close();
    });

    /**
     * `npm start` as production runs it, with short locks so that stalls show within the test.
     * `lockDurationMs` longer than a loaded runner's stalls keeps a lock from lapsing while its job
     * is still running (renewal is every half lock): a stall then means the job was abandoned.
     */
    async function startWorkerProcess(
      lockDurationMs = LOCK_DURATION_MS,
    ): Promise<NodeProcess & { readyAt: number }> {
      const worker = startNodeProcess(MAIN, {
        HOST: '127.0.0.1',
        PORT: String(await freePort()),
        LOG_LEVEL: 'info',
        DATABASE_URL: workerDb.url,
        REDIS_URL: redis.url,
        QUEUE_PREFIX: prefix,
        OUTBOX_SOURCES: `orders=${ordersDb.url}`,
        MAINTENANCE_JOBS: 'none',
        NOTIFICATION_CHANNEL: 'webhook',
        NOTIFICATION_WEBHOOK_URL: receiver.url,
        JOB_CONCURRENCY: String(CONCURRENCY),
        JOB_ATTEMPTS: '3',
        JOB_BACKOFF_INITIAL_MS: '20',
        JOB_LOCK_DURATION_MS: String(lockDurationMs),
        JOB_STALLED_INTERVAL_MS: String(STALLED_INTERVAL_MS),
        JOB_SHUTDOWN_TIMEOUT_MS: '5000',
      });
      await worker.waitFor('the worker listens', (line) =>
        String(line.msg).startsWith('Server listening'),
      );
      return Object.assign(worker, { readyAt: Date.now() });
    }

    async function enqueueConfirmations(): Promise<string[]> {
      const producer = createProducer({ connection: redis.connection, prefix });
      const ids = Array.from({ length: JOBS }, () => randomUUID());
      await Promise.all(
        ids.map((jobId, n) =>
          producer.enqueue(
            jobs.sendOrderConfirmation,
            {
              occurredAt: new Date().toISOString(),
              data: {
                orderId: randomUUID(),
                orgId,
                customerId: `customer-${n}`,
                totalMinor: 100 + n,
                currency: 'EUR',
              },
            },
            { jobId },
          ),
        ),
      );
      await producer.close();
      return ids;
    }

    /** Resolves once the receiver has been sent `count` different notifications. */
    function afterNotifications(count: number, then: 'hang' | 'answer'): Promise<void> {
      const seen = new Set<unknown>();
      let reached = false;
      return new Promise((resolve) => {
        receiver.answer = (request) => {
          if (reached && then === 'hang') return 'hang';
          seen.add(request.body.id);
          if (seen.size >= count && !reached) {
            reached = true;
            resolve();
            if (then === 'hang') return 'hang';
          }
          return 204;
        };
      });
    }

    async function drained(): Promise<boolean> {
      const queue = new Queue(jobs.sendOrderConfirmation.queue, {
        connection: redis.connection,
        prefix,
      });
      const counts = await queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'completed',
        'failed',
      );
      await queue.close();
      return (
        counts.completed === JOBS &&
        (counts.waiting ?? 0) +
          (counts.active ?? 0) +
          (counts.delayed ?? 0) +
          (counts.failed ?? 0) ===
          0
      );
    }

    async function effects() {
      const rows = await database.primary.notification.findMany({
        select: { id: true, eventId: true, sentAt: true },
      });
      const inbox = await database.primary.inboxEntry.count({
        where: { consumer: 'send-order-confirmation' },
      });
      const deliveries = new Map<string, number[]>();
      for (const { body, at } of receiver.received) {
        deliveries.set(String(body.id), [...(deliveries.get(String(body.id)) ?? []), at]);
      }
      const stalled = (
        await queueEvents(redis.connection, prefix, jobs.sendOrderConfirmation.queue)
      )
        .filter((event) => event.event === 'stalled')
        .map((event) => event.jobId);
      const deadLetters = await listDeadLetters({ connection: redis.connection, prefix });
      return { rows, inbox, deliveries, stalled, deadLetters };
    }

    test('when the worker is SIGKILLed halfway, then a new worker re-runs the stalled jobs within the stall bound and there are exactly 1,000 notifications: 0 lost, 0 duplicated', async () => {
      const first = await startWorkerProcess();
      const halfway = afterNotifications(JOBS / 2, 'hang');
      const ids = await enqueueConfirmations();
      // From here on every job that reaches the webhook hangs there, its notification row
      // committed and its job not finished: the worst moment to die.
      await halfway;
      await until(
        'the running jobs reach the hung webhook',
        () => receiver.received.length >= JOBS / 2 + 1,
      );

      const killedAt = Date.now();
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      receiver.answer = () => 204;
      const second = await startWorkerProcess();
      await until('every job completed', drained, { timeoutMs: 20_000 });

      const { rows, inbox, deliveries, stalled, deadLetters } = await effects();
      // Exactly one effect per job: the inbox row and its notification committed together.
      expect(rows).toHaveLength(JOBS);
      expect(new Set(rows.map((row) => row.eventId))).toEqual(new Set(ids));
      expect(inbox).toBe(JOBS);
      // Every notification reached the channel, and those whose job was cut off were sent again,
      // with the same id for the receiver to drop.
      expect(rows.every((row) => row.sentAt !== null)).toBe(true);
      expect(deliveries.size).toBe(JOBS);
      const notificationOf = new Map(rows.map((row) => [row.eventId, row.id]));
      const resent = [...deliveries].filter(([, times]) => times.length > 1).map(([id]) => id);
      expect(resent.length).toBeGreaterThanOrEqual(1);
      // The jobs running when the process died stalled (some had not reached the webhook yet),
      // and BullMQ ran them again; no other job was sent twice.
      expect(stalled.length).toBeGreaterThanOrEqual(resent.length);
      expect(stalled.length).toBeLessThanOrEqual(CONCURRENCY);
      const stalledNotifications = stalled.map((jobId) => notificationOf.get(jobId ?? ''));
      expect(stalledNotifications).toEqual(expect.arrayContaining(resent));
      // Within the bound the settings promise: the lock lapses LOCK_DURATION_MS after the kill;
      // one stalled-job check marks the job, the next moves it back to the queue.
      const bound =
        Math.max(killedAt + LOCK_DURATION_MS, second.readyAt) + 2 * STALLED_INTERVAL_MS + 500;
      // The job's last start (a job that had sent its notification before the kill re-runs
      // without sending anything, so the receiver cannot time it).
      const queue = new Queue(jobs.sendOrderConfirmation.queue, {
        connection: redis.connection,
        prefix,
      });
      for (const jobId of stalled) {
        const rerunAt = (await queue.getJob(jobId ?? ''))?.processedOn ?? 0;
        expect(rerunAt).toBeGreaterThan(killedAt);
        expect(rerunAt).toBeLessThanOrEqual(bound);
      }
      await queue.close();
      expect(deadLetters).toEqual([]);
    }, 40_000);

    test('when the worker gets SIGTERM halfway, then it finishes its running jobs, exits 0, and no job stalls or is sent twice', async () => {
      // A 1 s lock lapsed during a second-long stall of a loaded runner and counted as a stall
      // (seen once in a generated project's tests); this case is about shutdown, not lock expiry.
      const first = await startWorkerProcess(5_000);
      receiver.delayMs = 5;
      const halfway = afterNotifications(JOBS / 2, 'answer');
      const ids = await enqueueConfirmations();
      await halfway;

      first.child.kill('SIGTERM');
      expect(await first.exited).toEqual({ code: 0, signal: null });
      const queue = new Queue(jobs.sendOrderConfirmation.queue, {
        connection: redis.connection,
        prefix,
      });
      const activeAfterExit = await queue.getActiveCount();
      await queue.close();
      const doneByFirst = await database.primary.notification.count();
      await startWorkerProcess();
      await until('every job completed', drained, { timeoutMs: 20_000 });

      const { rows, inbox, deliveries, stalled, deadLetters } = await effects();
      expect(activeAfterExit).toBe(0);
      expect(doneByFirst).toBeGreaterThanOrEqual(JOBS / 2);
      expect(doneByFirst).toBeLessThan(JOBS);
      expect(rows).toHaveLength(JOBS);
      expect(new Set(rows.map((row) => row.eventId))).toEqual(new Set(ids));
      expect(inbox).toBe(JOBS);
      expect(deliveries.size).toBe(JOBS);
      expect([...deliveries.values()].every((times) => times.length === 1)).toBe(true);
      expect(stalled).toEqual([]);
      expect(deadLetters).toEqual([]);
      expect(first.lines).toContainEqual(
        expect.objectContaining({ msg: 'shutdown: complete', forced: false }),
      );
    }, 40_000);
  },
);
