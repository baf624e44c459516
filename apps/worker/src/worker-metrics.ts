import { DEFAULT_PREFIX, deadLetterQueueName, type QueueConnection } from '@groundwork/queue';
import type { MetricsRegistry } from '@groundwork/telemetry';
import { Queue } from 'bullmq';
import type { OutboxSource } from './data/outbox-source.ts';

/** The job states `queue_jobs` reports, for every queue and its dead-letter queue. */
export const REPORTED_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

export interface WorkerMetrics {
  /** Stops reporting and closes the queues it reads. */
  stop(): Promise<void>;
}

/**
 * Scrape-time gauges of the worker, read on each `/metrics` request rather than kept up to date:
 * - `queue_jobs{queue,state}`: jobs of each queue and of its `<queue>.dlq` by state, from
 *   BullMQ's counts (dead letters wait in `waiting`: no worker takes them). The alert
 *   DeadLetterQueueGrowing (infra/observability/alerts.yml) reads it.
 * - `outbox_oldest_unpublished_age_seconds{source}`: how long the oldest event of each service's
 *   outbox has waited for the relay; 0 when all are published.
 */
export function observeWorkerMetrics(options: {
  readonly registry: MetricsRegistry;
  readonly where: QueueConnection;
  readonly queues: readonly string[];
  readonly sources: readonly OutboxSource[];
}): WorkerMetrics {
  const { registry, where } = options;
  const names = options.queues.flatMap((queue) => [queue, deadLetterQueueName(queue)]);
  const queues = names.map(
    (name) =>
      new Queue(name, { connection: where.connection, prefix: where.prefix ?? DEFAULT_PREFIX }),
  );
  const stopQueues = registry.observe(
    {
      name: 'queue_jobs',
      help: 'Jobs in each queue and dead-letter queue (<queue>.dlq), by state.',
      labelNames: ['queue', 'state'],
    },
    async (report) => {
      await Promise.all(
        queues.map(async (queue) => {
          const counts = await queue.getJobCounts(...REPORTED_STATES);
          for (const state of REPORTED_STATES) {
            report(counts[state] ?? 0, { queue: queue.name, state });
          }
        }),
      );
    },
  );
  const stopOutbox = registry.observe(
    {
      name: 'outbox_oldest_unpublished_age_seconds',
      help: "Age of the oldest event of each service's outbox not yet relayed; 0 when none waits.",
      labelNames: ['source'],
    },
    async (report) => {
      await Promise.all(
        options.sources.map(async (source) =>
          report(await source.oldestUnpublishedAgeSeconds(), { source: source.name }),
        ),
      );
    },
  );
  return {
    async stop() {
      stopQueues();
      stopOutbox();
      await Promise.all(queues.map((queue) => queue.close()));
    },
  };
}
