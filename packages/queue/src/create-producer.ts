import { Queue } from 'bullmq';
import { DEFAULT_PREFIX, type QueueConnection } from './connection.ts';
import { describeFieldErrors, type JobDefinition, type PayloadOf } from './define-job.ts';
import { isTraceparent, toEnvelope } from './job-data.ts';
import { assertJobId, jobOptions } from './job-options.ts';
import { queueErrors } from './queue-errors.ts';

export interface EnqueueOptions {
  /**
   * The job's identity and deduplication key: while a job with this id exists in the queue
   * (waiting, running, or kept after it finished), enqueueing it again is a no-op. For events use
   * the event id. Required: a job without a stable id runs twice when an enqueue is retried.
   */
  readonly jobId: string;
  /** W3C trace context of the caller, so the job's spans join the caller's trace. */
  readonly traceparent?: string;
  /** Run no earlier than this many milliseconds from now. */
  readonly delayMs?: number;
}

export interface Producer {
  /**
   * Validates `payload` against the job's schema and adds the job, unless one with the same id
   * exists. Resolves once Redis has it.
   *
   * @throws {AppError} `QUEUE_INVALID_PAYLOAD` with one field error per violation; nothing is added.
   */
  enqueue<D extends JobDefinition>(
    job: D,
    payload: PayloadOf<D>,
    options: EnqueueOptions,
  ): Promise<{ readonly id: string }>;
  /** Closes the producer's queues; the connection stays open (its owner closes it). */
  close(): Promise<void>;
}

/**
 * Creates a producer: the only way jobs enter queues, so every job is validated and carries a
 * deduplication id and the trace context.
 *
 * @example
 * const producer = createProducer({ connection });
 * await producer.enqueue(sendOrderConfirmation, { orderId }, { jobId: event.id, traceparent });
 */
export function createProducer(where: QueueConnection): Producer {
  const queues = new Map<string, Queue>();
  const queueFor = (name: string): Queue => {
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

  return {
    async enqueue(job, payload, options) {
      const where = `enqueue(${job.name})`;
      assertJobId(options.jobId, where);
      if (options.traceparent !== undefined && !isTraceparent(options.traceparent)) {
        throw new TypeError(`${where}: traceparent is not a W3C traceparent value`);
      }
      const fields = job.validate(payload);
      if (fields.length > 0) {
        throw queueErrors.QUEUE_INVALID_PAYLOAD.create(
          `Job ${job.name} refused: ${describeFieldErrors(fields)}`,
          { fields },
        );
      }
      const added = await queueFor(job.queue).add(
        job.name,
        toEnvelope(payload, options.traceparent),
        jobOptions(options.jobId, job.attempts, options.delayMs),
      );
      return { id: added.id ?? options.jobId };
    },
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      queues.clear();
    },
  };
}
