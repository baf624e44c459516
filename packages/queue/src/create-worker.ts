import { isAppError } from '@groundwork/errors';
import { type Job, type MinimalJob, Queue, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { backoffDelay, DEFAULT_BACKOFF } from './backoff.ts';
import { DEFAULT_PREFIX, type QueueConnection } from './connection.ts';
import { type DeadLetter, deadLetterQueueName, writeDeadLetter } from './dead-letters.ts';
import { describeFieldErrors, type JobDefinition, type PayloadOf } from './define-job.ts';
import { assertNoEviction } from './eviction-policy.ts';
import { fromEnvelope } from './job-data.ts';
import { defaultQueueLogger, type QueueLogger } from './queue-logger.ts';

/** A job as a handler receives it: its payload already validated against its definition. */
export type ReceivedJob<D extends JobDefinition> =
  D extends JobDefinition<infer Name>
    ? {
        readonly name: Name;
        readonly payload: PayloadOf<D>;
        /**
         * The job id, the same on every attempt, stall re-run and replay (the event id for events).
         * BullMQ delivers at least once: make the effect idempotent by recording this id in an
         * inbox table in the same transaction as the effect, and skipping ids already recorded.
         */
        readonly id: string;
        /** 1 on the first run; a re-run after a stall keeps its number. */
        readonly attempt: number;
        /** The producer's W3C trace context; start the job's span as its child. */
        readonly traceparent: string | undefined;
        /**
         * Aborted when the worker gives up waiting for the job at shutdown. Stop, and throw: the
         * job goes back to the queue without using up an attempt.
         */
        readonly signal: AbortSignal;
      }
    : never;

/** Narrow on `job.name` to get each definition's payload type. */
export type JobHandler<D extends JobDefinition> = (job: ReceivedJob<D>) => Promise<void>;

/** How long finished jobs stay in Redis. Count and age both bound memory, since noeviction won't. */
export interface Retention {
  readonly ageSeconds: number;
  readonly count: number;
}

export interface WorkerOptions extends QueueConnection {
  /** Jobs run at once by this process. Default 1. */
  readonly concurrency?: number;
  /**
   * How long a running job's lock lasts (ms); the worker renews it every half of that. A job
   * whose lock expires counts as stalled and runs again, so it must exceed the longest time the
   * event loop can stay blocked. BullMQ's default: 30 000.
   */
  readonly lockDurationMs?: number;
  /**
   * How often (ms) workers look for stalled jobs: those whose worker died or froze past its
   * lock. A stalled job runs again at most about `lockDurationMs + 2 × stalledIntervalMs` after
   * its worker stopped (the first check marks it, a later one moves it back). Default: 30 000.
   */
  readonly stalledIntervalMs?: number;
  /**
   * Stalls a job may survive; one more and it fails for good, to the dead letters. A job that
   * kills its worker every time (a memory blow-up) is thus stopped. BullMQ's default: 1.
   */
  readonly maxStalledCount?: number;
  /**
   * Completed jobs kept for deduplication: while one is kept, enqueueing its id again is a
   * no-op. Past that, the handler's inbox is what keeps a late duplicate from acting twice.
   * Default: 24 hours, at most 10 000 jobs.
   */
  readonly keepCompleted?: Retention;
  /** Failed jobs kept beside their dead letters, for BullMQ dashboards. Default: 7 days, 10 000. */
  readonly keepFailed?: Retention;
  /**
   * Refuse to start unless Redis has `maxmemory-policy noeviction` (see {@link assertNoEviction}).
   * Default true; turn off only where another check guards the same server.
   */
  readonly checkEviction?: boolean;
  readonly logger?: QueueLogger;
}

export interface QueueWorker {
  readonly queue: string;
  /**
   * Stops taking jobs and waits for the running ones to finish. With `timeoutMs`, jobs still
   * running after it have their `signal` aborted; a handler that then throws puts its job back
   * in the queue (no attempt used). Handlers that ignore the signal keep `close` waiting; if the
   * process is killed meanwhile, their jobs stall and run again elsewhere.
   */
  close(options?: { readonly timeoutMs?: number }): Promise<void>;
}

const DEFAULTS = {
  concurrency: 1,
  lockDurationMs: 30_000,
  stalledIntervalMs: 30_000,
  maxStalledCount: 1,
  keepCompleted: { ageSeconds: 24 * 3600, count: 10_000 },
  keepFailed: { ageSeconds: 7 * 24 * 3600, count: 10_000 },
} as const;

/**
 * Starts a worker for one queue's jobs: it validates each payload against its definition (an
 * invalid one is dead-lettered at once, with the reason), retries failures with exponential
 * backoff and jitter, and dead-letters a job after its last attempt, in `<queue>.dlq`. It first
 * checks that Redis will not evict queue data, and refuses to start otherwise.
 *
 * @throws {AppError} `QUEUE_EVICTION_POLICY` when Redis's `maxmemory-policy` is not `noeviction`.
 * @example
 * const worker = await createWorker([orderPlaced, orderCancelled], async (job) => {
 *   switch (job.name) {
 *     case 'order-placed': return confirmOrder(job.payload.orderId, job.id);
 *     case 'order-cancelled': return updateReadModel(job.payload, job.id);
 *   }
 * }, { connection, concurrency: 10 });
 * // on SIGTERM
 * await worker.close({ timeoutMs: 20_000 });
 */
export async function createWorker<const D extends JobDefinition>(
  definitions: D | readonly D[],
  handler: JobHandler<D>,
  options: WorkerOptions,
): Promise<QueueWorker> {
  const byName = indexDefinitions(Array.isArray(definitions) ? definitions : [definitions as D]);
  const queue = [...byName.values()][0]?.queue ?? '';
  const logger = options.logger ?? defaultQueueLogger(`queue-worker:${queue}`);
  const prefix = options.prefix ?? DEFAULT_PREFIX;
  const keepCompleted = options.keepCompleted ?? DEFAULTS.keepCompleted;
  const keepFailed = options.keepFailed ?? DEFAULTS.keepFailed;

  if (options.checkEviction !== false) await assertNoEviction(options.connection);

  const deadLetters = new Queue(deadLetterQueueName(queue), {
    connection: options.connection,
    prefix,
  });
  deadLetters.on('error', (error) =>
    logger.error({ err: error, queue }, 'dead-letter queue error'),
  );
  const pendingWrites = new Set<Promise<void>>();
  let releasing = false;

  const deadLetter = (job: Job, reason: string, attemptsMade: number): Promise<void> =>
    writeDeadLetter(deadLetters, toDeadLetter(job, queue, reason, attemptsMade));

  // Declares three parameters on purpose: BullMQ passes the abort signal only to such processors.
  const processor = async (job: Job, token?: string, signal?: AbortSignal): Promise<void> => {
    const attemptsMade = job.attemptsMade + 1;
    const refuse = async (reason: string): Promise<never> => {
      // Written before the job fails, so a crash in between cannot lose the dead letter.
      await deadLetter(job, reason, attemptsMade);
      throw new UnrecoverableError(reason);
    };
    const definition = byName.get(job.name);
    if (definition === undefined) return refuse(`no handler for job "${job.name}" on ${queue}`);
    const envelope = fromEnvelope(job.data);
    if (envelope === undefined)
      return refuse('job data is not a { payload, traceparent } envelope');
    const fields = definition.validate(envelope.payload);
    if (fields.length > 0) return refuse(`invalid payload: ${describeFieldErrors(fields)}`);

    try {
      await handler({
        name: job.name,
        payload: envelope.payload,
        id: job.id ?? '',
        attempt: attemptsMade,
        traceparent: envelope.traceparent,
        signal: signal ?? new AbortController().signal,
      } as ReceivedJob<D>);
    } catch (error) {
      if (releasing && token !== undefined) {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      const failure = error instanceof Error ? error : new Error(String(error));
      if (failure instanceof UnrecoverableError || attemptsMade >= (job.opts.attempts ?? 1)) {
        await deadLetter(job, reasonOf(failure), attemptsMade);
      }
      throw failure;
    }
  };

  const worker = new Worker(queue, processor, {
    connection: options.connection,
    prefix,
    autorun: false,
    concurrency: options.concurrency ?? DEFAULTS.concurrency,
    lockDuration: options.lockDurationMs ?? DEFAULTS.lockDurationMs,
    stalledInterval: options.stalledIntervalMs ?? DEFAULTS.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount ?? DEFAULTS.maxStalledCount,
    removeOnComplete: { age: keepCompleted.ageSeconds, count: keepCompleted.count },
    removeOnFail: { age: keepFailed.ageSeconds, count: keepFailed.count },
    settings: {
      backoffStrategy: (retry: number, _type?: string, _error?: Error, job?: MinimalJob) =>
        backoffDelay(byName.get(job?.name ?? '')?.backoff ?? DEFAULT_BACKOFF, retry),
    },
  });

  worker.on('error', (error) => logger.error({ err: error, queue }, 'queue worker error'));
  worker.on('failed', (job, error) => {
    if (job === undefined) return;
    const context = { queue, jobId: job.id, job: job.name, attemptsMade: job.attemptsMade };
    if (!isFinalFailure(job, error)) {
      logger.warn({ ...context, reason: error.message }, 'job failed, will retry');
      return;
    }
    // A safety net for deaths that never reach the processor (a job stalled too often); for
    // the others the processor wrote the letter already and this write is a no-op.
    const write = deadLetter(job, reasonOf(error), job.attemptsMade).then(
      () => logger.warn({ ...context, reason: error.message }, 'job dead-lettered'),
      (writeError: unknown) =>
        logger.error({ ...context, err: writeError }, 'could not write dead letter'),
    );
    pendingWrites.add(write);
    void write.finally(() => pendingWrites.delete(write));
  });

  worker
    .run()
    .catch((error: unknown) => logger.error({ err: error, queue }, 'queue worker stopped'));
  await worker.waitUntilReady();

  return {
    queue,
    async close(closeOptions = {}) {
      const closing = worker.close();
      const { timeoutMs } = closeOptions;
      const timer =
        timeoutMs === undefined
          ? undefined
          : setTimeout(() => {
              releasing = true;
              worker.cancelAllJobs('the worker is shutting down');
            }, timeoutMs);
      try {
        await closing;
      } finally {
        clearTimeout(timer);
      }
      await Promise.allSettled(pendingWrites);
      await deadLetters.close();
    },
  };
}

function toDeadLetter(job: Job, queue: string, reason: string, attemptsMade: number): DeadLetter {
  const envelope = fromEnvelope(job.data);
  return {
    id: job.id ?? '',
    queue,
    name: job.name,
    // Data that is no envelope is kept whole: it is the evidence of what went wrong.
    payload: envelope === undefined ? job.data : envelope.payload,
    ...(envelope?.traceparent === undefined ? {} : { traceparent: envelope.traceparent }),
    reason,
    attemptsMade,
    attempts: job.opts.attempts ?? 1,
    deadAt: new Date().toISOString(),
  };
}

/** After a failure BullMQ has recorded: true when the job will not be retried. */
function isFinalFailure(job: Job, error: Error): boolean {
  return (
    error instanceof UnrecoverableError ||
    error.name === 'UnrecoverableError' ||
    job.attemptsMade >= (job.opts.attempts ?? 1)
  );
}

function indexDefinitions<D extends JobDefinition>(definitions: readonly D[]): Map<string, D> {
  const [first] = definitions;
  if (first === undefined) throw new TypeError('createWorker: give at least one job definition');
  const byName = new Map<string, D>();
  for (const definition of definitions) {
    if (definition.queue !== first.queue) {
      throw new TypeError(
        `createWorker: one worker serves one queue; ${definition.name} is on ${definition.queue}, ` +
          `${first.name} on ${first.queue}`,
      );
    }
    if (byName.has(definition.name)) {
      throw new TypeError(`createWorker: job ${definition.name} is defined twice`);
    }
    byName.set(definition.name, definition);
  }
  return byName;
}

/** One line for the dead letter: the stable code of an AppError, else the error's class. */
function reasonOf(error: Error): string {
  const label = isAppError(error) ? error.code : error.name;
  return `${label}: ${error.message}`;
}
