import {
  BACKOFF_STRATEGY,
  DEFAULT_PREFIX,
  type JobDefinition,
  type PayloadOf,
  type QueueConnection,
} from '@groundwork/queue';
import { Queue } from 'bullmq';

/** When a scheduled job runs: a cron pattern (in `tz`, default UTC) or a fixed interval. */
export type Repeat =
  | { readonly pattern: string; readonly tz?: string }
  | { readonly every: number };

export interface Schedule<D extends JobDefinition = JobDefinition> {
  readonly job: D;
  readonly repeat: Repeat;
  readonly payload: PayloadOf<D>;
}

/**
 * Makes Redis hold exactly these job schedulers for `jobs`: each schedule is created or updated
 * (BullMQ job schedulers, keyed by job name, so every replica that starts upserts the same one
 * and each run is enqueued once however many replicas run), and the scheduler of every other job
 * in `jobs` is removed, so a job switched off in config stops running.
 */
export async function applySchedules(
  where: QueueConnection,
  jobs: readonly JobDefinition[],
  schedules: readonly Schedule[],
): Promise<void> {
  const queues = new Map<string, Queue>();
  const queueOf = (name: string) => {
    let queue = queues.get(name);
    if (queue === undefined) {
      queue = new Queue(name, {
        connection: where.connection,
        prefix: where.prefix ?? DEFAULT_PREFIX,
      });
      queues.set(name, queue);
    }
    return queue;
  };
  try {
    for (const { job, repeat, payload } of schedules) {
      const fields = job.validate(payload);
      if (fields.length > 0) {
        const reasons = fields.map(({ field, message }) => `${field} ${message}`).join('; ');
        throw new TypeError(`schedule of ${job.name}: invalid payload: ${reasons}`);
      }
      await queueOf(job.queue).upsertJobScheduler(
        job.name,
        'pattern' in repeat ? { pattern: repeat.pattern, tz: repeat.tz ?? 'UTC' } : repeat,
        {
          name: job.name,
          // The envelope createWorker reads; jobs from a scheduler carry no trace context.
          data: { payload },
          // What the producer gives every job: its attempts, and the worker's backoff strategy.
          opts: { attempts: job.attempts, backoff: { type: BACKOFF_STRATEGY } },
        },
      );
    }
    const scheduled = new Set(schedules.map(({ job }) => job.name));
    for (const job of jobs) {
      if (!scheduled.has(job.name)) await queueOf(job.queue).removeJobScheduler(job.name);
    }
  } finally {
    await Promise.all([...queues.values()].map((queue) => queue.close()));
  }
}
