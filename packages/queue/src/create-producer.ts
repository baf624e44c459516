import { Queue } from 'bullmq';
import { DEFAULT_PREFIX, type QueueConnection } from './connection.ts';
import { describeFieldErrors, type JobDefinition, type PayloadOf } from './define-job.ts';
import { isTraceparent, toEnvelope } from './job-data.ts';
import { assertJobId, jobOptions } from './job-options.ts';
import { queueErrors } from './queue-errors.ts';
import { defaultQueueLogger, type QueueLogger } from './queue-logger.ts';

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

export interface ProducerOptions extends QueueConnection {
  readonly logger?: QueueLogger;
}

export interface Producer {
  /**
   * Validates `payload` against the job's schema and adds the job, unless one with the same id
   * exists. Resolves once Redis has it.
   *
   * @throws {AppError} `QUEUE_INVALID_PAYLOAD` with one field error per violation; nothing is added.
   * @throws {AppError} `QUEUE_UNAVAILABLE` when Redis refused the job (on a fail-fast connection,
   *   as soon as Redis is unreachable); the job may or may not have been added, so retry with
   *   the same `jobId`.
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
export function createProducer(options: ProducerOptions): Producer {
  const { connection, prefix = DEFAULT_PREFIX } = options;
  const logger = options.logger ?? defaultQueueLogger('queue-producer');
  const queues = new Map<string, Queue>();
  const queueFor = (name: string): Queue => {
    let queue = queues.get(name);
    if (queue === undefined) {
      queue = new Queue(name, {
        connection,
        prefix,
        // Commands go straight to the connection, which decides: a fail-fast one refuses them
        // during an outage, a default one holds them until Redis is back.
        skipWaitingForReady: true,
      });
      queue.on('error', (error) => logger.error({ err: error, queue: name }, 'queue error'));
      queues.set(name, queue);
    }
    return queue;
  };

  return {
    async enqueue(job, payload, { jobId, traceparent, delayMs }) {
      const where = `enqueue(${job.name})`;
      assertJobId(jobId, where);
      if (traceparent !== undefined && !isTraceparent(traceparent)) {
        throw new TypeError(`${where}: traceparent is not a W3C traceparent value`);
      }
      const fields = job.validate(payload);
      if (fields.length > 0) {
        throw queueErrors.QUEUE_INVALID_PAYLOAD.create(
          `Job ${job.name} refused: ${describeFieldErrors(fields)}`,
          { fields },
        );
      }
      try {
        await queueFor(job.queue).add(
          job.name,
          toEnvelope(payload, traceparent),
          jobOptions(jobId, job.attempts, delayMs),
        );
      } catch (error) {
        throw queueErrors.QUEUE_UNAVAILABLE.create(
          `Job ${job.name} (${jobId}) was not confirmed by Redis: ${(error as Error).message}`,
          { cause: error },
        );
      }
      return { id: jobId };
    },
    async close() {
      await Promise.all([...queues.values()].map((queue) => queue.close()));
      queues.clear();
    },
  };
}
